"""Operations endpoints: /healthz stays up while /readyz reports a dependency that is down
or a schema behind the migrations; /metrics counts clients, rooms, events and fan-out."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text

from tests.conftest import start_server, stop_server
from tests.services import RedisServer, ServerProcess, server_env
from tests.support import LiveClient, api_login
from twinspace.db import Database
from twinspace.settings import Settings

GENERAL = "space:1:chat:general"


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.stop()


def metric(body: str, name: str, labels: str = "") -> float:
    match = re.search(rf"^{re.escape(name + labels)} (\S+)$", body, re.MULTILINE)
    assert match, f"{name}{labels} missing from /metrics"
    return float(match.group(1))


async def test_readyz_answers_ready_with_database_and_no_redis(server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        ready = await http.get("/readyz")
        live = await http.get("/healthz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "database": "ok", "redis": "not configured"}
    assert live.status_code == 200


async def test_readyz_reports_redis_down_while_healthz_stays_up(
    settings: Settings, redis_server: RedisServer
) -> None:
    running = await start_server(dataclasses.replace(settings, redis_url=redis_server.url))
    try:
        async with httpx.AsyncClient(base_url=running.url) as http:
            assert (await http.get("/readyz")).json()["redis"] == "ok"
            redis_server.stop()
            down = await http.get("/readyz")
            assert down.status_code == 503
            assert down.json() == {"status": "not ready", "database": "ok", "redis": "unreachable"}
            assert (await http.get("/healthz")).status_code == 200
            redis_server.start()
            assert (await http.get("/readyz")).status_code == 200
    finally:
        await stop_server(running)


async def test_readyz_reports_migrations_behind(server, settings: Settings) -> None:
    db = Database(settings.database_url)
    async with db.unit_of_work() as uow:
        # the core branch goes back; a plugin's own branch (the poll) has a row of its own
        await uow.session.execute(
            text(
                "UPDATE alembic_version SET version_num = '0008' WHERE version_num NOT LIKE 'poll%'"
            )
        )
    await db.dispose()
    async with httpx.AsyncClient(base_url=server.url) as http:
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "migrations pending"


async def test_metrics_count_clients_rooms_events_and_fanout(server) -> None:
    http = await api_login(server.url, "anne")
    anne = await LiveClient().connect(server.url, http.cookies["ts_session"])
    lea_http = await api_login(server.url, "lea")
    lea = await LiveClient().connect(server.url, lea_http.cookies["ts_session"])
    try:
        before = (await http.get("/metrics")).text
        assert metric(before, "twinspace_connected_clients") == 2
        assert metric(before, "twinspace_joined_rooms") == 0
        for client in (anne, lea):
            assert (await client.call("join", {"room": GENERAL}))["ok"]
        ack = await anne.call("chat:send", {"room": GENERAL, "text": "counted"})
        await lea.wait_for(lambda e: e["id"] == ack["id"])
        after = (await http.get("/metrics")).text
    finally:
        for client in (anne, lea):
            await client.close()
        for h in (http, lea_http):
            await h.aclose()
    assert metric(after, "twinspace_joined_rooms") == 1
    published = metric(after, "twinspace_events_published_total")
    assert published > metric(before, "twinspace_events_published_total")
    local = '{origin="local"}'
    assert metric(after, "twinspace_fanout_latency_seconds_count", local) == published
    assert metric(after, "twinspace_database_errors_total") == 0
    assert "twinspace_redis_errors_total{" not in after  # no Redis here, no Redis error


def worker_processes(pid: int) -> list[int]:
    """Child processes of ``pid`` (not multiprocessing's resource tracker)."""
    with open(f"/proc/{pid}/task/{pid}/children") as handle:
        found = [int(p) for p in handle.read().split()]
    return [p for p in found if b"resource_tracker" not in Path(f"/proc/{p}/cmdline").read_bytes()]


async def test_serve_workers_share_one_port_over_redis(
    settings: Settings, redis_server: RedisServer
) -> None:
    env = {**server_env(settings), "TWINSPACE_REDIS_URL": redis_server.url}
    server = ServerProcess(env, ("--workers", "2")).start()
    clients: list[LiveClient] = []
    https: list[httpx.AsyncClient] = []
    try:
        assert server.process is not None
        workers = worker_processes(server.process.pid)
        assert len(workers) == 2
        for name in ("anne", "lea", "tom", "lea", "tom", "lea", "tom", "lea"):
            https.append(await api_login(server.url, name))
            clients.append(await LiveClient().connect(server.url, https[-1].cookies["ts_session"]))
            assert (await clients[-1].call("join", {"room": GENERAL}))["ok"]
        ack = await clients[0].call("chat:send", {"room": GENERAL, "text": "to every worker"})
        for client in clients:
            await client.wait_for(lambda e: e["id"] == ack["id"])
        ready = await https[0].get("/readyz")
        assert ready.json() == {"status": "ready", "database": "ok", "redis": "ok"}
        # websocket only: long-polling requests would land on either worker
        polling = await https[0].get("/socket.io/?EIO=4&transport=polling")
        assert polling.status_code == 400
    finally:
        for client in clients:
            await client.close()
        for http in https:
            await http.aclose()
        server.stop()
