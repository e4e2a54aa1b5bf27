"""The write path's admission and, on SQLite, one writer with group commit.

SQLite allows one writer at a time. Instead of letting every unit of work open its own
``BEGIN IMMEDIATE`` and meet the others in SQLite's busy handler (which sleeps, polls and
ends in "database is locked"), a process sends all its writes through one turn:

- units of work take the turn one after the other (FIFO) on one connection;
- while units are waiting, the transaction stays open: each unit runs in a SAVEPOINT of
  the same transaction (a failing unit rolls back its own savepoint only) and the batch is
  committed once, when nobody is waiting any more or the batch is full or old enough;
- a unit's ``async with`` block returns only after its batch is COMMITTED, so every
  acknowledgement still follows a durable write (group commit);
- past ``queue_limit`` waiting units, or after ``wait_limit`` seconds in the queue, a unit
  is refused at once with :class:`~twinspace.errors.Busy` (``retry_after`` seconds).

On PostgreSQL there is no single writer: concurrent transactions are admitted up to the
connection pool's size, with the same bounded queue and ``Busy`` answer past it.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

from sqlalchemy.exc import InterfaceError, InternalError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from twinspace.errors import Busy
from twinspace.i18n import N_

logger = logging.getLogger(__name__)
BUSY_MESSAGE = N_("The server is busy. Try again in a moment.")
_holding: contextvars.ContextVar[bool] = contextvars.ContextVar("twinspace_writer", default=False)


@dataclass
class WriterStats:
    units: int = 0
    batches: int = 0
    refused: int = 0
    largest_batch: int = 0


class Admission:
    """A FIFO turn for ``slots`` holders at once, with a bounded queue in front of it."""

    def __init__(self, slots: int, queue_limit: int, wait_limit: float) -> None:
        self.slots = slots
        self.queue_limit = queue_limit
        self.wait_limit = wait_limit
        self.holders = 0
        self.waiting: deque[asyncio.Future[None]] = deque()
        self.refused = 0

    def retry_after(self) -> float:
        return max(1.0, round(len(self.waiting) / 200, 1))

    def refuse(self) -> Busy:
        self.refused += 1
        return Busy(BUSY_MESSAGE, retry_after=self.retry_after())

    async def acquire(self, bounded: bool = True) -> None:
        """Take a slot; ``bounded=False`` (housekeeping that must happen, such as forgetting
        a closed socket) waits however long the queue is instead of being refused."""
        if self.holders < self.slots and not self.waiting:
            self.holders += 1
            return
        if bounded and len(self.waiting) >= self.queue_limit:
            raise self.refuse()
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), self.wait_limit if bounded else None)
        except TimeoutError:
            if turn.done() and not turn.cancelled():  # handed over just as the wait ended
                self.release()
            else:
                self._drop(turn)
            raise self.refuse() from None
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()
            else:
                self._drop(turn)
            raise
        # the releasing holder passed its slot to us: ``holders`` already counts us

    def _drop(self, turn: asyncio.Future[None]) -> None:
        turn.cancel()
        with suppress(ValueError):
            self.waiting.remove(turn)

    def release(self) -> None:
        while self.waiting:
            turn = self.waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # the slot passes on; holders is unchanged
                return
        self.holders -= 1


@dataclass
class _Batch:
    connection: AsyncConnection
    started: float
    units: int = 0
    broken: bool = False
    committed: asyncio.Future[None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class SqliteWriter:
    """One connection, one turn, many units of work per transaction."""

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        queue_limit: int = 256,
        wait_limit: float = 10.0,
        max_batch: int = 64,
        max_batch_seconds: float = 0.025,
        after_commits: tuple[Callable[[], Awaitable[None]], int] | None = None,
    ) -> None:
        """``after_commits=(job, n)``: run ``job`` in the background after every ``n``
        committed batches, one run at a time (the WAL checkpoint of ``Database``)."""
        self.engine = engine  # with BEGIN IMMEDIATE (twinspace_writer=True)
        self.turn = Admission(1, queue_limit, wait_limit)
        self.max_batch = max_batch
        self.max_batch_seconds = max_batch_seconds
        self.stats = WriterStats()
        self._batch: _Batch | None = None
        self._flushing: set[asyncio.Future[None]] = set()  # strong references to the tasks
        self._after_commits = after_commits
        self._since_job = 0
        self._job: asyncio.Future[None] | None = None

    @asynccontextmanager
    async def session(self, bounded: bool = True) -> AsyncIterator[AsyncSession]:
        if _holding.get():
            raise RuntimeError("a unit of work cannot open another one (single SQLite writer)")
        try:
            await self.turn.acquire(bounded)
        except BaseException:
            # a unit that gave up (cancelled) just as the turn reached it may have been the
            # one a finished unit kept the transaction open for: if nobody holds the turn now,
            # commit that transaction rather than leave its units waiting for a COMMIT
            if self._batch is not None and self.turn.holders == 0:
                task = asyncio.ensure_future(self._commit_left_open())
                self._flushing.add(task)
                task.add_done_callback(self._flushing.discard)
            raise
        token = _holding.set(True)
        batch: _Batch | None = None
        try:
            batch = await self._open_batch()
            session = AsyncSession(
                bind=batch.connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            )
            try:
                async with session.begin():  # SAVEPOINT … RELEASE (or ROLLBACK TO) for this unit
                    yield session
            except BaseException as err:
                # a fault of the connection or of SQLite itself may have ended the whole
                # transaction: then no unit of this batch may be acknowledged
                if (
                    isinstance(err, OperationalError | InterfaceError | InternalError)
                    or not batch.connection.in_transaction()
                    or batch.connection.invalidated
                ):
                    batch.broken = True
                raise
            finally:
                await session.close()
            batch.units += 1
        finally:
            _holding.reset(token)
            await asyncio.shield(self._end_turn(batch))
        await asyncio.shield(batch.committed)  # acknowledged only once committed

    async def _commit_left_open(self) -> None:
        await self.turn.acquire(False)
        batch, self._batch = self._batch, None
        try:
            if batch is not None:
                await self._finish(batch)
        finally:
            self.turn.release()

    async def _open_batch(self) -> _Batch:
        if self._batch is None:
            connection = await self.engine.connect()
            try:
                await connection.begin()  # BEGIN IMMEDIATE
            except BaseException:
                await connection.close()
                raise
            self._batch = _Batch(connection, time.monotonic())
        return self._batch

    async def _end_turn(self, batch: _Batch | None) -> None:
        """Hand the open transaction to the next unit, or commit it and wake its units."""
        try:
            if batch is not None and self._should_commit(batch):
                self._batch = None
                await self._finish(batch)
        finally:
            self.turn.release()

    def _should_commit(self, batch: _Batch) -> bool:
        return (
            batch.broken
            or not self.turn.waiting
            or batch.units >= self.max_batch
            or time.monotonic() - batch.started >= self.max_batch_seconds
        )

    async def _finish(self, batch: _Batch) -> None:
        try:
            if batch.broken:
                raise RuntimeError("the write transaction failed; nothing of it was stored")
            await batch.connection.commit()
        except BaseException as err:
            if not batch.committed.done():
                batch.committed.set_exception(err)
                batch.committed.exception()  # retrieved here too: no "never retrieved" noise
            try:
                await batch.connection.rollback()
            finally:
                await batch.connection.close()
            return
        await batch.connection.close()
        self.stats.units += batch.units
        self.stats.batches += 1
        self.stats.largest_batch = max(self.stats.largest_batch, batch.units)
        if not batch.committed.done():
            batch.committed.set_result(None)
        self._count_commit()

    async def settle_jobs(self) -> None:
        """Wait for the background job started after commits, if one runs."""
        if self._job is not None and not self._job.done():
            await asyncio.wait([self._job])

    def _count_commit(self) -> None:
        if self._after_commits is None:
            return
        job, every = self._after_commits
        self._since_job += 1
        if self._since_job >= every and (self._job is None or self._job.done()):
            self._since_job = 0
            self._job = asyncio.ensure_future(job())
            self._job.add_done_callback(_log_failure)


def _log_failure(done: asyncio.Future[None]) -> None:
    if not done.cancelled() and done.exception() is not None:
        logger.warning("background job after commits failed: %r", done.exception())


class PoolAdmission:
    """PostgreSQL: as many concurrent write transactions as the pool has connections."""

    def __init__(self, slots: int, *, queue_limit: int = 256, wait_limit: float = 10.0) -> None:
        self.turn = Admission(slots, queue_limit, wait_limit)

    @asynccontextmanager
    async def slot(self, bounded: bool = True) -> AsyncIterator[None]:
        await self.turn.acquire(bounded)
        try:
            yield
        finally:
            self.turn.release()
