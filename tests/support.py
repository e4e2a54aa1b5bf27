"""Helpers for tests that drive the real stack: HTTP logins and live Socket.IO clients."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import socketio
from sqlalchemy import event

from twinspace.db import Database

DEMO_PASSWORD = "demo-pass"
Login = Callable[[str], Awaitable[httpx.AsyncClient]]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def api_login(
    base_url: str, username: str, password: str = DEMO_PASSWORD
) -> httpx.AsyncClient:
    """An HTTP client logged in as ``username``; its ``csrf`` attribute holds the token."""
    client = httpx.AsyncClient(base_url=base_url)
    response = await client.post(
        "/api/v1/session", json={"username": username, "password": password}
    )
    assert response.status_code == 200, response.text
    client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return client


class LiveClient:
    """A real python-socketio client that records every ``event`` it receives."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.events: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self.disconnected = asyncio.Event()

        @self.sio.on("event")
        async def _on_event(envelope: dict[str, Any]) -> None:
            json.dumps(envelope)  # every payload must survive JSON
            self.events.append(envelope)
            self._arrived.set()

        @self.sio.event
        async def disconnect(*_: Any) -> None:
            self.disconnected.set()

    async def connect(self, base_url: str, session_token: str | None = None) -> LiveClient:
        headers = {"Cookie": f"ts_session={session_token}"} if session_token else {}
        await self.sio.connect(base_url, headers=headers, transports=["websocket"], wait_timeout=10)
        return self

    async def call(self, event: str, data: Any = None, timeout: float = 10) -> dict[str, Any]:
        return await self.sio.call(event, data, timeout=timeout)

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 10
    ) -> dict[str, Any]:
        async def _wait() -> dict[str, Any]:
            while True:
                for envelope in self.events:
                    if predicate(envelope):
                        return envelope
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(_wait(), timeout)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


def session_token(client: httpx.AsyncClient) -> str:
    return client.cookies["ts_session"]


def starlette_app(asgi: Any) -> Any:
    """The Starlette app inside the ASGI stack (security headers → Socket.IO → middlewares)."""
    app = asgi
    while not hasattr(app, "routes"):
        app = getattr(app, "other_asgi_app", None) or app.app
    return app


class StatementCounter:
    """Counts the statements a process runs: on its pool's engine, and on its loop reader
    (one-statement reads of a SQLite file on the loop's thread, twinspace/loop_reads.py)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.count = 0

    def __enter__(self) -> StatementCounter:
        event.listen(self.db.engine.sync_engine, "before_cursor_execute", self._counted)
        if self.db.loop_reader is not None:
            self.db.loop_reader.connection.set_trace_callback(self._counted)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self.db.engine.sync_engine, "before_cursor_execute", self._counted)
        if self.db.loop_reader is not None:
            self.db.loop_reader.connection.set_trace_callback(None)

    def _counted(self, *_: object) -> None:
        self.count += 1
