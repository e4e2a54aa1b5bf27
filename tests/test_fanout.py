"""Fan-out without a task per recipient: an event is encoded once and the same engine.io
packet is queued on every socket of the room, emits to one room in the same loop tick in
one pass; every member receives every event once and in order, the skipped sid nothing."""

from __future__ import annotations

import asyncio

from tests.chat_helpers import GENERAL
from twinspace.realtime.fanout import FrameFanout


async def test_every_member_gets_every_event_once_in_order(server, connect_as) -> None:
    manager = server.runtime.sio.manager
    assert isinstance(manager, FrameFanout)
    anne = await connect_as("anne")
    members = [await connect_as(name) for name in ("lea", "tom", "tina")]
    for client in (anne, *members):
        assert (await client.call("join", {"room": GENERAL}))["ok"]
    queued_before = manager.frames_queued
    acks = await asyncio.gather(
        *(anne.call("chat:send", {"room": GENERAL, "text": f"m{n}"}) for n in range(10))
    )
    ids = sorted(ack["id"] for ack in acks)
    for client in (anne, *members):
        await client.wait_for(lambda e, last=ids[-1]: e["id"] == last)
        got = [e["id"] for e in client.events if e["room"] == GENERAL and e["id"] in ids]
        assert got == ids  # once each, in id order
    assert manager.frames_queued - queued_before >= len(ids) * 4


async def test_skip_sid_and_many_emits_in_one_tick(server, connect_as) -> None:
    sio = server.runtime.sio
    lea, tom = await connect_as("lea"), await connect_as("tom")
    got: dict[str, list[int]] = {"lea": [], "tom": []}
    lea.sio.on("probe", lambda data: got["lea"].append(data["n"]))
    tom.sio.on("probe", lambda data: got["tom"].append(data["n"]))
    for client in (lea, tom):
        assert (await client.call("join", {"room": GENERAL}))["ok"]
    lea_sid = next(
        sid for sid, _ in sio.manager.get_participants("/", GENERAL) if sid == lea.sio.get_sid()
    )
    await asyncio.gather(
        *(sio.emit("probe", {"n": n}, to=GENERAL, skip_sid=lea_sid) for n in range(5))
    )
    await sio.emit("probe", {"n": 99}, to=GENERAL)
    for _ in range(200):
        if 99 in got["tom"] and 99 in got["lea"]:
            break
        await asyncio.sleep(0.02)
    assert got["tom"] == [0, 1, 2, 3, 4, 99]
    assert got["lea"] == [99]


async def test_a_payload_with_bytes_still_arrives_as_bytes(server, connect_as) -> None:
    """Packets are encoded as text first (no walk through the payload); one holding bytes
    takes socket.io's binary packet and its members get the bytes back."""
    sio = server.runtime.sio
    lea = await connect_as("lea")
    arrived: asyncio.Future[dict] = asyncio.get_running_loop().create_future()
    lea.sio.on("probe", lambda data: arrived.done() or arrived.set_result(data))
    assert (await lea.call("join", {"room": GENERAL}))["ok"]
    await sio.emit("probe", {"update": b"\x00\x01yjs", "names": ["Léa"] * 3}, to=GENERAL)
    data = await asyncio.wait_for(arrived, 10)
    assert data == {"update": b"\x00\x01yjs", "names": ["Léa"] * 3}
