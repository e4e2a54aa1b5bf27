"""Chat writes (each stores its event in the same transaction) and reads."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Invalid
from twinspace.events import Event, record_event
from twinspace.i18n import N_
from twinspace.permissions import Role
from twinspace.rooms.chat.models import ChatMessage, ChatRoom
from twinspace.spaces.names import chat_room_name

CHAT_NAME_MAX = 64


def clean_text(text: object, max_length: int) -> str:
    if not isinstance(text, str):
        raise Invalid(N_("The message must be text."))
    text = "".join(
        ch
        for ch in unicodedata.normalize("NFC", text)
        if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
    ).strip()
    if not text:
        raise Invalid(N_("The message is empty."))
    if len(text) > max_length:
        raise Invalid(N_("The message is too long."), max_length=max_length)
    return text


def message_data(message: ChatMessage, author: User, role: Role) -> dict[str, object]:
    return {
        "message_id": message.id,
        "text": message.text,
        "author": {
            "id": author.id,
            "username": author.username,
            "name": author.display_name,
            "role": role.value,
        },
    }


async def check_send_message(
    uow: UnitOfWork,
    room: ChatRoom,
    author: User,
    role: Role,
    text: object,
    max_length: int,
    client_id: str | None = None,
) -> Event:
    text = clean_text(text, max_length)
    message = ChatMessage(
        room_id=room.id,
        author_id=author.id,
        text=text,
        event_seq=0,
        created_at=utcnow(),
        client_id=client_id,
    )
    uow.session.add(message)
    await uow.session.flush()
    event = await record_event(
        uow,
        chat_room_name(room.space_id, room.name),
        "chat.message",
        message_data(message, author, role),
        actor_id=author.id,
    )
    message.event_seq = event.seq
    return event


async def do_create_chat_room(uow: UnitOfWork, space_id: int, name: str) -> ChatRoom:
    room = ChatRoom(space_id=space_id, name=name)
    uow.session.add(room)
    await uow.session.flush()
    return room


@dataclass(frozen=True)
class ChatLine:
    id: int
    text: str
    author_name: str
    author_username: str
    at: datetime


async def get_chat_room(session: AsyncSession, space_id: int, name: str) -> ChatRoom | None:
    return await session.scalar(
        select(ChatRoom).where(ChatRoom.space_id == space_id, ChatRoom.name == name)
    )


async def get_chat_rooms(session: AsyncSession, space_id: int) -> list[ChatRoom]:
    rows = await session.scalars(
        select(ChatRoom)
        .where(ChatRoom.space_id == space_id, ChatRoom.archived.is_(False))
        .order_by(ChatRoom.id)
    )
    return list(rows)


async def get_recent_lines(
    session: AsyncSession, room: ChatRoom, *, before: int | None = None, limit: int = 50
) -> list[ChatLine]:
    query = (
        select(ChatMessage, User)
        .join(User, User.id == ChatMessage.author_id)
        .where(ChatMessage.room_id == room.id, ChatMessage.status == "visible")
    )
    if before is not None:
        query = query.where(ChatMessage.event_seq < before)
    rows = await session.execute(query.order_by(ChatMessage.event_seq.desc()).limit(limit))
    lines = [
        ChatLine(m.event_seq, m.text, u.display_name, u.username, m.created_at) for m, u in rows
    ]
    return list(reversed(lines))
