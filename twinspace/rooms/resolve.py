"""Turn a room name into the TwinSpace, room kind and target it designates."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.pages.host import page_facts
from twinspace.pages.models import Page
from twinspace.permissions import Action, Room, Viewer, access_chat_room, access_page, access_room
from twinspace.realtime.dispatch import set_room_access
from twinspace.rooms.chat.context import get_chat_room_facts
from twinspace.rooms.chat.models import ChatRoom
from twinspace.spaces.models import Space
from twinspace.spaces.names import FIXED_KINDS, RoomRef
from twinspace.spaces.queries import facts, get_viewer


@dataclass(frozen=True)
class RoomTarget:
    ref: RoomRef
    space: Space
    room: Room
    published: bool
    chat: ChatRoom | None = None
    read_action: Action = field(default=Action.READ)  # what reading this room requires
    page: Page | None = None


async def resolve_room(session: AsyncSession, ref: RoomRef) -> RoomTarget:
    space = await session.get(Space, ref.space_id)
    if space is None:
        raise NotFound(N_("No such room."))
    if ref.kind in FIXED_KINDS:
        room = FIXED_KINDS[ref.kind]
        return RoomTarget(ref, space, room, published=room is Room.HOME and space.home_public)
    if ref.kind == "members":  # Home's members-only channel: never public
        return RoomTarget(ref, space, Room.HOME, published=False)
    if ref.kind == "moderation":  # the teachers' live queue of reports and held messages
        return RoomTarget(ref, space, Room.CHAT, published=False, read_action=Action.MODERATE)
    if ref.kind == "chat":
        chat = await session.scalar(
            select(ChatRoom).where(ChatRoom.space_id == space.id, ChatRoom.name == ref.key)
        )
        if chat is None:
            raise NotFound(N_("No such room."))
        return RoomTarget(ref, space, Room.CHAT, published=False, chat=chat)
    page = await session.get(Page, int(ref.key or 0))
    if page is None or page.space_id != space.id:
        raise NotFound(N_("No such room."))
    facts_ = page_facts(page)
    return RoomTarget(ref, space, facts_.room, published=facts_.published, page=page)


async def access_target(
    session: AsyncSession, user: User | None, ref: RoomRef, action: Action = Action.READ
) -> tuple[RoomTarget, Viewer]:
    """Resolve a room name and check the viewer may do ``action`` there (READ: join, catch up)."""
    target = await resolve_room(session, ref)
    viewer = await get_viewer(session, user, target.space.id)
    if action is Action.READ:
        action = target.read_action
    if target.chat is not None:
        chat_facts = await get_chat_room_facts(session, target.chat, user)
        access_chat_room(viewer, facts(target.space), chat_facts, action)
    elif target.page is not None:
        access_page(viewer, facts(target.space), page_facts(target.page), action)
    else:
        access_room(viewer, facts(target.space), target.room, action, published=target.published)
    return target, viewer


def register() -> None:
    """The socket server resolves room names through this (``realtime/dispatch.py``)."""
    set_room_access(access_target)
