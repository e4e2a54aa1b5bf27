"""Counters that move with committed writes, so that a per-process cache can tell whether
what it holds is still true (``access_epoch``: who may do what; ``content_epoch``: what
pages show).

A counter is a row of ``room_counters`` under a key that no room name can take (room names
start with "space:" or "user:"). It is bumped inside the writing transaction, at most once
per transaction, so it commits or rolls back with the write itself: a reader that sees the
new value also sees the write, in this process or any other.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.selectable import ScalarSelect

from twinspace.events import RoomCounter

_BUMPED = "twinspace_epochs_bumped"


def bump(session: Session, key: str, shards: int = 1) -> None:
    """Add one to the counter ``key`` in the session's transaction (once per transaction).

    With ``shards`` > 1 the counter is that many rows and a transaction bumps one of them,
    chosen at random: concurrent writers (PostgreSQL) then seldom wait for each other's row
    lock. Read it with ``sharded_column``: the sum grows with every committed bump."""
    transaction = id(session.get_transaction())
    bumped: dict[str, int] = session.info.setdefault(_BUMPED, {})
    if bumped.get(key) == transaction:
        return
    connection = session.connection()
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    row = key if shards == 1 else f"{key}:{random.randrange(shards):02d}"
    statement = insert(RoomCounter.__table__).values(room=row, last_seq=1)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=["room"],
            set_={"last_seq": RoomCounter.__table__.c.last_seq + 1},
        )
    )
    bumped[key] = transaction


def bump_on_writes(key: str, touches: Callable[[str, bool], bool], shards: int = 1) -> None:
    """Bump ``key`` in every transaction that writes a table for which
    ``touches(table, deleting)`` is true: ORM flushes and ORM-executed INSERT/UPDATE/DELETE
    (so no write path can forget it)."""

    @event.listens_for(Session, "after_flush")
    def _after_flush(session: Session, _context: Any) -> None:
        for deleting, objects in (
            (False, session.new),
            (False, session.dirty),
            (True, session.deleted),
        ):
            for obj in objects:
                table = getattr(obj, "__tablename__", None)
                if table is not None and touches(table, deleting):
                    bump(session, key, shards)
                    return

    @event.listens_for(Session, "do_orm_execute")
    def _on_execute(state: ORMExecuteState) -> None:
        if isinstance(state.statement, UpdateBase):
            name = getattr(getattr(state.statement, "table", None), "name", None)
            if name is not None and touches(name, state.is_delete):
                bump(state.session, key, shards)


def sharded_column(key: str, shards: int) -> ScalarSelect[int]:
    """The sum of a sharded counter's rows, as a column."""
    rows = RoomCounter.room.between(f"{key}:00", f"{key}:{shards - 1:02d}")
    return select(func.coalesce(func.sum(RoomCounter.last_seq), 0)).where(rows).scalar_subquery()


_READ = select(RoomCounter.last_seq).where(RoomCounter.room == bindparam("counter_key"))


async def read(session: AsyncSession, key: str) -> int:
    """The counter as this transaction sees it (0 before the first bump)."""
    value = await session.scalar(_READ, {"counter_key": key})
    return int(value or 0)
