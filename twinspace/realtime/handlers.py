"""Socket.IO handlers: connect/disconnect, join, leave, catchup and chat:send.

Every event re-reads the login session (so a revoked session stops at once), checks
the payload, and asks ``permissions.access_room`` before acting.
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
from twinspace.errors import DomainError, Invalid, RateLimited, Unauthorized
from twinspace.events import CATCHUP_LIMIT, get_events_after, get_last_seq
from twinspace.i18n import N_, gettext_for, negotiate
from twinspace.permissions import Action, access_room
from twinspace.realtime.limits import TokenBuckets
from twinspace.realtime.models import LiveSocket
from twinspace.rooms.chat.actions import check_send_message
from twinspace.rooms.names import parse_room
from twinspace.rooms.resolve import resolve_room
from twinspace.runtime import Runtime
from twinspace.spaces.queries import facts, get_viewer
from twinspace.web.cookies import LANG_COOKIE, SESSION_COOKIE

log = logging.getLogger(__name__)
Handler = Callable[[str, dict[str, Any], User | None, dict[str, Any]], Awaitable[dict[str, Any]]]


def _cookies(environ: dict[str, Any]) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    with contextlib.suppress(CookieError):
        jar.load(environ.get("HTTP_COOKIE", ""))
    return jar


def register_handlers(rt: Runtime) -> None:
    sio, db, settings = rt.sio, rt.db, rt.settings
    buckets = TokenBuckets()

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

    def on(name: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            async def wrapped(sid: str, data: Any = None) -> dict[str, Any]:
                state = await sio.get_session(sid)
                try:
                    if not buckets.allow(sid):
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
                    return {"ok": False, "error": "internal", "message": "Something went wrong."}

            sio.on(name, wrapped)
            return fn

        return register

    @on("join")
    async def join(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        async with db.read() as session:
            target = await resolve_room(session, ref)
            viewer = await get_viewer(session, user, target.space.id)
            access_room(
                viewer, facts(target.space), target.room, Action.READ, published=target.published
            )
        await sio.enter_room(sid, ref.name)  # enter first: anything committed later is delivered
        async with db.read() as session:
            last_id = await get_last_seq(session, ref.name)
        return {"ok": True, "room": ref.name, "last_id": last_id, "role": viewer.role.value}

    @on("leave")
    async def leave(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        await sio.leave_room(sid, ref.name)
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
            target = await resolve_room(session, ref)
            viewer = await get_viewer(session, user, target.space.id)
            access_room(
                viewer, facts(target.space), target.room, Action.READ, published=target.published
            )
            events = await get_events_after(session, ref.name, after, CATCHUP_LIMIT + 1)
        return {
            "ok": True,
            "room": ref.name,
            "events": events[:CATCHUP_LIMIT],
            "more": len(events) > CATCHUP_LIMIT,
        }

    @on("chat:send")
    async def chat_send(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        if ref.kind != "chat":
            raise Invalid(N_("This is not a chat room."))
        async with db.unit_of_work() as uow:
            target = await resolve_room(uow.session, ref)
            viewer = await get_viewer(uow.session, user, target.space.id)
            access_room(viewer, facts(target.space), target.room, Action.POST)
            assert user is not None and target.chat is not None  # the public may never post
            event = await check_send_message(
                uow, target.chat, user, viewer.role, data.get("text"), settings.chat_text_max
            )
        return {"ok": True, "id": event.seq}


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
