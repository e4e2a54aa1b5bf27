"""One writer process of tests/test_event_ids.py: ``python -m tests.procs.hammer_room URL ROOM
WRITER TASKS EVENTS``. Connects, prints ``ready``, waits for a line on stdin, then runs TASKS
concurrent tasks that each record EVENTS events in ROOM, one transaction each, and prints one
JSON line per committed event: {"writer", "task", "k", "seq"}."""

from __future__ import annotations

import asyncio
import json
import sys

from sqlalchemy import text

import twinspace.models  # noqa: F401  (every table, for the foreign keys)
from twinspace.db import Database
from twinspace.events import record_event


async def main(url: str, room: str, writer: str, tasks: int, events: int) -> None:
    db = Database(url)
    async with db.read() as session:  # connected before the start signal
        await session.execute(text("SELECT 1"))
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    lines: list[str] = []

    async def task(number: int) -> None:
        for k in range(events):
            async with db.unit_of_work() as uow:
                event = await record_event(
                    uow, room, "test.hammer", {"writer": writer, "task": number, "k": k}
                )
            lines.append(json.dumps({"writer": writer, "task": number, "k": k, "seq": event.seq}))

    await asyncio.gather(*(task(n) for n in range(tasks)))
    await db.dispose()
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    url, room, writer, tasks, events = sys.argv[1:6]
    asyncio.run(main(url, room, writer, int(tasks), int(events)))
