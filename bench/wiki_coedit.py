"""Wiki co-editing benchmark: 30 editors typing in one wiki page.

    .venv/bin/python bench/wiki_coedit.py [--editors 30] [--rate 2] [--seconds 15] [--edits 10000]

In a fresh temporary directory (no real database is touched): ``twinspace demo``, benchmark
accounts (bench/seed_users.py), ``twinspace serve`` pinned to CPU 0 (this process on CPU 1
when the machine has two), a wiki page made through the JSON API. Then:

1. **Latency**: ``--editors`` python-socketio clients, each with its own pycrdt document and
   account, join the page and sync; each types at ``--rate`` updates/s (open loop, a keystroke
   or two at a random place, now and then a deletion) for ``--seconds``. Reported: the ack
   round trip (sent -> stored and acknowledged) and the relay round trip (sent -> received by
   each other editor), p50/p95/p99, and whether every document converged to the stored one.
2. **Storage**: ``--edits`` more updates (the editors in turn, acked one by one, 8 in flight),
   then the bytes the page takes in the database (snapshot + updates not yet compacted +
   revisions) before and after, per 10,000 edits, and the text's own length.

The clients are python-socketio ``AsyncClient``s in one process: they cost CPU too (see
/work/shared/PERFORMANCE.md), so the latency is an upper bound for the server.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import socketio
from chat_fanout import (
    BENCH_DIR,
    CLIENT_CPU,
    BenchError,
    clean_env,
    free_port,
    log,
    login,
    percentile,
    pin_prefix,
    run_step,
    server_process,
    twinspace_command,
)
from pycrdt import Doc, Text

EMPTY = b"\x00\x00"
CHARS = "abcdefghijklmnopqrstuvwxyz éèàüöß"


def api(base: str, cookie: str, csrf: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def make_wiki(base: str) -> dict[str, int]:
    request = urllib.request.Request(
        f"{base}/api/v1/session",
        data=json.dumps({"username": "anne", "password": "demo-pass"}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        csrf = json.loads(response.read())["csrf_token"]
        cookie = "; ".join(h.split(";", 1)[0] for h in response.headers.get_all("Set-Cookie") or [])
    page = api(base, cookie, csrf, "/api/v1/spaces/1/rooms/activities/pages", {"title": "Bench"})
    widget = api(
        base, cookie, csrf, f"/api/v1/spaces/1/pages/{page['id']}/widgets", {"kind": "wiki"}
    )
    pages = api(base, cookie, csrf, f"/api/v1/spaces/1/widgets/{widget['id']}/pages.list", {})
    return {
        "space_id": 1,
        "widget_id": widget["id"],
        "page_id": pages["pages"][0]["id"],
        "host_id": page["id"],
    }


class Editor:
    def __init__(
        self, name: str, ids: dict[str, int], sent: dict[bytes, float], relay: list[float]
    ):
        self.name, self.ids, self.sent, self.relay = name, ids, sent, relay
        self.doc: Doc = Doc()
        self.text = self.doc.get("text", type=Text)
        self.sio = socketio.AsyncClient(reconnection=False)
        self.rng = random.Random(name)
        self.sio.on("wiki:update", self._on_update)
        self._local: list[bytes] | None = None
        self.doc.observe(self._on_transaction)

    def _on_transaction(self, event: Any) -> None:
        if self._local is not None:  # the update of a local edit, as Yjs's "update" event
            self._local.append(event.update)

    async def _on_update(self, data: dict[str, Any]) -> None:
        update = data["update"]
        at = self.sent.get(hashlib.blake2b(update, digest_size=8).digest())
        if at is not None:
            self.relay.append(time.perf_counter() - at)
        self.doc.apply_update(update)

    def wire(self) -> dict[str, int]:
        return {k: self.ids[k] for k in ("space_id", "widget_id", "page_id")}

    async def start(self, base: str, cookie: str) -> None:
        await self.sio.connect(base, headers={"Cookie": cookie}, transports=["websocket"])
        ack = await self.sio.call("join", {"room": f"space:1:page:{self.ids['host_id']}"})
        if not ack.get("ok"):
            raise BenchError(f"join refused: {ack}")
        ack = await self.sio.call(
            "wiki:sync", {**self.wire(), "state_vector": self.doc.get_state()}
        )
        self.doc.apply_update(ack["update"])

    def keystroke(self) -> bytes:
        """A keystroke or two at a random place, now and then a deletion: its update alone
        (``get_update(state)`` would carry the document's whole delete set every time)."""
        value = str(self.text)

        def offset(index: int) -> int:  # pycrdt counts UTF-8 bytes
            return len(value[:index].encode())

        self._local = []
        try:
            if len(value) > 40 and self.rng.random() < 0.15:
                start = self.rng.randrange(len(value) - 2)
                del self.text[offset(start) : offset(start + 1)]
            else:
                where = offset(self.rng.randint(0, len(value)))
                typed = "".join(self.rng.choice(CHARS) for _ in range(self.rng.randint(1, 2)))
                self.text.insert(where, typed)
        finally:
            updates, self._local = self._local, None
        return updates[0]

    async def type_once(self, acks: list[float]) -> None:
        update = self.keystroke()
        started = time.perf_counter()
        self.sent[hashlib.blake2b(update, digest_size=8).digest()] = started
        ack = await self.sio.call("wiki:update", {**self.wire(), "update": update}, timeout=30)
        if not ack.get("ok"):
            raise BenchError(f"{self.name}: update refused: {ack}")
        acks.append(time.perf_counter() - started)


def stored_bytes(db_path: Path, page_id: int) -> dict[str, int]:
    with sqlite3.connect(db_path) as conn:
        snapshot = conn.execute(
            "SELECT length(snapshot), seq FROM tool_wiki_pages WHERE id = ?", (page_id,)
        ).fetchone()
        updates = conn.execute(
            "SELECT coalesce(sum(length(data)), 0), count(*) FROM tool_wiki_updates "
            "WHERE page_id = ?",
            (page_id,),
        ).fetchone()
        revisions = conn.execute(
            "SELECT coalesce(sum(length(state)) + sum(length(text)), 0), count(*) "
            "FROM tool_wiki_revisions WHERE page_id = ?",
            (page_id,),
        ).fetchone()
    return {
        "snapshot": snapshot[0] or 0,
        "seq": snapshot[1],
        "updates": updates[0],
        "update_rows": updates[1],
        "revisions": revisions[0],
        "revision_rows": revisions[1],
        "total": (snapshot[0] or 0) + updates[0] + revisions[0],
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def ms(values: list[float], pct: float) -> str:
    return f"{percentile(sorted(values), pct) * 1000:.1f}"


async def run(
    base: str,
    cookies: list[str],
    ids: dict[str, int],
    args: argparse.Namespace,
    db_path: Path,
    server_pid: int,
) -> str:
    sent: dict[bytes, float] = {}
    relay: list[float] = []
    editors = [Editor(f"e{i}", ids, sent, relay) for i in range(args.editors)]
    await asyncio.gather(*(e.start(base, c) for e, c in zip(editors, cookies, strict=True)))
    log(f"{len(editors)} editors joined and synced")

    # 1. latency, open loop: each editor types at --rate updates/s
    acks: list[float] = []
    cpu_server, cpu_client = cpu_seconds(server_pid), cpu_seconds(os.getpid())
    deadline = time.perf_counter() + args.seconds

    async def typist(editor: Editor, phase: float) -> None:
        await asyncio.sleep(phase)
        step = 1 / args.rate
        at = time.perf_counter()
        tasks = []
        while at < deadline:
            tasks.append(asyncio.create_task(editor.type_once(acks)))
            at += step
            await asyncio.sleep(max(0.0, at - time.perf_counter()))
        await asyncio.gather(*tasks)

    await asyncio.gather(
        *(typist(e, i / (args.rate * len(editors))) for i, e in enumerate(editors))
    )
    sent_count = len(acks)
    server_load = (cpu_seconds(server_pid) - cpu_server) / args.seconds * 100
    client_load = (cpu_seconds(os.getpid()) - cpu_client) / args.seconds * 100
    await asyncio.sleep(1.0)  # let the last relays arrive
    expected = sent_count * (len(editors) - 1)
    before = stored_bytes(db_path, ids["page_id"])
    texts = {str(e.text) for e in editors}
    latency = (
        f"latency: {len(editors)} editors x {args.rate}/s for {args.seconds}s = "
        f"{sent_count} updates, "
        f"{sent_count / args.seconds:.0f}/s in, {len(relay)}/{expected} relayed copies "
        f"({len(relay) / args.seconds:.0f}/s delivered)\n"
        f"  ack round trip (stored, acknowledged) ms: p50 {ms(acks, 50)}  p95 {ms(acks, 95)}  "
        f"p99 {ms(acks, 99)}  max {max(acks) * 1000:.1f}\n"
        f"  relay round trip (sent -> each other editor) ms: p50 {ms(relay, 50)}  "
        f"p95 {ms(relay, 95)}  p99 {ms(relay, 99)}  max {max(relay) * 1000:.1f}\n"
        f"  converged: {len(texts) == 1} ({len(next(iter(texts)))} characters); CPU while typing: "
        f"server {server_load:.0f} %, load generator {client_load:.0f} %"
    )
    log(latency)

    # 2. storage per 10,000 edits: two editors stay in the room (the fan-out was measured above)
    for editor in editors[2:]:
        await editor.sio.call("leave", {"room": f"space:1:page:{ids['host_id']}"})
    done = 0
    started = time.perf_counter()
    semaphore = asyncio.Semaphore(8)
    storage_acks: list[float] = []

    async def one(index: int) -> None:
        nonlocal done
        async with semaphore:
            await editors[index % len(editors)].type_once(storage_acks)
            done += 1

    await asyncio.gather(*(one(i) for i in range(args.edits)))
    elapsed = time.perf_counter() - started
    await asyncio.sleep(1.0)
    after = stored_bytes(db_path, ids["page_id"])
    text_len = len(str(editors[0].text).encode())
    for editor in editors:
        await editor.sio.disconnect()
    grown = after["total"] - before["total"]
    per_10k = grown * 10_000 / args.edits
    storage = (
        f"storage: {args.edits} edits in {elapsed:.1f}s "
        f"({args.edits / elapsed:.0f} stored/s with 8 in flight), "
        f"ack p50 {ms(storage_acks, 50)} ms p99 {ms(storage_acks, 99)} ms\n"
        f"  page now: snapshot {after['snapshot']:,} B + {after['update_rows']} pending updates "
        f"{after['updates']:,} B + {after['revision_rows']} revisions {after['revisions']:,} B "
        f"= {after['total']:,} B; text {text_len:,} B (UTF-8)\n"
        f"  grew {grown:,} B for {args.edits} edits = {per_10k:,.0f} B per 10,000 edits "
        f"(document without revisions: {after['snapshot'] + after['updates']:,} B)"
    )
    log(storage)
    return latency + "\n" + storage


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--editors", type=int, default=30)
    parser.add_argument("--rate", type=float, default=2.0, help="updates per second per editor")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--no-pin", action="store_true")
    args = parser.parse_args()
    pin = not args.no_pin and shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    if pin:
        os.sched_setaffinity(0, {CLIENT_CPU})
    work_dir = Path(tempfile.mkdtemp(prefix="wiki-coedit-"))
    var_dir = work_dir / "var"
    env = clean_env() | {
        "TWINSPACE_VAR_DIR": str(var_dir),
        "TWINSPACE_LOGIN_ACCOUNT_LIMIT": "1000",
        "TWINSPACE_LOGIN_ADDRESS_LIMIT": "100000",
    }
    try:
        run_step([*twinspace_command(), "demo"], env, "twinspace demo")
        made = json.loads(
            run_step(
                [
                    sys.executable,
                    str(BENCH_DIR / "seed_users.py"),
                    "--pupils",
                    str(args.editors),
                    "--teachers",
                    "0",
                ],
                env,
                "seeding benchmark accounts",
            )
        )
        port = free_port()
        cmd = [
            *pin_prefix(pin),
            *twinspace_command(),
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ]
        with server_process(cmd, env, port, work_dir / "ts.log") as proc:
            base = f"http://127.0.0.1:{port}"
            ids = make_wiki(base)
            cookies = [login(base, name) for name in made["pupils"]]
            report = asyncio.run(run(base, cookies, ids, args, var_dir / "twinspace.db", proc.pid))
    except BenchError as err:
        log(f"benchmark failed: {err}")
        return 1
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    print(f"wiki co-editing, server {'pinned to CPU 0' if pin else 'unpinned'}\n{report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
