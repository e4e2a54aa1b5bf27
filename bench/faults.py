"""Fault benchmark: the fault tests of tests/test_faults.py with full counts, printing figures.

On a PostgreSQL cluster and a redis-server of its own (temporary, 127.0.0.1 only), with
several `twinspace serve` processes, light Socket.IO clients (tests/chaos.py) in chat rooms
of --per-room members:

- kill:  --servers processes, --clients clients, --messages chat messages at --rate/s while
         one process is SIGKILLed every --kill-every s and started again;
- redis: the same clients, --short-messages messages, Redis killed and started again 2 s later;
- pg:    --short-messages messages, PostgreSQL stopped ("fast") for 5 s mid-burst;
- drop:  --drop-clients clients (rooms of 25) cut at once; time until every one is connected,
         joined and caught up again, and server errors in the logs.

After each scenario every client catches up, then the promise is judged: every message
acknowledged ok reached every member of its room once (deduplicated by id), no message
refused with an error ack was shown, none was stored twice.

    .venv/bin/python bench/faults.py                       # full counts, ~12-15 min
    .venv/bin/python bench/faults.py --only kill --messages 2000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))

from tests.chaos import (  # noqa: E402
    Stats,
    final_sync,
    judge,
    seed_members,
    send_burst,
    start_clients,
)
from tests.pgcluster import PgCluster  # noqa: E402
from tests.services import RedisServer, ServerProcess  # noqa: E402


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Installation:
    """A fresh database (demo data) on the cluster, Redis, and server processes."""

    def __init__(self, pg: PgCluster, redis: RedisServer, work: Path, name: str) -> None:
        self.pg, self.redis, self.work, self.name = pg, redis, work / name, name
        self.work.mkdir(parents=True)
        self.url = pg.url(name)
        self.servers: list[ServerProcess] = []

    def env(self) -> dict[str, str]:
        return {
            "TWINSPACE_DATABASE_URL": self.url,
            "TWINSPACE_REDIS_URL": self.redis.url,
            "TWINSPACE_VAR_DIR": str(self.work),
            "TWINSPACE_SECRET_KEY": secrets.token_urlsafe(32),
        }

    def create(self) -> None:
        self.pg.psql(f"CREATE DATABASE {self.name}")
        done = subprocess.run(
            [sys.executable, "-m", "twinspace.cli", "demo"],
            env={**self.minimal_env(), **self.env()},
            capture_output=True,
            text=True,
            cwd=REPO_DIR,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr)

    @staticmethod
    def minimal_env() -> dict[str, str]:
        import os

        return {k: v for k, v in os.environ.items() if not k.startswith("TWINSPACE_")} | {
            "PYTHONPATH": str(REPO_DIR)
        }

    async def start_servers(self, count: int) -> list[str]:
        env = self.env()
        self.servers = [
            ServerProcess(env, log_path=str(self.work / f"server-{n}.log")) for n in range(count)
        ]
        await asyncio.gather(*(asyncio.to_thread(s.start) for s in self.servers))
        return [s.url for s in self.servers]

    def stop_servers(self) -> None:
        for server in self.servers:
            server.stop()

    def server_errors(self) -> int:
        text = "".join(
            Path(s.log_path).read_text(errors="replace")
            for s in self.servers
            if s.log_path and Path(s.log_path).exists()
        )
        return text.count("Traceback") + text.count("ERROR")


async def scenario_kill(inst: Installation, args: argparse.Namespace) -> dict[str, Any]:
    members = await seed_members(inst.url, args.clients, args.per_room)
    urls = await inst.start_servers(args.servers)
    stats = Stats()
    clients = await start_clients(members, urls, stats, timeout=300)
    kills = 0

    async def killer() -> None:
        nonlocal kills
        while True:
            await asyncio.sleep(args.kill_every)
            victim = inst.servers[kills % len(inst.servers)]
            victim.kill()
            kills += 1
            await asyncio.to_thread(victim.start)

    log(f"kill: {args.messages} messages at {args.rate}/s, SIGKILL every {args.kill_every} s")
    started = time.monotonic()
    chaos = asyncio.create_task(killer())
    try:
        # lost acks are sent again with the same client_id (as the browser does)
        sent = await send_burst(clients, args.messages, args.rate, "kill", retry=True)
    finally:
        chaos.cancel()
    burst = time.monotonic() - started
    for server in inst.servers:
        if server.process is None or server.process.poll() is not None:
            await asyncio.to_thread(server.start)
    synced = time.monotonic()
    await final_sync(clients, 300)
    result = {
        "scenario": "kill",
        "servers": args.servers,
        "clients": len(clients),
        "kills": kills,
        "burst_s": round(burst, 1),
        "final_catchup_s": round(time.monotonic() - synced, 1),
        **judge(clients, sent, stats).as_dict(),
        "reconnects": stats.reconnects,
        "catchups": stats.catchups,
    }
    await asyncio.gather(*(c.stop() for c in clients))
    return result


async def scenario_redis(inst: Installation, args: argparse.Namespace) -> dict[str, Any]:
    members = await seed_members(inst.url, args.clients, args.per_room)
    urls = await inst.start_servers(args.servers)
    stats = Stats()
    clients = await start_clients(members, urls, stats, timeout=300)
    outage_at = args.short_messages / args.rate / 3

    async def restart() -> None:
        await asyncio.sleep(outage_at)
        inst.redis.stop()
        await asyncio.sleep(2.0)
        await asyncio.to_thread(inst.redis.start)

    log(f"redis: {args.short_messages} messages at {args.rate}/s, Redis down 2 s")
    restarting = asyncio.create_task(restart())
    sent = await send_burst(clients, args.short_messages, args.rate, "redis")
    await restarting
    await final_sync(clients, 300)
    result = {
        "scenario": "redis",
        "servers": args.servers,
        "clients": len(clients),
        **judge(clients, sent, stats).as_dict(),
        "resync_notices": stats.resyncs,
    }
    await asyncio.gather(*(c.stop() for c in clients))
    return result


async def scenario_pg(inst: Installation, args: argparse.Namespace) -> dict[str, Any]:
    members = await seed_members(inst.url, args.clients, args.per_room)
    urls = await inst.start_servers(args.servers)
    stats = Stats()
    clients = await start_clients(members, urls, stats, timeout=300)
    outage_at = args.short_messages / args.rate / 3

    async def outage() -> None:
        await asyncio.sleep(outage_at)
        await asyncio.to_thread(inst.pg.stop_server, "fast")
        await asyncio.sleep(5.0)
        await asyncio.to_thread(inst.pg.restart_server)

    log(f"pg: {args.short_messages} messages at {args.rate}/s, PostgreSQL stopped 5 s")
    down = asyncio.create_task(outage())
    sent = await send_burst(clients, args.short_messages, args.rate, "pg")  # no retry
    await down
    sent += await send_burst(clients, int(args.rate * 5), args.rate, "pg-after")
    await final_sync(clients, 300)
    result = {
        "scenario": "pg",
        "servers": args.servers,
        "clients": len(clients),
        **judge(clients, sent, stats).as_dict(),
    }
    await asyncio.gather(*(c.stop() for c in clients))
    return result


async def scenario_drop(inst: Installation, args: argparse.Namespace) -> dict[str, Any]:
    members = await seed_members(inst.url, args.drop_clients, 25)
    urls = await inst.start_servers(args.servers)
    stats = Stats()
    clients = await start_clients(members, urls, stats, timeout=300)
    log(f"drop: {len(clients)} clients cut at once")
    dropped = time.monotonic()
    for client in clients:
        client.drop()
    sending = asyncio.create_task(send_burst(clients, len(clients), 50, "drop"))
    await asyncio.sleep(0.2)
    await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in clients)), 300)
    resync = max(c.synced_at for c in clients) - dropped
    sent = await sending
    await final_sync(clients, 300)
    result = {
        "scenario": "drop",
        "servers": args.servers,
        "clients": len(clients),
        "resync_all_s": round(resync, 1),
        **judge(clients, sent, stats).as_dict(),
        "internal_error_acks": stats.internal_errors,
        "server_errors_logged": inst.server_errors(),
        "acks": dict(stats.acks),
        "reconnects": stats.reconnects,
        "catchups": stats.catchups,
        "resyncs": stats.resyncs,
        "live_copies": stats.live_copies,
    }
    await asyncio.gather(*(c.stop() for c in clients))
    return result


SCENARIOS = {
    "kill": scenario_kill,
    "redis": scenario_redis,
    "pg": scenario_pg,
    "drop": scenario_drop,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--servers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--per-room", type=int, default=30)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--short-messages", type=int, default=2_000)
    parser.add_argument("--rate", type=float, default=25.0, help="messages/s, all clients")
    parser.add_argument("--kill-every", type=float, default=5.0)
    parser.add_argument("--drop-clients", type=int, default=500)
    parser.add_argument("--only", choices=sorted(SCENARIOS), action="append")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (server logs)")
    return parser.parse_args(argv)


async def run(args: argparse.Namespace, work: Path) -> list[dict[str, Any]]:
    pg = PgCluster.start(durable=True)
    redis = RedisServer().start()
    results = []
    try:
        for name in args.only or list(SCENARIOS):
            inst = Installation(pg, redis, work, f"faults_{name}")
            inst.create()
            try:
                results.append(await SCENARIOS[name](inst, args))
                log(json.dumps(results[-1]))
            finally:
                inst.stop_servers()
                if redis.process is None:
                    redis.start()
                if pg.pid() is None:
                    pg.restart_server()
    finally:
        redis.stop()
        pg.stop()
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="faults-"))
    try:
        results = asyncio.run(run(args, work))
    finally:
        if args.keep:
            log(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    keys = sorted(
        {k for r in results for k in r},
        key=lambda k: list(results[0]).index(k) if k in results[0] else 99,
    )
    for result in results:
        print(" ".join(f"{k}={result[k]}" for k in keys if k in result))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
