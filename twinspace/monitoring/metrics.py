"""Prometheus metrics of one server process, served at ``GET /metrics``.

Each process has its own registry (several apps may live in one test process); scrape every
process (see docs/deploy.md). Live figures (clients, rooms) are read from the Socket.IO
manager at scrape time; counters and the fan-out histogram are updated as events flow.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, Protocol

import socketio
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

FANOUT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _local_rooms(sio: socketio.AsyncServer) -> dict[Any, dict[str, Any]]:
    return sio.manager.rooms.get("/", {})


def connected_clients(sio: socketio.AsyncServer) -> int:
    return len(_local_rooms(sio).get(None, {}))


def joined_rooms(sio: socketio.AsyncServer) -> int:
    """Rooms (chat rooms, pages, TwinSpace rooms) that at least one local socket has joined;
    not counted: each socket's own room and the per-user rooms."""
    rooms = _local_rooms(sio)
    sids = rooms.get(None, {})
    return sum(
        1
        for name, members in rooms.items()
        if name is not None and members and name not in sids and not str(name).startswith("user:")
    )


class PageCacheFigures(Protocol):
    hits: int
    misses: int
    chars: int


class _PageCacheCollector(Collector):
    def __init__(self, cache: PageCacheFigures) -> None:
        self.cache = cache

    def collect(self) -> Iterator[Metric]:
        reads = CounterMetricFamily(
            "twinspace_page_cache_reads",
            "Pages asked from this process's page cache (outcome=hit: served as kept)",
            labels=["outcome"],
        )
        reads.add_metric(["hit"], self.cache.hits)
        reads.add_metric(["miss"], self.cache.misses)
        yield reads
        yield GaugeMetricFamily(
            "twinspace_page_cache_characters",
            "Characters of rendered pages this process keeps",
            value=self.cache.chars,
        )


class Metrics:
    def __init__(self, sio: socketio.AsyncServer) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        Gauge(
            "twinspace_connected_clients", "Sockets connected to this process", registry=r
        ).set_function(lambda: connected_clients(sio))
        Gauge(
            "twinspace_joined_rooms", "Rooms joined by sockets of this process", registry=r
        ).set_function(lambda: joined_rooms(sio))
        self.events_published = Counter(
            "twinspace_events_published",
            "Committed events this process published (rate() gives events/s)",
            registry=r,
        )
        self.fanout_latency = Histogram(
            "twinspace_fanout_latency_seconds",
            "From an event's record time to its hand-over to this process's sockets; "
            "origin=local: written by this process, remote: arrived through Redis",
            ["origin"],
            buckets=FANOUT_BUCKETS,
            registry=r,
        )
        self.database_errors = Counter(
            "twinspace_database_errors", "Database statements that raised an error", registry=r
        )
        self.redis_errors = Counter(
            "twinspace_redis_errors",
            "Redis failures (operation=publish, listen)",
            ["operation"],
            registry=r,
        )
        self.redis_resyncs = Counter(
            "twinspace_redis_resyncs",
            "Times this process re-subscribed to Redis and told its sockets to catch up",
            registry=r,
        )

    def watch_page_cache(self, cache: PageCacheFigures) -> None:
        self.registry.register(_PageCacheCollector(cache))

    def observe_delivery(self, envelope: dict[str, Any], origin: str) -> None:
        at = envelope.get("at")
        if not isinstance(at, str):
            return
        try:
            recorded = datetime.fromisoformat(at)
        except ValueError:
            return
        if recorded.tzinfo is None:
            recorded = recorded.replace(tzinfo=UTC)
        seconds = (datetime.now(UTC) - recorded).total_seconds()
        self.fanout_latency.labels(origin).observe(max(0.0, seconds))

    def watch_database(self, engine: AsyncEngine) -> None:
        @event.listens_for(engine.sync_engine, "handle_error")
        def _on_error(_context: Any) -> None:
            self.database_errors.inc()


def _loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def may_read_metrics(request: Request) -> bool:
    """From the machine itself (a scraper beside the server), or with the configured bearer
    token (``TWINSPACE_METRICS_TOKEN``). Behind a proxy every request comes from loopback:
    the proxy must not forward /metrics (deploy/nginx.conf answers 404 there)."""
    token = request.app.state.runtime.settings.metrics_token
    sent = request.headers.get("authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    return _loopback(request.client.host if request.client else None)


async def metrics_endpoint(request: Request) -> Response:
    if not may_read_metrics(request):  # like any hidden area: nothing here
        raise HTTPException(404)
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


routes = [Route("/metrics", metrics_endpoint, methods=["GET"])]
