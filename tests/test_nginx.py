"""Debian's nginx in front of two `twinspace serve` processes, with the configuration that
docs/deploy.md gives (deploy/nginx-twinspace.conf, rendered with this test's ports): pages,
websocket upgrade, long-polling kept on one process by the sticky hash and by the node id in
the session id, and live events crossing processes through Redis."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
import pytest
import socketio
from yarl import URL

from tests.services import RedisServer, ServerProcess, server_env
from tests.support import LiveClient, api_login, free_port
from twinspace.settings import PROJECT_ROOT, Settings

CONFIG = PROJECT_ROOT / "deploy" / "nginx-twinspace.conf"
GENERAL = "space:1:chat:general"
NODE_IDS = ("a", "b")  # TWINSPACE_NODE_ID of the processes on 8001 and 8002 in the config
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render(config: str, port: int, backends: list[int]) -> str:
    """The documented configuration with this test's ports."""
    assert "listen 80;" in config and "127.0.0.1:8001" in config and "127.0.0.1:8002" in config
    config = config.replace("listen 80;", f"listen 127.0.0.1:{port};")
    config = config.replace("127.0.0.1:8001", f"127.0.0.1:{backends[0]}")
    return config.replace("127.0.0.1:8002", f"127.0.0.1:{backends[1]}")


def main_config(prefix: Path, site: Path) -> str:
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {name}_temp_path {prefix / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\n"
        f"error_log {prefix / 'error.log'} warn;\nevents {{ worker_connections 1024; }}\n"
        f"http {{\n    access_log {prefix / 'access.log'};\n{temp}\n    include {site};\n}}\n"
    )


@dataclass
class Site:
    url: str  # nginx
    servers: list[ServerProcess]


