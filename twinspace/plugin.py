"""The public plugin API: everything a tool outside this repository may use, in one import.

    from twinspace.plugin import BaseTool, ToolCommand, WidgetContext, Action, N_, Invalid

A tool built on this module alone keeps working when TwinSpace's insides move: the names here
are the stable surface (docs/tools.md walks through ``examples/twinspace-poll``). Built-in
tools may import the same modules directly; rooms and features never import a tool.
"""

from __future__ import annotations

from twinspace.db import Base, UnitOfWork, UTCDateTime, utcnow
from twinspace.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.pages.base import (
    BaseTool,
    SocketEvent,
    Tool,
    ToolCommand,
    WidgetContext,
    payload_id,
)
from twinspace.pages.host import load_widget, make_context, page_facts, page_room
from twinspace.pages.models import Page, Widget
from twinspace.permissions import Action, Role, access_page
from twinspace.personal_data import Component, TableData
from twinspace.richtext import as_markup, sanitize

__all__ = [
    "Component",
    "TableData",
    "Action",
    "Base",
    "BaseTool",
    "Conflict",
    "DomainError",
    "Forbidden",
    "Invalid",
    "N_",
    "NotFound",
    "Page",
    "Role",
    "SocketEvent",
    "Tool",
    "ToolCommand",
    "UTCDateTime",
    "UnitOfWork",
    "Widget",
    "WidgetContext",
    "access_page",
    "as_markup",
    "load_widget",
    "make_context",
    "page_facts",
    "page_room",
    "payload_id",
    "sanitize",
    "utcnow",
]
