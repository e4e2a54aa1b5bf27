"""The fault-test harness (tests/test_faults.py with small counts, bench/faults.py with full
counts): many light Socket.IO clients in several chat rooms, spread over several real
`twinspace serve` processes, sending chat messages while a fault is inflicted, then checking
the promise: every message acknowledged ``ok`` reaches every member of its room exactly once
after catch-up (deduplicated by id), no message refused with an error ack is ever shown, and
the same message is never stored twice.

The clients speak engine.io v4 over a raw websocket (as bench/chat_fanout.py does), keep the
last event id they applied per room, call ``catchup`` on a gap, on ``resync`` and after every
reconnect, and reconnect by themselves to the next server when theirs goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from twinspace.accounts.auth import hash_token
from twinspace.accounts.models import AuthSession, User, UserKind
from twinspace.db import Database, utcnow
from twinspace.rooms.chat.actions import do_create_chat_room
from twinspace.spaces.models import Membership

SPACE_ID = 1
CALL_TIMEOUT = 10.0
RECONNECT_FIRST, RECONNECT_MAX = 0.2, 5.0  # seconds
# Two processes publish events of one room in either order: a gap usually fills by itself
# within milliseconds, so wait a moment before asking the server (30 members asking at once
# for every swapped pair would multiply the load).
GAP_WAIT = 0.5
RESYNC_SPREAD = 3.0  # seconds over which the sockets of one process answer a resync


class Lost(Exception):
    """The connection went away before the answer came."""


@dataclass
class Member:
    username: str
    token: str
    room: str  # space:1:chat:<name>


async def seed_members(database_url: str, clients: int, per_room: int) -> list[Member]:
    """``clients`` teacher accounts, members of TwinSpace 1, each with a login session, in
    chat rooms of ``per_room`` members (rooms chaos-00, chaos-01...)."""
    db = Database(database_url)
    members: list[Member] = []
    rooms = max(1, -(-clients // per_room))
    try:
        async with db.unit_of_work() as uow:
            names = [f"chaos-{r:02d}" for r in range(rooms)]
            for name in names:
                await do_create_chat_room(uow, SPACE_ID, name)
            for index in range(clients):
                user = User(
                    username=f"chaos-{index:04d}",
                    display_name=f"Chaos {index}",
                    kind=UserKind.TEACHER.value,
                    country_code="FR",
                    password_hash="!",  # no password: the session below is the only way in
                )
                uow.session.add(user)
                await uow.session.flush()
                uow.session.add(
                    Membership(space_id=SPACE_ID, user_id=user.id, role="teacher_member")
                )
                token = secrets.token_urlsafe(32)
                uow.session.add(
                    AuthSession(
                        id=hash_token(token),
                        user_id=user.id,
                        csrf_token=secrets.token_urlsafe(16),
                        expires_at=utcnow() + timedelta(days=1),
                    )
                )
                room = f"space:{SPACE_ID}:chat:{names[index % rooms]}"
                members.append(Member(user.username, token, room))
    finally:
        await db.dispose()
    return members


@dataclass
class Sent:
    text: str
    room: str
    outcome: str = "pending"  # ok | error:<code> | lost (no ack: connection went away)
    id: int | None = None
    client_id: str = field(default_factory=lambda: secrets.token_hex(8))
    attempts: int = 0
    error_acks: int = 0  # error acks received on the way (before a retry succeeded)


@dataclass
class Stats:
    connects: int = 0
    reconnects: int = 0
    catchups: int = 0
    resyncs: int = 0
    live_copies: int = 0
    duplicate_copies: int = 0  # the same id received again (live and catch-up), deduplicated
    internal_errors: int = 0
    acks: Counter[str] = field(default_factory=Counter)


class ChaosClient:
    def __init__(self, member: Member, servers: list[str], first: int, stats: Stats) -> None:
        self.member = member
        self.servers = servers
        self.server_index = first
        self.stats = stats
        self.received: dict[int, str] = {}  # event id -> chat text, in this client's room
        self.last = 0  # every id up to this one has been applied
        self.ws: ClientConnection | None = None
        self.ready = asyncio.Event()  # connected, joined and caught up
        self._acks: dict[int, asyncio.Future[Any]] = {}
        self._next_ack = 0
        self._runner: asyncio.Task[None] | None = None
        self._catching: asyncio.Task[None] | None = None
        self._catch_again = False
        self._joining = False  # a join is in flight: its ack brings what the live events skip
        self._stopping = False
        self.synced_at = 0.0  # monotonic time of the last completed (re)synchronisation

    # -- connection ---------------------------------------------------------------------------
    def start(self) -> None:
        self._runner = asyncio.create_task(self._run())

    async def _run(self) -> None:
        attempt = 0
        while not self._stopping:
            url = self.servers[self.server_index % len(self.servers)]
            try:
                await self._connect(url)
                attempt = 0
                await self._read()
            except (OSError, ConnectionClosed, InvalidHandshake, InvalidStatus, Lost, TimeoutError):
                pass
            finally:
                self.ready.clear()
                self._fail_pending()
                if self.ws is not None:
                    with contextlib.suppress(Exception):
                        await self.ws.close()
                    self.ws = None
            if self._stopping:
                return
            self.stats.reconnects += 1
            self.server_index += 1  # try the next server
            attempt += 1
            # like socket.io-client: growing delay with jitter, so a crowd does not stampede
            delay = min(RECONNECT_MAX, RECONNECT_FIRST * 2 ** (attempt - 1))
            await asyncio.sleep(delay * random.uniform(0.5, 1.5))

    async def _connect(self, base_url: str) -> None:
        ws_url = base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
        self.ws = await connect(
            ws_url,
            additional_headers={"Cookie": f"ts_session={self.member.token}"},
            ping_interval=None,
            open_timeout=10,
            max_queue=None,
        )
        opening = await asyncio.wait_for(self.ws.recv(), 10)
        if not isinstance(opening, str) or not opening.startswith("0"):
            raise Lost(f"unexpected open packet {opening!r}")
        await self.ws.send("40")
        while True:
            packet = await asyncio.wait_for(self.ws.recv(), 10)
            if packet == "2":
                await self.ws.send("3")
            elif isinstance(packet, str) and packet.startswith("40"):
                break
            else:
                raise Lost(f"namespace refused: {packet!r}")
        self.stats.connects += 1
        self._joining = True
        asyncio.get_running_loop().create_task(self._join())

    async def _join(self) -> None:
        """Join the room, catch up from the last applied id; on refusal, drop and retry."""
        try:
            ack = await self.call("join", {"room": self.member.room, "after": self.last})
            if not ack.get("ok"):
                raise Lost(f"join refused: {ack}")
            self._take(ack["events"])  # what it missed comes with the join's ack
            self._joining = False
            if ack["more"]:
                await self.catch_up()
            elif self.received and max(self.received) > self.last:  # live ones past a gap
                asyncio.get_running_loop().call_later(GAP_WAIT, self._check_gap, max(self.received))
            self.synced_at = time.monotonic()
            self.ready.set()
        except (Lost, TimeoutError):
            self._joining = False
            if self.ws is not None:
                with contextlib.suppress(Exception):
                    await self.ws.close()

    async def _read(self) -> None:
        assert self.ws is not None
        async for packet in self.ws:
            if not isinstance(packet, str):
                continue
            if packet == "2":
                await self.ws.send("3")
            elif packet.startswith("42"):
                self._on_event(json.loads(packet[2:]))
            elif packet.startswith("43"):
                start = packet.index("[", 2)
                future = self._acks.pop(int(packet[2:start]), None)
                if future is not None and not future.done():
                    args = json.loads(packet[start:])
                    future.set_result(args[0] if args else None)
            elif packet.startswith(("41", "44", "1")):
                return

    def _fail_pending(self) -> None:
        for future in self._acks.values():
            if not future.done():
                future.set_exception(Lost("connection closed before the ack"))
        self._acks.clear()

    async def call(self, event: str, data: Any) -> dict[str, Any]:
        ws = self.ws
        if ws is None:
            raise Lost("not connected")
        ack_id = self._next_ack
        self._next_ack += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        try:
            await ws.send(f"42{ack_id}{json.dumps([event, data], separators=(',', ':'))}")
        except ConnectionClosed as exc:
            self._acks.pop(ack_id, None)
            if future.done() and not future.cancelled():
                future.exception()  # set by _fail_pending meanwhile: retrieved here
            raise Lost(str(exc)) from exc
        try:
            answer = await asyncio.wait_for(future, CALL_TIMEOUT)
        finally:
            self._acks.pop(ack_id, None)
        if isinstance(answer, dict) and answer.get("error") == "internal":
            self.stats.internal_errors += 1
        return answer if isinstance(answer, dict) else {"ok": False, "error": repr(answer)}

    # -- events -------------------------------------------------------------------------------
    def _on_event(self, message: list[Any]) -> None:
        name, payload = message[0], (message[1] if len(message) > 1 else None)
        if name == "resync":  # every socket of a process hears it at once: spread them out
            self.stats.resyncs += 1
            delay = random.uniform(0, RESYNC_SPREAD)
            asyncio.get_running_loop().call_later(delay, self._schedule_catch_up)
        elif (
            name == "event"
            and isinstance(payload, dict)
            and payload.get("room") == self.member.room
        ):
            self.stats.live_copies += 1
            self._apply(payload)
            if payload["id"] > self.last and not self._joining:  # a gap: it may still come live
                event_id = payload["id"]
                asyncio.get_running_loop().call_later(GAP_WAIT, self._check_gap, event_id)

    def _check_gap(self, event_id: int) -> None:
        if self.last < event_id and self.ws is not None:  # still missing: fetch it, in order
            self._schedule_catch_up()

    def _apply(self, envelope: dict[str, Any]) -> None:
        if envelope.get("type") != "chat.message":
            return
        event_id = envelope["id"]
        if event_id in self.received:
            self.stats.duplicate_copies += 1
        else:
            self.received[event_id] = envelope["data"]["text"]
        while self.last + 1 in self.received:
            self.last += 1

    def _take(self, events: list[dict[str, Any]]) -> None:
        for envelope in events:
            if envelope["type"] != "chat.message":
                self.received.setdefault(envelope["id"], "")  # not a chat message
            self._apply(envelope)
            self.last = max(self.last, envelope["id"])

    def _schedule_catch_up(self) -> None:
        if self._catching is not None and not self._catching.done():
            self._catch_again = True
            return
        self._catching = asyncio.get_running_loop().create_task(self._catch_up_quietly())

    async def _catch_up_quietly(self) -> None:
        with contextlib.suppress(Lost, TimeoutError):
            await self.catch_up()

    async def catch_up(self) -> None:
        """Everything after the last applied id, in pages, until nothing more."""
        while True:
            self._catch_again = False
            while True:
                ack = await self.call("catchup", {"room": self.member.room, "after": self.last})
                if not ack.get("ok"):
                    raise Lost(f"catchup refused: {ack}")
                self.stats.catchups += 1
                self._take(ack["events"])
                if not ack.get("more"):
                    break
            if not self._catch_again:
                return

    async def send(self, sent: Sent) -> None:
        """One attempt; the outcome is this attempt's answer."""
        sent.attempts += 1
        payload = {"room": sent.room, "text": sent.text, "client_id": sent.client_id}
        try:
            ack = await self.call("chat:send", payload)
        except (Lost, TimeoutError):
            sent.outcome = "lost"
            self.stats.acks["lost"] += 1
            return
        if ack.get("ok") and isinstance(ack.get("id"), int):
            sent.outcome, sent.id = "ok", ack["id"]
        else:
            sent.outcome = f"error:{ack.get('error')}"
            sent.error_acks += 1
        self.stats.acks[sent.outcome] += 1

    async def send_until_answered(self, sent: Sent, deadline: float) -> None:
        """Send, and after a lost ack or a server failure send again with the same client_id
        (as the browser does), until an ok or a definite refusal, or the deadline."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                await asyncio.wait_for(self.ready.wait(), max(0.1, deadline - loop.time()))
            except TimeoutError:
                return
            await self.send(sent)
            retry = sent.outcome in ("lost", "error:internal", "error:rate_limited")
            if not retry or loop.time() >= deadline:
                return
            await asyncio.sleep(0.3)

    def drop(self) -> None:
        """Cut the connection abruptly (the client reconnects by itself)."""
        if self.ws is not None:
            self.ws.transport.abort()

    async def stop(self) -> None:
        self._stopping = True
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._runner


async def start_clients(
    members: list[Member], servers: list[str], stats: Stats, timeout: float = 120
) -> list[ChaosClient]:
    clients = [ChaosClient(m, servers, i, stats) for i, m in enumerate(members)]
    for client in clients:
        client.start()
    await all_ready(clients, timeout)
    return clients


async def all_ready(clients: list[ChaosClient], timeout: float) -> None:
    await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in clients)), timeout)


async def send_burst(
    clients: list[ChaosClient],
    messages: int,
    rate: float,
    tag: str,
    retry: bool = False,
    retry_for: float = 120.0,
) -> list[Sent]:
    """``messages`` chat messages at ``rate``/s in total, round robin over the clients (open
    loop; a client that is not connected at its turn waits for its connection). With
    ``retry``, a message whose ack was lost or failed is sent again (same client_id) for
    up to ``retry_for`` seconds."""
    loop = asyncio.get_running_loop()
    sent: list[Sent] = []
    tasks: list[asyncio.Task[None]] = []
    start = loop.time()

    async def one(client: ChaosClient, record: Sent) -> None:
        if retry:
            await client.send_until_answered(record, loop.time() + retry_for)
            return
        try:
            await asyncio.wait_for(client.ready.wait(), 60)
        except TimeoutError:
            record.outcome = "lost"
            return
        await client.send(record)

    for k in range(messages):
        delay = start + k / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        client = clients[k % len(clients)]
        record = Sent(f"{tag}-{k:06d} from {client.member.username}", client.member.room)
        sent.append(record)
        tasks.append(loop.create_task(one(client, record)))
    await asyncio.gather(*tasks)
    return sent


@dataclass
class Verdict:
    messages: int
    attempts: int
    error_acks_seen: int
    acked_ok: int
    acked_error: int
    lost_acks: int  # no ack: the connection went away (shown to nobody or to everybody)
    lost_acks_stored: int
    expected_copies: int
    missing_copies: int
    refused_but_shown: int
    stored_twice: int
    duplicate_copies: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


async def final_sync(clients: list[ChaosClient], timeout: float) -> None:
    """Every client connected, joined and caught up once more (the clients' catch-up)."""
    await all_ready(clients, timeout)

    async def again(client: ChaosClient) -> None:
        for _ in range(20):
            try:
                await client.ready.wait()
                await client.catch_up()
                return
            except (Lost, TimeoutError):
                await asyncio.sleep(0.2)
        raise TimeoutError(f"{client.member.username} could not catch up")

    await asyncio.wait_for(asyncio.gather(*(again(c) for c in clients)), timeout)


def judge(clients: list[ChaosClient], sent: list[Sent], stats: Stats) -> Verdict:
    by_room: dict[str, list[ChaosClient]] = {}
    for client in clients:
        by_room.setdefault(client.member.room, []).append(client)
    ok = [s for s in sent if s.outcome == "ok"]
    refused = {s.text for s in sent if s.outcome.startswith("error")}
    lost = [s for s in sent if s.outcome == "lost"]
    shown: set[str] = set()
    for client in clients:
        shown.update(client.received.values())
    missing = 0
    for record in ok:
        for client in by_room[record.room]:
            if client.received.get(record.id) != record.text:
                missing += 1
    stored_twice = 0
    for client in clients:
        counts = Counter(t for t in client.received.values() if t)
        stored_twice += sum(n - 1 for n in counts.values() if n > 1)
    return Verdict(
        messages=len(sent),
        attempts=sum(s.attempts for s in sent),
        error_acks_seen=sum(s.error_acks for s in sent),
        acked_ok=len(ok),
        acked_error=len(refused),
        lost_acks=len(lost),
        lost_acks_stored=sum(1 for s in lost if s.text in shown),
        expected_copies=sum(len(by_room[s.room]) for s in ok),
        missing_copies=missing,
        refused_but_shown=len(refused & shown),
        stored_twice=stored_twice,
        duplicate_copies=stats.duplicate_copies,
    )
