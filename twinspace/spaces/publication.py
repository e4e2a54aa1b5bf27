"""Publishing a TwinSpace's Home page, and the public gallery of published TwinSpaces."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import Invalid
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.permissions import PUPIL_ROLES, TEACHER_ROLES
from twinspace.spaces.models import Membership, Space
from twinspace.spaces.names import home_room


async def do_publish_home(
    uow: UnitOfWork, space: Space, actor_id: int, public: object, confirm: object
) -> None:
    if not isinstance(public, bool):
        raise Invalid(N_("'public' must be true or false."))
    if public and confirm is not True:
        raise Invalid(N_("Look at what would become public, then confirm."))
    space.home_public = public
    await record_event(
        uow, home_room(space.id), "space.visibility", {"home_public": public}, actor_id
    )


async def home_report(session: AsyncSession, space: Space) -> dict[str, Any]:
    """What a public Home shows: title, description, teachers; pupils never."""
    rows = await session.execute(
        select(User.display_name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.space_id == space.id)
    )
    teachers, pupils = [], 0
    for name, role in rows:
        if role in {r.value for r in TEACHER_ROLES}:
            teachers.append(name)
        elif role in {r.value for r in PUPIL_ROLES}:
            pupils += 1
    return {
        "title": space.title,
        "description": space.description,
        "teachers": sorted(teachers),
        "pupils_hidden": pupils,
    }


async def get_gallery(session: AsyncSession, limit: int = 100) -> list[dict[str, Any]]:
    spaces = list(
        await session.scalars(
            select(Space)
            .where(Space.home_public.is_(True))
            .order_by(Space.created_at.desc())
            .limit(limit)
        )
    )
    countries: dict[int, set[str]] = {s.id: set() for s in spaces}
    if spaces:
        rows = await session.execute(
            select(Membership.space_id, User.country_code)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.space_id.in_(list(countries)),
                Membership.role.in_([r.value for r in TEACHER_ROLES]),
            )
        )
        for space_id, country in rows:
            if country:
                countries[space_id].add(country)
    return [
        {
            "id": s.id,
            "title": s.title,
            "description": s.description,
            "scope": s.scope,
            "countries": sorted(countries[s.id]),
        }
        for s in spaces
    ]
