"""Turn a room name into the TwinSpace, room kind and target it designates."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.permissions import Room
from twinspace.rooms.chat.models import ChatRoom
from twinspace.rooms.names import FIXED_KINDS, RoomRef
from twinspace.spaces.models import Space


@dataclass(frozen=True)
class RoomTarget:
    ref: RoomRef
    space: Space
    room: Room
    published: bool
    chat: ChatRoom | None = None


async def resolve_room(session: AsyncSession, ref: RoomRef) -> RoomTarget:
    space = await session.get(Space, ref.space_id)
    if space is None:
        raise NotFound(N_("No such room."))
    if ref.kind in FIXED_KINDS:
        room = FIXED_KINDS[ref.kind]
        return RoomTarget(ref, space, room, published=room is Room.HOME and space.home_public)
    if ref.kind == "chat":
        chat = await session.scalar(
            select(ChatRoom).where(ChatRoom.space_id == space.id, ChatRoom.name == ref.key)
        )
        if chat is None:
            raise NotFound(N_("No such room."))
        return RoomTarget(ref, space, Room.CHAT, published=False, chat=chat)
    # Activity pages arrive with the pages-and-tools registry.
    raise NotFound(N_("No such room."))
