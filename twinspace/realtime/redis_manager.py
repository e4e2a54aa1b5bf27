"""python-socketio's Redis manager, made to survive Redis restarts without losing events.

The stock ``AsyncRedisManager`` already retries publishing and re-subscribes after a lost
connection (and redis-py may reconnect a pub/sub connection silently, inside ``listen()``).
But whatever was published while a process was not subscribed never reaches its sockets.
So every time this manager (re-)subscribes after the first time, it tells its own sockets
``resync``: clients then ``catchup`` every room they joined from their last event id, and
get the missed events from the database. Failures are counted in the process's metrics.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import socketio
from redis import asyncio as aioredis
from redis.asyncio.client import PubSub
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from twinspace.realtime.fanout import FrameFanout, detached_delivery

log = logging.getLogger(__name__)
# Fail fast while Redis is down (redis-py would otherwise retry with growing sleeps): an
# event that cannot be published is recovered by catch-up, but an ack held back for seconds
# looks like a lost message to the sender.
REDIS_OPTIONS = {
    "socket_connect_timeout": 1,
    "socket_keepalive": True,
    "health_check_interval": 15,
    "retry": Retry(NoBackoff(), 1),
}
MAX_RETRY_SLEEP = 5.0


class ReportingPubSub(PubSub):
    """redis-py re-subscribes by itself after reconnecting (``on_connect``); say so."""

    on_resubscribed: Callable[[], None] | None = None

    async def on_connect(self, connection: Any) -> None:
        await super().on_connect(connection)
        if self.subscribed and self.on_resubscribed is not None:
            self.on_resubscribed()


class TwinSpaceRedisManager(socketio.AsyncRedisManager, FrameFanout):
    """Publishes through Redis; delivers to this process's sockets through ``FrameFanout``
    (it comes after python-socketio's pub/sub manager in the method order, so the local
    delivery of every message, ours and other processes', takes its path)."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(url, redis_options=dict(REDIS_OPTIONS), **kwargs)
        self.publish_attempts = 1
        self.metrics: Any = None  # twinspace.monitoring.metrics.Metrics, set by create_app
        self.subscriptions = 0
        self._tasks: set[asyncio.Task[None]] = set()

    def _count_error(self, operation: str) -> None:
        if self.metrics is not None:
            self.metrics.redis_errors.labels(operation).inc()

    async def _publish(self, data: Any) -> Any:
        for attempt in range(1, self.publish_attempts + 1):
            try:
                if not self.connected:
                    self._redis_connect()
                return await self.redis.publish(self.channel, self.json.dumps(data))
            except Exception as exc:
                self.connected = False
                self._count_error("publish")
                log.warning("publishing to Redis failed (attempt %d): %s", attempt, exc)
        return None  # lost for other processes: their resync after reconnecting recovers it

    async def _handle_emit(self, message: dict[str, Any]) -> None:
        with detached_delivery():  # read on: the next pass delivers these in one batch
            await super()._handle_emit(message)
        if self.metrics is not None and message.get("event") == "event":
            origin = "local" if message.get("host_id") == self.host_id else "remote"
            if origin == "remote" and message.get("data"):
                self.metrics.observe_delivery(message["data"][0], origin)

    def _subscribed(self) -> None:
        """Called on every (re)subscription; from the second on, sockets must catch up."""
        self.subscriptions += 1
        if self.subscriptions == 1:
            return
        log.warning("re-subscribed to Redis: telling local sockets to catch up")
        if self.metrics is not None:
            self.metrics.redis_resyncs.inc()
        task = asyncio.get_running_loop().create_task(self._resync())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _resync(self) -> None:
        try:
            await self.server.emit("resync", {}, ignore_queue=True)
        except Exception:
            log.exception("telling sockets to resync failed")

    def _subscription(self) -> tuple[Any, Any]:
        """A Redis client and pub/sub of their own, which report silent reconnections."""
        client = aioredis.Redis.from_url(self.redis_url, **self.redis_options)
        pubsub = ReportingPubSub(
            client.connection_pool,
            ignore_subscribe_messages=True,
            event_dispatcher=client._event_dispatcher,
        )
        pubsub.on_resubscribed = self._subscribed
        return client, pubsub

    async def _listen(self) -> AsyncIterator[bytes]:
        channel = self.channel.encode("utf-8")
        retry_sleep = 0.5
        while True:
            client, pubsub = self._subscription()
            try:
                await pubsub.subscribe(self.channel)
                self._subscribed()
                retry_sleep = 0.5
                async for message in pubsub.listen():
                    if message["channel"] == channel and message["type"] == "message":
                        yield message["data"]
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                self._count_error("listen")
                log.warning("Redis subscription lost (%s); retrying in %.1f s", exc, retry_sleep)
                await asyncio.sleep(retry_sleep)
                retry_sleep = min(retry_sleep * 2, MAX_RETRY_SLEEP)
            finally:
                try:
                    await pubsub.aclose()
                    await client.aclose()
                except Exception:  # closing a broken connection
                    log.debug("closing the Redis subscription failed", exc_info=True)
