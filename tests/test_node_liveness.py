"""A server process paused (SIGSTOP) until the others swept it as dead, then resumed: it puts
its sockets' rows back, so a logout or a removal made on another process still reaches them
(issue #16). Two `twinspace serve` processes share the test's database and a real Redis."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
from sqlalchemy import func, select

from tests.services import ServerProcess, server_env
from tests.support import LiveClient, api_login
from twinspace.db import Database
from twinspace.realtime.models import LiveSocket, ServerNode
from twinspace.rooms.chat.models import ChatPresence
from twinspace.settings import Settings

GENERAL = "space:1:chat:general"


@dataclass
class Pair:
    paused: ServerProcess  # node A: its sockets' rows are swept while it is stopped
    other: ServerProcess  # node B: sweeps A, and serves the logout / removal
    db: Database

    async def until(self, check: Callable[[], object], what: str, timeout: float = 30) -> None:
        """Poll the database until ``check()`` (a coroutine function) holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not await check():  # type: ignore[misc]
            assert loop.time() < deadline, f"{what}: not within {timeout}s"
            await asyncio.sleep(0.05)

    async def node_row(self, node: str) -> bool:
        async with self.db.read() as session:
            return await session.get(ServerNode, node) is not None

    async def socket_row(self, sid: str) -> bool:
        async with self.db.read() as session:
            return await session.get(LiveSocket, sid) is not None

    async def presence_rows(self, sid: str) -> int:
        async with self.db.read() as session:
            return await session.scalar(
                select(func.count()).select_from(ChatPresence).where(ChatPresence.sid == sid)
            )

    async def pause_until_swept(self, client: LiveClient) -> None:
        """SIGSTOP node A until B removed A's row and the client's socket and presence rows,
        then SIGCONT and wait until A has put them back (presence is re-registered last)."""
        await self.stop_until_swept(client)
        self.resume()
        sid = client.sio.get_sid()
        await self.until(lambda: self.socket_row(sid), "A re-registering its socket")
        await self.until(lambda: self._present(sid), "A re-registering its chat presence")

    async def stop_until_swept(self, client: LiveClient) -> None:
        """SIGSTOP node A and wait until B swept it; A stays stopped."""
        sid = client.sio.get_sid()
        node = sid.split(".")[0]
        assert await self.node_row(node) and await self.socket_row(sid)
        assert self.paused.process is not None
        async with self.between_writes_of(node):
            os.kill(self.paused.process.pid, signal.SIGSTOP)
        await self.until(lambda: self._gone(node, sid), "B sweeping the paused node")

    @contextlib.asynccontextmanager
    async def between_writes_of(self, node: str) -> AsyncIterator[None]:
        """Hold what node A's heartbeat write needs while A is stopped, so that A is not
        stopped in the middle of one: a process stopped while it holds SQLite's write lock
        (or its heartbeat row's lock on PostgreSQL) blocks every other writer, the sweep
        included, until it runs again — true of any process, not what this test is about."""
        writer = self.db.engine.execution_options(twinspace_writer=True)  # BEGIN IMMEDIATE
        async with writer.connect() as conn, conn.begin():
            await conn.execute(select(ServerNode.id).where(ServerNode.id == node).with_for_update())
            yield

    def resume(self) -> None:
        assert self.paused.process is not None
        os.kill(self.paused.process.pid, signal.SIGCONT)

    async def _gone(self, node: str, sid: str) -> bool:
        return (
            not await self.node_row(node)
            and not await self.socket_row(sid)
            and await self.presence_rows(sid) == 0
        )

    async def _present(self, sid: str) -> bool:
        return await self.presence_rows(sid) == 1


@contextlib.asynccontextmanager
async def two_nodes(settings: Settings, redis_url: str) -> AsyncIterator[Pair]:
    env = {
        **server_env(settings),
        "TWINSPACE_REDIS_URL": redis_url,
        "TWINSPACE_NODE_HEARTBEAT_SECONDS": "0.2",
        "TWINSPACE_NODE_GRACE_SECONDS": "1",
    }
    servers = [ServerProcess(env), ServerProcess(env)]
    db = Database(settings.database_url)
    try:
        await asyncio.gather(*(asyncio.to_thread(s.start) for s in servers))
        yield Pair(servers[0], servers[1], db)
    finally:
        for server in servers:  # by PID; a stopped process is resumed first
            if server.process is not None and server.process.poll() is None:
                os.kill(server.process.pid, signal.SIGCONT)
            server.stop()
        await db.dispose()


async def connect(url: str, http: httpx.AsyncClient, clients: list[LiveClient]) -> LiveClient:
    client = await LiveClient().connect(url, http.cookies["ts_session"])
    clients.append(client)
    assert (await client.call("join", {"room": GENERAL}))["ok"] is True
    return client


