"""Meetings as plain functions: start, end, lock, join, leave, mute, remove, invite, and who
is in one. Teachers' acts go to the moderation log in the same transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Delete, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Invalid, NotFound
from twinspace.i18n import N_
from twinspace.permissions import Role
from twinspace.rooms.chat.models import ModerationLog
from twinspace.rooms.meeting.context import TEACHER_ROLE_VALUES, MeetingContext
from twinspace.rooms.meeting.models import Meeting, MeetingGuest, MeetingParticipant
from twinspace.spaces.models import Membership


def _log(uow: UnitOfWork, ctx: MeetingContext, actor: User, action: str, **fields: Any) -> None:
    uow.session.add(
        ModerationLog(
            space_id=ctx.space.id, actor_id=actor.id, action=action, detail=ctx.key, **fields
        )
    )


async def do_start(uow: UnitOfWork, ctx: MeetingContext, actor: User) -> Meeting:
    """Start the room's meeting (starting one that is on changes nothing)."""
    if ctx.meeting is not None:
        return ctx.meeting
    meeting = Meeting(space_id=ctx.space.id, key=ctx.key, started_by=actor.id, locked=False)
    uow.session.add(meeting)
    await uow.session.flush()
    _log(uow, ctx, actor, "meeting_started")
    return meeting


def _require(ctx: MeetingContext) -> Meeting:
    if ctx.meeting is None:
        raise Invalid(N_("No meeting is on here. A teacher starts it."))
    return ctx.meeting


async def do_end(uow: UnitOfWork, ctx: MeetingContext, actor: User) -> list[str]:
    """End the meeting for everyone; returns the sockets that were in it."""
    meeting = _require(ctx)
    meeting.ended_at = utcnow()
    sids = list(
        await uow.session.scalars(
            select(MeetingParticipant.sid).where(MeetingParticipant.meeting_id == meeting.id)
        )
    )
    await uow.session.execute(
        delete(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting.id)
    )
    _log(uow, ctx, actor, "meeting_ended")
    return sids


async def do_lock(uow: UnitOfWork, ctx: MeetingContext, actor: User, locked: bool) -> None:
    meeting = _require(ctx)
    if meeting.locked != locked:
        meeting.locked = locked
        _log(uow, ctx, actor, "meeting_locked" if locked else "meeting_unlocked")


async def do_join(uow: UnitOfWork, ctx: MeetingContext, sid: str, user: User) -> None:
    meeting = _require(ctx)
    await uow.session.execute(delete(MeetingParticipant).where(MeetingParticipant.sid == sid))
    uow.session.add(
        MeetingParticipant(
            meeting_id=meeting.id, sid=sid, user_id=user.id, role=ctx.viewer.role.value
        )
    )


async def do_leave(session: AsyncSession, sid: str) -> list[Meeting]:
    """Take a socket out of every meeting it is in; returns those meetings."""
    ids = list(
        await session.scalars(
            select(MeetingParticipant.meeting_id).where(MeetingParticipant.sid == sid)
        )
    )
    if not ids:
        return []
    await session.execute(delete(MeetingParticipant).where(MeetingParticipant.sid == sid))
    return list(await session.scalars(select(Meeting).where(Meeting.id.in_(ids))))


async def unsupervised_pupils(session: AsyncSession, meeting_id: int) -> list[str]:
    """With no teacher left in the meeting, its pupils' sockets leave it too (the chat's
    supervision rule): returns them, already removed."""
    teachers = await session.scalar(
        select(func.count()).where(
            MeetingParticipant.meeting_id == meeting_id,
            MeetingParticipant.role.in_(TEACHER_ROLE_VALUES),
        )
    )
    if teachers:
        return []
    pupil_roles = [Role.PUPIL.value, Role.PUPIL_ADMIN.value]
    sids = list(
        await session.scalars(
            select(MeetingParticipant.sid).where(
                MeetingParticipant.meeting_id == meeting_id,
                MeetingParticipant.role.in_(pupil_roles),
            )
        )
    )
    if sids:
        await session.execute(
            delete(MeetingParticipant).where(
                MeetingParticipant.meeting_id == meeting_id, MeetingParticipant.sid.in_(sids)
            )
        )
    return sids


async def participant_role(session: AsyncSession, ctx: MeetingContext, user_id: int) -> str:
    """The role of a person in the meeting now (NotFound when they are not in it)."""
    meeting = _require(ctx)
    role = await session.scalar(
        select(MeetingParticipant.role)
        .where(MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.user_id == user_id)
        .limit(1)
    )
    if role is None:
        raise NotFound(N_("This person is not in the meeting."))
    return role


async def do_mute(uow: UnitOfWork, ctx: MeetingContext, actor: User, user_id: int) -> list[str]:
    """A teacher mutes a pupil's microphone (the pupil may unmute later); returns the
    pupil's sockets in the meeting, which are told to turn their microphone off."""
    meeting = _require(ctx)
    where = (MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.user_id == user_id)
    sids = list(await uow.session.scalars(select(MeetingParticipant.sid).where(*where)))
    await uow.session.execute(update(MeetingParticipant).where(*where).values(muted=True))
    _log(uow, ctx, actor, "meeting_muted", target_user_id=user_id)
    return sids


