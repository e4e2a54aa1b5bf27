"""Join storm: N sockets, one pupil account each, connect and join one chat room at once.

For TwinSpace (a fresh demo installation, as bench/chat_fanout.py makes it): the demo
teacher creates the N pupil accounts through the JSON API (``POST /api/v1/spaces/1/pupils``,
100 names a call); each pupil then gets a login session written straight into the
database (the token's hash, as a login would: N Argon2 logins would take minutes on two
cores and are not what is measured); then the N light clients connect and join
``space:1:chat:general``, 20 at a time. The bare python-socketio server gets the same N
clients (no cookies). Reported per server: the wall time to connect and join everyone,
the presence frames the clients received meanwhile, RSS per connection, the worst GC
pause during the storm (bench/gcwatch), server CPU.

    .venv/bin/python bench/join_storm.py --sockets 1000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat_fanout import (  # noqa: E402 - the sibling benchmark's helpers
    CLIENT_CPU,
    CLK_TCK,
    PASSWORD,
    ROOM,
    SESSION_COOKIE,
    Deliveries,
    Server,
    SioClient,
    Snapshot,
    affinity,
    clean_env,
    free_port,
    gc_pauses,
    log,
    pin_prefix,
    revision,
    rss_kib,
    server_process,
    start_bare,
    start_twinspace,
    twinspace_command,
)

from twinspace.accounts.auth import hash_token  # noqa: E402


def api(base: str, path: str, body: dict[str, Any], cookie: str = "", csrf: str = "") -> Any:
    request = urllib.request.Request(
        f"{base}{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Cookie": cookie, "X-CSRF-Token": csrf},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        jar: SimpleCookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        answer = json.loads(response.read())
    if SESSION_COOKIE in jar:
        answer["_cookie"] = f"{SESSION_COOKIE}={jar[SESSION_COOKIE].value}"
    return answer


def make_pupils(base: str, count: int) -> list[str]:
    """Create ``count`` pupils through the API as the demo teacher; their usernames."""
    login = api(base, "/api/v1/session", {"username": "anne", "password": PASSWORD})
    cookie, csrf = login["_cookie"], login["csrf_token"]
    usernames: list[str] = []
    for start in range(0, count, 100):
        names = [f"Storm {n:04d} Pupil" for n in range(start, min(count, start + 100))]
        made = api(base, "/api/v1/spaces/1/pupils", {"names": names}, cookie, csrf)
        usernames += [p["username"] for p in made["pupils"]]
    return usernames


def open_sessions(db_path: Path, usernames: list[str]) -> list[str]:
    """One login session per account, written as a login writes it; the cookies."""
    now = datetime.now(UTC).replace(tzinfo=None)
    cookies = []
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        ids = dict(db.execute("SELECT username, id FROM users"))
        for username in usernames:
            token = secrets.token_urlsafe(32)
            db.execute(
                "INSERT INTO auth_sessions (id, user_id, csrf_token, created_at, expires_at,"
                " address) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    hash_token(token),
                    ids[username],
                    secrets.token_urlsafe(32),
                    now.isoformat(sep=" "),
                    (now + timedelta(days=1)).isoformat(sep=" "),
                    "127.0.0.1",
                ),
            )
            cookies.append(f"{SESSION_COOKIE}={token}")
        db.commit()
    return cookies


async def storm(server: Server, cookies: list[str | None], concurrency: int) -> dict[str, Any]:
    url = f"ws://127.0.0.1:{server.port}/socket.io/?EIO=4&transport=websocket"
    deliveries = Deliveries()
    clients = [SioClient(deliveries) for _ in cookies]
    gate = asyncio.Semaphore(concurrency)
    refused: list[Any] = []

    async def join(client: SioClient, cookie: str | None) -> None:
        async with gate:
            await client.connect(url, cookie, False)
            ack = await asyncio.wait_for(await client.call("join", {"room": ROOM}), 600)
        if not ack.get("ok"):
            refused.append(ack)

    rss_idle = rss_kib(server.pid)
    since = time.time()
    before = Snapshot.take([server.pid])
    await asyncio.gather(*(join(c, k) for c, k in zip(clients, cookies, strict=True)))
    after = Snapshot.take([server.pid])
    await asyncio.sleep(1.0)  # presence deltas still on their way; GC watch writes each 0.5 s
    rss_end = rss_kib(server.pid)
    pauses = gc_pauses(server.gc_files, since)
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    seconds = after.wall - before.wall
    return {
        "join_seconds": seconds,
        "refused": len(refused),
        "presence_frames": deliveries.other.get("presence", 0),
        "kib_per_socket": (rss_end - rss_idle) / len(clients),
        "gc_worst_ms": max(pauses, default=0.0),
        "server_cpu_s": (after.server_ticks - before.server_ticks) / CLK_TCK,
    }


@contextlib.contextmanager
def serve_old(var_dir: Path, code_dir: Path, pin: bool, work_dir: Path):
    """Another TwinSpace process on the same database, running an older ``twinspace/``
    (a ``git archive`` of it, first on ``PYTHONPATH``)."""
    port = free_port()
    gc_file = work_dir / "old-gc.jsonl"
    env = clean_env() | {
        "TWINSPACE_VAR_DIR": str(var_dir),
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parent / "gcwatch"), str(code_dir)]
        ),
        "BENCH_GC_FILE": str(gc_file),
    }
    cmd = [*pin_prefix(pin), *twinspace_command(), "serve", "--port", str(port)]
    cmd += ["--log-level", "warning"]
    with server_process(cmd, env, port, work_dir / "old.log") as proc:
        yield Server("old", proc.pid, port, [], [], affinity(proc.pid), gc_files=[gc_file])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--connect-concurrency", type=int, default=20)
    parser.add_argument("--no-pin", action="store_true")
    parser.add_argument(
        "--old",
        type=Path,
        help="also storm a TwinSpace running this older code tree (a git archive of "
        "twinspace/) on the same database and accounts, in the same run",
    )
    args = parser.parse_args()
    pin = not args.no_pin and shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    if pin:
        os.sched_setaffinity(0, {CLIENT_CPU})
    work_dir = Path(tempfile.mkdtemp(prefix="join-storm-"))
    setup = argparse.Namespace(
        clients=1,
        senders=1,
        sockets_per_account=1,
        pg_cluster=None,
        no_gc_freeze=False,
        gc_threshold=None,
    )
    results: dict[str, dict[str, Any]] = {}
    try:
        with start_bare(work_dir, pin, setup) as bare:
            log(f"[bare] {args.sockets} sockets")
            results["bare"] = asyncio.run(
                storm(bare, [None] * args.sockets, args.connect_concurrency)
            )
        with start_twinspace(work_dir, pin, setup) as server:
            started = time.perf_counter()
            usernames = make_pupils(f"http://127.0.0.1:{server.port}", args.sockets)
            log(
                f"[twinspace] {len(usernames)} pupils made through the API in "
                f"{time.perf_counter() - started:.0f} s"
            )
            db_path = next(work_dir.glob("twinspace-var-*")) / "twinspace.db"
            cookies: list[str | None] = list(open_sessions(db_path, usernames))
            results["twinspace"] = asyncio.run(storm(server, cookies, args.connect_concurrency))
        if args.old is not None:
            with serve_old(db_path.parent, args.old, pin, work_dir) as old:
                results["twinspace-old"] = asyncio.run(
                    storm(old, cookies, args.connect_concurrency)
                )
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    print(f"join storm: {args.sockets} sockets, one account each; TwinSpace {revision()}")
    for name, r in results.items():
        print(
            f"  {name:10s} connect + join {r['join_seconds']:6.1f} s, refused {r['refused']}, "
            f"presence frames received {r['presence_frames']:,}, "
            f"{r['kib_per_socket']:.0f} KiB/socket, worst GC pause {r['gc_worst_ms']:.0f} ms, "
            f"server CPU {r['server_cpu_s']:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