async def test_logout_cuts_a_socket_of_a_node_that_was_swept_while_paused(
    settings: Settings, redis_url: str
) -> None:
    clients: list[LiveClient] = []
    https: list[httpx.AsyncClient] = []
    async with two_nodes(settings, redis_url) as pair:
        try:
            lea_http = await api_login(pair.other.url, "lea")  # her session, used on A and B
            anne_http = await api_login(pair.other.url, "anne")
            tina_http = await api_login(pair.paused.url, "tina")
            https += [lea_http, anne_http, tina_http]
            lea = await connect(pair.paused.url, lea_http, clients)
            tina = await connect(pair.paused.url, tina_http, clients)  # a witness on A
            anne = await connect(pair.other.url, anne_http, clients)

            await pair.pause_until_swept(lea)
            lea_sid = lea.sio.get_sid()
            before = await anne.call("chat:send", {"room": GENERAL, "text": "still here?"})
            assert before["ok"] is True
            await lea.wait_for(lambda e: e["id"] == before["id"])  # still in the room

            out = await lea_http.delete("/api/v1/session")  # through node B
            assert out.status_code in (200, 204), out.text
            await asyncio.wait_for(lea.disconnected.wait(), 10)

            after = await anne.call("chat:send", {"room": GENERAL, "text": "after logout"})
            assert after["ok"] is True
            await tina.wait_for(lambda e: e["id"] == after["id"])  # A has delivered it
            assert not [e for e in lea.events if e["id"] == after["id"]]
            await pair.until(lambda: _no_rows(pair, lea_sid), "lea's rows going")
        finally:
            for client in clients:
                await client.close()
            for http in https:
                await http.aclose()


async def test_removal_reaches_a_socket_of_a_node_that_was_swept_while_paused(
    settings: Settings, redis_url: str
) -> None:
    clients: list[LiveClient] = []
    https: list[httpx.AsyncClient] = []
    async with two_nodes(settings, redis_url) as pair:
        try:
            lea_http = await api_login(pair.paused.url, "lea")
            anne_http = await api_login(pair.other.url, "anne")
            tina_http = await api_login(pair.paused.url, "tina")
            https += [lea_http, anne_http, tina_http]
            lea = await connect(pair.paused.url, lea_http, clients)
            tina = await connect(pair.paused.url, tina_http, clients)
            anne = await connect(pair.other.url, anne_http, clients)
            lea_id = (await lea_http.get("/api/v1/me")).json()["id"]
            lea_sid = lea.sio.get_sid()

            await pair.pause_until_swept(lea)
            removed = await anne_http.delete(f"/api/v1/spaces/1/members/{lea_id}")  # on B
            assert removed.status_code == 200, removed.text

            after = await anne.call("chat:send", {"room": GENERAL, "text": "after removal"})
            assert after["ok"] is True
            await tina.wait_for(lambda e: e["id"] == after["id"])
            assert not [e for e in lea.events if e["id"] == after["id"]]
            await pair.until(lambda: _no_presence(pair, lea_sid), "lea's presence going")
        finally:
            for client in clients:
                await client.close()
            for http in https:
                await http.aclose()


async def _no_presence(pair: Pair, sid: str) -> bool:
    return await pair.presence_rows(sid) == 0


async def _no_rows(pair: Pair, sid: str) -> bool:
    """Neither a live socket row nor chat presence (its disconnect handler removes them just
    after the client was told)."""
    return not await pair.socket_row(sid) and await _no_presence(pair, sid)


async def test_a_session_ended_while_its_node_was_swept_is_cut_when_the_node_comes_back(
    settings: Settings, redis_url: str
) -> None:
    """The logout happens while A is stopped and swept: B finds no row of the socket to cut.
    A, coming back, re-checks the sessions of the sockets it re-registers and cuts it."""
    clients: list[LiveClient] = []
    https: list[httpx.AsyncClient] = []
    async with two_nodes(settings, redis_url) as pair:
        try:
            lea_http = await api_login(pair.other.url, "lea")
            https.append(lea_http)
            lea = await connect(pair.paused.url, lea_http, clients)
            lea_sid = lea.sio.get_sid()

            await pair.stop_until_swept(lea)
            out = await lea_http.delete("/api/v1/session")  # on B, while A is stopped
            assert out.status_code in (200, 204), out.text
            pair.resume()
            await asyncio.wait_for(lea.disconnected.wait(), 30)
            node = lea_sid.split(".")[0]
            await pair.until(lambda: pair.node_row(node), "A beating again")
            await pair.until(lambda: _no_rows(pair, lea_sid), "lea's rows going")
        finally:
            for client in clients:
                await client.close()
            for http in https:
                await http.aclose()
