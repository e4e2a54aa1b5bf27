"""Roles: a teacher administrator changes a member's role or removes them; the last
administrator stays. Open sockets follow at once: handlers look the role up on every event,
and rooms the member may no longer read are left on every process."""

from __future__ import annotations

from sqlalchemy import func, select

from twinspace.accounts.models import AuthSession, User, UserKind
from twinspace.db import UnitOfWork
from twinspace.errors import Conflict, DomainError, Invalid, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.permissions import PUPIL_ROLES, Role
from twinspace.realtime.dispatch import access_room_name, features
from twinspace.realtime.models import LiveSocket
from twinspace.runtime import Runtime
from twinspace.spaces.models import Membership
from twinspace.spaces.names import members_room, parse_room

MEMBER_ROLES = (Role.TEACHER_ADMIN, Role.TEACHER, Role.PUPIL_ADMIN, Role.PUPIL, Role.VISITOR)


def roles_for(kind: str) -> tuple[Role, ...]:
    """Pupils are pupils; teachers and platform members are teachers or visitors."""
    if kind == UserKind.PUPIL.value:
        return (Role.PUPIL_ADMIN, Role.PUPIL)
    return (Role.TEACHER_ADMIN, Role.TEACHER, Role.VISITOR)


async def _admins(uow: UnitOfWork, space_id: int) -> int:
    count = await uow.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.space_id == space_id, Membership.role == Role.TEACHER_ADMIN.value)
    )
    return int(count or 0)


async def check_change_role(
    uow: UnitOfWork, space_id: int, user_id: int, role: object, actor_id: int
) -> Membership:
    try:
        new_role = Role(role) if isinstance(role, str) else None
    except ValueError:
        new_role = None
    if new_role not in MEMBER_ROLES:
        raise Invalid(N_("Choose a role from the list."), field="role")
    row = (
        await uow.session.execute(
            select(Membership, User.kind)
            .join(User, User.id == Membership.user_id)
            .where(Membership.space_id == space_id, Membership.user_id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound(N_("No such member."))
    membership, kind = row
    if new_role not in roles_for(kind):
        if new_role in PUPIL_ROLES:
            raise Invalid(N_("Only pupil accounts can have a pupil role."), field="role")
        raise Invalid(N_("A pupil can only be a pupil member or a pupil administrator."))
    if membership.role == new_role.value:
        return membership
    if membership.role == Role.TEACHER_ADMIN.value and await _admins(uow, space_id) <= 1:
        raise Conflict(N_("The last administrator cannot be demoted: make someone else one first."))
    membership.role = new_role.value
    await record_event(
        uow,
        members_room(space_id),
        "member.role_changed",
        {"user_id": user_id, "role": new_role.value},
        actor_id=actor_id,
    )
    return membership


async def recheck_user_rooms(rt: Runtime, user_id: int, space_id: int) -> None:
    """After a role change, take the member's sockets out of every room of this TwinSpace
    they may no longer read (on every process): nothing more reaches them from there."""
    async with rt.db.read() as session:
        user = await session.get(User, user_id)
        sids = list(
            await session.scalars(
                select(LiveSocket.sid)
                .join(AuthSession, AuthSession.id == LiveSocket.session_id)
                .where(AuthSession.user_id == user_id)
            )
        )
        if user is None or not sids:
            return
        names = [f"space:{space_id}:{kind}" for kind in ("teachers", "pupils", "moderation")]
        for feature in features():  # chat rooms, pages
            if feature.space_rooms is not None:
                names += await feature.space_rooms(session, space_id)
        refused = []
        for name in names:
            try:
                await access_room_name(session, user, parse_room(name))
            except DomainError:
                refused.append(name)
    for sid in sids:
        for name in refused:
            await rt.sio.leave_room(sid, name)
