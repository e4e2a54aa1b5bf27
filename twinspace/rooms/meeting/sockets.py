"""Meeting events over the page's Socket.IO connection (``meeting:*``). Every event reloads
the meeting and asks the policy (``permissions.access_meeting_*``) before acting; signalling
(offer, answer, ICE candidate) goes to ONE socket, and only between two sockets in the same
meeting. Media never passes through the server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import DomainError, Forbidden, Invalid, NotFound, Unauthorized
from twinspace.i18n import N_
from twinspace.permissions import (
    access_meeting_join,
    access_meeting_run,
    access_meeting_signal,
    may_invite_to_meeting,
    may_moderate_participant,
)
from twinspace.realtime.dispatch import SocketFeature, register_feature
from twinspace.realtime.limits import TokenBuckets
from twinspace.rooms.meeting import actions, context
from twinspace.rooms.meeting.context import MeetingContext, load_meeting
from twinspace.rooms.meeting.servers import ice_servers_for
from twinspace.runtime import Runtime
from twinspace.spaces.names import RoomRef

SIGNAL_KINDS = ("offer", "answer", "ice")
SDP_MAX = 30_000  # characters of one session description
CANDIDATE_MAX = 1_000
# A newcomer sends an offer and a handful of ICE candidates to each of up to 5 others at once.
SIGNAL_PER_SECOND, SIGNAL_BURST = 30.0, 120


def _space_id(data: dict[str, Any]) -> int:
    space_id = data.get("space_id")
    if isinstance(space_id, bool) or not isinstance(space_id, int) or space_id < 1:
        raise Invalid(N_("'space_id' must be a number."))
    return space_id


def _logged_in(user: User | None) -> User:
    if user is None:
        raise NotFound(N_("No such room."))
    return user


async def status_of(rt: Runtime, ctx: MeetingContext) -> dict[str, Any]:
    """What a meeting room's page shows: is one on, is it locked, who is in it."""
    participants: list[dict[str, Any]] = []
    if ctx.meeting is not None:
        async with rt.db.read() as session:
            participants = await actions.get_participants(session, ctx.meeting.id)
    return {
        "room": ctx.room,
        "active": ctx.meeting is not None,
        "locked": bool(ctx.meeting and ctx.meeting.locked),
        "participants": participants,
    }


async def broadcast(rt: Runtime, user: User | None, space_id: int, key: str) -> None:
    """Tell the meeting and the pages watching it what it looks like now."""
    async with rt.db.read() as session:
        ctx = await load_meeting(session, user, space_id, key, check=False)
    status = await status_of(rt, ctx)
    await rt.sio.emit("meeting:status", status, to=ctx.room)
    await rt.sio.emit("meeting:status", status, to=ctx.lobby)


async def take_out(rt: Runtime, room: str, sids: list[str], reason: str) -> None:
    """These sockets are no longer in the meeting: they stop receiving it and close their
    peer connections (``meeting:closed``); the others drop them on the next status."""
    for sid in sids:
        await rt.sio.leave_room(sid, room)
        await rt.sio.emit("meeting:closed", {"room": room, "reason": reason}, to=sid)


async def on_socket_gone(rt: Runtime, sid: str) -> None:
    """A socket disconnected: out of its meetings, and pupils out when no teacher is left."""
    async with rt.db.unit_of_work() as uow:
        left = await actions.do_leave(uow.session, sid)
        alone = {m.id: await actions.unsupervised_pupils(uow.session, m.id) for m in left}
    for meeting in left:
        room = context.meeting_room_name(meeting.space_id, meeting.key)
        await rt.sio.leave_room(sid, room)
        await take_out(rt, room, alone[meeting.id], "unsupervised")
        await broadcast(rt, None, meeting.space_id, meeting.key)


