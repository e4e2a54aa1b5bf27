"""Fan-out without a task per recipient: python-socketio's manager, extended.

The stock ``AsyncManager.emit`` creates one asyncio task per recipient (each awaiting
engine.io's ``send``, which checks the ping and puts the packet in the socket's queue).
At 1,000 recipients that is 1,000 tasks per message. Here an event is encoded once, and
the same engine.io packet (engine.io caches its encoding) is put straight into the queue of
every recipient's socket, whose writer task sends it. Emits to the same room within one
loop tick are delivered in one pass over the room's participants; ``emit`` returns once
its packets are queued, as the stock one does (so an event still leaves before the ack
that follows it).

Events that arrive from other processes (the Redis listener reads them one after another)
are queued without waiting for their delivery (``detached_delivery``): the listener goes
on reading while they wait for the next pass, so under load the events of other processes
are delivered in batches instead of one per loop turn, and do not fall seconds behind the
local ones.

Only emits with an acknowledgement callback (never used for rooms here) take the stock
path. ``FrameFanout`` is a manager subclass, the extension point python-socketio offers
(``client_manager=``); the Redis manager inherits it for the local delivery.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

_DETACHED: contextvars.ContextVar[bool] = contextvars.ContextVar("fanout_detached", default=False)


@contextmanager
def detached_delivery() -> Iterator[None]:
    """Emits of this task return once their packets are batched, before the batch is queued
    on the sockets (for the Redis listener: no ack of ours follows these events)."""
    token = _DETACHED.set(True)
    try:
        yield
    finally:
        _DETACHED.reset(token)


def _retrieved(done: asyncio.Future[None]) -> None:
    if not done.cancelled():
        done.exception()


class _Batch:
    __slots__ = ("frames", "skip", "done")

    def __init__(self, skip: frozenset[str], done: asyncio.Future[None]) -> None:
        self.frames: list[eio_packet.Packet] = []
        self.skip = skip
        self.done = done


def _encoded(packet_class: Any, namespace: str, data: list[Any]) -> Any:
    """The event's packet, encoded once. Said to be text first: socket.io would otherwise
    walk the whole payload looking for bytes (a join's presence list of 1,000 people: a
    tenth of the join); a payload that does hold bytes fails to encode as JSON and takes
    socket.io's binary packet instead."""
    try:
        return packet_class(sio_packet.EVENT, namespace=namespace, data=data, binary=False).encode()
    except TypeError:
        return packet_class(sio_packet.EVENT, namespace=namespace, data=data).encode()


class FrameFanout(socketio.AsyncManager):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pending: dict[tuple[str, Any, frozenset[str]], _Batch] = {}
        self.frames_queued = 0  # packets handed to sockets (for tests and benchmarks)
        self.passes = 0  # deliveries to a room's participants (several emits share one)

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        room = to or room
        if callback is not None or namespace not in self.rooms:
            await super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, **kwargs
            )
            return
        if isinstance(data, tuple):
            data = list(data)
        elif data is not None:
            data = [data]
        else:
            data = []
        encoded = _encoded(self.server.packet_class, namespace, [event, *data])
        if not isinstance(encoded, list):
            encoded = [encoded]
        if isinstance(skip_sid, list | tuple | set | frozenset):
            skip = frozenset(skip_sid)
        else:
            skip = frozenset() if skip_sid is None else frozenset((skip_sid,))
        key = (namespace, room, skip)
        batch = self._pending.get(key)
        if batch is None:
            loop = asyncio.get_running_loop()
            batch = self._pending[key] = _Batch(skip, loop.create_future())
            batch.done.add_done_callback(_retrieved)  # detached emitters never await it
            loop.call_soon(self._deliver, key)
        batch.frames.extend(eio_packet.Packet(eio_packet.MESSAGE, p) for p in encoded)
        if not _DETACHED.get():
            await asyncio.shield(batch.done)

    def _deliver(self, key: tuple[str, Any, frozenset[str]]) -> None:
        batch = self._pending.pop(key)
        self.passes += 1
        namespace, room, _ = key
        try:
            sockets = self.server.eio.sockets
            frames, skip = batch.frames, batch.skip
            queued = 0
            for sid, eio_sid in self.get_participants(namespace, room):
                if sid in skip:
                    continue
                socket = sockets.get(eio_sid)
                if socket is None or socket.closed:
                    continue
                for frame in frames:
                    socket.queue.put_nowait(frame)
                queued += len(frames)
            self.frames_queued += queued
        except Exception as exc:  # pragma: no cover - never leave an emitter waiting
            if not batch.done.done():
                batch.done.set_exception(exc)
            return
        if not batch.done.done():
            batch.done.set_result(None)
