"""Chat fan-out benchmark: TwinSpace against a bare python-socketio broadcast server.

Starts each server as a subprocess on a free 127.0.0.1 port (pinned to CPU 0): first
bench/bare_server.py, then TwinSpace on a fresh demo installation in a temporary directory
(plus logged-in benchmark accounts, see bench/seed_users.py). Connects N light Socket.IO
clients (raw engine.io v4 over ``websockets``, all multiplexed in this process, pinned to
CPU 1) to one chat room, sends chat messages at a fixed total rate from S of them (open
loop), and measures the send-to-receive latency of every delivered copy. The same clients,
rate and message size are used against both servers in the same run; see bench/README.md.

    .venv/bin/python bench/chat_fanout.py --clients 200 --rate 20 --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
ROOM = "space:1:chat:general"  # the demo TwinSpace's chat room "general"
PASSWORD = "demo-pass"
SESSION_COOKIE = "ts_session"
PER_SENDER_RATE = 4.0  # TwinSpace's flood limit is 5 events/s per member (burst 20)
CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVER_CPU, CLIENT_CPU = 0, 1


class BenchError(RuntimeError):
    pass


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the light client


@dataclass
class Deliveries:
    """What every client received, shared by all clients of one run."""

    latencies: list[float] = field(default_factory=list)  # seconds, measured messages only
    last_at: float = 0.0  # when the last copy of a measured message arrived
    warmup: int = 0
    other: Counter[str] = field(default_factory=Counter)  # other events, e.g. presence
    unexpected: int = 0
    frame_bytes: int = 0


class SioClient:
    """A minimal Socket.IO v5 client over a raw engine.io v4 websocket (no polling)."""

    def __init__(self, deliveries: Deliveries) -> None:
        self.deliveries = deliveries
        self.ws: ClientConnection | None = None
        self._acks: dict[int, asyncio.Future[Any]] = {}
        self._next_ack = 0
        self._reader: asyncio.Task[None] | None = None

    async def connect(self, ws_url: str, cookie: str | None, deflate: bool) -> None:
        headers = {"Cookie": cookie} if cookie else None
        self.ws = await connect(
            ws_url,
            additional_headers=headers,
            compression="deflate" if deflate else None,
            ping_interval=None,  # engine.io has its own heartbeat
            open_timeout=20,
        )
        opening = await self.ws.recv()
        if not isinstance(opening, str) or not opening.startswith("0"):
            raise BenchError(f"unexpected engine.io open packet: {opening!r}")
        await self.ws.send("40")  # connect the default namespace
        while True:
            packet = await self.ws.recv()
            if packet == "2":
                await self.ws.send("3")
            elif isinstance(packet, str) and packet.startswith("40"):
                break
            else:
                raise BenchError(f"namespace connect refused: {packet!r}")
        self._reader = asyncio.create_task(self._read())

    async def call(self, event: str, data: Any) -> asyncio.Future[Any]:
        """Emit with an ack request; returns the future of the ack's first argument."""
        assert self.ws is not None
        ack_id = self._next_ack
        self._next_ack += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._acks[ack_id] = future
        await self.ws.send(f"42{ack_id}{json.dumps([event, data], separators=(',', ':'))}")
        return future

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for packet in self.ws:
                if not isinstance(packet, str):
                    continue
                if packet.startswith("42"):
                    self._on_event(packet)
                elif packet == "2":
                    await self.ws.send("3")
                elif packet.startswith("43"):
                    self._on_ack(packet)
                elif packet.startswith(("41", "44", "1")):
                    break  # disconnected by the server
        except ConnectionClosed:
            pass
        finally:
            for future in self._acks.values():
                if not future.done():
                    future.set_exception(BenchError("connection closed before the ack"))
            self._acks.clear()

    def _on_event(self, packet: str) -> None:
        now = time.perf_counter()
        received = self.deliveries
        try:
            name, envelope = json.loads(packet[2:])
            if name != "event":
                received.other[name] += 1
                return
            text: str = envelope["data"]["text"]
            tag, stamp, _ = text.split(" ", 2)
        except (ValueError, KeyError, TypeError, AttributeError):
            received.unexpected += 1
            return
        if envelope.get("type") != "chat.message" or envelope.get("room") != ROOM:
            received.unexpected += 1
        elif tag == "M":
            received.latencies.append(now - float(stamp))
            received.last_at = now
            received.frame_bytes = received.frame_bytes or len(packet)
        else:
            received.warmup += 1

    def _on_ack(self, packet: str) -> None:
        start = packet.index("[", 2)
        future = self._acks.pop(int(packet[2:start]), None)
        if future is not None and not future.done():
            args = json.loads(packet[start:])
            future.set_result(args[0] if args else None)

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader


