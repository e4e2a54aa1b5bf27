"""Prometheus metrics of one server process, served at ``GET /metrics``.

Each process has its own registry (several apps may live in one test process); scrape every
process (see docs/deploy.md). Live figures (clients, rooms) are read from the Socket.IO
manager at scrape time; counters and the fan-out histogram are updated as events flow.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import socketio
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
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


async def metrics_endpoint(request: Request) -> Response:
    metrics: Metrics = request.app.state.metrics
    return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)


routes = [Route("/metrics", metrics_endpoint, methods=["GET"])]
