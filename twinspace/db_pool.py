"""PostgreSQL connections: a fixed pool, pinged only when they have been idle a while.

SQLAlchemy's ``pool_pre_ping`` costs a round trip on every checkout: a quarter of the
database round trips of a reconnect storm. A connection that was used a moment ago is
alive as far as a ping could tell; one idle longer (the database may have restarted
meanwhile) is pinged first, and a dead one makes the pool drop every older connection.
A statement that still meets a dead connection is seen as a disconnect by SQLAlchemy,
which then invalidates the pool the same way."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine

IDLE_BEFORE_PING = 1.0  # seconds
_CHECKED_IN = "twinspace_checked_in_at"


def ping_when_idle(engine: AsyncEngine, idle_seconds: float = IDLE_BEFORE_PING) -> None:
    sync_engine = engine.sync_engine
    dialect = sync_engine.dialect

    @event.listens_for(sync_engine, "connect")
    def _fresh(_dbapi_connection: Any, record: Any) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(sync_engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _maybe_ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get(_CHECKED_IN, 0.0) < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as err:
            if dialect.is_disconnect(err, dbapi_connection, None):
                raise exc.InvalidatePoolError() from err  # the pool retries with a new one
            raise
        record.info[_CHECKED_IN] = time.monotonic()
