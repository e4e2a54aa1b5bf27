"""Putting back the rows of a node that the others swept as dead while it was only paused.

Its sockets never noticed: they are still connected here and still in their Socket.IO rooms.
But the sweep removed their ``live_sockets`` rows (so logout, removal from a TwinSpace, role
changes and account disabling, which find sockets through those rows, no longer reached them)
and the features' rows (chat presence, meeting participants). So, in this order:

1. a ``live_sockets`` row again for every logged-in socket still connected here;
2. then the login sessions are read again: a socket whose session ended or whose account was
   disabled meanwhile is cut. (Rows first, check second: a logout committed before the rows
   is seen by the check; one committed after them finds the rows and cuts the socket itself.)
3. every room a socket is in is checked again against the policy (it may have been removed
   from the TwinSpace, or its role changed, while it was invisible): out of those it may no
   longer read;
4. each feature puts back its own rows for the rooms kept (``sockets_back``: chat presence,
   told to the rooms; a meeting the sweep took the socket out of is closed on its page).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select

from twinspace.accounts.models import AuthSession, User
from twinspace.db import utcnow
from twinspace.errors import DomainError
from twinspace.realtime.dispatch import access_room_name, features
from twinspace.realtime.models import LiveSocket
from twinspace.runtime import Runtime
from twinspace.spaces.names import parse_room

log = logging.getLogger(__name__)
NAMESPACE = "/"
CHUNK = 500  # ids per IN (...): well under SQLite's and asyncpg's parameter limits


def _chunks(items: list[Any]) -> list[list[Any]]:
    return [items[i : i + CHUNK] for i in range(0, len(items), CHUNK)]


def local_sockets(rt: Runtime) -> dict[str, list[str]]:
    """The sockets connected to this process, each with the rooms it is in."""
    manager = rt.sio.manager
    rooms: dict[str, list[str]] = {
        sid: []
        for sid, _ in manager.get_participants(NAMESPACE, None)
        if manager.is_connected(sid, NAMESPACE)
    }
    for name, members in list(manager.rooms.get(NAMESPACE, {}).items()):
        if name is None:
            continue
        for sid in list(members):
            if sid in rooms and name != sid:
                rooms[sid].append(name)
    return rooms


async def _live_users(rt: Runtime, session_ids: set[str]) -> dict[str, User]:
    """The login sessions among these that still hold, with their (active) user."""
    found: dict[str, User] = {}
    async with rt.db.read() as session:
        for chunk in _chunks(sorted(session_ids)):
            rows = await session.execute(
                select(AuthSession, User)
                .join(User, User.id == AuthSession.user_id)
                .where(AuthSession.id.in_(chunk))
            )
            for auth, user in rows:
                if auth.expires_at > utcnow() and user.is_active:
                    found[auth.id] = user
    return found


async def _forget(rt: Runtime, sid: str) -> None:
    """A socket that went away while being re-registered: what its disconnect did, again."""
    async with rt.db.unit_of_work() as uow:
        await uow.session.execute(delete(LiveSocket).where(LiveSocket.sid == sid))
    for feature in features():
        if feature.left is not None:
            await feature.left(rt, sid, None)


async def _recheck_rooms(rt: Runtime, sid: str, user: User | None, names: list[str]) -> list[str]:
    """Out of the rooms this socket may no longer read; returns the rooms it stays in."""
    kept, refused = [], []
    async with rt.db.read() as session:
        for name in names:
            try:
                ref = parse_room(name)
            except DomainError:  # not a room of the policy (a user's own, a meeting's)
                kept.append(name)
                continue
            try:
                await access_room_name(session, user, ref)
                kept.append(name)
            except DomainError:
                refused.append(ref)
    for ref in refused:
        await rt.sio.leave_room(sid, ref.name)
    if refused:
        for feature in features():
            if feature.left is not None:
                await feature.left(rt, sid, refused)
    return kept


async def revive_sockets(rt: Runtime) -> None:
    """Put back the rows of this node's sockets after the others swept it (see above)."""
    sio = rt.sio
    rooms = local_sockets(rt)
    states: dict[str, dict[str, Any]] = {}
    for sid in rooms:
        try:
            states[sid] = await sio.get_session(sid)
        except KeyError:  # gone meanwhile
            continue
    logged_in = {sid: s["session_id"] for sid, s in states.items() if s.get("session_id")}
    async with rt.db.unit_of_work() as uow:  # 1. the rows first
        for chunk in _chunks(sorted(logged_in)):
            have = set(
                await uow.session.scalars(select(LiveSocket.sid).where(LiveSocket.sid.in_(chunk)))
            )
            for sid in chunk:
                if sid not in have:
                    uow.session.add(LiveSocket(sid=sid, session_id=logged_in[sid]))
    users = await _live_users(rt, set(logged_in.values()))  # 2. then the sessions
    cut = [sid for sid, session_id in logged_in.items() if session_id not in users]
    for sid in cut:
        await sio.disconnect(sid)  # its disconnect handler removes its rows
    kept = 0
    for sid, state in states.items():
        if sid in cut or not sio.manager.is_connected(sid, NAMESPACE):
            continue
        user = users.get(state.get("session_id") or "")
        try:
            names = await _recheck_rooms(rt, sid, user, rooms[sid])  # 3. the rooms
            for feature in features():  # 4. the features' rows
                if feature.sockets_back is not None:
                    await feature.sockets_back(rt, sid, user, names)
        except Exception:
            log.exception("re-registering socket %s failed: disconnecting it", sid)
            await sio.disconnect(sid)
            continue
        kept += 1
    for sid in logged_in:  # disconnected while this ran: its handler may have run first
        if sid not in cut and not sio.manager.is_connected(sid, NAMESPACE):
            await _forget(rt, sid)
    log.warning("re-registered %d sockets, cut %d whose session ended", kept, len(cut))
