"""The write path: on SQLite one writer with group commit (many units of work per
transaction, each released only after its COMMIT); on every backend a bounded queue past
which a write is refused at once with ``busy`` and ``retry_after``."""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest
from sqlalchemy import select

from tests.conftest import start_server, stop_server
from tests.support import LiveClient, api_login
from twinspace.db import Database
from twinspace.errors import Busy
from twinspace.events import Event, record_event
from twinspace.writer import Admission

ROOM = "test:writer"
GENERAL = "space:1:chat:general"


def write_gate(db: Database) -> Admission:
    return db.writer.turn if db.writer is not None else db.admission.turn  # type: ignore[union-attr]


async def until(check, timeout: float = 5.0) -> None:
    """Wait (bounded) for a state of the write gate that another task is about to reach."""
    for _ in range(int(timeout / 0.01)):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the write gate never reached the expected state")


async def stored_seqs(db: Database) -> list[int]:
    async with db.read() as session:
        return list(
            await session.scalars(select(Event.seq).where(Event.room == ROOM).order_by(Event.seq))
        )


async def test_concurrent_writes_are_grouped_and_each_released_after_commit(database_url) -> None:
    db = Database(database_url)
    if db.writer is not None:  # a batch closes when nobody waits (not on time, in this test)
        db.writer.max_batch_seconds = 60
    visible_at_release: list[bool] = []

    async def write(n: int) -> int:
        async with db.unit_of_work() as uow:
            event = await record_event(uow, ROOM, "test.write", {"n": n})
            if n == 13:
                raise ValueError("this unit fails: only it is rolled back")
        async with db.read() as session:  # released only once committed: readers see it
            seen = await session.scalar(select(Event.id).where(Event.id == event.id))
        visible_at_release.append(seen is not None)
        return event.seq

    results = await asyncio.gather(*(write(n) for n in range(60)), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    assert len(failed) == 1 and isinstance(failed[0], ValueError)
    seqs = sorted(r for r in results if isinstance(r, int))
    assert seqs == list(range(1, 60))  # gap-free: the failed unit's counter step rolled back
    assert await stored_seqs(db) == seqs
    assert visible_at_release == [True] * 59
    if db.writer is not None:
        assert db.writer.stats.units == 59
        assert db.writer.stats.batches <= 3  # group commit: 60 writes queued, a few COMMITs
        assert db.writer.stats.largest_batch > 1
    await db.dispose()


async def test_a_full_write_queue_is_refused_at_once(database_url) -> None:
    db = Database(database_url, write_queue=2, pool_size=1)
    gate = write_gate(db)
    release = asyncio.Event()

    async def holder() -> None:
        async with db.unit_of_work() as uow:
            await record_event(uow, ROOM, "test.write", {"n": "holder"})
            await release.wait()

    async def queued(n: int) -> int:
        async with db.unit_of_work(bounded=True) as uow:
            return (await record_event(uow, ROOM, "test.write", {"n": n})).seq

    holding = asyncio.create_task(holder())
    await until(lambda: gate.holders == gate.slots)
    waiting = [asyncio.create_task(queued(n)) for n in range(2)]
    await until(lambda: len(gate.waiting) == 2)
    started = time.monotonic()
    with pytest.raises(Busy) as refused:
        await queued(99)
    assert time.monotonic() - started < 0.5
    assert refused.value.details["retry_after"] >= 1

    async def housekeeping() -> int:  # must happen whatever the load: waits, never refused
        async with db.unit_of_work(bounded=False) as uow:
            return (await record_event(uow, ROOM, "test.write", {"n": "cleanup"})).seq

    cleanup = asyncio.create_task(housekeeping())
    await until(lambda: len(gate.waiting) == 3)
    release.set()
    await holding
    assert sorted(await asyncio.gather(*waiting)) == [2, 3]
    assert await cleanup == 4
    assert await stored_seqs(db) == [1, 2, 3, 4]
    await db.dispose()


async def test_a_unit_that_gives_up_just_as_its_turn_comes_does_not_strand_the_batch(
    database_url,
) -> None:
    """The first unit keeps the transaction open for the one waiting behind it; that one is
    cancelled (its client went away) just as the turn reaches it. The first unit must still
    be committed and released, not wait for the next write that may never come."""
    db = Database(database_url)
    if db.writer is None:
        await db.dispose()
        pytest.skip("PostgreSQL has no single writer: each unit commits its own transaction")
    gate = write_gate(db)
    release = asyncio.Event()

    async def first() -> int:
        async with db.unit_of_work() as uow:
            seq = (await record_event(uow, ROOM, "test.write", {"n": 1})).seq
            await release.wait()
        return seq

    async def second() -> None:
        async with db.unit_of_work() as uow:
            await record_event(uow, ROOM, "test.write", {"n": 2})

    holding = asyncio.create_task(first())
    await until(lambda: gate.holders == gate.slots)
    behind = asyncio.create_task(second())
    await until(lambda: len(gate.waiting) == 1)
    gate.waiting[0].add_done_callback(lambda _turn: behind.cancel())  # gone as its turn comes
    release.set()
    assert await asyncio.wait_for(holding, 10) == 1
    with pytest.raises(asyncio.CancelledError):
        await behind
    assert await stored_seqs(db) == [1]
    await db.dispose()


async def test_chat_send_answers_busy_when_the_write_queue_is_full(settings) -> None:
    running = await start_server(dataclasses.replace(settings, write_queue=1))
    http = await api_login(running.url, "anne")
    client = await LiveClient().connect(running.url, http.cookies["ts_session"])
    try:
        assert (await client.call("join", {"room": GENERAL}))["ok"]
        gate = write_gate(running.runtime.db)
        for _ in range(gate.slots):  # every write slot taken, as under a write storm
            await gate.acquire()
        first = asyncio.create_task(client.call("chat:send", {"room": GENERAL, "text": "queued"}))
        await until(lambda: len(gate.waiting) == 1)
        started = time.monotonic()
        ack = await client.call("chat:send", {"room": GENERAL, "text": "refused"})
        assert time.monotonic() - started < 1
        assert ack["ok"] is False and ack["error"] == "busy" and ack["retry_after"] >= 1
        assert ack["message"]
        answer = await http.post("/api/v1/spaces/1/chat/general/send", json={"text": "refused too"})
        assert answer.status_code == 503 and answer.json()["error"] == "busy"
        assert int(answer.headers["Retry-After"]) >= 1
        for _ in range(gate.slots):
            gate.release()
        assert (await first)["ok"]
        history = await client.call("chat:history", {"room": GENERAL, "limit": 5})
        texts = [m["text"] for m in history["messages"]]
        assert "queued" in texts and "refused" not in texts and "refused too" not in texts
    finally:
        await client.close()
        await http.aclose()
        await stop_server(running)
