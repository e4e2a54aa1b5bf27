"""The registered tools. Built-in and third-party tools alike register through the
``twinspace.tools`` entry-point group (each entry point names a Tool instance; the built-ins'
are in this project's pyproject.toml), so this module imports no tool."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from twinspace.i18n import add_catalogue_dir
from twinspace.pages.base import Tool

log = logging.getLogger(__name__)
ENTRY_POINT_GROUP = "twinspace.tools"
_TOOLS: dict[str, Tool] = {}
_loaded_entry_points = False


class ToolAlreadyRegistered(ValueError):
    pass


def register(tool: Tool) -> Tool:
    if not isinstance(tool, Tool):
        raise TypeError(f"{tool!r} does not implement the Tool protocol")
    if tool.kind in _TOOLS and _TOOLS[tool.kind] is not tool:
        raise ToolAlreadyRegistered(f"a tool of kind {tool.kind!r} is already registered")
    _TOOLS[tool.kind] = tool
    locales = getattr(tool, "locales", None)  # a plugin's own catalogues (fr, en)
    if locales is not None:
        add_catalogue_dir(locales)
    return tool


def unregister(kind: str) -> None:
    _TOOLS.pop(kind, None)


def load_entry_points() -> None:
    global _loaded_entry_points
    if _loaded_entry_points:
        return
    _loaded_entry_points = True
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            register(entry.load())
        except Exception:
            log.exception("could not load tool %s", entry.name)


def get_tool(kind: str) -> Tool | None:
    return _TOOLS.get(kind)


def all_tools() -> list[Tool]:
    return sorted(_TOOLS.values(), key=lambda t: t.kind)


def load_builtin_tools() -> None:
    """Load every tool of the ``twinspace.tools`` entry points, built-in ones included (the
    name is kept from when built-ins were imported here)."""
    load_entry_points()
    if not _TOOLS:
        log.error(
            "no tool is registered: is TwinSpace installed (pip install -e .) so that its "
            "%s entry points exist?",
            ENTRY_POINT_GROUP,
        )
