"""Load a TwinSpace for a request and check the viewer may act in one of its rooms."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.permissions import Action, Room, SpaceFacts, Viewer, access_room, permissions_for
from twinspace.spaces.models import Space
from twinspace.spaces.queries import facts, get_space_and_viewer


@dataclass(frozen=True)
class SpaceAccess:
    space: Space
    viewer: Viewer
    facts: SpaceFacts
    perms: dict[str, dict[str, bool]]

    def may(self, room: Room, action: Action) -> bool:
        return self.perms[room.value][action.value]


async def access_space_room(
    session: AsyncSession,
    user: User | None,
    space_id: int,
    room: Room,
    action: Action = Action.READ,
    *,
    published: bool | None = None,
) -> SpaceAccess:
    found = await get_space_and_viewer(session, user, space_id)
    if found is None:
        raise NotFound(N_("No such TwinSpace."))
    return check_space_room(*found, room, action, published=published)


def check_space_room(
    space: Space,
    viewer: Viewer,
    room: Room,
    action: Action = Action.READ,
    *,
    published: bool | None = None,
) -> SpaceAccess:
    """``access_space_room`` for a space and role the request has just read."""
    space_facts = facts(space)
    if published is None:
        published = room is Room.HOME and space.home_public
    access_room(viewer, space_facts, room, action, published=published)
    perms = permissions_for(viewer.role, space_facts, home_public=space.home_public)
    return SpaceAccess(space, viewer, space_facts, perms)
