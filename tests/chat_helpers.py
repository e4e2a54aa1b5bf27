"""Shared steps for chat moderation tests."""

from __future__ import annotations

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
