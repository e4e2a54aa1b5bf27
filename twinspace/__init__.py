"""TwinSpace: a self-hostable real-time server for eTwinning school projects."""

__version__ = "0.1.0"
