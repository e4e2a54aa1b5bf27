"""The registered tools. Built-ins register at import; third-party packages through the
``twinspace.tools`` entry-point group (each entry point names a Tool instance)."""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

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
    """Import the built-in tool packages (each registers itself) and the entry points."""
    import twinspace.tools.blog.tool  # noqa: F401
    import twinspace.tools.files.tool  # noqa: F401
    import twinspace.tools.forum.tool  # noqa: F401
    import twinspace.tools.gallery.tool  # noqa: F401
    import twinspace.tools.webcontent.tool  # noqa: F401
    import twinspace.tools.wiki.tool  # noqa: F401

    load_entry_points()
