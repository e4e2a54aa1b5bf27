"""What features plug into the socket server. ``realtime/`` owns this registry and names no
room and no tool: the chat room, the pages and the tools register here (from
``twinspace/wiring.py``), and ``handlers.py`` only looks things up.

A feature is registered under a name (registering the same name again replaces it, so
creating several apps in one process is harmless). Every part is optional:

- ``socket_events(rt, on)``: register its socket events with ``on(name, limit)(handler)``;
  each handler gets ``(sid, state, user, data)`` after the login session, the rate budget
  and the payload shape were checked;
- ``joined(rt, sid, target, user, viewer)`` after a socket entered a room it may read;
- ``left(rt, sid, refs)`` when a socket left rooms (``refs`` is ``None`` on disconnect: all);
- ``catchup(rt, session, user, target, viewer, events)`` drops replayed events this viewer
  may no longer see;
- ``space_rooms(session, space_id)`` names the rooms of a TwinSpace beyond the fixed ones
  (chat rooms, pages), so a member removed from it is taken out of all of them;
- ``sockets_gone(rt, uow, sid_pattern)`` removes a dead server node's rows of the feature in
  the sweeping transaction and returns what to do once it committed (tell the rooms);
- ``sockets_back(rt, sid, user, rooms)`` when this node was swept as dead while only paused:
  the socket is still connected and still in ``rooms`` (already re-checked against the
  policy); the feature puts back the rows ``sockets_gone`` removed (and tells the rooms).

One resolver turns a room name into its target and checks the viewer may act there
(``set_room_access``); the rooms feature provides it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.permissions import Action, Viewer
from twinspace.runtime import Runtime
from twinspace.spaces.names import RoomRef

Handler = Callable[[str, dict[str, Any], User | None, dict[str, Any]], Awaitable[dict[str, Any]]]
On = Callable[..., Callable[[Handler], Handler]]
RoomAccess = Callable[[AsyncSession, User | None, RoomRef, Action], Awaitable[tuple[Any, Viewer]]]
AfterCommit = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class SocketFeature:
    name: str
    socket_events: Callable[[Runtime, On], None] | None = None
    joined: Callable[[Runtime, str, Any, User | None, Viewer], Awaitable[None]] | None = None
    left: Callable[[Runtime, str, list[RoomRef] | None], Awaitable[None]] | None = None
    catchup: (
        Callable[
            [Runtime, AsyncSession, User | None, Any, Viewer, list[dict[str, Any]]],
            Awaitable[list[dict[str, Any]]],
        ]
        | None
    ) = None
    space_rooms: Callable[[AsyncSession, int], Awaitable[list[str]]] | None = None
    sockets_gone: Callable[[Runtime, UnitOfWork, str], Awaitable[AfterCommit | None]] | None = None
    sockets_back: Callable[[Runtime, str, User | None, list[str]], Awaitable[None]] | None = None


_FEATURES: dict[str, SocketFeature] = {}
_room_access: list[RoomAccess] = []


def register_feature(feature: SocketFeature) -> SocketFeature:
    _FEATURES[feature.name] = feature
    return feature


def unregister_feature(name: str) -> None:
    _FEATURES.pop(name, None)


def features() -> list[SocketFeature]:
    return list(_FEATURES.values())


def set_room_access(resolver: RoomAccess) -> None:
    _room_access[:] = [resolver]


async def access_room_name(
    session: AsyncSession, user: User | None, ref: RoomRef, action: Action = Action.READ
) -> tuple[Any, Viewer]:
    """Resolve a room name and check the viewer may do ``action`` there (READ: join, catch
    up). Without a registered resolver nothing can be joined."""
    if not _room_access:
        raise RuntimeError("no room resolver is registered (twinspace.wiring.wire())")
    return await _room_access[0](session, user, ref, action)
