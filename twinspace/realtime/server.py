"""The Socket.IO server and its manager: in-process by default, Redis pub/sub when
``TWINSPACE_REDIS_URL`` is set. Code publishes through ``publish``; never Redis directly."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

import socketio
from engineio.json import loads as engineio_loads

from twinspace.payloads import too_deep
from twinspace.realtime.fanout import FrameFanout
from twinspace.realtime.redis_manager import TwinSpaceRedisManager
from twinspace.settings import Settings

if TYPE_CHECKING:
    from twinspace.monitoring.metrics import Metrics

log = logging.getLogger(__name__)


MALFORMED = "\x00malformed"  # the event a packet whose JSON could not be read becomes


class _GuardedJson:
    """The JSON of incoming Socket.IO packets: a text nested too deep or not JSON at all
    becomes the event ``MALFORMED`` (answered ``invalid`` on its ack), instead of an
    exception that leaves the sender without an answer (or a ``RecursionError``)."""

    dumps = staticmethod(json.dumps)

    @staticmethod
    def loads(text: str, **options: Any) -> Any:
        if too_deep(text):
            return [MALFORMED]
        try:
            return engineio_loads(text, **options)  # refuses integers of 100+ digits
        except (ValueError, RecursionError):
            return [MALFORMED]


class GuardedPacket(socketio.packet.Packet):
    json = _GuardedJson


def create_sio(settings: Settings) -> socketio.AsyncServer:
    manager: socketio.AsyncManager = FrameFanout()  # one frame for a room, no task each
    if settings.redis_url:
        manager = TwinSpaceRedisManager(settings.redis_url)
    return socketio.AsyncServer(
        async_mode="asgi",
        client_manager=manager,
        serializer=GuardedPacket,
        cors_allowed_origins=list(settings.allowed_origins) or None,
        max_http_buffer_size=settings.max_socket_payload,
        ping_interval=20,
        ping_timeout=20,
        transports=list(settings.socket_transports),
    )


def make_publisher(sio: socketio.AsyncServer, metrics: Metrics | None = None):
    async def publish(events: list[dict[str, Any]]) -> None:
        """Emit committed events; a failure loses nothing: clients catch up from the database."""
        for envelope in events:
            try:
                await sio.emit("event", envelope, to=envelope["room"])
            except Exception:  # the broker being down must not fail a committed write
                log.exception("publishing %s#%s failed", envelope["room"], envelope["id"])
            if metrics is not None:
                metrics.events_published.inc()
                metrics.observe_delivery(envelope, "local")

    return publish
