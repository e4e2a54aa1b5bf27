"""Fixtures: a migrated database with demo data per test, and the app under uvicorn.

The suite runs on SQLite by default and on a PostgreSQL cluster it starts itself with
``pytest --db=postgresql`` (or ``TWINSPACE_TEST_DB=postgresql``): each test then gets a copy
of a migrated and seeded template database (``CREATE DATABASE ... TEMPLATE ...``)."""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import sqlite3
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import uvicorn

from tests.pgcluster import PgCluster
from tests.support import LiveClient, Login, api_login, free_port
from twinspace.accounts.models import User, UserKind
from twinspace.accounts.passwords import PasswordService
from twinspace.app import create_app
from twinspace.db import Database
from twinspace.demo import ensure_demo
from twinspace.migrate import upgrade
from twinspace.runtime import Runtime
from twinspace.settings import Settings
from twinspace.spaces.models import Membership
from twinspace.wiring import wire

# Tools, domain reactions and socket features are registered as the app and CLI do.
wire()

# Extra members so every role of the matrix has a person: (username, role in TwinSpace 1)
EXTRA_MEMBERS = [
    ("tina", "teacher_member", UserKind.TEACHER),
    ("pia", "pupil_admin", UserKind.PUPIL),
]
ROLE_USERS = {
    "teacher_admin": "anne",
    "teacher_member": "tina",
    "pupil_admin": "pia",
    "pupil_member": "lea",
    "visitor": "paul",
    "outsider": "nss-fr",  # logged in, not a member: the public role
    "anonymous": None,
}


async def _seed(url: str, var_dir: Path) -> None:
    db = Database(url)
    passwords = PasswordService()
    settings = Settings(
        var_dir=var_dir, database_url=url, redis_url=None, secret_key="seed", media_dir=var_dir
    )
    await ensure_demo(db, passwords, settings)
    hashed = passwords.hash_sync("demo-pass")
    async with db.unit_of_work() as uow:
        for username, role, kind in EXTRA_MEMBERS:
            user = User(
                username=username,
                display_name=username.title(),
                kind=kind.value,
                country_code="FR",
                password_hash=hashed,
            )
            uow.session.add(user)
            await uow.session.flush()
            uow.session.add(Membership(space_id=1, user_id=user.id, role=role))
    await db.dispose()


@pytest.fixture(scope="session")
def db_backend(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def pg_cluster(db_backend: str) -> Iterator[PgCluster | None]:
    """The session's own PostgreSQL cluster (None on SQLite), stopped by PID at the end."""
    if db_backend != "postgresql":
        yield None
        return
    cluster = PgCluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


PG_TEMPLATE = "twinspace_template"
_pg_databases = itertools.count(1)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory, pg_cluster: PgCluster | None) -> Path:
    """The migrated, seeded database every test copies (a file, or a PostgreSQL template)."""
    seed_dir = tmp_path_factory.mktemp("template")
    if pg_cluster is not None:
        pg_cluster.psql(f"CREATE DATABASE {PG_TEMPLATE}")
        url = pg_cluster.url(PG_TEMPLATE)
        upgrade(url)
        asyncio.run(_seed(url, seed_dir))
        return seed_dir
    path = seed_dir / "template.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url)
    asyncio.run(_seed(url, path.parent))
    return path


def _copy_sqlite(source: Path, target: Path) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


@pytest.fixture
def database_url(tmp_path: Path, template_db: Path, pg_cluster: PgCluster | None) -> Iterator[str]:
    """This test's own copy of the template database."""
    if pg_cluster is None:
        db_path = tmp_path / "twinspace.db"
        _copy_sqlite(template_db, db_path)
        yield f"sqlite+aiosqlite:///{db_path}"
        return
    name = f"test_{os.getpid()}_{next(_pg_databases)}"
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
    try:
        yield pg_cluster.url(name)
    finally:
        pg_cluster.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(
        var_dir=tmp_path,
        database_url=database_url,
        redis_url=None,
        secret_key=secrets.token_urlsafe(32),
        media_dir=tmp_path / "media",
    )


@dataclass
class RunningServer:
    url: str
    runtime: Runtime
    server: uvicorn.Server


async def start_server(settings: Settings, port: int | None = None) -> RunningServer:
    app = create_app(settings)
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    server.config.setup_event_loop = lambda: None  # type: ignore[method-assign]
    task = asyncio.create_task(server.serve())
    server._task = task  # type: ignore[attr-defined]
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return RunningServer(f"http://127.0.0.1:{port}", app.runtime, server)  # type: ignore[attr-defined]


async def stop_server(running: RunningServer) -> None:
    running.server.should_exit = True
    await running.server._task  # type: ignore[attr-defined]


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[RunningServer]:
    running = await start_server(settings)
    try:
        yield running
    finally:
        await stop_server(running)


@pytest.fixture
async def login(server: RunningServer) -> AsyncIterator[Login]:
    """login("anne") -> an HTTP client logged in as anne (one per user, closed at the end)."""
    clients: dict[str, httpx.AsyncClient] = {}

    async def _login(username: str) -> httpx.AsyncClient:
        if username not in clients:
            clients[username] = await api_login(server.url, username)
        return clients[username]

    yield _login
    for client in clients.values():
        await client.aclose()


@pytest.fixture
def live_clients() -> Iterator[list[LiveClient]]:
    clients: list[LiveClient] = []
    yield clients


@pytest.fixture
async def connect_as(server: RunningServer, live_clients: list[LiveClient]):
    """connect_as("anne") -> a connected LiveClient logged in as anne (None: anonymous)."""
    http_clients = []

    async def _connect(username: str | None) -> LiveClient:
        token = None
        if username is not None:
            http = await api_login(server.url, username)
            http_clients.append(http)
            token = http.cookies["ts_session"]
        client = await LiveClient().connect(server.url, token)
        live_clients.append(client)
        return client

    yield _connect
    for client in live_clients:
        await client.close()
    for http in http_clients:
        await http.aclose()


def _wait_for(check, what: str, timeout: float = 20.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not come up within {timeout}s")


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A real redis-server of our own on a free loopback port, stopped by PID."""
    import shutil
    import subprocess

    import redis

    binary = shutil.which("redis-server")
    assert binary, "redis-server is not installed (make test installs it)"
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(host="127.0.0.1", port=port)

    def _up() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    try:
        _wait_for(_up, "redis-server")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def spawn_server(settings: Settings) -> Iterator:
    """spawn_server(**env) -> URL of a `twinspace serve` subprocess sharing this test's database."""
    import os
    import subprocess
    import sys
    import urllib.request

    processes: list[subprocess.Popen] = []

    def _spawn(**extra_env: str) -> str:
        port = free_port()
        env = {
            **os.environ,
            "TWINSPACE_DATABASE_URL": settings.database_url,
            "TWINSPACE_VAR_DIR": str(settings.var_dir),
            "TWINSPACE_SECRET_KEY": settings.secret_key,
            **extra_env,
        }
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "twinspace.cli",
                "serve",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        processes.append(process)
        url = f"http://127.0.0.1:{port}"

        def _up() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"server exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                    return response.status == 200
            except OSError:
                return False

        _wait_for(_up, "twinspace serve")
        return url

    yield _spawn
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
