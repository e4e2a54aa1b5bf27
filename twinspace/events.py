"""The event envelope: stored in the same transaction as the write it describes,
published after commit, read back for catch-up.

Each room has its own gap-free, strictly increasing sequence (``id`` on the wire),
allocated from a per-room counter row that the writing transaction locks.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from twinspace.db import Base, UnitOfWork, UTCDateTime, utcnow

CATCHUP_LIMIT = 500


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("room", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room: Mapped[str] = mapped_column(String(200))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RoomCounter(Base):
    __tablename__ = "room_counters"
    room: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


def envelope(event: Event) -> dict[str, Any]:
    return {
        "room": event.room,
        "id": event.seq,
        "type": event.type,
        "data": event.data,
        "at": event.created_at.isoformat(),
    }


def _take_next(insert: Any) -> Any:
    table = RoomCounter.__table__
    return (
        insert(table)
        .values(room=bindparam("counter_room"), last_seq=1)
        .on_conflict_do_update(index_elements=["room"], set_={"last_seq": table.c.last_seq + 1})
        .returning(table.c.last_seq)
    )


_TAKE_NEXT = {"postgresql": _take_next(pg_insert), "sqlite": _take_next(sqlite_insert)}


async def next_seq(session: AsyncSession, room: str) -> int:
    """Take the room's next event id: one upsert that locks the counter row until COMMIT."""
    statement = _TAKE_NEXT[session.get_bind().dialect.name]
    result = await session.execute(statement, {"counter_room": room})
    return int(result.scalar_one())


async def record_event(
    uow: UnitOfWork, room: str, type_: str, data: dict[str, Any], actor_id: int | None = None
) -> Event:
    """Store an event in the unit of work's transaction; it is published after commit."""
    data = json.loads(json.dumps(data))  # unserialisable payloads fail here, at their source
    seq = await next_seq(uow.session, room)
    event = Event(room=room, seq=seq, type=type_, data=data, actor_id=actor_id, created_at=utcnow())
    uow.session.add(event)
    await uow.session.flush()
    uow.events.append(envelope(event))
    return event


async def get_events_after(
    session: AsyncSession, room: str, after: int, limit: int = CATCHUP_LIMIT
) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(Event).where(Event.room == room, Event.seq > after).order_by(Event.seq).limit(limit)
    )
    return [envelope(e) for e in rows]


async def get_last_seq(session: AsyncSession, room: str) -> int:
    value = await session.scalar(
        select(func.max(RoomCounter.last_seq)).where(RoomCounter.room == room)
    )
    return int(value or 0)
