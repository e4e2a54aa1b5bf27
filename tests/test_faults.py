"""Faults on real processes (loopback only, bounded in time), with small counts; the full
counts run in bench/faults.py and are reported in docs/scaling.md.

The promise checked after each fault (tests/chaos.py ``judge``): every chat message
acknowledged ``ok`` reaches every member of its room exactly once after the clients'
catch-up, no message refused with an error ack is ever shown, no message is stored twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.chaos import (
    ChaosClient,
    Stats,
    final_sync,
    judge,
    seed_members,
    send_burst,
    start_clients,
)
from tests.chat_helpers import PresenceView
from tests.conftest import PG_TEMPLATE
from tests.pgcluster import PgCluster
from tests.services import RedisServer, ServerProcess, server_env
from tests.support import LiveClient, api_login
from twinspace.db import Database
from twinspace.rooms.chat.models import ChatPresence
from twinspace.settings import Settings

GENERAL = "space:1:chat:general"


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


class Cluster:
    """``count`` `twinspace serve` processes sharing one database and one Redis."""

    def __init__(self, env: dict[str, str], count: int, log_dir: Path) -> None:
        self.servers = [
            ServerProcess(env, log_path=str(log_dir / f"server-{n}.log")) for n in range(count)
        ]

    async def start(self) -> Cluster:
        await asyncio.gather(*(asyncio.to_thread(s.start) for s in self.servers))
        return self

    @property
    def urls(self) -> list[str]:
        return [s.url for s in self.servers]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def logs(self) -> str:
        return "".join(
            Path(s.log_path).read_text(errors="replace")
            for s in self.servers
            if s.log_path and Path(s.log_path).exists()
        )


@contextlib.asynccontextmanager
async def running(
    settings: Settings, redis: RedisServer, count: int, database_url: str | None = None
) -> AsyncIterator[Cluster]:
    env = {**server_env(settings), "TWINSPACE_REDIS_URL": redis.url}
    if database_url:
        env["TWINSPACE_DATABASE_URL"] = database_url
    cluster = Cluster(env, count, settings.var_dir)
    try:
        yield await cluster.start()
    finally:
        cluster.stop()


async def stop_clients(clients: list[ChaosClient]) -> None:
    await asyncio.gather(*(c.stop() for c in clients))


def assert_promise_kept(verdict, stats: Stats) -> None:
    print(verdict.as_dict(), stats)  # shown by pytest -s and on failure
    assert verdict.acked_ok > 0
    assert verdict.missing_copies == 0, verdict
    assert verdict.refused_but_shown == 0, verdict
    assert verdict.stored_twice == 0, verdict


async def test_sigkill_of_a_server_under_load_loses_nothing_acknowledged(
    settings: Settings, redis_server: RedisServer
) -> None:
    members = await seed_members(settings.database_url, clients=24, per_room=8)
    stats = Stats()
    async with running(settings, redis_server, 3) as cluster:
        clients = await start_clients(members, cluster.urls, stats)
        kills = 0

        async def killer() -> None:
            nonlocal kills
            while True:
                await asyncio.sleep(2.0)
                victim = cluster.servers[kills % len(cluster.servers)]
                victim.kill()
                kills += 1
                await asyncio.to_thread(victim.start)

        chaos = asyncio.create_task(killer())
        try:
            # a message whose ack was lost is sent again with the same client_id, like the
            # browser does: each is stored once, and in the end acknowledged ok
            sent = await send_burst(clients, messages=400, rate=30, tag="kill", retry=True)
        finally:
            chaos.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await chaos
        for server in cluster.servers:  # the last victim may still be starting
            if server.process is None or server.process.poll() is not None:
                await asyncio.to_thread(server.start)
        try:
            await final_sync(clients, 120)
        finally:
            await stop_clients(clients)
    verdict = judge(clients, sent, stats)
    assert kills >= 2
    assert stats.reconnects >= 1
    assert_promise_kept(verdict, stats)
    assert verdict.acked_ok == verdict.messages  # so no message without an ok ack is shown


async def test_redis_restart_mid_burst_loses_nothing_acknowledged(
    settings: Settings, redis_server: RedisServer
) -> None:
    members = await seed_members(settings.database_url, clients=24, per_room=8)
    stats = Stats()
    async with running(settings, redis_server, 3) as cluster:
        clients = await start_clients(members, cluster.urls, stats)

        async def restart_redis() -> None:
            await asyncio.sleep(3.0)
            redis_server.stop()
            await asyncio.sleep(1.0)
            await asyncio.to_thread(redis_server.start)

        restart = asyncio.create_task(restart_redis())
        sent = await send_burst(clients, messages=400, rate=40, tag="redis")
        await restart
        try:
            await final_sync(clients, 120)
        finally:
            await stop_clients(clients)
    verdict = judge(clients, sent, stats)
    assert stats.resyncs > 0  # the servers re-subscribed by themselves and said so
    assert_promise_kept(verdict, stats)


@pytest.fixture
def own_postgresql(settings: Settings) -> Iterator[tuple[PgCluster, str]]:
    """A PostgreSQL cluster of this test's own (it is stopped mid-test), with demo data."""
    from tests.conftest import _seed
    from twinspace.migrate import upgrade

    cluster = PgCluster.start()
    try:
        cluster.psql(f"CREATE DATABASE {PG_TEMPLATE}")
        url = cluster.url(PG_TEMPLATE)
        upgrade(url)
        asyncio.run(_seed(url, settings.var_dir))
        yield cluster, url
    finally:
        cluster.stop()


