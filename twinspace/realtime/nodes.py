"""Heartbeats of the server processes sharing one database, and the clean-up after one dies.

A process killed with SIGKILL never runs its sockets' disconnect handlers: their
``live_sockets`` and ``chat_presence`` rows would stay, showing people as present (and a
teacher as supervising) who are gone. So every process (with Redis) prefixes the ids of its
sockets with its node id, writes a heartbeat every ``node_heartbeat_seconds``, and removes the
rows of any node whose heartbeat is older than ``DEAD_AFTER`` heartbeats and at least
``node_grace_seconds`` (a process paused or starved for a few seconds is not dead), then tells
those chat rooms who is really there.

A node that was swept all the same (paused longer than the grace) finds its own row gone at
its next beat and puts its sockets back (``realtime/revive.py``): without their rows, logout,
removal and account disabling would no longer reach them.

The node id is random unless ``TWINSPACE_NODE_ID`` gives a stable one (nginx routes polling
requests by it, see docs/deploy.md). Two live processes must never share one: each would
take the other's sockets for its own. A process that finds its heartbeat row written by
someone else logs an error saying so.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from datetime import datetime, timedelta

import socketio
from sqlalchemy import delete, select, update

from twinspace.db import UnitOfWork, utcnow
from twinspace.realtime.dispatch import AfterCommit, features
from twinspace.realtime.models import LiveSocket, ServerNode
from twinspace.realtime.revive import revive_sockets
from twinspace.runtime import Runtime
from twinspace.settings import Settings

log = logging.getLogger(__name__)
DEAD_AFTER = 4  # heartbeats missed


def new_node_id() -> str:
    return secrets.token_hex(4)


def node_id_for(configured: str | None) -> str:
    """The operator's stable ``TWINSPACE_NODE_ID``, or a random id for this run."""
    return configured or new_node_id()


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


def silent_for(settings: Settings) -> float:
    """Seconds without a heartbeat after which a node counts as dead."""
    return max(DEAD_AFTER * settings.node_heartbeat_seconds, settings.node_grace_seconds)


async def beat(rt: Runtime, node_id: str, last: datetime | None = None) -> tuple[datetime, bool]:
    """Write this node's heartbeat; returns it (for the next beat's ``last``) and whether
    the row was missing (the first beat, or the others swept this node).

    The row should hold ``last``, the beat this process wrote before. A later one means
    another live process uses the same node id (or, on the first beat, that this id's
    previous process died a moment ago): say so, loudly."""
    now = utcnow()
    fresh = timedelta(seconds=silent_for(rt.settings))
    async with rt.db.unit_of_work() as uow:
        seen = await uow.session.scalar(
            select(ServerNode.heartbeat_at).where(ServerNode.id == node_id)
        )
        if seen is None:
            uow.session.add(ServerNode(id=node_id, heartbeat_at=now))
        else:
            if last is not None and seen - last > timedelta(milliseconds=1):
                log.error(
                    "another server process uses node id %r: give each process its own "
                    "TWINSPACE_NODE_ID (their sockets and nginx routing are mixed up)",
                    node_id,
                )
            elif last is None and now - seen < fresh:
                log.warning(
                    "node id %r had a heartbeat %.0f s ago: fine after a crash; if another "
                    "process with this TWINSPACE_NODE_ID is running, give each its own",
                    node_id,
                    (now - seen).total_seconds(),
                )
            await uow.session.execute(
                update(ServerNode).where(ServerNode.id == node_id).values(heartbeat_at=now)
            )
    return now, seen is None


async def sweep_dead_nodes(rt: Runtime, node_id: str) -> list[str]:
    """Remove the socket rows of nodes whose heartbeat stopped; returns those nodes."""
    cutoff = utcnow() - timedelta(seconds=silent_for(rt.settings))
    async with rt.db.unit_of_work() as uow:
        silent = list(
            await uow.session.scalars(
                select(ServerNode.id).where(
                    ServerNode.heartbeat_at < cutoff, ServerNode.id != node_id
                )
            )
        )
        after: list[AfterCommit] = []
        dead = []
        for node in silent:
            # still silent? (it may have beaten since the select: then it stays)
            gone = await uow.session.execute(
                delete(ServerNode).where(ServerNode.id == node, ServerNode.heartbeat_at < cutoff)
            )
            if gone.rowcount == 0:  # type: ignore[attr-defined]
                continue
            dead.append(node)
            pattern = f"{node}.%"
            after += await _features_forget(rt, uow, pattern)  # chat presence rows
            await uow.session.execute(delete(LiveSocket).where(LiveSocket.sid.like(pattern)))
    for tell in after:  # committed: tell the rooms who is really there
        await tell()
    if dead:
        log.warning("removed the sockets of stopped server nodes %s", ", ".join(dead))
    return dead


async def _revive(rt: Runtime, node_id: str) -> None:
    """Re-register this node's sockets, trying again while the database refuses."""
    while True:
        try:
            await revive_sockets(rt)
            return
        except Exception as exc:
            log.warning("re-registering the sockets of node %s failed: %s", node_id, exc)
        await asyncio.sleep(rt.settings.node_heartbeat_seconds)


async def run_heartbeat(rt: Runtime, node_id: str) -> None:
    """Until cancelled: heartbeat, then sweep. A database outage only delays both. A node
    whose row vanished after its first beat was swept by the others: it puts its sockets'
    rows back, in a task of its own so that it keeps beating meanwhile (swept again while
    that runs: it runs again once done)."""
    registered = swept = False
    last: datetime | None = None
    reviving: asyncio.Task[None] | None = None
    try:
        while True:
            try:
                last, missing = await beat(rt, node_id, last)
                swept = swept or (missing and registered)
                registered = True
                if swept and (reviving is None or reviving.done()):
                    log.warning("this node %s was swept by the others: re-registering", node_id)
                    reviving = asyncio.create_task(_revive(rt, node_id))
                    swept = False
                await sweep_dead_nodes(rt, node_id)
            except Exception as exc:  # the database may be down for a while: try again later
                log.warning("node heartbeat failed: %s", exc)
            await asyncio.sleep(rt.settings.node_heartbeat_seconds)
    finally:
        if reviving is not None:
            reviving.cancel()


async def forget_node(rt: Runtime, node_id: str, *, keep_heartbeat: bool = False) -> None:
    """On a clean shutdown: this node's rows go now. At start-up with a stable node id
    (``keep_heartbeat``): the rows an earlier run of this id left (a crash, a restart
    within the sweep's grace) are of sockets that no longer exist."""
    async with rt.db.unit_of_work() as uow:
        pattern = f"{node_id}.%"
        await _features_forget(rt, uow, pattern)
        await uow.session.execute(delete(LiveSocket).where(LiveSocket.sid.like(pattern)))
        if not keep_heartbeat:
            await uow.session.execute(delete(ServerNode).where(ServerNode.id == node_id))
