"""Socket.IO handlers: connect/disconnect, join, leave, catchup; rooms add their own
events through ``on`` (chat: ``rooms/chat/sockets.py``).

Every event re-reads the login session (so a revoked session stops at once), checks
the payload, and asks the permission policy before acting.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from http.cookies import CookieError, SimpleCookie
from typing import Any

from sqlalchemy import delete, select

from twinspace.accounts.auth import get_session_user
from twinspace.accounts.models import AuthSession, User
from twinspace.db import UnitOfWork
from twinspace.errors import DomainError, Invalid, RateLimited, Unauthorized
from twinspace.events import CATCHUP_LIMIT, get_events_after, get_last_seq
from twinspace.i18n import N_, gettext_for, negotiate
from twinspace.permissions import is_chat_moderator
from twinspace.realtime.limits import TokenBuckets
from twinspace.realtime.models import LiveSocket
from twinspace.rooms.chat import sockets as chat_sockets
from twinspace.rooms.chat.actions import get_chat_room
from twinspace.rooms.chat.models import ChatRoom
from twinspace.rooms.chat.visibility import visible_chat_events
from twinspace.rooms.meeting import sockets as meeting_sockets
from twinspace.rooms.names import chat_room_name, parse_room
from twinspace.rooms.pages import service as page_service
from twinspace.rooms.pages.models import Page
from twinspace.rooms.pages.widgets import visible_page_events
from twinspace.rooms.resolve import access_target
from twinspace.runtime import Runtime
from twinspace.spaces.queries import facts
from twinspace.tools.registry import all_tools
from twinspace.web.cookies import LANG_COOKIE, SESSION_COOKIE

log = logging.getLogger(__name__)
Handler = Callable[[str, dict[str, Any], User | None, dict[str, Any]], Awaitable[dict[str, Any]]]


def _cookies(environ: dict[str, Any]) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    with contextlib.suppress(CookieError):
        jar.load(environ.get("HTTP_COOKIE", ""))
    return jar


def register_handlers(rt: Runtime) -> None:
    sio, db = rt.sio, rt.db
    buckets = TokenBuckets(rt.settings.socket_events_per_second, rt.settings.socket_event_burst)

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        jar = _cookies(environ)
        lang = jar[LANG_COOKIE].value if LANG_COOKIE in jar else None
        state: dict[str, Any] = {
            "session_id": None,
            "user_id": None,
            "locale": negotiate(None, lang, environ.get("HTTP_ACCEPT_LANGUAGE")),
        }
        if SESSION_COOKIE in jar:
            async with db.read() as session:
                found = await get_session_user(session, jar[SESSION_COOKIE].value)
            if found is not None:
                auth_session, user = found
                state.update(session_id=auth_session.id, user_id=user.id)
                async with db.unit_of_work() as uow:
                    uow.session.add(LiveSocket(sid=sid, session_id=auth_session.id))
                await sio.enter_room(sid, f"user:{user.id}")
        await sio.save_session(sid, state)

    @sio.event
    async def disconnect(sid: str, reason: Any = None) -> None:
        buckets.forget(sid)
        async with db.unit_of_work() as uow:
            await uow.session.execute(delete(LiveSocket).where(LiveSocket.sid == sid))
        await chat_sockets.on_left(rt, sid)
        await meeting_sockets.on_socket_gone(rt, sid)
        for tool_ in all_tools():
            gone = getattr(tool_, "socket_disconnected", None)
            if gone is not None:
                try:
                    await gone(rt, sid)
                except Exception:
                    log.exception("%s: socket_disconnected failed", tool_.kind)

    async def current_user(sid: str, state: dict[str, Any]) -> User | None:
        if state.get("session_id") is None:
            return None
        async with db.read() as session:
            row = (
                await session.execute(
                    select(AuthSession, User)
                    .join(User, User.id == AuthSession.user_id)
                    .where(AuthSession.id == state["session_id"])
                )
            ).first()
        if row is None or not row[1].is_active:
            await sio.disconnect(sid)
            raise Unauthorized(N_("Your session has ended. Log in again."))
        return row[1]

    def on(name: str, limit: TokenBuckets | None = None) -> Callable[[Handler], Handler]:
        budget = limit or buckets

        def register(fn: Handler) -> Handler:
            async def wrapped(sid: str, data: Any = None) -> dict[str, Any]:
                state = await sio.get_session(sid)
                try:
                    if not budget.allow(str(state.get("user_id") or sid)):  # per member
                        raise RateLimited(N_("Slow down: too many messages."))
                    if not isinstance(data, dict):
                        raise Invalid(N_("The payload must be an object."))
                    return await fn(sid, state, await current_user(sid, state), data)
                except DomainError as err:
                    ack = err.ack()
                    ack["message"] = gettext_for(state.get("locale", "en"))(err.message)
                    return ack
                except Exception:
                    log.exception("socket event %s failed", name)
                    return {
                        "ok": False,
                        "error": "internal",
                        "message": gettext_for(state.get("locale", "en"))(
                            N_("Something went wrong.")
                        ),
                    }

            sio.on(name, wrapped)
            return fn

        return register

    @on("join")
    async def join(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        async with db.read() as session:
            target, viewer = await access_target(session, user, ref)
        await sio.enter_room(sid, ref.name)  # enter first: anything committed later is delivered
        async with db.read() as session:
            last_id = await get_last_seq(session, ref.name)
        await chat_sockets.on_joined(rt, sid, target, user, viewer)
        return {"ok": True, "room": ref.name, "last_id": last_id, "role": viewer.role.value}

    @on("leave")
    async def leave(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        await sio.leave_room(sid, ref.name)
        if ref.kind == "chat":
            async with db.read() as session:
                room = await get_chat_room(session, ref.space_id, ref.key or "")
            if room is not None:
                await chat_sockets.on_left(rt, sid, [room.id])
        return {"ok": True, "room": ref.name}

    @on("catchup")
    async def catchup(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        after = data.get("after", 0)
        if isinstance(after, bool) or not isinstance(after, int) or after < 0:
            raise Invalid(N_("'after' must be a whole number, 0 or more."))
        async with db.read() as session:
            target, viewer = await access_target(session, user, ref)
            events = await get_events_after(session, ref.name, after, CATCHUP_LIMIT + 1)
            more = len(events) > CATCHUP_LIMIT
            events = events[:CATCHUP_LIMIT]
            if target.chat is not None:
                moderator = is_chat_moderator(viewer, facts(target.space))
                events = await visible_chat_events(session, events, moderator=moderator)
            elif target.page is not None:
                events = await visible_page_events(
                    UnitOfWork(session), user, target.space, target.page, events, rt.settings
                )
        return {"ok": True, "room": ref.name, "events": events, "more": more}

    chat_sockets.register_chat_sockets(rt, on)
    meeting_sockets.register_meeting_sockets(rt, on)

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


async def disconnect_sessions(rt: Runtime, session_ids: list[str]) -> None:
    """Disconnect every live socket of these (already ended) sessions, on every process."""
    if not session_ids:
        return
    async with rt.db.unit_of_work() as uow:
        sids = list(
            await uow.session.scalars(
                select(LiveSocket.sid).where(LiveSocket.session_id.in_(session_ids))
            )
        )
        await uow.session.execute(delete(LiveSocket).where(LiveSocket.session_id.in_(session_ids)))
    for sid in sids:
        await rt.sio.disconnect(sid)


async def evict_user_from_space(rt: Runtime, user_id: int, space_id: int) -> None:
    """Take every live socket of a user out of every room of a TwinSpace, on every process
    (after the user was removed from it): they receive nothing more from it."""
    async with rt.db.read() as session:
        sids = list(
            await session.scalars(
                select(LiveSocket.sid)
                .join(AuthSession, AuthSession.id == LiveSocket.session_id)
                .where(AuthSession.user_id == user_id)
            )
        )
        chat_rooms = list(
            await session.scalars(select(ChatRoom).where(ChatRoom.space_id == space_id))
        )
        page_ids = list(await session.scalars(select(Page.id).where(Page.space_id == space_id)))
    kinds = ("home", "members", "activities", "teachers", "pupils", "moderation")
    names = [f"space:{space_id}:{kind}" for kind in kinds]
    names += [chat_room_name(space_id, room.name) for room in chat_rooms]
    names += [f"space:{space_id}:page:{page_id}" for page_id in page_ids]
    for sid in sids:
        for name in names:
            await rt.sio.leave_room(sid, name)
        await chat_sockets.on_left(rt, sid, [room.id for room in chat_rooms])
        await meeting_sockets.recheck_socket(rt, sid, space_id)
