"""Network profiles: a teacher's photo, "about me", languages spoken, subjects taught, age
groups, and their public projects (published TwinSpaces). Everybody in the network reads
them on /members/{id}; only the teacher changes their own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Invalid
from twinspace.i18n import N_
from twinspace.images import Processed
from twinspace.network.forms import Fields
from twinspace.network.models import NetworkProfile
from twinspace.network.vocab import AGE_GROUPS, LANGUAGES, SUBJECTS
from twinspace.permissions import TEACHER_ROLES
from twinspace.spaces.models import Membership, Space

ABOUT_MAX = 2000
PROFILE_FIELDS = ("about", "languages", "subjects", "age_groups")


async def get_profile(session: AsyncSession, user_id: int) -> NetworkProfile | None:
    return await session.get(NetworkProfile, user_id)


def profile_json(user_id: int, profile: NetworkProfile | None) -> dict[str, Any]:
    has_photo = profile is not None and profile.photo_mime is not None
    return {
        "about": profile.about if profile else "",
        "languages": list(profile.languages) if profile else [],
        "subjects": list(profile.subjects) if profile else [],
        "age_groups": list(profile.age_groups) if profile else [],
        "photo_url": (
            f"/members/{user_id}/photo?v={profile.photo_version}" if has_photo and profile else None
        ),
    }


def check_profile(body: Any) -> dict[str, Any]:
    """The fields sent (any of them), checked; one message per wrong field."""
    f = Fields(body)
    if f.has("about"):
        f.text("about", max_length=ABOUT_MAX, required=False, multiline=True)
    if f.has("languages"):
        f.choices("languages", LANGUAGES, required=False, max_items=12)
    if f.has("subjects"):
        f.choices("subjects", SUBJECTS, required=False, max_items=12)
    if f.has("age_groups"):
        f.choices("age_groups", AGE_GROUPS, required=False, max_items=len(AGE_GROUPS))
    f.raise_if_invalid()
    if not f.values:
        raise Invalid(N_("Nothing to change."))
    return f.values


async def _own(uow: UnitOfWork, user: User) -> NetworkProfile:
    profile = await uow.session.get(NetworkProfile, user.id, with_for_update=True)
    if profile is None:
        profile = NetworkProfile(
            user_id=user.id, about="", languages=[], subjects=[], age_groups=[], photo_version=0
        )
        uow.session.add(profile)
    return profile


async def check_update_profile(uow: UnitOfWork, user: User, body: Any) -> NetworkProfile:
    values = check_profile(body)
    profile = await _own(uow, user)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.updated_at = utcnow()
    await uow.session.flush()
    return profile


async def do_set_photo(uow: UnitOfWork, user: User, processed: Processed) -> NetworkProfile:
    """Keep the re-encoded thumbnail (≤ 320 px, no metadata) of a checked picture."""
    profile = await _own(uow, user)
    profile.photo = processed.thumb.path.read_bytes()
    profile.photo_mime = processed.thumb.mime
    profile.photo_version = (profile.photo_version or 0) + 1
    profile.updated_at = utcnow()
    await uow.session.flush()
    return profile


async def do_remove_photo(uow: UnitOfWork, user: User) -> NetworkProfile:
    profile = await _own(uow, user)
    profile.photo, profile.photo_mime = None, None
    profile.photo_version = (profile.photo_version or 0) + 1
    profile.updated_at = utcnow()
    await uow.session.flush()
    return profile


async def get_photo(session: AsyncSession, user_id: int) -> tuple[bytes, str] | None:
    profile = await session.scalar(
        select(NetworkProfile)
        .where(NetworkProfile.user_id == user_id)
        .options(undefer(NetworkProfile.photo))
    )
    if profile is None or profile.photo is None or profile.photo_mime is None:
        return None
    return profile.photo, profile.photo_mime


async def get_public_projects(session: AsyncSession, user_id: int) -> list[Space]:
    """The TwinSpaces this person teaches in whose Home is published (open to anybody)."""
    rows = await session.scalars(
        select(Space)
        .join(Membership, Membership.space_id == Space.id)
        .where(
            Membership.user_id == user_id,
            Membership.role.in_([r.value for r in TEACHER_ROLES]),
            Space.home_public.is_(True),
        )
        .order_by(Space.title, Space.id)
    )
    return list(rows)


def public_project_json(space: Space) -> dict[str, Any]:
    return {"space_id": space.id, "title": space.title, "url": f"/spaces/{space.id}"}
