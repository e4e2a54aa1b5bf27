"""Socket.IO handlers: connect/disconnect, join, leave, catchup. Features (chat, pages, tools)
add their own events and hooks through the registry in ``realtime/dispatch.py``; this module
names no room and no tool.

Every event re-reads the login session (so a revoked session stops at once), checks
the payload, and asks the permission policy before acting.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from http.cookies import CookieError, SimpleCookie
from typing import Any

from socketio.exceptions import ConnectionRefusedError as Refused
from sqlalchemy import bindparam, delete, select

from twinspace.accounts.auth import live_session_user, session_id_of
from twinspace.accounts.cookies import LANG_COOKIE, SESSION_COOKIE
from twinspace.accounts.models import AuthSession, User
from twinspace.errors import DomainError, Invalid, NotFound, RateLimited, Unauthorized
from twinspace.events import CATCHUP_LIMIT, get_events_after, get_last_seq
from twinspace.i18n import N_, gettext_for, negotiate
from twinspace.payloads import check_payload
from twinspace.realtime.dispatch import Handler, access_room_name, features
from twinspace.realtime.limits import TokenBuckets
from twinspace.realtime.models import LiveSocket
from twinspace.realtime.protocol import declared_payload
from twinspace.realtime.server import MALFORMED
from twinspace.runtime import Runtime
from twinspace.schema import check_against
from twinspace.spaces.anonymity import public_events
from twinspace.spaces.names import parse_room

log = logging.getLogger(__name__)


def _cookies(environ: dict[str, Any]) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    with contextlib.suppress(CookieError):
        jar.load(environ.get("HTTP_COOKIE", ""))
    return jar


WRONG_PAYLOAD = N_("The payload does not match the protocol's description.")


def _after(data: dict[str, Any], *, required: bool) -> int | None:
    """The ``after`` of a join or a catchup: the last event id the caller applied."""
    after = data.get("after", 0 if required else None)
    if after is None and not required:
        return None
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise Invalid(N_("'after' must be a whole number, 0 or more."))
    return after


_SESSION_EXISTS = select(AuthSession.id).where(AuthSession.id == bindparam("session_id"))


def register_handlers(rt: Runtime) -> None:
    sio, db = rt.sio, rt.db
    buckets = TokenBuckets(rt.settings.socket_events_per_second, rt.settings.socket_event_burst)

    @sio.event
    async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        try:
            await _connect(sid, environ)
        except Exception:
            # an answer, never silence: the client would otherwise wait for its timeout
            log.exception("a socket could not connect")
            raise Refused({"error": "internal"}) from None

    async def _connect(sid: str, environ: dict[str, Any]) -> None:
        jar = _cookies(environ)
        lang = jar[LANG_COOKIE].value if LANG_COOKIE in jar else None
        state: dict[str, Any] = {
            "session_id": None,
            "user_id": None,
            "locale": negotiate(None, lang, environ.get("HTTP_ACCEPT_LANGUAGE")),
        }
        session_id = session_id_of(jar[SESSION_COOKIE].value) if SESSION_COOKIE in jar else None
        if session_id is not None:
            user = await live_session_user(db, session_id)
            if user is not None and await _register(sid, session_id):
                state.update(session_id=session_id, user_id=user.id)
                await sio.enter_room(sid, f"user:{user.id}")
        await sio.save_session(sid, state)

    async def _register(sid: str, session_id: str) -> bool:
        """Write the socket's row, then check its session once more: a logout that ended the
        session between our first read and this commit looked for the session's sockets
        before our row existed, so it is this check that must see the session gone."""
        async with db.unit_of_work() as uow:
            uow.session.add(LiveSocket(sid=sid, session_id=session_id))
        alive = bool(await db.statement_rows(_SESSION_EXISTS, {"session_id": session_id}))
        if not alive:  # ended meanwhile: this socket goes on as an anonymous one
            async with db.unit_of_work() as uow:
                await uow.session.execute(delete(LiveSocket).where(LiveSocket.sid == sid))
        return alive

    @sio.event
    async def disconnect(sid: str, reason: Any = None) -> None:
        buckets.forget(sid)
        async with db.unit_of_work() as uow:
            await uow.session.execute(delete(LiveSocket).where(LiveSocket.sid == sid))
        for feature in features():
            if feature.left is not None:
                try:
                    await feature.left(rt, sid, None)
                except Exception:
                    log.exception("%s: forgetting a disconnected socket failed", feature.name)

    async def current_user(sid: str, state: dict[str, Any]) -> User | None:
        if state.get("session_id") is None:
            return None
        user = await live_session_user(db, state["session_id"])
        if user is None:
            await sio.disconnect(sid)
            raise Unauthorized(N_("Your session has ended. Log in again."))
        return user

    def on(name: str, limit: TokenBuckets | None = None) -> Callable[[Handler], Handler]:
        budget = limit or buckets
        declared = declared_payload(name)  # the protocol's model of this event's payload

        def register(fn: Handler) -> Handler:
            async def wrapped(sid: str, data: Any = None) -> dict[str, Any]:
                state = await sio.get_session(sid)
                try:
                    if not budget.allow(str(state.get("user_id") or sid)):  # per member
                        raise RateLimited(N_("Slow down: too many messages."))
                    if not isinstance(data, dict):
                        raise Invalid(N_("The payload must be an object."))
                    check_payload(data)  # no 30-digit id, NUL or lone surrogate goes further
                    if declared is not None:  # and each declared field has its declared type
                        check_against(declared, data, WRONG_PAYLOAD)
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

    async def unknown_event(event: str, sid: str, *_: Any) -> dict[str, Any]:
        """Any event no handler knows (or a packet that was not JSON) gets an answer."""
        state = await sio.get_session(sid)
        if not buckets.allow(str(state.get("user_id") or sid)):
            error: DomainError = RateLimited(N_("Slow down: too many messages."))
        elif event == MALFORMED:
            error = Invalid(N_("The payload must be JSON, nested at most 32 levels deep."))
        else:
            error = NotFound(N_("There is no such event."))
        ack = error.ack()
        ack["message"] = gettext_for(state.get("locale", "en"))(error.message)
        return ack

    sio.on("*", unknown_event)

    @on("join")
    async def join(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        after = _after(data, required=False)
        async with db.brief_read() as session:
            target, viewer = await access_room_name(session, user, ref)
        await sio.enter_room(sid, ref.name)  # enter first: anything committed later is delivered
        async with db.brief_read() as session:
            last_id = await get_last_seq(session, ref.name)
            missed = (
                await _events_after(session, state, user, target, viewer, ref.name, after)
                if after is not None and after < last_id
                else None
            )
        for feature in features():
            if feature.joined is not None:
                await feature.joined(rt, sid, target, user, viewer)
        ack = {"ok": True, "room": ref.name, "last_id": last_id, "role": viewer.role.value}
        if after is not None:  # what the caller missed, as a catchup would answer it
            events, more = missed or ([], False)
            ack.update(events=events, more=more)
        return ack

    @on("leave")
    async def leave(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        await sio.leave_room(sid, ref.name)
        for feature in features():
            if feature.left is not None:
                await feature.left(rt, sid, [ref])
        return {"ok": True, "room": ref.name}

    @on("catchup")
    async def catchup(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        after = _after(data, required=True) or 0
        async with db.brief_read() as session:
            target, viewer = await access_room_name(session, user, ref)
            events, more = await _events_after(
                session, state, user, target, viewer, ref.name, after
            )
        return {"ok": True, "room": ref.name, "events": events, "more": more}

    async def _events_after(
        session: Any,
        state: dict[str, Any],
        user: User | None,
        target: Any,
        viewer: Any,
        room: str,
        after: int,
    ) -> tuple[list[dict[str, Any]], bool]:
        """The events of a room after an id, oldest first, at most CATCHUP_LIMIT, as this
        viewer may see them; and whether there are more."""
        events = await get_events_after(session, room, after, CATCHUP_LIMIT + 1)
        more = len(events) > CATCHUP_LIMIT
        events = events[:CATCHUP_LIMIT]
        for feature in features():
            if feature.catchup is not None:
                events = await feature.catchup(rt, session, user, target, viewer, events)
        if not viewer.is_member:  # a public room: pupils appear as "A pupil of …"
            events = await public_events(
                session, target.space.id, events, gettext_for(state.get("locale", "en"))
            )
        return events, more

    for feature in features():  # chat:*, the generic ``tool`` command, tools' own events
        if feature.socket_events is not None:
            feature.socket_events(rt, on)


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
        kinds = ("home", "members", "activities", "teachers", "pupils", "moderation")
        names = [f"space:{space_id}:{kind}" for kind in kinds]
        for feature in features():  # chat rooms, pages
            if feature.space_rooms is not None:
                names += await feature.space_rooms(session, space_id)
    refs = [parse_room(name) for name in names]
    for sid in sids:
        for name in names:
            await rt.sio.leave_room(sid, name)
        for feature in features():
            if feature.left is not None:
                await feature.left(rt, sid, refs)
