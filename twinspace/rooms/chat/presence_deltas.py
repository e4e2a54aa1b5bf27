"""Presence changes sent as deltas, coalesced per chat room.

A socket that joins a chat room receives the whole list once (``presence`` with ``users``,
to that socket only). The room then receives, at most every ``PRESENCE_EVERY`` seconds and
only when someone came or went, one ``presence`` frame with ``joined`` (people now
present) and ``left`` (user ids no longer present). Each delta is read from the database
when it is sent, for exactly the people touched since the last one: it states where they
are now (not what happened), so applying the deltas in order always gives back the list
the database holds, whichever process a socket is on. A join storm therefore costs the
room one frame per ``PRESENCE_EVERY``, not one whole list per join.

A big room's deltas come further apart: every ``len(room) / FRAMES_PER_SECOND`` seconds
(a room of 1,000 sockets on this process: one a second), so its sockets receive about
``FRAMES_PER_SECOND`` presence frames a second however many come and go. A joiner's whole
list still comes within ``PRESENCE_EVERY``.

The whole list of a joiner is sent by the same pass as the room's delta, read after it,
and the delta skips that joiner (the list already holds what the delta says), as it skips
those owed a list by the next pass. A room's passes run one after the other, so in one
process no delta a joiner receives after its list is older than that list. (A delta sent
while the joiner's presence row is being written may reach it before its list, which,
read later, replaces it.)
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field

import socketio

from twinspace.db import Database
from twinspace.rooms.chat.presence import get_present_among, read_present

PRESENCE_EVERY = 0.1  # seconds: the shortest time between two passes of a room
FRAMES_PER_SECOND = 1000  # a room's deltas, to all its sockets on this process together
log = logging.getLogger(__name__)


@dataclass
class _Pending:
    name: str  # the room's socket.io name
    users: set[int] = field(default_factory=set)  # whose presence changed
    newcomers: set[str] = field(default_factory=set)  # sockets owed the whole list
    at: float = float("inf")  # (loop time) when the next pass is due


def delta_every(sockets: int) -> float:
    """Seconds between two deltas of a room with this many sockets on this process."""
    return max(PRESENCE_EVERY, sockets / FRAMES_PER_SECOND)


class PresenceDeltas:
    def __init__(self, sio: socketio.AsyncServer, db: Database) -> None:
        self.sio = sio
        self.db = db
        self.pending: dict[int, _Pending] = {}  # chat room id -> what the next pass sends
        self.passes: dict[int, asyncio.Task[None]] = {}  # chat room id -> its running pass
        self.last_delta: dict[int, float] = {}  # chat room id -> (loop time) of its last delta
        self.frames = 0  # deltas sent (for tests and benchmarks)
        self.deferred = 0  # passes that left a big room's delta for later (the same)

    def touched(self, room_id: int, name: str, user_id: int) -> None:
        """Someone's presence in this room changed (committed): tell the room soon."""
        entry = self._entry(room_id, name)
        entry.users.add(user_id)
        self._due_in(room_id, entry, self._delta_wait(room_id, name))

    def welcome(self, room_id: int, name: str, sid: str, user_id: int) -> None:
        """This socket's presence in the room is committed: it gets the whole list (with
        the room's next pass), and the room learns of its user (with its next delta)."""
        entry = self._entry(room_id, name)
        entry.users.add(user_id)
        entry.newcomers.add(sid)
        self._due_in(room_id, entry, PRESENCE_EVERY)

    def _entry(self, room_id: int, name: str) -> _Pending:
        entry = self.pending.get(room_id)
        if entry is None:
            entry = self.pending[room_id] = _Pending(name)
        return entry

    def _due_in(self, room_id: int, entry: _Pending, delay: float) -> None:
        loop = asyncio.get_running_loop()
        if loop.time() + delay < entry.at:  # (a pass due earlier is enough)
            entry.at = loop.time() + delay
            loop.call_later(delay, self._start_pass, room_id)

    def _delta_wait(self, room_id: int, name: str) -> float:
        try:
            sockets = len(self.sio.manager.rooms["/"][name])
        except KeyError:
            sockets = 0
        due = self.last_delta.get(room_id, float("-inf")) + delta_every(sockets)
        return max(PRESENCE_EVERY, due - asyncio.get_running_loop().time())

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
        wait = self._delta_wait(room_id, entry.name)
        delta_due = wait <= PRESENCE_EVERY
        if not delta_due:  # a big room's delta: later, with whoever changes meanwhile
            later = self._entry(room_id, entry.name)
            later.users |= entry.users
            self._due_in(room_id, later, wait)
            self.deferred += 1
        try:
            if delta_due:
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
            if not delta_due:
                return
            left = sorted(entry.users - present.keys())
            joined = sorted(present.values(), key=lambda u: u["id"])
            payload = {"room": entry.name, "joined": joined, "left": left}
            later = self.pending.get(room_id)  # joined meanwhile: their list is read later
            skip = [*newcomers, *(later.newcomers if later is not None else ())]
            self.last_delta[room_id] = asyncio.get_running_loop().time()
            await self.sio.emit("presence", payload, to=entry.name, skip_sid=skip or None)
            self.frames += 1
        except Exception:  # (the database is away): the next pass tries again
            log.exception("presence delta of %s failed", entry.name)
            retry = self._entry(room_id, entry.name)
            retry.users |= entry.users
            retry.newcomers |= entry.newcomers
            self._due_in(room_id, retry, PRESENCE_EVERY)


_deltas: weakref.WeakKeyDictionary[socketio.AsyncServer, PresenceDeltas] = (
    weakref.WeakKeyDictionary()
)


def presence_deltas(sio: socketio.AsyncServer, db: Database) -> PresenceDeltas:
    found = _deltas.get(sio)
    if found is None:
        found = _deltas[sio] = PresenceDeltas(sio, db)
    return found
