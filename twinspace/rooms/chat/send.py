"""The lean path of ``chat:send``: the checks come from the per-process access cache (valid
for the access epoch read in the same transaction), the message and its event are written
with SQLAlchemy Core. Four statements in the common case: the epoch, the room's next event
id (one upsert), the message (``ON CONFLICT DO NOTHING`` on its ``client_id``) and the event.

The uncommon cases take the general command (``commands.send``) instead: a pupil's text the
word filter holds. Slow mode and supervision add the one read each needs, only when on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from twinspace.access_epoch import read_epoch
from twinspace.accounts.models import User
from twinspace.db import Database, utcnow
from twinspace.errors import Busy, DomainError
from twinspace.events import Event, next_seq
from twinspace.permissions import (
    PUPIL_ROLES,
    Action,
    PostingState,
    Viewer,
    access_chat_post,
    access_chat_room,
)
from twinspace.rooms.chat.access_cache import access_cache
from twinspace.rooms.chat.actions import clean_text
from twinspace.rooms.chat.commands import clean_client_id, sent_ack
from twinspace.rooms.chat.models import ChatMessage, ChatRoom
from twinspace.rooms.chat.presence import is_supervised
from twinspace.settings import Settings
from twinspace.spaces.names import chat_room_name
from twinspace.writer import BUSY_MESSAGE

MESSAGES = ChatMessage.__table__
EVENTS = Event.__table__
# built once: the columns come with each execution's parameters
_STORE_MESSAGE = {
    "postgresql": pg_insert(MESSAGES).on_conflict_do_nothing().returning(MESSAGES.c.id),
    "sqlite": sqlite_insert(MESSAGES).on_conflict_do_nothing().returning(MESSAGES.c.id),
}
_STORE_EVENT = insert(EVENTS)


class NeedsFullPath(Exception):
    """This message needs the general command (nothing was written)."""


class _AlreadyStored(Exception):
    """The same client_id was stored before: roll this attempt back, answer as the first."""


async def lean_send(
    db: Database,
    settings: Settings,
    user: User | None,
    space_id: int,
    room_name: str,
    payload: dict[str, Any],
) -> dict[str, Any]:
    text = clean_text(payload.get("text"), settings.chat_text_max)
    client_id = clean_client_id(payload.get("client_id"))
    if user is None:  # the public: refused by the general command's checks
        raise NeedsFullPath
    cache = access_cache(db)
    may_enter = False
    try:
        async with db.unit_of_work(bounded=True) as uow:  # under overload: `busy` at once
            session = uow.session
            cache.sync(await read_epoch(session))
            access = await cache.room(session, space_id, room_name)
            viewer = Viewer(user.id, await cache.role(session, user.id, space_id))
            room, now = access.room, utcnow()
            state = PostingState(
                muted_until=access.mutes.get(user.id),
                seconds_since_last_post=(
                    await _seconds_since_last_post(session, room, user.id, now)
                    if room.slow_mode_seconds
                    else None
                ),
                supervised=(
                    await is_supervised(session, room) if room.supervision != "none" else True
                ),
            )
            access_chat_room(viewer, access.space, access.facts_for(user.id), Action.POST)
            may_enter = True
            access_chat_post(viewer, access.space, access.facts_for(user.id), state, now)
            if viewer.role in PUPIL_ROLES and access.held_by_filter(text):
                raise NeedsFullPath
            name = chat_room_name(space_id, room.name)
            seq = await next_seq(session, name)
            message_id = await _insert_message(session, room.id, user.id, text, seq, now, client_id)
            if message_id is None:
                raise _AlreadyStored
            data = {
                "message_id": message_id,
                "text": text,
                "author": {
                    "id": user.id,
                    "username": user.username,
                    "name": user.display_name,
                    "role": viewer.role.value,
                },
            }
            await session.execute(
                _STORE_EVENT,
                {
                    "room": name,
                    "seq": seq,
                    "type": "chat.message",
                    "data": data,
                    "actor_id": user.id,
                    "created_at": now,
                },
            )
            uow.events.append(
                {
                    "room": name,
                    "id": seq,
                    "type": "chat.message",
                    "data": data,
                    "at": now.isoformat(),
                }
            )
    except _AlreadyStored:
        await _settled(db)
        earlier = await earlier_ack_or_none(db, user.id, client_id)  # type: ignore[arg-type]
        if earlier is None:  # the first attempt's transaction failed: nothing is stored
            raise Busy(BUSY_MESSAGE, retry_after=1) from None
        return earlier
    except DomainError:
        if client_id is not None and may_enter:  # resent after a lost ack, refused now:
            await _settled(db)
            earlier = await earlier_ack_or_none(db, user.id, client_id)  # was it stored?
            if earlier is not None:
                return earlier
        raise
    return {"ok": True, "id": seq}


async def _seconds_since_last_post(session, room: ChatRoom, user_id: int, now) -> float | None:
    last = await session.scalar(
        select(func.max(ChatMessage.created_at)).where(
            ChatMessage.room_id == room.id, ChatMessage.author_id == user_id
        )
    )
    if last is None:
        return None
    if last.tzinfo is None:
        last = last.replace(tzinfo=now.tzinfo)
    return (now - last).total_seconds()


async def _insert_message(session, room_id, author_id, text, seq, now, client_id) -> int | None:
    result = await session.execute(
        _STORE_MESSAGE[session.get_bind().dialect.name],
        {
            "room_id": room_id,
            "author_id": author_id,
            "text": text,
            "event_seq": seq,
            "status": "visible",
            "created_at": now,
            "client_id": client_id,
        },
    )
    return result.scalar()


async def earlier_ack_or_none(
    db: Database, author_id: int, client_id: str
) -> dict[str, Any] | None:
    async with db.read() as session:
        earlier = await session.scalar(
            select(ChatMessage).where(
                ChatMessage.author_id == author_id, ChatMessage.client_id == client_id
            )
        )
    return sent_ack(earlier) if earlier is not None else None


async def _settled(db: Database) -> None:
    """Wait until the writes before this point are committed: on SQLite the first attempt
    of a resend may sit in the single writer's open transaction, seen by the resend (same
    connection) but not yet by a reader, nor safe to acknowledge."""
    async with db.unit_of_work():
        pass
