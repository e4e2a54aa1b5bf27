"""Who is in a chat room now, and whether that is enough supervision for pupils to post."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import Database, utcnow
from twinspace.permissions import TEACHER_ROLES, Role
from twinspace.rooms.chat.models import ChatPresence, ChatRoom
from twinspace.spaces.models import Membership

_FORGET = delete(ChatPresence).where(
    ChatPresence.sid == bindparam("sid"), ChatPresence.room_id == bindparam("room_id")
)
_ENTER = insert(ChatPresence).values(
    sid=bindparam("sid"),
    room_id=bindparam("room_id"),
    user_id=bindparam("user_id"),
    role=bindparam("role"),
    school_id=bindparam("school_id"),
    joined_at=bindparam("joined_at"),
)


async def do_enter(session: AsyncSession, sid: str, room: ChatRoom, user: User, role: Role) -> None:
    """This socket's presence row in the room (one per socket and room), as two statements
    built once: a join storm runs this a thousand times."""
    await session.execute(_FORGET, {"sid": sid, "room_id": room.id})
    await session.execute(
        _ENTER,
        {
            "sid": sid,
            "room_id": room.id,
            "user_id": user.id,
            "role": role.value,
            "school_id": user.school_id,
            "joined_at": utcnow(),
        },
    )


async def do_leave(
    session: AsyncSession, sid: str, room_id: int | None = None
) -> list[tuple[int, int]]:
    """Remove a socket's presence (in one room, or everywhere); returns the
    (room id, user id) pairs it left."""
    query = select(ChatPresence.room_id, ChatPresence.user_id).where(ChatPresence.sid == sid)
    if room_id is not None:
        query = query.where(ChatPresence.room_id == room_id)
    left = sorted({(room, user) for room, user in await session.execute(query)})
    if left:
        rooms = sorted({room for room, _ in left})
        await session.execute(
            delete(ChatPresence).where(ChatPresence.sid == sid, ChatPresence.room_id.in_(rooms))
        )
    return left


_PRESENT = (
    select(User.id, User.display_name, ChatPresence.role)
    .join(User, User.id == ChatPresence.user_id)
    .where(ChatPresence.room_id == bindparam("room_id"))
    .order_by(User.display_name)
)


def _one_per_user(rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for user_id, name, role in rows:
        seen.setdefault(user_id, {"id": user_id, "name": name, "role": role})
    return list(seen.values())


async def get_present(session: AsyncSession, room_id: int) -> list[dict[str, Any]]:
    return _one_per_user(await session.execute(_PRESENT, {"room_id": room_id}))


async def read_present(db: Database, room_id: int) -> list[dict[str, Any]]:
    """``get_present`` as of the last commit, in one statement outside any transaction
    (on the loop's thread for a SQLite file): the room's whole list must not hold the
    process's single writer while it is read."""
    return _one_per_user(await db.statement_rows(_PRESENT, {"room_id": room_id}))


async def get_present_among(
    session: AsyncSession, room_id: int, user_ids: set[int]
) -> dict[int, dict[str, Any]]:
    """Which of these users have a socket in the room now (one entry per user)."""
    rows = await session.execute(
        select(User.id, User.display_name, ChatPresence.role)
        .join(User, User.id == ChatPresence.user_id)
        .where(ChatPresence.room_id == room_id, ChatPresence.user_id.in_(user_ids))
    )
    found: dict[int, dict[str, Any]] = {}
    for user_id, name, role in rows:
        found.setdefault(user_id, {"id": user_id, "name": name, "role": role})
    return found


_TEACHER_ROLES = [r.value for r in TEACHER_ROLES]
_TEACHERS_PRESENT = select(ChatPresence.school_id).where(
    ChatPresence.room_id == bindparam("room_id"), ChatPresence.role.in_(_TEACHER_ROLES)
)
_PARTNER_SCHOOLS = (
    select(User.school_id)
    .join(Membership, Membership.user_id == User.id)
    .where(Membership.space_id == bindparam("space_id"), Membership.role.in_(_TEACHER_ROLES))
)


async def is_supervised(session: AsyncSession, room: ChatRoom) -> bool:
    if room.supervision == "none":
        return True
    present_schools = set(await session.scalars(_TEACHERS_PRESENT, {"room_id": room.id}))
    if not present_schools:
        return False
    if room.supervision == "one_teacher":
        return True
    partner_schools = set(await session.scalars(_PARTNER_SCHOOLS, {"space_id": room.space_id}))
    return (partner_schools - {None}) <= present_schools
