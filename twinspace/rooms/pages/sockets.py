"""The pages' part of the socket server, registered into ``realtime/dispatch.py``: the generic
``tool`` command, each tool's own socket events (the wiki's CRDT updates and cursors), the
catch-up filter of a page room, and telling tools a socket went away. It asks the tools
registry; it names no tool."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import Invalid
from twinspace.i18n import N_
from twinspace.pages.host import page_room
from twinspace.pages.models import Page
from twinspace.pages.registry import all_tools
from twinspace.pages.widgets import visible_page_events
from twinspace.permissions import Viewer
from twinspace.realtime.dispatch import On, SocketFeature, register_feature
from twinspace.realtime.limits import TokenBuckets
from twinspace.rooms.pages import service as page_service
from twinspace.runtime import Runtime
from twinspace.spaces.names import RoomRef

log = logging.getLogger(__name__)


def _socket_events(rt: Runtime, on: On) -> None:
    @on("tool")
    async def tool(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        """A tool command: {"space_id", "widget_id", "command", ...the command's fields}."""
        space_id, widget_id, command = (
            data.get("space_id"),
            data.get("widget_id"),
            data.get("command"),
        )
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (space_id, widget_id)):
            raise Invalid(N_("'space_id' and 'widget_id' must be numbers."))
        if not isinstance(command, str) or not command:
            raise Invalid(N_("A command is required."))
        return await page_service.tool_command(rt, user, space_id, widget_id, command, data)

    for tool_ in all_tools():  # events of a tool's own (the wiki's CRDT updates and cursors)
        own = getattr(tool_, "socket_events", None)
        for name, spec in (own() if own else {}).items():
            limit = TokenBuckets(spec.per_second, spec.burst) if spec.per_second else None

            async def run(
                sid: str,
                state: dict[str, Any],
                user: User | None,
                data: dict[str, Any],
                _run: Any = spec.run,
            ) -> dict[str, Any]:
                return await _run(rt, sid, user, data)

            on(name, limit)(run)


async def _left(rt: Runtime, sid: str, refs: list[RoomRef] | None) -> None:
    if refs is not None:
        return
    for tool_ in all_tools():  # the socket went away
        gone = getattr(tool_, "socket_disconnected", None)
        if gone is not None:
            try:
                await gone(rt, sid)
            except Exception:
                log.exception("%s: socket_disconnected failed", tool_.kind)


async def _catchup(
    rt: Runtime,
    session: AsyncSession,
    user: User | None,
    target: Any,
    viewer: Viewer,
    events: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    page = getattr(target, "page", None)
    if page is None:
        return events
    return await visible_page_events(
        UnitOfWork(session), user, target.space, page, events, rt.settings
    )


async def _space_rooms(session: AsyncSession, space_id: int) -> list[str]:
    ids = await session.scalars(select(Page.id).where(Page.space_id == space_id))
    return [page_room(space_id, page_id) for page_id in ids]


def register() -> None:
    register_feature(
        SocketFeature(
            name="pages",
            socket_events=_socket_events,
            left=_left,
            catchup=_catchup,
            space_rooms=_space_rooms,
        )
    )
