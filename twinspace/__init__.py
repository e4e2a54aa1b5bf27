"""TwinSpace: a self-hostable real-time server for eTwinning school projects."""

from twinspace import ids

__version__ = "0.1.0"

ids.register()  # before any module compiles its routes
