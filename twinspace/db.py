"""Engine, sessions and the unit of work: one transaction, then publish its events."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, Select, event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

from twinspace.db_pool import ping_when_idle
from twinspace.inline_sqlite import CHECKPOINT_EVERY, inline_connector
from twinspace.loop_reads import LoopReadUnavailable, loop_reader_for, sqlite_file
from twinspace.writer import PoolAdmission, SqliteWriter

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


Published = Callable[[list[dict[str, Any]]], Awaitable[None]]


@dataclass
class UnitOfWork:
    session: AsyncSession
    events: list[dict[str, Any]] = field(default_factory=list)


class Database:
    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        write_queue: int = 256,
        pool_size: int = 30,
    ) -> None:
        """``write_queue``: units of work that may wait for their turn before the next one
        is refused with ``busy``; ``pool_size``: PostgreSQL connections of this process, all
        kept open (an overflow of short-lived connections costs the database a new backend
        for each during a reconnect storm)."""
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=pool_size, max_overflow=0)
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        else:
            ping_when_idle(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # one statement is atomic on its own: SQLite skips BEGIN (see _configure_sqlite),
        # PostgreSQL runs it in autocommit (no BEGIN and ROLLBACK round trips around it)
        single = self.engine.execution_options(
            twinspace_one_statement=True,
            **({} if self.is_sqlite else {"isolation_level": "AUTOCOMMIT"}),
        )
        self.statement_engine = single
        writer = self.engine.execution_options(twinspace_writer=True)
        self.write_sessions = async_sessionmaker(writer, expire_on_commit=False)
        self.writer: SqliteWriter | None = None
        self.admission: PoolAdmission | None = None
        if self.is_sqlite:  # its own connection: never waits for one that readers hold
            path = sqlite_file(url)
            if path is not None:  # a file: the writer's statements run on the loop's thread
                self.writer_engine = create_async_engine(
                    url,
                    pool_size=1,
                    max_overflow=0,
                    echo=echo,
                    async_creator=inline_connector(path),
                )
                _configure_sqlite(self.writer_engine, busy_timeout_ms=0)
            else:
                self.writer_engine = create_async_engine(url, pool_size=1, max_overflow=0, **kwargs)
                _configure_sqlite(self.writer_engine)
            writes = self.writer_engine.execution_options(twinspace_writer=True)
            self.writer = SqliteWriter(
                writes,
                queue_limit=write_queue,
                after_commits=(self._checkpoint, CHECKPOINT_EVERY) if path else None,
            )
        else:  # leave a few connections of the pool to readers
            slots = max(1, pool_size - 4)
            self.admission = PoolAdmission(slots, queue_limit=write_queue)
        self.brief_sessions = self.sessions
        path = sqlite_file(url)
        if path is not None:  # brief reads on the loop's thread, as the writer's statements
            self.brief_engine: AsyncEngine | None = create_async_engine(
                url,
                pool_size=8,
                max_overflow=56,
                echo=echo,
                async_creator=inline_connector(path, read_only=True),
            )
            _configure_sqlite(self.brief_engine, busy_timeout_ms=0, read_only=True)
            self.brief_sessions = async_sessionmaker(self.brief_engine, expire_on_commit=False)
        else:
            self.brief_engine = None
        self.loop_reader = loop_reader_for(url)
        self.on_commit: Published | None = None

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    @asynccontextmanager
    async def brief_read(self) -> AsyncIterator[AsyncSession]:
        """A read session for a few indexed statements on a hot path (a socket's join,
        catch-up, a permission check): on a SQLite file its statements run on the loop's
        thread (``inline_sqlite.py``), no thread hop for each. A read of many rows or
        many statements (a page, a search) takes ``read()``: this one holds the loop."""
        async with self.brief_sessions() as session:
            yield session

    async def statement_rows(
        self, statement: Select[Any], params: Mapping[str, Any] | None = None
    ) -> Sequence[tuple[Any, ...]]:
        """The rows of ONE read statement on a hot path (a session lookup, a presence list):
        on a SQLite file, read on the loop's thread (``loop_reads.py``); otherwise without
        BEGIN (SQLite) or in autocommit (PostgreSQL), a single statement being atomic on its
        own. Reads that must agree with each other take ``read()``."""
        if self.loop_reader is not None:
            try:
                return self.loop_reader.rows(statement, params)
            except LoopReadUnavailable:
                pass
        async with self.statement_engine.connect() as connection:
            return (await connection.execute(statement, params)).all()

    @asynccontextmanager
    async def unit_of_work(self, *, bounded: bool = False) -> AsyncIterator[UnitOfWork]:
        """Run writes in one transaction; publish their events only after COMMIT.

        SQLite: through the process's single writer (group commit, see ``writer.py``);
        PostgreSQL: a transaction of its own once admitted. Writes a person is waiting
        for (a chat message, a command) pass ``bounded=True``: past a bounded queue they
        are refused at once with ``Busy``. The others (a socket's rows when it connects or
        closes, presence, background jobs) wait their turn whatever the load, so that the
        state of the live sockets never goes wrong under a storm."""
        if self.writer is not None:
            async with self.writer.session(bounded) as session:
                uow = UnitOfWork(session)
                yield uow
        else:
            assert self.admission is not None
            async with self.admission.slot(bounded), self.write_sessions() as session:
                uow = UnitOfWork(session)
                async with session.begin():
                    yield uow
        if uow.events and self.on_commit is not None:
            await self.on_commit(uow.events)

    async def _checkpoint(self) -> None:
        """Copy the write-ahead log into the database file, on a reader's worker thread
        (the writer's own connection runs on the loop and leaves this to us). Passive: it
        never waits for readers or writers."""
        async with self.statement_engine.connect() as connection:
            await connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")

    async def dispose(self) -> None:
        if self.writer is not None:
            await self.writer.settle_jobs()
        if self.loop_reader is not None:
            self.loop_reader.dispose()
        await self.engine.dispose()
        if self.brief_engine is not None:
            await self.brief_engine.dispose()
        if self.writer is not None:
            await self.writer_engine.dispose()


def _configure_sqlite(
    engine: AsyncEngine, busy_timeout_ms: int = 30_000, *, read_only: bool = False
) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE for writers so concurrent writers queue
    instead of failing with 'database is locked' on lock upgrade (SQLAlchemy's pysqlite recipe).
    ``busy_timeout_ms=0`` for a connection on the loop's thread, which waits on the loop
    instead (``inline_sqlite.py``). A ``read_only`` connection leaves the journal mode to
    the others (it cannot set it)."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get("twinspace_one_statement", False):
            return  # autocommit: the statement is its own transaction
        writer = options.get("twinspace_writer", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")
