"""Heartbeats of the server processes sharing one database, and the clean-up after one dies.

A process killed with SIGKILL never runs its sockets' disconnect handlers: their
``live_sockets`` and ``chat_presence`` rows would stay, showing people as present (and a
teacher as supervising) who are gone. So every process (with Redis) prefixes the ids of its
sockets with its node id, writes a heartbeat every ``node_heartbeat_seconds``, and removes the
rows of any node whose heartbeat is older than ``DEAD_AFTER`` heartbeats, then tells those
chat rooms who is really there.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import timedelta

import socketio
from sqlalchemy import delete, select, update

from twinspace.db import UnitOfWork, utcnow
from twinspace.realtime.dispatch import AfterCommit, features
from twinspace.realtime.models import LiveSocket, ServerNode
from twinspace.runtime import Runtime

log = logging.getLogger(__name__)
DEAD_AFTER = 4  # heartbeats missed


def new_node_id() -> str:
    return secrets.token_hex(4)


def prefix_socket_ids(sio: socketio.AsyncServer, node_id: str) -> None:
    """Every engine.io and Socket.IO id this process makes starts with ``<node_id>.``."""
    generate = sio.eio.generate_id
    sio.eio.generate_id = lambda: f"{node_id}.{generate()}"  # type: ignore[method-assign]


async def _features_forget(rt: Runtime, uow: UnitOfWork, pattern: str) -> list[AfterCommit]:
    """Each feature removes its rows of these sockets (chat presence) in this transaction."""
    after = []
    for feature in features():
        if feature.sockets_gone is not None:
            tell = await feature.sockets_gone(rt, uow, pattern)
            if tell is not None:
                after.append(tell)
    return after


async def beat(rt: Runtime, node_id: str) -> None:
    async with rt.db.unit_of_work() as uow:
        found = await uow.session.execute(
            update(ServerNode).where(ServerNode.id == node_id).values(heartbeat_at=utcnow())
        )
        if found.rowcount == 0:  # type: ignore[attr-defined]
            uow.session.add(ServerNode(id=node_id))


async def sweep_dead_nodes(rt: Runtime, node_id: str) -> list[str]:
    """Remove the socket rows of nodes whose heartbeat stopped; returns those nodes."""
    cutoff = utcnow() - timedelta(seconds=DEAD_AFTER * rt.settings.node_heartbeat_seconds)
    async with rt.db.unit_of_work() as uow:
        dead = list(
            await uow.session.scalars(
                select(ServerNode.id).where(
                    ServerNode.heartbeat_at < cutoff, ServerNode.id != node_id
                )
            )
        )
        after: list[AfterCommit] = []
        for node in dead:
            pattern = f"{node}.%"
            after += await _features_forget(rt, uow, pattern)  # chat presence rows
            await uow.session.execute(delete(LiveSocket).where(LiveSocket.sid.like(pattern)))
            await uow.session.execute(delete(ServerNode).where(ServerNode.id == node))
    for tell in after:  # committed: tell the rooms who is really there
        await tell()
    if dead:
        log.warning("removed the sockets of stopped server nodes %s", ", ".join(dead))
    return dead


async def run_heartbeat(rt: Runtime, node_id: str) -> None:
    """Until cancelled: heartbeat, then sweep. A database outage only delays both."""
    while True:
        try:
            await beat(rt, node_id)
            await sweep_dead_nodes(rt, node_id)
        except Exception as exc:  # the database may be down for a while: try again later
            log.warning("node heartbeat failed: %s", exc)
        await asyncio.sleep(rt.settings.node_heartbeat_seconds)


async def forget_node(rt: Runtime, node_id: str) -> None:
    """On a clean shutdown: this node's rows go now."""
    async with rt.db.unit_of_work() as uow:
        pattern = f"{node_id}.%"
        await _features_forget(rt, uow, pattern)
        await uow.session.execute(delete(LiveSocket).where(LiveSocket.sid.like(pattern)))
        await uow.session.execute(delete(ServerNode).where(ServerNode.id == node_id))
