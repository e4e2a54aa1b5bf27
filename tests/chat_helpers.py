"""Shared steps for chat moderation tests."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from tests.conftest import RunningServer
from twinspace.accounts.models import User

GENERAL = "space:1:chat:general"
CLASS = "space:1:chat:class"
STAFF = "space:1:chat:staff"
MODERATION = "space:1:moderation"


async def user_id(server: RunningServer, username: str) -> int:
    async with server.runtime.db.read() as session:
        value = await session.scalar(select(User.id).where(User.username == username))
    assert value is not None
    return value


async def marker(sender, receiver, room: str = GENERAL, text: str = "marker") -> int:
    """Send a message and wait until ``receiver`` has it: everything sent before has arrived."""
    ack = await sender.call("chat:send", {"room": room, "text": text})
    assert ack["ok"], ack
    await receiver.wait_for(lambda e: e["room"] == room and e["id"] == ack["id"])
    return ack["id"]


class PresenceView:
    """A room's "who is here now" as a client builds it: the whole list it receives when it
    joins, then the deltas (``joined`` users, ``left`` ids)."""

    def __init__(self, room: str = GENERAL) -> None:
        self.room = room
        self.users: dict[int, dict] = {}
        self.frames: list[dict] = []
        self.changed = asyncio.Event()

    def __call__(self, data: dict) -> None:
        if data.get("room") != self.room:
            return
        self.frames.append(data)
        if "users" in data:
            self.users = {u["id"]: u for u in data["users"]}
        else:
            for gone in data.get("left", []):
                self.users.pop(gone, None)
            for user in data.get("joined", []):
                self.users[user["id"]] = user
        self.changed.set()

    def names(self) -> frozenset[str]:
        return frozenset(u["name"] for u in self.users.values())

    async def until(self, check, timeout: float = 10) -> None:
        async def wait() -> None:
            while not check(self):
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(wait(), timeout)
