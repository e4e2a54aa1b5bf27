"""``GET /readyz``: 200 when the database answers, Redis (if configured) answers and the
database schema is at the migrations' heads; 503 with the failing parts otherwise.
``/healthz`` (liveness) answers 200 as long as the process serves at all."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from twinspace.migrate import code_heads

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 2.0


def redis_probe(url: str | None) -> Any:
    """A small Redis client of its own for the readiness check (None without Redis)."""
    if not url:
        return None
    from redis import asyncio as aioredis

    return aioredis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def migration_heads(database_url: str) -> set[str]:
    return code_heads(database_url)


async def _database(request: Request) -> str:
    rt = request.app.state.runtime
    async with rt.db.read() as session:
        versions = set(await session.scalars(text("SELECT version_num FROM alembic_version")))
    return "ok" if versions == request.app.state.migration_heads else "migrations pending"


async def _redis(request: Request) -> str:
    client = request.app.state.redis_probe
    if client is None:
        return "not configured"
    await client.ping()
    return "ok"


async def _check(name: str, probe: Any, request: Request) -> str:
    try:
        return await asyncio.wait_for(probe(request), CHECK_TIMEOUT)
    except Exception as exc:  # any failure means "not ready": say which
        log.warning("readiness check %s failed: %s", name, exc)
        return "unreachable"


async def readyz(request: Request) -> JSONResponse:
    database, redis = await asyncio.gather(
        _check("database", _database, request), _check("redis", _redis, request)
    )
    ready = database == "ok" and redis in ("ok", "not configured")
    body = {"status": "ready" if ready else "not ready", "database": database, "redis": redis}
    return JSONResponse(body, 200 if ready else 503, headers={"Cache-Control": "no-store"})


routes = [Route("/readyz", readyz, methods=["GET"])]
