"""The SQLite writer's connection, driven on the event loop's own thread.

aiosqlite runs every call on a worker thread and hands the result back through the loop.
For the process's single writer (``writer.py``) that costs three or four thread hops per
statement: a chat message's unit of work (BEGIN, SAVEPOINT, its statements, RELEASE,
COMMIT) made about 35, each a GIL hand-over and a wake-up of the loop, for statements that
SQLite itself runs in tens of microseconds (see bench/README.md, "The writer on the loop").

Here the writer engine gets, through SQLAlchemy's ``async_creator``, a connection with
aiosqlite's interface whose calls run sqlite3 directly and return at once. Two things a
worker thread did for free are kept off the loop's thread:

- waiting for a lock: the connection has no busy timeout; while another process holds the
  write lock (a CLI command, a second server), a statement answered ``SQLITE_BUSY`` is
  tried again after an asynchronous sleep, up to ``BUSY_SECONDS``, as SQLite's busy
  handler would have done on the worker thread, without stopping the loop;
- checkpoints: the connection does not checkpoint the write-ahead log itself (that syncs
  the database file, milliseconds); the writer asks for a passive checkpoint on a reader's
  worker thread every ``CHECKPOINT_EVERY`` commits (``Database._checkpoint``).

Statements run one at a time: the writer engine has one connection and the single writer
gives it to one unit of work at a time.

The brief readers (``Database.brief_read``: a socket's join, catch-up, permission checks)
get read-only connections of the same kind, a few in a pool: their reads are a handful of
indexed statements, for which the hops cost more than SQLite's work. In WAL mode a reader
waits for no writer; the rare ``SQLITE_BUSY`` of a reader (a recovery) is waited for on the
loop as above.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

BUSY_SECONDS = 30.0  # as the busy timeout of the other connections
CHECKPOINT_EVERY = 100  # commits between two passive checkpoints
T = TypeVar("T")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return (getattr(error, "sqlite_errorcode", 0) & 0xFF) == sqlite3.SQLITE_BUSY


async def _patiently(call: Callable[..., T], *args: Any) -> T:
    """``call(*args)``; while the database is locked by another connection, wait on the
    loop and try again. A statement answered ``SQLITE_BUSY`` had no effect, and a COMMIT
    answered so leaves its transaction open: both may simply be tried again."""
    delay, deadline = 0.001, 0.0
    while True:
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not _is_busy(error):
                raise
            now = time.monotonic()
            deadline = deadline or now + BUSY_SECONDS
            if now >= deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        if parameters is None:
            await _patiently(self._cursor.execute, sql)
        else:
            await _patiently(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        await _patiently(self._cursor.executemany, sql, list(parameters))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(self._cursor.arraysize if size is None else size)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _RunAtOnce:
    """Stands where aiosqlite keeps its worker's queue: SQLAlchemy's isolation-level setter
    puts ``(future, function)`` there."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def put_nowait(self, item: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except Exception as error:
            future.set_exception(error)
        else:
            future.set_result(result)


class InlineConnection:
    """What SQLAlchemy's aiosqlite dialect uses of an ``aiosqlite.Connection``."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn = connection
        self._connection: sqlite3.Connection | None = connection  # None once closed
        self._tx = _RunAtOnce(connection)

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._conn.cursor())

    async def execute(self, sql: str, parameters: Sequence[Any] | None = None) -> InlineCursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await _patiently(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()


def inline_connector(
    path: str, *, read_only: bool = False
) -> Callable[[], Awaitable[InlineConnection]]:
    """SQLAlchemy's ``async_creator`` for an engine of the SQLite file ``path`` on the loop's
    thread: the writer's, or (``read_only``) the brief readers' (``Database.brief_read``)."""

    async def connect() -> InlineConnection:
        connection = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
        if read_only:
            connection.execute("PRAGMA query_only=ON")
        else:
            connection.execute("PRAGMA wal_autocheckpoint=0")  # see Database._checkpoint
        return InlineConnection(connection)

    return connect
