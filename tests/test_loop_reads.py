"""One-statement reads of a SQLite file on the loop's own thread (twinspace/loop_reads.py):
they read what the engine reads, see a commit at once, and never make the loop wait."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, inspect, select, update

from tests.conftest import RunningServer
from tests.support import api_login, session_token
from twinspace.accounts.auth import live_session_user, session_id_of
from twinspace.accounts.models import AuthSession, User
from twinspace.db import Database
from twinspace.loop_reads import loop_reader_for
from twinspace.web.context import _reader_statement

PUBLISH = 'href="/spaces/1/publish"'  # shown to the TwinSpace's founder only


async def test_the_session_read_gives_what_the_engine_gives(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    try:
        session_id = session_id_of(session_token(anne))
        db = server.runtime.db
        statement = _reader_statement()
        fast = await db.statement_rows(statement, {"session_id": session_id})
        async with db.read() as session:
            usual = (await session.execute(statement, {"session_id": session_id})).all()
        assert fast == usual and len(fast) == 1
        expires_at = fast[0][0]
        assert isinstance(expires_at, datetime) and expires_at.tzinfo is not None
    finally:
        await anne.aclose()


async def test_a_session_ended_elsewhere_ends_on_the_next_page_read(
    server: RunningServer,
) -> None:
    anne = await api_login(server.url, "anne")
    try:
        assert PUBLISH in (await anne.get("/spaces/1")).text
        assert PUBLISH in (await anne.get("/spaces/1")).text  # now from the page cache
        async with server.runtime.db.unit_of_work() as uow:
            ended = await uow.session.execute(
                delete(AuthSession).where(AuthSession.id == session_id_of(session_token(anne)))
            )
            assert ended.rowcount == 1
        after = await anne.get("/spaces/1")
        assert PUBLISH not in after.text
    finally:
        await anne.aclose()


def test_only_sqlite_files_are_read_on_the_loop(tmp_path: Path) -> None:
    assert loop_reader_for("postgresql+asyncpg://twinspace@127.0.0.1/twinspace") is None
    assert loop_reader_for("sqlite+aiosqlite://") is None
    assert loop_reader_for("sqlite+aiosqlite:///:memory:") is None
    reader = loop_reader_for(f"sqlite+aiosqlite:///{tmp_path / 'file.db'}")
    assert reader is not None
    reader.dispose()


async def test_a_locked_database_is_read_without_making_the_loop_wait(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        setup.execute("INSERT INTO notes (text) VALUES ('kept')")
    notes = Table(
        "notes", MetaData(), Column("id", Integer, primary_key=True), Column("text", String)
    )
    db = Database(f"sqlite+aiosqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")  # nobody may read until it ends
        read = asyncio.create_task(db.statement_rows(select(notes.c.text)))
        others_ran = asyncio.Event()
        asyncio.get_running_loop().call_soon(others_ran.set)
        await asyncio.wait_for(others_ran.wait(), 5)  # the loop goes on while the read waits
        assert not read.done()
        holder.execute("COMMIT")
        assert await asyncio.wait_for(read, 30) == [("kept",)]
    finally:
        holder.close()
        await db.dispose()


async def test_a_socket_event_reads_the_same_user_as_the_orm(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    try:
        session_id = session_id_of(session_token(anne))
        db = server.runtime.db
        user = await live_session_user(db, session_id)
        async with db.read() as session:
            loaded = await session.scalar(
                select(User).join(AuthSession).where(AuthSession.id == session_id)
            )
        assert user is not None and loaded is not None
        for column in inspect(User).column_attrs:
            assert getattr(user, column.key) == getattr(loaded, column.key), column.key
        assert inspect(user).detached  # as a read through a closed session gives it
        async with db.unit_of_work() as uow:
            await uow.session.execute(
                update(User).where(User.id == user.id).values(is_active=False)
            )
        assert await live_session_user(db, session_id) is None  # disabled: no user
        assert await live_session_user(db, session_id_of("no-such-token")) is None
    finally:
        await anne.aclose()
