"""Reading TwinSpaces, their members and a viewer's role in them."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from twinspace.accounts.models import School, User
from twinspace.permissions import SpaceFacts, Viewer, role_from_membership
from twinspace.spaces.models import Membership, Space


def facts(space: Space) -> SpaceFacts:
    return SpaceFacts(
        space_id=space.id,
        is_open=space.status == "open",
        visitors_may_chat=space.visitors_may_chat,
    )


async def get_viewer(session: AsyncSession, user: User | None, space_id: int) -> Viewer:
    if user is None:
        return Viewer(None, role_from_membership(None))
    role = await session.scalar(
        select(Membership.role).where(
            Membership.space_id == space_id, Membership.user_id == user.id
        )
    )
    return Viewer(user.id, role_from_membership(role))


async def get_space(session: AsyncSession, space_id: int) -> Space | None:
    return await session.get(Space, space_id)


async def get_space_and_viewer(
    session: AsyncSession, user: User | None, space_id: int
) -> tuple[Space, Viewer] | None:
    """The TwinSpace and the viewer's role in it, in one statement (None: no such space)."""
    if user is None:
        space = await get_space(session, space_id)
        return (space, Viewer(None, role_from_membership(None))) if space else None
    row = (
        await session.execute(
            select(Space, Membership.role)
            .outerjoin(
                Membership, and_(Membership.space_id == Space.id, Membership.user_id == user.id)
            )
            .where(Space.id == space_id)
        )
    ).first()
    if row is None:
        return None
    return row[0], Viewer(user.id, role_from_membership(row[1]))


async def get_space_with_members(
    session: AsyncSession, user: User | None, space_id: int
) -> tuple[Space, Viewer, list[Membership]] | None:
    """The TwinSpace, the viewer's role and every membership with its user, school and the
    school's country (``get_members``' order), in one statement (None: no such space)."""
    rows = (
        await session.execute(
            select(Space, Membership)
            .outerjoin(Membership, Membership.space_id == Space.id)
            .where(Space.id == space_id)
            .options(joinedload(Membership.user).joinedload(User.school).joinedload(School.country))
            .order_by(Membership.role, Membership.id)
        )
    ).all()
    if not rows:
        return None
    members = [m for _, m in rows if m is not None]
    if user is None:
        return rows[0][0], Viewer(None, role_from_membership(None)), members
    role = next((m.role for m in members if m.user_id == user.id), None)
    return rows[0][0], Viewer(user.id, role_from_membership(role)), members


async def get_spaces_of(session: AsyncSession, user_id: int) -> list[tuple[Space, str]]:
    rows = await session.execute(
        select(Space, Membership.role)
        .join(Membership, Membership.space_id == Space.id)
        .where(Membership.user_id == user_id)
        .order_by(Space.title)
    )
    return [(space, role) for space, role in rows]


async def get_members(session: AsyncSession, space_id: int) -> list[Membership]:
    rows = await session.scalars(
        select(Membership)
        .where(Membership.space_id == space_id)
        .options(joinedload(Membership.user, innerjoin=True).joinedload(User.school))
        .order_by(Membership.role, Membership.id)
    )
    return list(rows)