def register_meeting_sockets(rt: Runtime, on: Callable[..., Callable]) -> None:
    db, settings = rt.db, rt.settings

    async def load(user: User | None, data: dict[str, Any], sid: str | None = None):
        async with db.read() as session:
            return await load_meeting(
                session,
                user,
                _space_id(data),
                context.parse_meeting_key(data.get("key")),
                sid=sid,
                external=bool(settings.meeting_url),
            )

    @on("meeting:watch")
    async def watch(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
        """A meeting room's page follows whether a meeting is on (without joining it)."""
        ctx = await load(_logged_in(user), data)
        await rt.sio.enter_room(sid, ctx.lobby)
        return {"ok": True, **await status_of(rt, ctx)}

    @on("meeting:start")
    async def start(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
        user = _logged_in(user)
        async with db.unit_of_work() as uow:
            ctx = await load_meeting(uow.session, user, _space_id(data), data.get("key"))
            access_meeting_run(ctx.viewer, ctx.space_facts, ctx.facts)
            await actions.do_start(uow, ctx, user)
        await broadcast(rt, user, ctx.space.id, ctx.key)
        return {"ok": True, "room": ctx.room}

    @on("meeting:end")
    async def end(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
        user = _logged_in(user)
        async with db.unit_of_work() as uow:
            ctx = await load_meeting(uow.session, user, _space_id(data), data.get("key"))
            access_meeting_run(ctx.viewer, ctx.space_facts, ctx.facts)
            sids = await actions.do_end(uow, ctx, user)
        await take_out(rt, ctx.room, sids, "ended")
        await broadcast(rt, user, ctx.space.id, ctx.key)
        return {"ok": True}

    @on("meeting:lock")
    async def lock(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
        user = _logged_in(user)
        locked = data.get("locked")
        if not isinstance(locked, bool):
            raise Invalid(N_("'locked' must be true or false."))
        async with db.unit_of_work() as uow:
            ctx = await load_meeting(uow.session, user, _space_id(data), data.get("key"))
            access_meeting_run(ctx.viewer, ctx.space_facts, ctx.facts)
            await actions.do_lock(uow, ctx, user, locked)
        await broadcast(rt, user, ctx.space.id, ctx.key)
        return {"ok": True, "locked": locked}

    @on("meeting:join")
    async def join(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
        user = _logged_in(user)
        async with db.unit_of_work() as uow:
            ctx = await load_meeting(uow.session, user, _space_id(data), data.get("key"), sid=sid)
            access_meeting_join(ctx.viewer, ctx.space_facts, ctx.facts)
            if settings.meeting_url:
                raise Invalid(N_("This installation holds its meetings on its own server."))
            if data.get("dry_run") is True:  # may I? (before asking for the camera)
                return {"ok": True, "dry_run": True}
        await on_socket_gone(rt, sid)  # one meeting at a time per socket
        async with db.unit_of_work() as uow:
            ctx = await load_meeting(uow.session, user, ctx.space.id, ctx.key, sid=sid)
            access_meeting_join(ctx.viewer, ctx.space_facts, ctx.facts)
            await actions.do_join(uow, ctx, sid, user)
        await rt.sio.enter_room(sid, ctx.room)
        await broadcast(rt, user, ctx.space.id, ctx.key)
        async with db.read() as session:
            assert ctx.meeting is not None
            others = [
                p
                for p in await actions.get_participants(session, ctx.meeting.id)
                if p["sid"] != sid
            ]
        return {
            "ok": True,
            "room": ctx.room,
            "sid": sid,
            "participants": others,  # the newcomer sends an offer to each of them
            "ice_servers": ice_servers_for(settings.ice_servers, user.id),
        }

    @on("meeting:leave")
    async def leave(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
        await on_socket_gone(rt, sid)
        return {"ok": True}

    @on("meeting:state")
    async def set_state(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
        user = _logged_in(user)
        async with db.unit_of_work() as uow:
            ctx = await load_meeting(uow.session, user, _space_id(data), data.get("key"))
            if ctx.meeting is None:
                raise NotFound(N_("You are not in this meeting."))
            await actions.do_set_state(uow.session, ctx.meeting, sid, data)
        await broadcast(rt, user, ctx.space.id, ctx.key)
        return {"ok": True}

    @on("meeting:signal", TokenBuckets(SIGNAL_PER_SECOND, SIGNAL_BURST))
    async def signal(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
        """{space_id, key, to: <socket id>, kind: offer|answer|ice, description | candidate}"""
        if user is None:
            raise Unauthorized(N_("Log in first."))
        kind, target = data.get("kind"), data.get("to")
        if kind not in SIGNAL_KINDS:
            raise Invalid(N_("'kind' must be offer, answer or ice."))
        payload = _signal_payload(kind, data)
        ctx = await load(user, data)
        in_meeting = ctx.meeting is not None
        async with db.read() as session:
            sender_in = in_meeting and await actions.is_participant(session, ctx.meeting.id, sid)
            target_in = (
                sender_in
                and target != sid
                and await actions.is_participant(session, ctx.meeting.id, target)
            )
        access_meeting_signal(sender_in=sender_in, target_in=target_in)
        await rt.sio.emit(
            "meeting:signal", {"room": ctx.room, "from": sid, "kind": kind, **payload}, to=target
        )
        return {"ok": True}

    def moderation(act: str):
        async def handle(sid: str, state: dict, user: User | None, data: dict) -> dict[str, Any]:
            """A teacher mutes a pupil, removes a participant, or invites a visitor."""
            user = _logged_in(user)
            target_id = data.get("user_id")
            if isinstance(target_id, bool) or not isinstance(target_id, int):
                raise Invalid(N_("'user_id' must be a number."))
            sids: list[str] = []
            async with db.unit_of_work() as uow:
                ctx = await load_meeting(uow.session, user, _space_id(data), data.get("key"))
                access_meeting_run(ctx.viewer, ctx.space_facts, ctx.facts)
                if act == "invite":
                    if not may_invite_to_meeting(ctx.viewer, ctx.space_facts):
                        raise Forbidden(N_("Only a teacher administrator can invite visitors."))
                    await actions.do_invite(uow, ctx, user, target_id)
                else:
                    role = await actions.participant_role(uow.session, ctx, target_id)
                    if not may_moderate_participant(ctx.viewer, ctx.space_facts, role, act):
                        raise Forbidden(N_("You may not do this to this participant."))
                    if act == "mute":
                        sids = await actions.do_mute(uow, ctx, user, target_id)
                    else:
                        sids = await actions.do_remove(uow, ctx, user, target_id)
            if act == "mute":
                for target_sid in sids:
                    await rt.sio.emit("meeting:muted", {"room": ctx.room}, to=target_sid)
            elif act == "remove":
                await take_out(rt, ctx.room, sids, "removed")
            elif act == "invite":
                await rt.sio.emit(
                    "meeting:invited",
                    {"room": ctx.room, "path": context.meeting_path(ctx.space.id, ctx.key)},
                    to=f"user:{target_id}",
                )
            await broadcast(rt, user, ctx.space.id, ctx.key)
            return {"ok": True}

        return handle

    for act in ("mute", "remove", "invite"):
        on(f"meeting:{act}")(moderation(act))


def _signal_payload(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    if kind in ("offer", "answer"):
        description = data.get("description")
        if (
            not isinstance(description, dict)
            or description.get("type") != kind
            or not isinstance(description.get("sdp"), str)
            or len(description["sdp"]) > SDP_MAX
        ):
            raise Invalid(N_("A session description of the right type is required."))
        return {"description": {"type": kind, "sdp": description["sdp"]}}
    candidate = data.get("candidate")
    if candidate is None:  # the end of the candidates
        return {"candidate": None}
    if not isinstance(candidate, dict) or len(str(candidate.get("candidate", ""))) > CANDIDATE_MAX:
        raise Invalid(N_("An ICE candidate is required."))
    return {
        "candidate": {
            k: candidate[k]
            for k in ("candidate", "sdpMid", "sdpMLineIndex", "usernameFragment")
            if k in candidate
        }
    }


async def recheck_socket(rt: Runtime, sid: str, space_id: int) -> None:
    """The socket left rooms of a TwinSpace (its member was removed from it, or their role
    changed): out of the meetings there it may no longer see."""
    async with rt.db.read() as session:
        keys = await actions.meetings_of_socket(session, sid, space_id)
        refused = []
        for key, user_id in keys:
            try:
                await load_meeting(session, await session.get(User, user_id), space_id, key)
            except DomainError:
                refused.append(key)
    for key in refused:
        async with rt.db.unit_of_work() as uow:
            ctx = await load_meeting(uow.session, None, space_id, key, check=False)
            if ctx.meeting is None:
                continue
            alone = await actions.do_take_out(uow.session, ctx.meeting.id, sid)
        await take_out(rt, ctx.room, [sid], "removed")
        await take_out(rt, ctx.room, alone, "unsupervised")
        await broadcast(rt, None, space_id, key)


async def forget_sockets(rt: Runtime, uow: UnitOfWork, sid_pattern: str):
    """A server node died: its sockets' rows go in the sweeping transaction; once committed,
    the meetings they were in are told who is really there."""
    meetings = await actions.do_forget_sockets(uow.session, sid_pattern)
    if not meetings:
        return None

    async def tell() -> None:
        for space_id, key in meetings:
            await broadcast(rt, None, space_id, key)

    return tell


async def sockets_back(rt: Runtime, sid: str, user: User | None, rooms: list[str]) -> None:
    """This node was swept while paused: the sweep took the socket out of its meetings and the
    others dropped it. Its page is told the meeting closed for it (it may join again), unless
    it joined again already."""
    for name in rooms:
        head, sep, key = name.partition(":meeting:")
        space = head.removeprefix("space:")
        if not sep or not key or head == space or not space.isdigit():
            continue
        async with rt.db.read() as session:
            keys = {k for k, _ in await actions.meetings_of_socket(session, sid, int(space))}
        if key not in keys:
            await take_out(rt, name, [sid], "lost")


async def _left(rt: Runtime, sid: str, refs: list[RoomRef] | None) -> None:
    """Disconnect (``None``): out of every meeting. Rooms of a TwinSpace left (the member was
    removed from it): out of its meetings the member may no longer see."""
    if refs is None:
        await on_socket_gone(rt, sid)
        return
    for space_id in {ref.space_id for ref in refs}:
        await recheck_socket(rt, sid, space_id)


def register() -> None:
    register_feature(
        SocketFeature(
            name="meeting",
            socket_events=register_meeting_sockets,
            left=_left,
            sockets_gone=forget_sockets,
            sockets_back=sockets_back,
        )
    )
