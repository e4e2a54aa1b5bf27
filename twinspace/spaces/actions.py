"""Changing who belongs to a TwinSpace."""

from __future__ import annotations

from sqlalchemy import func, select

from twinspace.db import UnitOfWork
from twinspace.errors import Conflict, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.permissions import Role
from twinspace.spaces.models import Membership
from twinspace.spaces.names import home_room


async def do_remove_member(uow: UnitOfWork, space_id: int, user_id: int, actor_id: int) -> None:
    membership = await uow.session.scalar(
        select(Membership).where(Membership.space_id == space_id, Membership.user_id == user_id)
    )
    if membership is None:
        raise NotFound(N_("No such member."))
    if membership.role == Role.TEACHER_ADMIN.value:
        admins = await uow.session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.space_id == space_id, Membership.role == Role.TEACHER_ADMIN.value)
        )
        if (admins or 0) <= 1:
            raise Conflict(N_("The last administrator cannot be removed."))
    await uow.session.delete(membership)
    await record_event(
        uow, home_room(space_id), "member.removed", {"user_id": user_id}, actor_id=actor_id
    )
