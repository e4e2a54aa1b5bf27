"""Presence changes sent as deltas, coalesced per chat room.

A socket that joins a chat room receives the whole list once (``presence`` with ``users``,
to that socket only). The room then receives, at most every ``PRESENCE_EVERY`` seconds and
only when someone came or went, one ``presence`` frame with ``joined`` (people now
present) and ``left`` (user ids no longer present). Each delta is read from the database
when it is sent, for exactly the people touched since the last one: it states where they
are now (not what happened), so applying the deltas in order always gives back the list
the database holds, whichever process a socket is on. A join storm therefore costs the
room one frame per ``PRESENCE_EVERY``, not one whole list per join.

The whole list of a joiner is sent by the same pass as the room's delta, read after it,
and the delta skips that joiner (the list already holds what the delta says). A room's
passes run one after the other, and a delta read before a joiner's list never reaches
that joiner: in one process, a joiner's whole list comes before any delta and no delta
it applies is older than its list.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field

import socketio

from twinspace.db import Database
from twinspace.rooms.chat.presence import get_present_among, read_present

PRESENCE_EVERY = 0.1  # seconds between two deltas of the same room
log = logging.getLogger(__name__)


@dataclass
class _Pending:
    name: str  # the room's socket.io name
    users: set[int] = field(default_factory=set)  # whose presence changed
    newcomers: set[str] = field(default_factory=set)  # sockets owed the whole list


class PresenceDeltas:
    def __init__(self, sio: socketio.AsyncServer, db: Database) -> None:
        self.sio = sio
        self.db = db
        self.pending: dict[int, _Pending] = {}  # chat room id -> what the next pass sends
        self.passes: dict[int, asyncio.Task[None]] = {}  # chat room id -> its running pass
        self.frames = 0  # deltas sent (for tests and benchmarks)

    def touched(self, room_id: int, name: str, user_id: int) -> None:
        """Someone's presence in this room changed (committed): tell the room soon."""
        self._entry(room_id, name).users.add(user_id)

    def welcome(self, room_id: int, name: str, sid: str, user_id: int) -> None:
        """This socket's presence in the room is committed: it gets the whole list, and the
        room learns of its user, with the room's next pass."""
        entry = self._entry(room_id, name)
        entry.users.add(user_id)
        entry.newcomers.add(sid)

    def _entry(self, room_id: int, name: str) -> _Pending:
        entry = self.pending.get(room_id)
        if entry is None:
            entry = self.pending[room_id] = _Pending(name)
            asyncio.get_running_loop().call_later(PRESENCE_EVERY, self._start_pass, room_id)
        return entry

    def _start_pass(self, room_id: int) -> None:
        previous = self.passes.get(room_id)
        task = asyncio.get_running_loop().create_task(self._after(previous, room_id))
        self.passes[room_id] = task
        task.add_done_callback(lambda done: self._ended(room_id, done))

    def _ended(self, room_id: int, task: asyncio.Task[None]) -> None:
        if self.passes.get(room_id) is task:
            del self.passes[room_id]

    async def _after(self, previous: asyncio.Task[None] | None, room_id: int) -> None:
        if previous is not None:  # a slow pass: this one reads after it has sent
            await asyncio.wait([previous])
        await self.flush(room_id)

    async def flush(self, room_id: int) -> None:
        entry = self.pending.pop(room_id, None)
        if entry is None:
            return
        try:
            async with self.db.brief_read() as session:
                present = await get_present_among(session, room_id, entry.users)
            newcomers = tuple(sorted(entry.newcomers))
            if newcomers:  # read after the delta: it holds all the delta says
                users = await read_present(self.db, room_id)
                await self.sio.emit(
                    "presence",
                    {"room": entry.name, "users": users},
                    to=newcomers,
                    ignore_queue=True,  # (sockets of this process)
                )
            left = sorted(entry.users - present.keys())
            joined = sorted(present.values(), key=lambda u: u["id"])
            payload = {"room": entry.name, "joined": joined, "left": left}
            later = self.pending.get(room_id)  # joined meanwhile: their list is read later
            skip = [*newcomers, *(later.newcomers if later is not None else ())]
            await self.sio.emit("presence", payload, to=entry.name, skip_sid=skip or None)
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
