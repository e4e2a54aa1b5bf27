"""What the people features share: loading a TwinSpace for a member, role labels, names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.errors import Invalid, NotFound
from twinspace.i18n import N_
from twinspace.permissions import Action, Role, access_members_only, permissions_for
from twinspace.spaces.context import SpaceAccess
from twinspace.spaces.models import Membership
from twinspace.spaces.queries import facts, get_space, get_viewer

ROLE_LABELS = {
    Role.TEACHER_ADMIN.value: N_("Teacher administrator"),
    Role.TEACHER.value: N_("Teacher"),
    Role.PUPIL_ADMIN.value: N_("Pupil administrator"),
    Role.PUPIL.value: N_("Pupil"),
    Role.VISITOR.value: N_("Visitor"),
}


async def member_access(
    session: AsyncSession, user: User | None, space_id: int, action: Action = Action.READ
) -> SpaceAccess:
    """The TwinSpace, for one of its members allowed to do ``action`` on Home; outsiders
    (and the public, even on a published Home) are told it does not exist."""
    space = await get_space(session, space_id)
    if space is None:
        raise NotFound(N_("No such TwinSpace."))
    viewer = await get_viewer(session, user, space.id)
    space_facts = facts(space)
    access_members_only(viewer, space_facts, action)
    perms = permissions_for(viewer.role, space_facts, home_public=space.home_public)
    return SpaceAccess(space, viewer, space_facts, perms)


async def get_member(session: AsyncSession, space_id: int, user_id: int) -> tuple[User, str]:
    """A member of this TwinSpace and their role; anyone else does not exist here."""
    row = (
        await session.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.space_id == space_id, Membership.user_id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound(N_("No such member."))
    return row[0], row[1]


async def member_ids(session: AsyncSession, space_id: int) -> set[int]:
    return set(
        await session.scalars(select(Membership.user_id).where(Membership.space_id == space_id))
    )


def text_field(value: object, max_len: int, message: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(message)
    value = value.strip()
    if (required and not value) or len(value) > max_len:
        raise Invalid(message)
    return value
