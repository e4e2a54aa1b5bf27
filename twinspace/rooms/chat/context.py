"""Everything a chat command needs, loaded and checked in the command's own transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Invalid, NotFound
from twinspace.i18n import N_
from twinspace.permissions import (
    Action,
    ChatRoomFacts,
    SpaceFacts,
    Viewer,
    access_chat_room,
    is_chat_moderator,
)
from twinspace.rooms.chat.models import ChatMessage, ChatRoom, ChatRoomMember
from twinspace.settings import Settings
from twinspace.spaces.models import Space
from twinspace.spaces.names import chat_room_name
from twinspace.spaces.queries import facts, get_viewer


@dataclass
class ChatCall:
    uow: UnitOfWork
    user: User | None
    viewer: Viewer
    space: Space
    space_facts: SpaceFacts
    room: ChatRoom
    room_facts: ChatRoomFacts
    settings: Settings
    now: datetime

    @property
    def room_name(self) -> str:
        return chat_room_name(self.space.id, self.room.name)

    @property
    def moderation_room(self) -> str:
        return f"space:{self.space.id}:moderation"

    @property
    def is_moderator(self) -> bool:
        return is_chat_moderator(self.viewer, self.space_facts)

    def actor(self) -> User:
        assert self.user is not None  # the public may never act in chat (matrix)
        return self.user

    async def message(self, payload: dict[str, Any]) -> ChatMessage:
        message_id = payload.get("message_id")
        if isinstance(message_id, bool) or not isinstance(message_id, int):
            raise Invalid(N_("'message_id' must be a number."))
        message = await self.uow.session.get(ChatMessage, message_id)
        if message is None or message.room_id != self.room.id:
            raise NotFound(N_("No such message."))
        return message


Command = Callable[[ChatCall, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ChatCommand:
    action: Action  # what the permission matrix must allow before the command runs
    run: Command


def room_facts(room: ChatRoom, in_group: bool) -> ChatRoomFacts:
    return ChatRoomFacts(
        audience=room.audience,
        in_group=in_group,
        archived=room.archived,
        locked=room.locked,
        slow_mode_seconds=room.slow_mode_seconds,
        supervision=room.supervision,
    )


async def get_chat_room_facts(
    session: AsyncSession, room: ChatRoom, user: User | None
) -> ChatRoomFacts:
    in_group = False
    if room.audience == "group" and user is not None:
        member = await session.scalar(
            select(ChatRoomMember.id).where(
                ChatRoomMember.room_id == room.id, ChatRoomMember.user_id == user.id
            )
        )
        in_group = member is not None
    return room_facts(room, in_group)


async def load_chat_call(
    uow: UnitOfWork, user: User | None, space_id: int, name: str, settings: Settings, action: Action
) -> ChatCall:
    session = uow.session
    space = await session.get(Space, space_id)
    room = (
        await session.scalar(
            select(ChatRoom).where(ChatRoom.space_id == space_id, ChatRoom.name == name)
        )
        if space is not None
        else None
    )
    if space is None or room is None:
        raise NotFound(N_("No such room."))
    viewer = await get_viewer(session, user, space.id)
    chat_facts = await get_chat_room_facts(session, room, user)
    call = ChatCall(uow, user, viewer, space, facts(space), room, chat_facts, settings, utcnow())
    access_chat_room(viewer, call.space_facts, call.room_facts, action)
    return call