# ---------------------------------------------------------------- server processes


@dataclass
class Server:
    name: str
    pid: int
    port: int
    reader_cookies: list[str]  # Cookie header per reading socket (empty: anonymous)
    sender_cookies: list[str]  # Cookie header per sending socket (empty: anonymous)
    cpus: str
    more: list[tuple[int, int]] = field(default_factory=list)  # (pid, port) of more processes
    gc_files: list[Path] = field(default_factory=list)  # see bench/gcwatch/sitecustomize.py

    @property
    def pids(self) -> list[int]:
        return [self.pid, *(pid for pid, _ in self.more)]

    @property
    def ports(self) -> list[int]:
        return [self.port, *(port for _, port in self.more)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_ticks(pid: int) -> int:
    """utime + stime of a whole process (all threads), in clock ticks."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


def machine_busy_ticks() -> int:
    """Busy clock ticks of all CPUs together (everything but idle and iowait)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:9]]
    return sum(fields) - fields[3] - fields[4]


@dataclass(frozen=True)
class Snapshot:
    wall: float
    server_ticks: int
    own_cpu: float
    machine_ticks: int

    @classmethod
    def take(cls, pids: Sequence[int]) -> Snapshot:
        ticks = sum(cpu_ticks(pid) for pid in pids)
        return cls(time.perf_counter(), ticks, time.process_time(), machine_busy_ticks())


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def pin_prefix(pin: bool) -> list[str]:
    return ["taskset", "-c", str(SERVER_CPU)] if pin else []


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM this one process (by PID), then SIGKILL it if it does not exit in time."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@contextlib.contextmanager
def server_process(
    cmd: Sequence[str], env: dict[str, str], port: int, log_path: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            list(cmd), env=env, cwd=REPO_DIR, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None:
                    raise BenchError(f"server exited with {proc.returncode}:\n{tail(log_path)}")
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                    break
                if time.monotonic() > deadline:
                    raise BenchError(f"server not listening after 60 s:\n{tail(log_path)}")
                time.sleep(0.1)
            yield proc
        finally:
            stop_process(proc)


def login(base_url: str, username: str) -> str:
    request = urllib.request.Request(
        f"{base_url}/api/v1/session",
        data=json.dumps({"username": username, "password": PASSWORD}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        jar: SimpleCookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    if SESSION_COOKIE not in jar:
        raise BenchError(f"login as {username} returned no {SESSION_COOKIE} cookie")
    return f"{SESSION_COOKIE}={jar[SESSION_COOKIE].value}"


def twinspace_command() -> list[str]:
    script = Path(sys.executable).parent / "twinspace"
    return [str(script)] if script.exists() else [sys.executable, "-m", "twinspace.cli"]


def clean_env() -> dict[str, str]:
    """This environment without any TWINSPACE_* setting (never touch a real database)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("TWINSPACE_")}


def gc_watch_env(gc_file: Path) -> dict[str, str]:
    """Time the server's garbage collections (bench/gcwatch/sitecustomize.py)."""
    path = [str(BENCH_DIR / "gcwatch"), *filter(None, [os.environ.get("PYTHONPATH")])]
    return {"PYTHONPATH": os.pathsep.join(path), "BENCH_GC_FILE": str(gc_file)}


def gc_pauses(files: Sequence[Path], since: float) -> list[float]:
    """Collections of >= 1 ms (ms) that ended after ``since`` (time.time())."""
    pauses: list[float] = []
    for path in files:
        with contextlib.suppress(OSError):
            for line in path.read_text().splitlines():
                with contextlib.suppress(ValueError):
                    at, _generation, ms = json.loads(line)
                    if at >= since:
                        pauses.append(float(ms))
    return pauses


def run_step(cmd: Sequence[str], env: dict[str, str], what: str) -> str:
    done = subprocess.run(
        list(cmd), env=env, cwd=REPO_DIR, capture_output=True, text=True, timeout=180, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"{what} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def redis_server(work_dir: Path) -> Iterator[str]:
    """A redis-server of our own on a free loopback port (not pinned: it is the broker)."""
    port = free_port()
    cmd = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    cmd += ["--appendonly", "no"]
    with server_process(cmd, clean_env(), port, work_dir / "redis.log"):
        yield f"redis://127.0.0.1:{port}/0"


@contextlib.contextmanager
def start_twinspace_redis(work_dir: Path, pin: bool, args: argparse.Namespace) -> Iterator[Server]:
    """Two TwinSpace processes sharing the database and a Redis, both on the server CPU:
    the clients alternate between them, so half of every room is on the other process."""
    with (
        redis_server(work_dir) as url,
        start_twinspace(work_dir, pin, args, processes=2, redis_url=url) as server,
    ):
        yield server


@contextlib.contextmanager
def start_twinspace(
    work_dir: Path,
    pin: bool,
    args: argparse.Namespace,
    processes: int = 1,
    redis_url: str | None = None,
) -> Iterator[Server]:
    """Seed a fresh demo installation plus benchmark accounts, serve it, log everyone in."""
    name = "twinspace" if processes == 1 else f"twinspace-{processes}p-redis"
    var_dir = Path(tempfile.mkdtemp(prefix=f"{name}-var-", dir=work_dir))  # one per run
    env = clean_env() | {
        "TWINSPACE_VAR_DIR": str(var_dir),
        "TWINSPACE_LOGIN_ACCOUNT_LIMIT": "1000",
        "TWINSPACE_LOGIN_ADDRESS_LIMIT": "100000",
    }
    if redis_url:
        env["TWINSPACE_REDIS_URL"] = redis_url
    if args.pg_cluster is not None:  # a fresh database on the benchmark's own PostgreSQL
        database = name.replace("-", "_") + "_" + var_dir.name.rsplit("-", 1)[-1].lower()
        args.pg_cluster.psql(f"CREATE DATABASE {database}")
        env["TWINSPACE_DATABASE_URL"] = args.pg_cluster.url(database)
        name += "-pg"
    if args.no_gc_freeze:
        env["TWINSPACE_GC_FREEZE"] = "0"
    if args.gc_threshold:
        env["TWINSPACE_GC_THRESHOLD"] = args.gc_threshold
    gc_files = [work_dir / f"{name}-{n}-gc.jsonl" for n in range(processes)]
    readers = args.clients - args.senders
    run_step([*twinspace_command(), "demo"], env, "twinspace demo")
    made = json.loads(
        run_step(
            [
                sys.executable,
                str(BENCH_DIR / "seed_users.py"),
                "--pupils",
                str(math.ceil(readers / args.sockets_per_account)),
                "--teachers",
                str(args.senders),
            ],
            env,
            "seeding benchmark accounts",
        )
    )
    with contextlib.ExitStack() as stack:
        procs = []
        for n in range(processes):
            port = free_port()
            cmd = [*pin_prefix(pin), *twinspace_command(), "serve", "--port", str(port)]
            cmd += ["--log-level", "warning"]
            proc_env = env | gc_watch_env(gc_files[n])
            log_path = work_dir / f"{name}-{n}.log"
            proc = stack.enter_context(server_process(cmd, proc_env, port, log_path))
            procs.append((proc.pid, port))
        port = procs[0][1]
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        with ThreadPoolExecutor(4) as pool:  # each login is an Argon2 check on the server
            pupils = list(pool.map(lambda name: login(base, name), made["pupils"]))
            teachers = list(pool.map(lambda name: login(base, name), made["teachers"]))
        log(
            f"[twinspace] {len(pupils) + len(teachers)} logins in "
            f"{time.perf_counter() - started:.1f} s"
        )
        reader_cookies = [pupils[i // args.sockets_per_account] for i in range(readers)]
        pid = procs[0][0]
        yield Server(name, pid, port, reader_cookies, teachers, affinity(pid), procs[1:], gc_files)


@contextlib.contextmanager
def start_bare(work_dir: Path, pin: bool, args: argparse.Namespace) -> Iterator[Server]:
    port = free_port()
    cmd = [*pin_prefix(pin), sys.executable, str(BENCH_DIR / "bare_server.py"), "--port", str(port)]
    gc_file = work_dir / "bare-gc.jsonl"
    env = clean_env() | gc_watch_env(gc_file)
    env.pop("PYTHONPATH")  # the bare server never imports TwinSpace: only the GC watch
    env["PYTHONPATH"] = str(BENCH_DIR / "gcwatch")
    with server_process(cmd, env, port, work_dir / "bare.log") as proc:
        yield Server("bare", proc.pid, port, [], [], affinity(proc.pid), gc_files=[gc_file])


STARTERS = {"bare": start_bare, "twinspace": start_twinspace, "redis": start_twinspace_redis}


def affinity(pid: int) -> str:
    return ",".join(str(cpu) for cpu in sorted(os.sched_getaffinity(pid)))


# ---------------------------------------------------------------- one load run


@dataclass
class Result:
    server: str
    server_cpus: str
    clients: int
    senders: int
    rate: float
    seconds: float
    text_bytes: int
    frame_bytes: int
    sent: int
    acked_ok: int
    ack_errors: dict[str, int]
    expected: int
    delivered: int
    delivered_per_s: float
    loss_pct: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    ack_p50_ms: float
    ack_p99_ms: float
    server_cpu_pct: float
    server_us_per_delivery: float
    client_cpu_pct: float
    client_loop_lag_max_ms: float
    other_cpu_pct: float
    rss_idle_mib: float
    rss_end_mib: float
    kib_per_connection: float
    join_seconds: float
    gc_worst_ms: float
    gc_pauses_10ms: int
    unexpected_events: int
    other_events: dict[str, int]


def percentile(ordered: Sequence[float], pct: float) -> float:
    if not ordered:
        return math.nan
    return ordered[min(len(ordered) - 1, max(0, math.ceil(pct / 100 * len(ordered)) - 1))]


@dataclass
class Sent:
    at: float
    ack: asyncio.Future[Any]
    acked_at: list[float] = field(default_factory=list)


async def send_phase(
    senders: Sequence[SioClient], rate: float, seconds: float, tag: str, text_bytes: int
) -> list[Sent]:
    """Open loop: message k leaves at start + k/rate, whatever the acks are doing."""
    loop = asyncio.get_running_loop()
    total = max(1, round(rate * seconds))
    sent: list[Sent] = []
    start = loop.time()
    for k in range(total):
        delay = start + k / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        at = time.perf_counter()  # CLOCK_MONOTONIC, read again by the receiving sockets
        head = f"{tag} {at:.6f} {k} "
        text = head + "x" * max(0, text_bytes - len(head))
        ack = await senders[k % len(senders)].call("chat:send", {"room": ROOM, "text": text})
        record = Sent(at, ack)
        ack.add_done_callback(lambda _f, r=record: r.acked_at.append(time.perf_counter()))
        sent.append(record)
    return sent


async def wait_until(predicate: Callable[[], bool], timeout: float) -> None:
    """Poll ``predicate`` every 50 ms for at most ``timeout`` seconds."""
    for _ in range(max(1, math.ceil(timeout / 0.05))):
        if predicate():
            return
        await asyncio.sleep(0.05)


async def loop_lag() -> float:
    """Run until cancelled; return the longest time this event loop was late (seconds)."""
    worst = 0.0
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            start = time.perf_counter()
            await asyncio.sleep(0.005)
            worst = max(worst, time.perf_counter() - start - 0.005)
    return worst


async def run_load(server: Server, args: argparse.Namespace) -> Result:
    ws_urls = [
        f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket" for port in server.ports
    ]
    deliveries = Deliveries()
    clients = [SioClient(deliveries) for _ in range(args.clients)]
    senders = clients[: args.senders]
    rss_idle = sum(rss_kib(pid) for pid in server.pids)
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def join(index: int, client: SioClient) -> None:
        if index < args.senders:
            cookie = server.sender_cookies[index] if server.sender_cookies else None
        else:
            cookie = server.reader_cookies[index - args.senders] if server.reader_cookies else None
        async with gate:
            # several processes: alternate, so most recipients are on another process
            await client.connect(ws_urls[index % len(ws_urls)], cookie, args.deflate)
            ack = await asyncio.wait_for(await client.call("join", {"room": ROOM}), 20)
        if not isinstance(ack, dict) or not ack.get("ok"):
            raise BenchError(f"join refused: {ack!r}")

    try:
        log(f"[{server.name}] pid {server.pid} on CPU {server.cpus}: connecting {len(clients)}")
        gc_since = time.time()
        joining = time.perf_counter()
        await asyncio.gather(*(join(i, c) for i, c in enumerate(clients)))
        join_seconds = time.perf_counter() - joining
        gc.collect()
        gc.freeze()  # the load generator's own heap: keep its collections out of the latencies

        if args.warmup > 0:
            log(f"[{server.name}] warm-up {args.warmup:g} s")
            warm = await send_phase(senders, args.rate, args.warmup, "W", args.text_bytes)
            expected_warm = len(warm) * len(clients)
            await wait_until(lambda: deliveries.warmup >= expected_warm, args.drain)
            await asyncio.sleep(0.5)

        log(f"[{server.name}] measuring {args.seconds:g} s at {args.rate:g} msg/s")
        lag = asyncio.create_task(loop_lag())
        before = Snapshot.take(server.pids)
        sent = await send_phase(senders, args.rate, args.seconds, "M", args.text_bytes)
        after = Snapshot.take(server.pids)
        lag.cancel()
        max_lag = await lag
        expected = len(sent) * len(clients)
        await wait_until(lambda: len(deliveries.latencies) >= expected, args.drain)
        await wait_until(lambda: all(s.ack.done() for s in sent), 2)
        rss_end = sum(rss_kib(pid) for pid in server.pids)
        await asyncio.sleep(0.6)  # the GC watch writes every 0.5 s
        pauses = gc_pauses(server.gc_files, gc_since)
    finally:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*(c.close() for c in clients)), 15)

    errors: Counter[str] = Counter()
    ack_times: list[float] = []
    for record in sent:
        if not record.ack.done():
            errors["no ack"] += 1
        elif record.ack.exception() is not None:
            errors["connection closed"] += 1
        elif isinstance(ack := record.ack.result(), dict) and ack.get("ok"):
            ack_times.append(record.acked_at[0] - record.at)
        else:
            errors[str(ack.get("error") if isinstance(ack, dict) else ack)] += 1
    window = after.wall - before.wall
    # a server that falls behind delivers after the window: count its real delivery time
    span = max(window, deliveries.last_at - before.wall)
    latencies = sorted(deliveries.latencies)
    ack_times.sort()
    delivered = len(latencies)
    cpu_seconds = (after.server_ticks - before.server_ticks) / CLK_TCK
    own_seconds = after.own_cpu - before.own_cpu
    machine_seconds = (after.machine_ticks - before.machine_ticks) / CLK_TCK
    return Result(
        server=server.name,
        server_cpus=server.cpus,
        clients=len(clients),
        senders=len(senders),
        rate=args.rate,
        seconds=round(window, 2),
        text_bytes=args.text_bytes,
        frame_bytes=deliveries.frame_bytes,
        sent=len(sent),
        acked_ok=len(ack_times),
        ack_errors=dict(errors),
        expected=expected,
        delivered=delivered,
        delivered_per_s=delivered / span,
        loss_pct=100 * (expected - delivered) / expected if expected else 0.0,
        p50_ms=1000 * percentile(latencies, 50),
        p95_ms=1000 * percentile(latencies, 95),
        p99_ms=1000 * percentile(latencies, 99),
        max_ms=1000 * latencies[-1] if latencies else math.nan,
        ack_p50_ms=1000 * percentile(ack_times, 50),
        ack_p99_ms=1000 * percentile(ack_times, 99),
        server_cpu_pct=100 * cpu_seconds / window,
        server_us_per_delivery=1e6 * cpu_seconds / delivered if delivered else math.nan,
        client_cpu_pct=100 * own_seconds / window,
        client_loop_lag_max_ms=1000 * max_lag,
        other_cpu_pct=max(0.0, 100 * (machine_seconds - cpu_seconds - own_seconds) / window),
        rss_idle_mib=rss_idle / 1024,
        rss_end_mib=rss_end / 1024,
        kib_per_connection=(rss_end - rss_idle) / len(clients),
        join_seconds=join_seconds,
        gc_worst_ms=max(pauses, default=0.0),
        gc_pauses_10ms=sum(1 for p in pauses if p >= 10),
        unexpected_events=deliveries.unexpected,
        other_events=dict(deliveries.other),
    )


def measure(server: Server, args: argparse.Namespace) -> Result:
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    with contextlib.suppress(ImportError):
        import uvloop

        loop_factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(run_load(server, args))


# ---------------------------------------------------------------- report


ROWS: list[tuple[str, Callable[[Result], str]]] = [
    ("server CPUs (taskset)", lambda r: r.server_cpus),
    ("clients in room / senders", lambda r: f"{r.clients} / {r.senders}"),
    ("messages sent (acked ok)", lambda r: f"{r.sent} ({r.acked_ok})"),
    ("ack errors", lambda r: ", ".join(f"{k}: {v}" for k, v in r.ack_errors.items()) or "-"),
    ("event frame bytes", lambda r: str(r.frame_bytes)),
    ("delivered / expected", lambda r: f"{r.delivered:,} / {r.expected:,}"),
    ("delivered msgs/s", lambda r: f"{r.delivered_per_s:,.0f}"),
    ("loss", lambda r: f"{r.loss_pct:.2f} %"),
    ("latency p50 ms", lambda r: f"{r.p50_ms:.1f}"),
    ("latency p95 ms", lambda r: f"{r.p95_ms:.1f}"),
    ("latency p99 ms", lambda r: f"{r.p99_ms:.1f}"),
    ("latency max ms", lambda r: f"{r.max_ms:.1f}"),
    ("sender ack p50 / p99 ms", lambda r: f"{r.ack_p50_ms:.1f} / {r.ack_p99_ms:.1f}"),
    ("server CPU", lambda r: f"{r.server_cpu_pct:.0f} %"),
    ("server CPU us / delivery", lambda r: f"{r.server_us_per_delivery:.1f}"),
    ("connect + join all clients s", lambda r: f"{r.join_seconds:.1f}"),
    (
        "worst GC pause ms (pauses >= 10 ms)",
        lambda r: f"{r.gc_worst_ms:.0f} ({r.gc_pauses_10ms})",
    ),
    ("server RSS idle -> end MiB", lambda r: f"{r.rss_idle_mib:.0f} -> {r.rss_end_mib:.0f}"),
    ("RSS KiB per connection", lambda r: f"{r.kib_per_connection:.0f}"),
    (
        "other events received",
        lambda r: ", ".join(f"{k} {v:,}" for k, v in r.other_events.items()) or "-",
    ),
    ("unexpected events", lambda r: str(r.unexpected_events)),
    ("load generator CPU", lambda r: f"{r.client_cpu_pct:.0f} %"),
    ("load generator max loop lag ms", lambda r: f"{r.client_loop_lag_max_ms:.0f}"),
    ("other processes CPU", lambda r: f"{r.other_cpu_pct:.0f} %"),
]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b and not math.isnan(a) and not math.isnan(b) else "n/a"


def revision() -> str:
    """The TwinSpace code measured: HEAD, and whether the working tree differs from it."""

    def git(*argv: str) -> str:
        done = subprocess.run(
            ["git", *argv], cwd=REPO_DIR, capture_output=True, text=True, check=False
        )
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "twinspace")
    return head + (" + uncommitted changes in twinspace/" if dirty else "")


def report(results: list[Result], args: argparse.Namespace) -> str:
    lines = [
        f"chat fan-out: {args.clients} clients in one room, {args.senders} senders, "
        f"{args.rate:g} msg/s in, {args.seconds:g} s, text {args.text_bytes} B, "
        f"deflate {'on' if args.deflate else 'off'}; TwinSpace {revision()}",
        "",
    ]
    header = ["metric", *(r.server for r in results)]
    rows = [[name, *(fmt(r) for r in results)] for name, fmt in ROWS]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, ["-" * w for w in widths], *rows]:
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    by_name = {r.server: r for r in results}
    if "bare" in by_name:
        bare = by_name["bare"]
        for ts in results:
            if ts.server == "bare":
                continue
            lines += [
                "",
                f"{ts.server} / bare: "
                f"delivered/s {ratio(ts.delivered_per_s, bare.delivered_per_s)}, "
                f"p50 {ratio(ts.p50_ms, bare.p50_ms)}, p99 {ratio(ts.p99_ms, bare.p99_ms)}, "
                f"CPU per delivery "
                f"{ratio(ts.server_us_per_delivery, bare.server_us_per_delivery)}",
            ]
    for r in results:
        if r.client_cpu_pct > 85:
            lines.append(f"WARNING: load generator at {r.client_cpu_pct:.0f} % CPU ({r.server})")
        if r.other_cpu_pct > 10:
            lines.append(
                f"WARNING: other processes used {r.other_cpu_pct:.0f} % of a CPU during the "
                f"{r.server} window: the machine was not quiet, figures are noisy"
            )
    return "\n".join(lines)


# ---------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="sockets in the room")
    parser.add_argument("--rate", type=float, default=20.0, help="messages/s in, all senders")
    parser.add_argument("--seconds", type=float, default=15.0, help="measured window")
    parser.add_argument(
        "--senders",
        type=int,
        default=0,
        help=f"sending sockets, one account each (default: <= {PER_SENDER_RATE:g} msg/s each)",
    )
    parser.add_argument(
        "--sockets-per-account",
        type=int,
        default=10,
        help="reading sockets sharing one TwinSpace account (flood limit: burst 20 per member)",
    )
    parser.add_argument("--text-bytes", type=int, default=120, help="chat text length")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured sending first")
    parser.add_argument("--drain", type=float, default=10.0, help="max wait for late copies")
    parser.add_argument("--connect-concurrency", type=int, default=20)
    parser.add_argument(
        "--deflate", action="store_true", help="offer permessage-deflate, as browsers do"
    )
    parser.add_argument(
        "--only", choices=tuple(STARTERS), action="append", help="run these servers only"
    )
    parser.add_argument(
        "--no-gc-freeze", action="store_true", help="TwinSpace without gc.freeze() at start-up"
    )
    parser.add_argument(
        "--gc-threshold", help="TwinSpace started with gc.set_threshold(a, b, c), e.g. 50000,20,100"
    )
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="TwinSpace on a PostgreSQL cluster of its own (tests/pgcluster.py), not SQLite",
    )
    parser.add_argument(
        "--matrix",
        help="several runs, e.g. 200x10,100x50,1000x5 (clients x msg/s), then a summary table "
        "of bare against TwinSpace side by side",
    )
    parser.add_argument("--no-pin", action="store_true", help="do not pin with taskset")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (server logs)")
    args = parser.parse_args(argv)
    args.senders_asked = args.senders
    set_senders(args)
    if args.clients < 1 or args.rate <= 0 or args.seconds <= 0 or args.sockets_per_account < 1:
        parser.error("--clients, --rate, --seconds and --sockets-per-account must be positive")
    return args


def set_senders(args: argparse.Namespace) -> None:
    args.senders = args.senders_asked
    if args.senders <= 0:
        args.senders = max(1, math.ceil(args.rate / PER_SENDER_RATE))
    args.senders = min(args.senders, args.clients)


def scenarios(args: argparse.Namespace) -> list[argparse.Namespace]:
    if not args.matrix:
        return [args]
    runs = []
    for item in args.matrix.split(","):
        clients, rate = item.lower().split("x")
        run = argparse.Namespace(**vars(args))
        run.clients, run.rate = int(clients), float(rate)
        set_senders(run)
        runs.append(run)
    return runs


def summary(runs: list[tuple[argparse.Namespace, list[Result]]]) -> str:
    """One line per scenario: bare and TwinSpace side by side, with their ratio."""
    head = (
        "| room x msg/s | CPU us/copy bare / TS (ratio) | p50 ms bare / TS | "
        "p99 ms bare / TS (ratio) | TS ack p99 ms | join s bare / TS | "
        "worst GC ms bare / TS | loss TS | other CPU |"
    )
    lines = ["", head, "|---" * 9 + "|"]
    for run, results in runs:
        by = {r.server: r for r in results}
        bare = by.get("bare")
        for ts in results:
            if ts.server == "bare" or bare is None:
                continue
            lines.append(
                f"| {run.clients} x {run.rate:g} ({ts.server}) "
                f"| {bare.server_us_per_delivery:.1f} / {ts.server_us_per_delivery:.1f} "
                f"({ratio(ts.server_us_per_delivery, bare.server_us_per_delivery)}) "
                f"| {bare.p50_ms:.1f} / {ts.p50_ms:.1f} "
                f"| {bare.p99_ms:.1f} / {ts.p99_ms:.1f} ({ratio(ts.p99_ms, bare.p99_ms)}) "
                f"| {ts.ack_p99_ms:.1f} "
                f"| {bare.join_seconds:.1f} / {ts.join_seconds:.1f} "
                f"| {bare.gc_worst_ms:.0f} / {ts.gc_worst_ms:.0f} "
                f"| {ts.loss_pct:.2f} % "
                f"| {bare.other_cpu_pct:.0f} / {ts.other_cpu_pct:.0f} % |"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pin = not args.no_pin and shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
    if pin:
        os.sched_setaffinity(0, {CLIENT_CPU})
    log(f"load generator pid {os.getpid()} on CPU {affinity(0)}" + ("" if pin else " (unpinned)"))
    work_dir = Path(tempfile.mkdtemp(prefix="chat-fanout-"))
    args.pg_cluster = None
    if args.postgresql:
        sys.path.insert(0, str(REPO_DIR))
        from tests.pgcluster import PgCluster

        args.pg_cluster = PgCluster.start(durable=True)
    names = args.only or list(STARTERS)
    runs: list[tuple[argparse.Namespace, list[Result]]] = []
    try:
        for run in scenarios(args):
            results: list[Result] = []
            for name in names:
                log(f"=== {run.clients} clients x {run.rate:g} msg/s: {name}")
                with STARTERS[name](work_dir, pin, run) as server:
                    results.append(measure(server, run))
            runs.append((run, results))
    except BenchError as err:
        log(f"benchmark failed: {err}")
        return 1
    finally:
        if args.pg_cluster is not None:
            args.pg_cluster.stop()
        if args.keep:
            log(f"server logs kept in {work_dir}")
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
    for run, results in runs:
        print(report(results, run))
        print()
    if len(runs) > 1:
        print(summary(runs))
    if args.json:
        every = [asdict(r) for _, results in runs for r in results]
        args.json.write_text(json.dumps(every, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
