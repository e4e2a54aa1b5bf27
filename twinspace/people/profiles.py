"""Profiles (photo, interests, hobbies, favourite food) and their walls of short messages.

A profile is shown only inside a TwinSpace both people belong to: a pupil's profile never
leaves their TwinSpace, is never public and never reaches members of other TwinSpaces."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Forbidden, Invalid, NotFound
from twinspace.events import record_event
from twinspace.files import StoredFile
from twinspace.i18n import N_
from twinspace.people.common import get_member, text_field
from twinspace.people.models import MemberProfile, WallPost
from twinspace.permissions import Action, Room, SpaceFacts, Viewer, allowed
from twinspace.spaces.names import members_room

WALL_MAX = 500
WALL_PAGE = 50
FIELDS = {"interests": 500, "hobbies": 500, "favourite_food": 200}


async def get_profile(session: AsyncSession, user_id: int) -> MemberProfile | None:
    return await session.get(MemberProfile, user_id)


def profile_json(user: User, role: str, profile: MemberProfile | None, space_id: int) -> dict:
    return {
        "user_id": user.id,
        "display_name": user.display_name,
        "role": role,
        "photo_url": (
            f"/spaces/{space_id}/members/{user.id}/photo"
            if profile is not None and profile.photo_key
            else None
        ),
        **{name: getattr(profile, name) if profile else "" for name in FIELDS},
    }


async def check_update_profile(
    uow: UnitOfWork, space_id: int, user: User, changes: dict[str, Any]
) -> MemberProfile:
    """Change one's own profile; only the fields given change."""
    values = {}
    for name, max_len in FIELDS.items():
        if name in changes:
            values[name] = text_field(
                changes[name],
                max_len,
                N_("Each answer is at most 500 characters (favourite food: 200)."),
                required=False,
            )
    if not values:
        raise Invalid(N_("Nothing to change."))
    profile = await get_profile(uow.session, user.id)
    if profile is None:
        profile = MemberProfile(user_id=user.id)
        uow.session.add(profile)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.updated_at = utcnow()
    await uow.session.flush()
    await record_event(
        uow, members_room(space_id), "profile.updated", {"user_id": user.id}, actor_id=user.id
    )
    return profile


async def do_set_photo(uow: UnitOfWork, space_id: int, user: User, stored: StoredFile) -> None:
    profile = await get_profile(uow.session, user.id)
    if profile is None:
        profile = MemberProfile(user_id=user.id)
        uow.session.add(profile)
    old = profile.photo_key
    profile.photo_key = stored.key
    profile.updated_at = utcnow()
    if old and old != stored.key:
        row = await uow.session.get(StoredFile, old)
        if row is not None:
            await uow.session.delete(row)  # the orphan sweep removes the bytes
    await uow.session.flush()
    await record_event(
        uow,
        members_room(space_id),
        "profile.photo_changed",
        {"user_id": user.id},
        actor_id=user.id,
    )


def wall_json(post: WallPost, author: User) -> dict[str, Any]:
    return {
        "id": post.id,
        "profile_user_id": post.profile_user_id,
        "author_id": author.id,
        "author": author.display_name,
        "text": post.text,
        "at": post.created_at.isoformat(),
    }


async def check_post_on_wall(
    uow: UnitOfWork, space_id: int, author: User, profile_user_id: int, text: object
) -> WallPost:
    text = text_field(text, WALL_MAX, N_("A wall message is 1 to 500 characters."))
    await get_member(uow.session, space_id, profile_user_id)
    post = WallPost(
        space_id=space_id,
        profile_user_id=profile_user_id,
        author_id=author.id,
        text=text,
        created_at=utcnow(),
    )
    uow.session.add(post)
    await uow.session.flush()
    await record_event(
        uow, members_room(space_id), "wall.posted", wall_json(post, author), actor_id=author.id
    )
    return post


async def check_delete_wall_post(
    uow: UnitOfWork, space_id: int, viewer: Viewer, space: SpaceFacts, post_id: int
) -> None:
    """The author, the wall's owner or a moderator of Home removes a wall message."""
    post = await uow.session.get(WallPost, post_id)
    if post is None or post.space_id != space_id:
        raise NotFound(N_("No such message."))
    moderator = allowed(viewer.role, Room.HOME, Action.MODERATE, space)
    if viewer.user_id not in (post.author_id, post.profile_user_id) and not moderator:
        raise Forbidden(N_("You may not do this here."))
    await uow.session.delete(post)
    await record_event(
        uow,
        members_room(space_id),
        "wall.deleted",
        {"id": post.id, "profile_user_id": post.profile_user_id},
        actor_id=viewer.user_id,
    )


async def get_wall(
    session: AsyncSession, space_id: int, profile_user_id: int
) -> list[tuple[WallPost, User]]:
    rows = await session.execute(
        select(WallPost, User)
        .join(User, User.id == WallPost.author_id)
        .where(WallPost.space_id == space_id, WallPost.profile_user_id == profile_user_id)
        .order_by(WallPost.id.desc())
        .limit(WALL_PAGE)
    )
    return [(post, user) for post, user in rows]
