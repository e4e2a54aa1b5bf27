"""The SQLite writer's connection runs on the loop's own thread (twinspace/inline_sqlite.py):
it waits for another process's write lock without stopping the loop, and the write-ahead
log still reaches the database file (passive checkpoints on a reader's thread).

These tests use a SQLite file whatever ``--db`` says: they are about the SQLite writer."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import delete, select
from sqlalchemy.exc import OperationalError

from tests.conftest import _copy_sqlite
from twinspace.db import Database
from twinspace.events import Event, record_event
from twinspace.inline_sqlite import CHECKPOINT_EVERY
from twinspace.migrate import upgrade

ROOM = "test:inline-writer"


@pytest.fixture
def sqlite_copy(template_db: Path, tmp_path: Path) -> tuple[Path, str]:
    """A SQLite copy of the seeded template (on a PostgreSQL run: a fresh migrated file)."""
    path = tmp_path / "inline.db"
    url = f"sqlite+aiosqlite:///{path}"
    if template_db.is_file():
        _copy_sqlite(template_db, path)
    else:
        upgrade(url)
    return path, url


def in_database_file(path: Path) -> int:
    """This test's events in the database file itself, ignoring the write-ahead log."""
    with sqlite3.connect(f"file:{path}?immutable=1", uri=True) as reader:
        found = reader.execute("SELECT count(*) FROM events WHERE room = ?", (ROOM,))
        return int(found.fetchone()[0])


async def write(db: Database, n: int) -> int:
    async with db.unit_of_work() as uow:
        event = await record_event(uow, ROOM, "test.write", {"n": n})
    return event.seq


async def test_the_writer_waits_for_another_process_lock_and_the_loop_goes_on(
    sqlite_copy: tuple[Path, str],
) -> None:
    path, url = sqlite_copy
    db = Database(url)
    other = sqlite3.connect(path, isolation_level=None)  # as a CLI command would
    try:
        await write(db, 0)  # the writer's connection is open
        other.execute("BEGIN IMMEDIATE")
        waiting = asyncio.create_task(write(db, 1))
        loop = asyncio.get_running_loop()
        turns = [loop.time()]
        for _ in range(20):  # the loop keeps turning while the writer waits for the lock
            await asyncio.sleep(0.005)
            turns.append(loop.time())
        assert not waiting.done()
        # never frozen: a busy handler on the loop's thread would hold it for its whole
        # timeout (30 s for the other connections), far beyond this bound
        assert max(b - a for a, b in zip(turns, turns[1:], strict=False)) < 2.0
        other.execute("COMMIT")
        assert await asyncio.wait_for(waiting, 10) == 2
        async with db.read() as session:
            stored = list(await session.scalars(select(Event.seq).where(Event.room == ROOM)))
        assert sorted(stored) == [1, 2]
    finally:
        other.close()
        await db.dispose()


async def test_the_write_ahead_log_is_checkpointed_into_the_database_file(
    sqlite_copy: tuple[Path, str],
) -> None:
    path, url = sqlite_copy
    db = Database(url)
    try:
        for n in range(CHECKPOINT_EVERY - 1):
            await write(db, n)
        assert in_database_file(path) == 0  # still in the log only
        await write(db, CHECKPOINT_EVERY)
        assert db.writer is not None
        await db.writer.settle_jobs()
        assert in_database_file(path) == CHECKPOINT_EVERY  # the log was copied into the file
    finally:
        await db.dispose()


async def test_a_brief_read_sees_one_snapshot_beside_a_writer_and_cannot_write(
    sqlite_copy: tuple[Path, str],
) -> None:
    """``Database.brief_read`` (a socket's join, catch-up, checks) runs on the loop's thread:
    its statements agree with each other while another process writes, it is never held
    up by that process's write lock, and it refuses to write."""
    path, url = sqlite_copy
    db = Database(url)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        await write(db, 0)
        query = select(Event.seq).where(Event.room == ROOM)
        async with db.brief_read() as session:
            first = list(await session.scalars(query))
            other.execute("BEGIN IMMEDIATE")  # holds the write lock for the rest of the read
            other.execute(
                "INSERT INTO events (room, seq, type, data, created_at)"
                " VALUES (?, 99, 'test.other', '{}', '2026-01-01 00:00:00')",
                (ROOM,),
            )
            other.execute("COMMIT")
            again = list(await session.scalars(query))  # the same snapshot: one read
        assert first == again == [1]
        other.execute("BEGIN IMMEDIATE")
        async with db.brief_read() as session:  # a new read sees the commit, lock or not
            assert sorted(await asyncio.wait_for(session.scalars(query), 2)) == [1, 99]
        other.execute("ROLLBACK")
        async with db.brief_read() as session:
            with pytest.raises(OperationalError, match="readonly|read-only|query_only"):
                await session.execute(delete(Event).where(Event.room == ROOM))
        async with db.read() as session:
            assert sorted(await session.scalars(query)) == [1, 99]
    finally:
        other.close()
        await db.dispose()
