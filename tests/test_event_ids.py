"""Per-room event ids stay gap-free and strictly increasing when three processes write to
one room at once (on SQLite and, with ``--db=postgresql``, on PostgreSQL): catch-up never
sees an id before the ids below it are visible, so a client never skips an event."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from twinspace.db import Database
from twinspace.events import get_events_after, get_last_seq

ROOM = "space:1:chat:general"
PROCESSES, TASKS, EVENTS = 3, 4, 40


async def test_three_processes_hammer_one_room(database_url: str) -> None:
    db = Database(database_url)
    async with db.read() as session:
        start = await get_last_seq(session, ROOM)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    writers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.procs.hammer_room",
            database_url,
            ROOM,
            f"w{n}",
            str(TASKS),
            str(EVENTS),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        for n in range(PROCESSES)
    ]
    total = PROCESSES * TASKS * EVENTS
    try:
        for writer in writers:  # every writer is connected before any starts
            assert await asyncio.wait_for(writer.stdout.readline(), 60) == b"ready\n"
        for writer in writers:
            writer.stdin.write(b"go\n")
        outputs = [asyncio.ensure_future(w.communicate()) for w in writers]

        # a reader catching up all along, as a reconnecting client does
        seen: list[int] = []
        while len(seen) < total:
            after = seen[-1] if seen else start
            async with db.read() as session:
                ids = [e["id"] for e in await get_events_after(session, ROOM, after)]
            assert ids == list(range(after + 1, after + 1 + len(ids))), (after, ids)
            seen += ids
            if not ids:
                if all(o.done() for o in outputs):
                    break
                await asyncio.sleep(0.01)
        results = [await asyncio.wait_for(o, 120) for o in outputs]
    finally:
        for writer in writers:
            if writer.returncode is None:
                writer.kill()
        await db.dispose()

    assert [w.returncode for w in writers] == [0] * PROCESSES
    assert len(seen) == total
    records = [json.loads(line) for out, _ in results for line in out.decode().splitlines()]
    assert len(records) == total
    assert sorted(r["seq"] for r in records) == list(range(start + 1, start + total + 1))
    for writer in range(PROCESSES):  # each task's own transactions got increasing ids
        for task in range(TASKS):
            mine = [r for r in records if r["writer"] == f"w{writer}" and r["task"] == task]
            assert [r["k"] for r in mine] == list(range(EVENTS))
            assert [r["seq"] for r in mine] == sorted(r["seq"] for r in mine)
    check = Database(database_url)
    async with check.read() as session:
        assert await get_last_seq(session, ROOM) == start + total
    await check.dispose()
