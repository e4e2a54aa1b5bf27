"""Invitations: a teacher administrator invites a platform member into the project (they
may later apply for the quality label) or into the TwinSpace only, or as a visitor; the
invitee is notified live and accepts or declines."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import Country, School, User, UserKind
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Conflict, Forbidden, Invalid, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.notifications.service import notify
from twinspace.people.models import Invitation
from twinspace.permissions import Role
from twinspace.spaces.models import Membership, Space
from twinspace.spaces.names import members_room

SCOPES = ("project", "space")
INVITABLE_KINDS = (UserKind.TEACHER.value, UserKind.MEMBER.value)
INVITE_ROLES = (Role.TEACHER.value, Role.VISITOR.value)
SEARCH_MAX = 20


def invitation_json(inv: Invitation, space: Space | None = None, user: User | None = None) -> dict:
    data = {
        "id": inv.id,
        "space_id": inv.space_id,
        "user_id": inv.user_id,
        "scope": inv.scope,
        "role": inv.role,
        "status": inv.status,
        "created_at": inv.created_at.isoformat(),
    }
    if space is not None:
        data["space_title"] = space.title
    if user is not None:
        data["display_name"] = user.display_name
    return data


async def is_eligible(session: AsyncSession, user: User) -> bool:
    """An eTwinner of an eligible country may join the project; other members the TwinSpace only."""
    if user.kind != UserKind.TEACHER.value or not user.country_code:
        return False
    country = await session.get(Country, user.country_code)
    return bool(country and country.eligible)


async def search_candidates(
    session: AsyncSession, space_id: int, query: str, single_school_id: int | None = None
) -> list[dict]:
    """Members who may be invited; ``teacher_allowed`` is false for a teacher of another school
    when the TwinSpace is a single-school project (they may only come as visitors)."""
    query = " ".join(query.split())[:100]
    if len(query) < 2:
        return []
    like = f"%{query.replace('%', '').replace('_', ' ')}%"
    members = select(Membership.user_id).where(Membership.space_id == space_id)
    rows = await session.execute(
        select(User, School)
        .outerjoin(School, School.id == User.school_id)
        .where(
            User.kind.in_(INVITABLE_KINDS),
            User.is_active.is_(True),
            User.id.not_in(members),
            or_(
                User.display_name.ilike(like),
                User.username.ilike(like),
                School.name.ilike(like),
                User.country_code.ilike(query),
            ),
        )
        .order_by(User.display_name)
        .limit(SEARCH_MAX)
    )
    found = []
    for user, school in rows:
        found.append(
            {
                "user_id": user.id,
                "username": user.username,
                "display_name": user.display_name,
                "school": school.name if school else None,
                "country": user.country_code,
                "eligible": await is_eligible(session, user),
                "teacher_allowed": single_school_id is None or user.school_id == single_school_id,
            }
        )
    return found


async def _invitee(session: AsyncSession, user_id: object, username: object) -> User:
    user = None
    if isinstance(user_id, int) and not isinstance(user_id, bool):
        user = await session.get(User, user_id)
    elif isinstance(username, str) and username.strip():
        user = await session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or not user.is_active or user.kind not in INVITABLE_KINDS:
        raise NotFound(
            N_("No such platform member: only registered teachers and members can be invited.")
        )
    return user


async def check_invite(
    uow: UnitOfWork,
    space: Space,
    actor: User,
    *,
    user_id: object = None,
    username: object = None,
    scope: object = "space",
    role: object = Role.TEACHER.value,
) -> Invitation:
    if role not in INVITE_ROLES:
        raise Invalid(N_("Invite as a teacher or as a visitor."), field="role")
    if scope not in SCOPES:
        raise Invalid(N_("Choose: into the project, or into the TwinSpace only."), field="scope")
    if role == Role.VISITOR.value:
        scope = "space"
    session = uow.session
    invitee = await _invitee(session, user_id, username)
    member = await session.scalar(
        select(Membership.id).where(
            Membership.space_id == space.id, Membership.user_id == invitee.id
        )
    )
    if member is not None:
        raise Conflict(N_("This person is already a member of the TwinSpace."))
    pending = await session.scalar(
        select(Invitation.id).where(
            Invitation.space_id == space.id,
            Invitation.user_id == invitee.id,
            Invitation.status == "pending",
        )
    )
    if pending is not None:
        raise Conflict(N_("This person has already been invited and has not answered yet."))
    if scope == "project" and not await is_eligible(session, invitee):
        raise Invalid(
            N_("This member is not eligible for the project: invite them into the TwinSpace only."),
            field="scope",
        )
    single_school = space.single_school_id
    if (
        single_school is not None
        and role == Role.TEACHER.value
        and invitee.school_id != single_school
    ):
        raise Forbidden(
            N_(
                "This project was founded by two teachers of one school: "
                "it admits only teachers of that school."
            )
        )
    invitation = Invitation(
        space_id=space.id,
        user_id=invitee.id,
        invited_by=actor.id,
        scope=scope,
        role=role,
        status="pending",
        created_at=utcnow(),
    )
    session.add(invitation)
    await session.flush()
    await _announce(uow, invitation, space, actor)
    return invitation


async def _announce(uow: UnitOfWork, invitation: Invitation, space: Space, actor: User) -> None:
    """The invitee hears of it live (the bell) and finds it in their notifications."""
    message = (
        N_("%(name)s invites you into the project “%(title)s”.")
        if invitation.scope == "project"
        else N_("%(name)s invites you into the TwinSpace “%(title)s”.")
    )
    await notify(
        uow,
        user_id=invitation.user_id,
        kind="invitation",
        message=message,
        params={"name": actor.display_name, "title": space.title},
        url=f"/spaces/{space.id}/invitation",
        actor_id=actor.id,
    )


async def get_pending_for(session: AsyncSession, user_id: int, space_id: int | None = None):
    query = (
        select(Invitation, Space)
        .join(Space, Space.id == Invitation.space_id)
        .where(Invitation.user_id == user_id, Invitation.status == "pending")
    )
    if space_id is not None:
        query = query.where(Invitation.space_id == space_id)
    return [(inv, space) for inv, space in await session.execute(query.order_by(Invitation.id))]


async def check_answer(uow: UnitOfWork, user: User, invitation_id: int, accept: bool) -> Invitation:
    invitation = await uow.session.get(Invitation, invitation_id)
    if invitation is None or invitation.user_id != user.id or invitation.status != "pending":
        raise NotFound(N_("No such invitation."))
    space = await uow.session.get(Space, invitation.space_id)
    if space is None:
        raise NotFound(N_("No such invitation."))
    invitation.status = "accepted" if accept else "declined"
    invitation.answered_at = utcnow()
    if accept:
        if space.status != "open":
            raise Conflict(N_("This TwinSpace is closed: it admits nobody new."))
        uow.session.add(Membership(space_id=space.id, user_id=user.id, role=invitation.role))
        await uow.session.flush()
        await record_event(
            uow,
            members_room(space.id),
            "member.joined",
            {"user_id": user.id, "name": user.display_name, "role": invitation.role},
            actor_id=user.id,
        )
    if invitation.invited_by is not None:
        await notify(
            uow,
            user_id=invitation.invited_by,
            kind="invitation.answer",
            message=(
                N_("%(name)s accepted your invitation to “%(title)s”.")
                if accept
                else N_("%(name)s declined your invitation to “%(title)s”.")
            ),
            params={"name": user.display_name, "title": space.title},
            url=f"/spaces/{space.id}/members",
            actor_id=user.id,
        )
    return invitation


async def do_cancel(uow: UnitOfWork, space_id: int, invitation_id: int) -> None:
    invitation = await uow.session.get(Invitation, invitation_id)
    if invitation is None or invitation.space_id != space_id or invitation.status != "pending":
        raise NotFound(N_("No such invitation."))
    invitation.status = "cancelled"
    invitation.answered_at = utcnow()


async def get_space_invitations(session: AsyncSession, space_id: int):
    rows = await session.execute(
        select(Invitation, User)
        .join(User, User.id == Invitation.user_id)
        .where(Invitation.space_id == space_id, Invitation.status == "pending")
        .order_by(Invitation.id.desc())
    )
    return [(inv, user) for inv, user in rows]