async def do_remove(uow: UnitOfWork, ctx: MeetingContext, actor: User, user_id: int) -> list[str]:
    """Remove a person from this meeting (they may not come back to it); returns their
    sockets, already out of it."""
    meeting = _require(ctx)
    sids = list(
        await uow.session.scalars(
            select(MeetingParticipant.sid).where(
                MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.user_id == user_id
            )
        )
    )
    await uow.session.execute(
        delete(MeetingParticipant).where(
            MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.user_id == user_id
        )
    )
    uow.session.add(
        MeetingGuest(meeting_id=meeting.id, user_id=user_id, status="removed", by_user_id=actor.id)
    )
    _log(uow, ctx, actor, "meeting_removed", target_user_id=user_id)
    return sids


async def do_invite(uow: UnitOfWork, ctx: MeetingContext, actor: User, user_id: object) -> None:
    """A teacher administrator invites a visitor of the TwinSpace into the meeting on now."""
    meeting = _require(ctx)
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise Invalid(N_("'user_id' must be a number."))
    role = await uow.session.scalar(
        select(Membership.role).where(
            Membership.space_id == ctx.space.id, Membership.user_id == user_id
        )
    )
    if role != Role.VISITOR.value:
        raise Invalid(N_("Only a visitor of this TwinSpace can be invited."))
    uow.session.add(
        MeetingGuest(meeting_id=meeting.id, user_id=user_id, status="invited", by_user_id=actor.id)
    )
    _log(uow, ctx, actor, "meeting_invited", target_user_id=user_id)


STATE_FIELDS = ("muted", "camera_off", "sharing", "hand_raised")


async def do_set_state(session: AsyncSession, meeting: Meeting, sid: str, data: dict) -> None:
    """Microphone, camera, screen sharing, raised hand: what the others' tiles show."""
    values = {name: data[name] for name in STATE_FIELDS if name in data}
    if not values or not all(isinstance(v, bool) for v in values.values()):
        raise Invalid(
            N_("Say what changed: muted, camera_off, sharing or hand_raised (true/false).")
        )
    found = await session.execute(
        update(MeetingParticipant)
        .where(MeetingParticipant.meeting_id == meeting.id, MeetingParticipant.sid == sid)
        .values(**values)
    )
    if not found.rowcount:  # type: ignore[attr-defined]
        raise NotFound(N_("You are not in this meeting."))


async def is_participant(session: AsyncSession, meeting_id: int, sid: object) -> bool:
    if not isinstance(sid, str) or not sid:
        return False
    found = await session.scalar(
        select(MeetingParticipant.id).where(
            MeetingParticipant.meeting_id == meeting_id, MeetingParticipant.sid == sid
        )
    )
    return found is not None


async def get_participants(session: AsyncSession, meeting_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(MeetingParticipant, User.display_name)
        .join(User, User.id == MeetingParticipant.user_id)
        .where(MeetingParticipant.meeting_id == meeting_id)
        .order_by(MeetingParticipant.joined_at, MeetingParticipant.id)
    )
    return [
        {
            "sid": p.sid,
            "user_id": p.user_id,
            "name": name,
            "role": p.role,
            **{field: getattr(p, field) for field in STATE_FIELDS},
        }
        for p, name in rows
    ]


async def get_visitors(session: AsyncSession, space_id: int) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(User.id, User.display_name)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.space_id == space_id, Membership.role == Role.VISITOR.value)
        .order_by(User.display_name)
    )
    return [(user_id, name) for user_id, name in rows]


def stale_meeting_sockets(other_processes: bool) -> Delete:
    """At start-up: the browsers of an earlier run are gone (with Redis, other processes'
    may be alive: only rows older than 12 hours go; the node sweep removes the rest)."""
    query = delete(MeetingParticipant)
    if other_processes:
        query = query.where(MeetingParticipant.joined_at < utcnow() - timedelta(hours=12))
    return query


async def meetings_of_socket(
    session: AsyncSession, sid: str, space_id: int
) -> list[tuple[str, int]]:
    """The meetings of a TwinSpace a socket is in: (key, user id) pairs."""
    rows = await session.execute(
        select(Meeting.key, MeetingParticipant.user_id)
        .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)
        .where(Meeting.space_id == space_id, MeetingParticipant.sid == sid)
    )
    return [(key, user_id) for key, user_id in rows]


async def do_take_out(session: AsyncSession, meeting_id: int, sid: str) -> list[str]:
    """One socket out of a meeting; returns the pupils' sockets that leave with it when no
    teacher is left."""
    await session.execute(
        delete(MeetingParticipant).where(
            MeetingParticipant.meeting_id == meeting_id, MeetingParticipant.sid == sid
        )
    )
    return await unsupervised_pupils(session, meeting_id)


async def do_forget_sockets(session: AsyncSession, sid_pattern: str) -> list[tuple[int, str]]:
    """Rows of the sockets of a dead server node (``<node>.%``); returns their meetings."""
    meetings = list(
        await session.execute(
            select(Meeting.space_id, Meeting.key)
            .join(MeetingParticipant, MeetingParticipant.meeting_id == Meeting.id)
            .where(MeetingParticipant.sid.like(sid_pattern))
            .distinct()
        )
    )
    await session.execute(
        delete(MeetingParticipant).where(MeetingParticipant.sid.like(sid_pattern))
    )
    return [(space_id, key) for space_id, key in meetings]