async def test_postgresql_stopped_for_5_s_gives_error_acks_never_a_false_ok(
    settings: Settings, redis_server: RedisServer, own_postgresql: tuple[PgCluster, str]
) -> None:
    pg, url = own_postgresql
    members = await seed_members(url, clients=16, per_room=8)
    stats = Stats()
    async with running(settings, redis_server, 2, database_url=url) as cluster:
        clients = await start_clients(members, cluster.urls, stats)

        async def outage() -> None:
            await asyncio.sleep(2.0)
            await asyncio.to_thread(pg.stop_server, "fast")
            await asyncio.sleep(5.0)
            await asyncio.to_thread(pg.restart_server)

        down = asyncio.create_task(outage())
        sent = await send_burst(clients, messages=300, rate=25, tag="pg")
        await down
        after = await send_burst(clients, messages=50, rate=25, tag="pg-after")
        try:
            await final_sync(clients, 120)
        finally:
            await stop_clients(clients)
    verdict = judge(clients, sent + after, stats)
    assert verdict.acked_error > 0  # the senders were told
    assert all(s.outcome == "ok" for s in after)
    assert_promise_kept(verdict, stats)


async def test_all_clients_dropped_at_once_resynchronise_without_server_error(
    settings: Settings, redis_server: RedisServer
) -> None:
    members = await seed_members(settings.database_url, clients=120, per_room=20)
    stats = Stats()
    async with running(settings, redis_server, 2) as cluster:
        clients = await start_clients(members, cluster.urls, stats)
        for client in clients:
            client.drop()
        sent = await send_burst(clients, messages=120, rate=60, tag="drop")
        try:
            await final_sync(clients, 60)
        finally:
            await stop_clients(clients)
        logs = cluster.logs()
    verdict = judge(clients, sent, stats)
    assert stats.reconnects >= len(clients)
    assert stats.internal_errors == 0
    assert "Traceback" not in logs and "ERROR" not in logs, logs[-3000:]
    assert verdict.acked_ok == len(sent)
    assert_promise_kept(verdict, stats)


async def test_presence_of_a_killed_server_is_removed_by_the_others(
    settings: Settings, redis_server: RedisServer
) -> None:
    """A teacher whose server was SIGKILLed must not stay "present" (nor count as the
    supervising teacher): the surviving process sweeps the dead node's sockets."""
    env = {
        **server_env(settings),
        "TWINSPACE_REDIS_URL": redis_server.url,
        "TWINSPACE_NODE_HEARTBEAT_SECONDS": "0.3",
        "TWINSPACE_NODE_GRACE_SECONDS": "1",
    }
    doomed, survivor = ServerProcess(env).start(), ServerProcess(env).start()
    anne_http = await api_login(doomed.url, "anne")
    lea_http = await api_login(survivor.url, "lea")
    lea = await LiveClient().connect(survivor.url, lea_http.cookies["ts_session"])
    presence = PresenceView(GENERAL)
    lea.sio.on("presence", presence)
    try:
        anne_id = (await anne_http.get("/api/v1/me")).json()["id"]
        assert (await lea.call("join", {"room": GENERAL}))["ok"]
        anne = await LiveClient().connect(doomed.url, anne_http.cookies["ts_session"])
        assert (await anne.call("join", {"room": GENERAL}))["ok"]

        await presence.until(lambda view: anne_id in view.users, 20)
        doomed.kill()
        await presence.until(lambda view: anne_id not in view.users, 30)
        db = Database(settings.database_url)
        async with db.read() as session:
            left = await session.scalar(
                select(func.count())
                .select_from(ChatPresence)
                .where(ChatPresence.user_id == anne_id)
            )
        await db.dispose()
        assert left == 0
    finally:
        await lea.close()
        await anne_http.aclose()
        await lea_http.aclose()
        doomed.stop()
        survivor.stop()