@pytest.fixture
def nginx_site(settings: Settings) -> Iterator[Site]:
    """Redis, two server processes, and nginx in front of them."""
    assert Path(NGINX).exists(), "nginx is not installed (make system-deps installs it)"
    redis = RedisServer().start()
    env = {**server_env(settings), "TWINSPACE_REDIS_URL": redis.url}
    servers = [ServerProcess({**env, "TWINSPACE_NODE_ID": node}) for node in NODE_IDS]
    prefix = settings.var_dir / "nginx"
    prefix.mkdir()
    port = free_port()
    site = prefix / "twinspace.conf"
    site.write_text(render(CONFIG.read_text(), port, [s.port for s in servers]))
    (prefix / "nginx.conf").write_text(main_config(prefix, site))
    nginx: subprocess.Popen | None = None
    try:
        for server in servers:
            server.start()
        nginx = subprocess.Popen(
            [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
            stderr=subprocess.PIPE,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            if nginx.poll() is not None:
                raise RuntimeError(nginx.stderr.read().decode() if nginx.stderr else "nginx")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)
        yield Site(url, servers)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(timeout=10)
        for server in servers:
            server.stop()
        redis.stop()


def test_docs_show_the_tested_configuration() -> None:
    deploy = (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    assert CONFIG.read_text().strip() in deploy


async def test_pages_and_metrics_through_nginx(nginx_site: Site) -> None:
    async with httpx.AsyncClient(base_url=nginx_site.url) as http:
        assert (await http.get("/login")).status_code == 200
        assert (await http.get("/readyz")).json()["status"] == "ready"
        assert (await http.get("/metrics")).status_code == 404  # not on the public site


async def test_compression_and_caching_rules_through_nginx(nginx_site: Site) -> None:
    gzip = {"accept-encoding": "gzip"}
    async with httpx.AsyncClient(base_url=nginx_site.url) as http:
        public = await http.get("/spaces/1/pages/1", headers=gzip)
        assert public.headers["content-encoding"] == "gzip"
        assert public.headers["cache-control"] == "no-cache"
        again = await http.get(
            "/spaces/1/pages/1", headers={**gzip, "if-none-match": public.headers["etag"]}
        )
        assert again.status_code == 304
        style = next(u for u in public.text.split('"') if u.startswith("/static/build/app-"))
        static = await http.get(style, headers=gzip)
        assert static.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert static.headers["content-encoding"] == "gzip"
    anne = await api_login(nginx_site.url, "anne")
    try:
        home = await anne.get("/spaces/1", headers=gzip)
        assert home.headers["cache-control"] == "no-store"
        assert home.headers["content-encoding"] == "gzip"
        assert (await anne.get("/api/v1/me")).headers["cache-control"] == "no-store"
    finally:
        await anne.aclose()


async def connected_per_process(site: Site) -> list[int]:
    counts = []
    async with httpx.AsyncClient() as http:
        for server in site.servers:  # each process answers /metrics for itself
            body = (await http.get(f"{server.url}/metrics")).text
            line = next(x for x in body.splitlines() if x.startswith("twinspace_connected_clients"))
            counts.append(int(float(line.split()[1])))
    return counts


async def test_websockets_through_nginx_reach_both_processes(nginx_site: Site) -> None:
    https: list[httpx.AsyncClient] = []
    clients: list[LiveClient] = []
    try:
        # each login is a new session, hashed to either process: log in until both have some
        for _ in range(24):
            https.append(await api_login(nginx_site.url, "lea"))
            clients.append(
                await LiveClient().connect(nginx_site.url, https[-1].cookies["ts_session"])
            )
            if len(clients) >= 2 and min(await connected_per_process(nginx_site)) > 0:
                break
        assert min(await connected_per_process(nginx_site)) > 0
        https.append(await api_login(nginx_site.url, "anne"))
        anne = await LiveClient().connect(nginx_site.url, https[-1].cookies["ts_session"])
        clients.append(anne)
        for client in clients:
            assert (await client.call("join", {"room": GENERAL}))["ok"]
        ack = await anne.call("chat:send", {"room": GENERAL, "text": "through nginx"})
        assert ack["ok"]
        for client in clients:
            await client.wait_for(lambda e: e["id"] == ack["id"])
    finally:
        for client in clients:
            await client.close()
        for http in https:
            await http.aclose()


async def test_long_polling_stays_on_one_process(nginx_site: Site) -> None:
    """Without the sticky hash, the polling requests of one connection would alternate
    between the processes and the second would be refused (unknown session)."""
    http = await api_login(nginx_site.url, "lea")
    anne_http = await api_login(nginx_site.url, "anne")
    anne = await LiveClient().connect(nginx_site.url, anne_http.cookies["ts_session"])
    # like a browser, send the session cookie with every polling request
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: cookies for an IP address
    jar.update_cookies({"ts_session": http.cookies["ts_session"]}, URL(nginx_site.url))
    session = aiohttp.ClientSession(cookie_jar=jar)
    sio = socketio.AsyncClient(reconnection=False, http_session=session)
    received: asyncio.Queue = asyncio.Queue()
    sio.on("event", received.put_nowait)
    try:
        await sio.connect(nginx_site.url, transports=["polling"], wait_timeout=10)
        assert (await sio.call("join", {"room": GENERAL}, timeout=10))["ok"]
        for n in range(5):
            ack = await anne.call("chat:send", {"room": GENERAL, "text": f"poll {n}"})
            event = await asyncio.wait_for(received.get(), 10)
            assert event["id"] == ack["id"]
        assert sio.transport() == "polling"
    finally:
        await sio.disconnect()
        await session.close()
        await anne.close()
        await http.aclose()
        await anne_http.aclose()


async def handshake_node(url: str, token: str) -> str | None:
    """The node id of the process that a new Socket.IO connection of this login reaches
    through nginx (its Engine.IO handshake's sid starts with it); None: no answer."""
    async with httpx.AsyncClient(cookies={"ts_session": token}, timeout=5) as http:
        try:
            opened = await http.get(
                f"{url}/socket.io/", params={"EIO": "4", "transport": "polling"}
            )
        except httpx.HTTPError:
            return None
    if opened.status_code != 200 or not opened.text.startswith("0"):
        return None
    return json.loads(opened.text[1:])["sid"].split(".", 1)[0]


async def _is_node(url: str, token: str, node: str) -> bool:
    return await handshake_node(url, token) == node


async def wait_until(condition: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


async def test_long_polling_survives_the_return_of_its_home_process(nginx_site: Site) -> None:
    """A polling client whose login hashes to process a connects while a is down, so it
    lands on b. When a is back, the hash sends that login to a again, but the requests of
    the connection carry b's session id and nginx keeps them on b: no "Session ID unknown",
    no reconnect, and live events and acks keep flowing."""
    home = nginx_site.servers[0]  # TWINSPACE_NODE_ID=a
    https: list[httpx.AsyncClient] = []
    for _ in range(24):  # each login is a new session: find one that hashes to a
        https.append(await api_login(nginx_site.url, "lea"))
        if await handshake_node(nginx_site.url, https[-1].cookies["ts_session"]) == "a":
            break
    lea_token = https[-1].cookies["ts_session"]
    assert await handshake_node(nginx_site.url, lea_token) == "a"
    home.stop()  # by PID
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: cookies for an IP address
    jar.update_cookies({"ts_session": lea_token}, URL(nginx_site.url))
    session = aiohttp.ClientSession(cookie_jar=jar)
    sio = socketio.AsyncClient(reconnection=False, http_session=session)
    received: asyncio.Queue = asyncio.Queue()
    disconnects: list[object] = []
    sio.on("event", received.put_nowait)
    sio.on("disconnect", lambda *reason: disconnects.append(reason))
    anne: LiveClient | None = None
    try:
        await sio.connect(nginx_site.url, transports=["polling"], wait_timeout=10)
        engine_sid = sio.eio.sid
        assert engine_sid.startswith("b.")  # a is down: the hash fell through to b
        assert (await sio.call("join", {"room": GENERAL}, timeout=10))["ok"]

        home.start()  # same port, same TWINSPACE_NODE_ID
        # a is back in nginx's rotation: the hash sends this login's new connections to a
        await wait_until(lambda: _is_node(nginx_site.url, lea_token, "a"))

        https.append(await api_login(nginx_site.url, "anne"))
        anne = await LiveClient().connect(home.url, https[-1].cookies["ts_session"])
        for n in range(3):  # sent on a, received on b through Redis, polled through nginx
            ack = await anne.call("chat:send", {"room": GENERAL, "text": f"after return {n}"})
            assert ack["ok"], ack
            while (await asyncio.wait_for(received.get(), 10))["id"] != ack["id"]:
                pass
            caught = await sio.call(
                "catchup", {"room": GENERAL, "after": ack["id"] - 1}, timeout=10
            )
            assert caught["ok"] and ack["id"] in [e["id"] for e in caught["events"]]
        assert sio.connected and disconnects == []
        assert sio.eio.sid == engine_sid and sio.transport() == "polling"
        assert (await connected_per_process(nginx_site))[1] >= 1  # still on b
    finally:
        if anne is not None:
            await anne.close()
        if sio.connected:
            await sio.disconnect()
        await session.close()
        for http in https:
            await http.aclose()
