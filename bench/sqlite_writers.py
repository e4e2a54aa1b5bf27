"""A class writing at once on SQLite: W members each send one chat message per second.

Starts TwinSpace on a fresh demo installation with SQLite (the default), as
bench/chat_fanout.py does (same light Socket.IO clients, same pinning: server on CPU 0,
load on CPU 1), connects W sockets with one account each, joins them all to the chat room
``general`` at once, then every writer sends one ``chat:send`` per second (open loop, each
writer with its own phase) for ``--seconds``. Reports the acks by answer (ok, and each
error code: ``busy``, ``internal``…), the ack latency p50/p99/max of the accepted
messages, the copies delivered, the server CPU, and then checks in the database that every
acknowledged message is stored exactly once with its acknowledged id.

    .venv/bin/python bench/sqlite_writers.py --writers 50 --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat_fanout import (  # noqa: E402 - the sibling benchmark's client and server helpers
    CLIENT_CPU,
    CLK_TCK,
    ROOM,
    Deliveries,
    SioClient,
    Snapshot,
    affinity,
    log,
    percentile,
    revision,
    start_twinspace,
)


async def run(server: Any, args: argparse.Namespace) -> dict[str, Any]:
    url = f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
    deliveries = Deliveries()
    clients = [SioClient(deliveries) for _ in range(args.writers)]
    started = time.perf_counter()

    async def join(index: int, client: SioClient) -> dict[str, Any]:
        await client.connect(url, server.sender_cookies[index], False)
        return await asyncio.wait_for(await client.call("join", {"room": ROOM}), 60)

    joins = await asyncio.gather(*(join(i, c) for i, c in enumerate(clients)))
    join_seconds = time.perf_counter() - started
    join_errors = Counter(str(a.get("error")) for a in joins if not a.get("ok"))

    answers: Counter[str] = Counter()
    ack_ms: list[float] = []
    acked: dict[str, int] = {}  # text -> acknowledged id

    async def writer(index: int, client: SioClient) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time() + random.random()  # each writer its own phase
        for k in range(int(args.seconds)):
            delay = start + k - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            text = f"w{index} m{k} " + "x" * 80
            sent = time.perf_counter()
            future = await client.call("chat:send", {"room": ROOM, "text": text})
            future.add_done_callback(lambda f, t=text, s=sent: record(f, t, s))

    def record(future: asyncio.Future[Any], text: str, sent: float) -> None:
        if future.exception() is not None:
            answers["connection closed"] += 1
            return
        ack = future.result()
        if isinstance(ack, dict) and ack.get("ok"):
            answers["ok"] += 1
            ack_ms.append(1000 * (time.perf_counter() - sent))
            acked[text] = ack["id"]
        else:
            answers[str(ack.get("error") if isinstance(ack, dict) else ack)] += 1

    before = Snapshot.take([server.pid])
    await asyncio.gather(*(writer(i, c) for i, c in enumerate(clients)))
    after = Snapshot.take([server.pid])
    expected = args.writers * int(args.seconds)
    for _ in range(600):  # answers still on their way (at most 60 s)
        if sum(answers.values()) >= expected:
            break
        await asyncio.sleep(0.1)
    answers["no answer"] = expected - sum(answers.values())
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    window = after.wall - before.wall
    ack_ms.sort()
    return {
        "join_seconds": join_seconds,
        "join_errors": dict(join_errors),
        "answers": {k: v for k, v in answers.items() if v},
        "expected": expected,
        "ack_ms": ack_ms,
        "acked": acked,
        "server_cpu_pct": 100 * (after.server_ticks - before.server_ticks) / CLK_TCK / window,
        "other_cpu_pct": max(
            0.0,
            100
            * (
                (after.machine_ticks - before.machine_ticks) / CLK_TCK
                - (after.server_ticks - before.server_ticks) / CLK_TCK
                - (after.own_cpu - before.own_cpu)
            )
            / window,
        ),
    }


def check_stored(var_dir: Path, acked: dict[str, int]) -> tuple[int, int]:
    """(acknowledged messages missing or stored under another id, stored twice)."""
    with contextlib.closing(sqlite3.connect(var_dir / "twinspace.db")) as db:
        rows = db.execute("SELECT text, event_seq FROM chat_messages").fetchall()
    stored: dict[str, list[int]] = {}
    for text, seq in rows:
        stored.setdefault(text, []).append(seq)
    missing = sum(1 for text, seq in acked.items() if stored.get(text) != [seq])
    twice = sum(1 for seqs in stored.values() if len(seqs) > 1)
    return missing, twice


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    pin = not args.no_pin and shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    if pin:
        os.sched_setaffinity(0, {CLIENT_CPU})
    work_dir = Path(tempfile.mkdtemp(prefix="sqlite-writers-"))
    # what start_twinspace expects: every socket a sender with an account of its own
    setup = argparse.Namespace(
        clients=args.writers,
        senders=args.writers,
        sockets_per_account=1,
        pg_cluster=None,
        no_gc_freeze=False,
        gc_threshold=None,
    )
    try:
        with start_twinspace(work_dir, pin, setup) as server:
            log(f"[twinspace] pid {server.pid} on CPU {affinity(server.pid)}")
            result = asyncio.run(run(server, args))
            var_dir = next(work_dir.glob("twinspace-var-*"))
        missing, twice = check_stored(var_dir, result["acked"])
    finally:
        if args.keep:
            log(f"kept {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    ack = result["ack_ms"]
    print(
        f"SQLite writers: {args.writers} members x 1 msg/s for {args.seconds:g} s, one process; "
        f"TwinSpace {revision()}"
    )
    print(f"  connect + join {args.writers} sockets: {result['join_seconds']:.1f} s", end="")
    print(f" (refused: {result['join_errors']})" if result["join_errors"] else "")
    print(f"  answers: {result['answers']} of {result['expected']}")
    print(
        f"  ack ms p50 / p99 / max: {percentile(ack, 50):.1f} / {percentile(ack, 99):.1f} / "
        f"{(ack[-1] if ack else math.nan):.1f}"
    )
    print(f"  acknowledged but not stored with their id: {missing}; stored twice: {twice}")
    cpu, other = result["server_cpu_pct"], result["other_cpu_pct"]
    print(f"  server CPU {cpu:.0f} %, other processes {other:.0f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
