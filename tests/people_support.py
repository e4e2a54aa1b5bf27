"""Helpers for the people tests: counting rows to prove refusals change nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import RunningServer
from twinspace.accounts.models import User
from twinspace.events import Event
from twinspace.people.models import (
    CalendarEvent,
    Invitation,
    MailMessage,
    MailRecipient,
    MemberProfile,
    WallPost,
)
from twinspace.spaces.models import Membership

TABLES = (
    User,
    Membership,
    Invitation,
    MemberProfile,
    WallPost,
    MailMessage,
    MailRecipient,
    CalendarEvent,
    Event,
)


async def snapshot(server: RunningServer) -> dict[str, object]:
    """Row counts of every table the people features write, and every membership's role."""
    async with server.runtime.db.read() as session:
        counts: dict[str, object] = {
            t.__tablename__: await session.scalar(select(func.count()).select_from(t))
            for t in TABLES
        }
        counts["roles"] = sorted(
            tuple(r) for r in await session.execute(select(Membership.user_id, Membership.role))
        )
        counts["hashes"] = sorted(await session.scalars(select(User.password_hash)))
    return counts


async def user_id(server: RunningServer, username: str) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(User.id).where(User.username == username)))
