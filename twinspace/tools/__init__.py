"""Pluggable tools (applications) placed on pages. See docs/tools.md."""
