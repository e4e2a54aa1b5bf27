"""Presence changes sent as deltas, coalesced per chat room.

A socket that joins a chat room receives the whole list once (``presence`` with ``users``,
to that socket only). The room then receives, at most every ``PRESENCE_EVERY`` seconds and
only when someone came or went, one ``presence`` frame with ``joined`` (people now
present) and ``left`` (user ids no longer present). Each delta is read from the database
when it is sent, for exactly the people touched since the last one: it states where they
are now (not what happened), so applying the deltas in order always gives back the list
the database holds, whichever process a socket is on. A join storm therefore costs the
room one frame per ``PRESENCE_EVERY``, not one whole list per join.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field

import socketio

from twinspace.db import Database
from twinspace.rooms.chat.presence import get_present_among

PRESENCE_EVERY = 0.1  # seconds between two deltas of the same room
log = logging.getLogger(__name__)


@dataclass
class _Pending:
    name: str  # the room's socket.io name
    users: set[int] = field(default_factory=set)


class PresenceDeltas:
    def __init__(self, sio: socketio.AsyncServer, db: Database) -> None:
        self.sio = sio
        self.db = db
        self.pending: dict[int, _Pending] = {}  # chat room id -> who changed since the last delta
        self.frames = 0  # deltas sent (for tests and benchmarks)

    def touched(self, room_id: int, name: str, user_id: int) -> None:
        """Someone's presence in this room changed (committed): tell the room soon."""
        entry = self.pending.get(room_id)
        if entry is None:
            entry = self.pending[room_id] = _Pending(name)
            asyncio.get_running_loop().call_later(PRESENCE_EVERY, self._start_flush, room_id)
        entry.users.add(user_id)

    def _start_flush(self, room_id: int) -> None:
        asyncio.get_running_loop().create_task(self.flush(room_id))

    async def flush(self, room_id: int) -> None:
        entry = self.pending.pop(room_id, None)
        if entry is None or not entry.users:
            return
        try:
            async with self.db.brief_read() as session:
                present = await get_present_among(session, room_id, entry.users)
            left = sorted(entry.users - present.keys())
            joined = sorted(present.values(), key=lambda u: u["id"])
            payload = {"room": entry.name, "joined": joined, "left": left}
            await self.sio.emit("presence", payload, to=entry.name)
            self.frames += 1
        except Exception:  # a lost delta is healed by the next join's full list
            log.exception("presence delta of %s failed", entry.name)


_deltas: weakref.WeakKeyDictionary[socketio.AsyncServer, PresenceDeltas] = (
    weakref.WeakKeyDictionary()
)


def presence_deltas(sio: socketio.AsyncServer, db: Database) -> PresenceDeltas:
    found = _deltas.get(sio)
    if found is None:
        found = _deltas[sio] = PresenceDeltas(sio, db)
    return found
