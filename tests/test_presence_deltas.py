"""Presence travels as coalesced deltas: whoever joins gets the whole list once, the room
then gets "joined"/"left" deltas; applied in order they give exactly the list the database
holds, through a storm of sockets joining and leaving at once (several per person)."""

from __future__ import annotations

import asyncio

import pytest

from tests.chat_helpers import GENERAL, PresenceView
from twinspace.rooms.chat import presence_deltas as presence_deltas_module
from twinspace.rooms.chat.models import ChatRoom
from twinspace.rooms.chat.presence import get_present
from twinspace.rooms.chat.presence_deltas import presence_deltas

PEOPLE = ["lea", "tom", "tina", "pia"]


@pytest.fixture(params=["small rooms", "big rooms"])
def room_size(request, monkeypatch) -> str:
    """As they are, or as if these rooms were big: a delta every len(room) / 3 seconds
    (what FRAMES_PER_SECOND = 1000 gives a room of 3,000 sockets), so a joiner's whole
    list (within 0.1 s) comes before the room's delta that tells of it."""
    if request.param == "big rooms":
        monkeypatch.setattr(presence_deltas_module, "FRAMES_PER_SECOND", 3)
    return request.param


async def test_deltas_converge_to_the_list_in_the_database(server, connect_as, room_size) -> None:
    anne = await connect_as("anne")
    watched = PresenceView(GENERAL)
    anne.sio.on("presence", watched)
    assert (await anne.call("join", {"room": GENERAL}))["ok"]
    await watched.until(lambda v: v.names() == {"Anne Moreau"})
    deltas = presence_deltas(server.runtime.sio, server.runtime.db)
    frames_before = deltas.frames

    sockets = [await connect_as(name) for name in PEOPLE * 3]  # (logins: one at a time)
    joins = await asyncio.gather(*(s.call("join", {"room": GENERAL}) for s in sockets))
    assert all(ack["ok"] for ack in joins)
    late = await connect_as("tom")  # joins below, right after a delta
    late_view = PresenceView(GENERAL)
    late.sio.on("presence", late_view)
    # tom goes completely, lea keeps one socket of three, tina leaves the room by "leave"
    leaving = [s for s, name in zip(sockets, PEOPLE * 3, strict=True) if name == "tom"]
    leaving += [s for s, name in zip(sockets, PEOPLE * 3, strict=True) if name == "lea"][:2]
    tina = [s for s, name in zip(sockets, PEOPLE * 3, strict=True) if name == "tina"]
    await asyncio.gather(
        *(s.close() for s in leaving),
        *(s.call("leave", {"room": GENERAL}) for s in tina),
    )

    async with server.runtime.db.read() as session:
        room_id = (await session.get(ChatRoom, 1)).id  # the demo's "general" room
    for _ in range(100):  # leaving sockets are removed when their disconnect is processed
        async with server.runtime.db.read() as session:
            expected = {u["id"]: u for u in await get_present(session, room_id)}
        if {u["name"] for u in expected.values()} == {"Anne Moreau", "Léa", "Pia"}:
            break
        await asyncio.sleep(0.05)
    assert {u["name"] for u in expected.values()} == {"Anne Moreau", "Léa", "Pia"}
    await watched.until(lambda v: v.users == expected)
    assert all("users" not in frame for frame in watched.frames[1:])  # no whole list again
    sent = deltas.frames - frames_before
    assert 1 <= sent <= len(sockets) + len(leaving) + len(tina)  # coalesced, never more

    # a socket joining now receives the same list whole, at once (in a big room, before
    # the room's next delta is due: that one is left for later, and still comes)
    assert (await late.call("join", {"room": GENERAL}))["ok"]
    await late_view.until(lambda v: "users" in v.frames[0] if v.frames else False)
    assert {u["name"] for u in late_view.frames[0]["users"]} == {
        "Anne Moreau",
        "Léa",
        "Pia",
        "Tom",
    }
    await watched.until(lambda v: v.names() == {"Anne Moreau", "Léa", "Pia", "Tom"})
    assert (deltas.deferred > 0) == (room_size == "big rooms")


async def test_joiners_at_once_each_receive_a_whole_list_with_themselves(
    server, connect_as
) -> None:
    """Joiners of one delta pass share one read of the room's list: each joiner's list
    must still hold its own row and everyone who had joined before it asked."""
    first_wave, second_wave = ["lea", "tom"] * 3, ["tina", "pia"] * 3
    people = first_wave + second_wave
    sockets = [await connect_as(name) for name in people]
    views = []
    for socket in sockets:
        view = PresenceView(GENERAL)
        socket.sio.on("presence", view)
        views.append(view)
    for wave in (sockets[: len(first_wave)], sockets[len(first_wave) :]):
        joins = await asyncio.gather(*(s.call("join", {"room": GENERAL}) for s in wave))
        assert all(ack["ok"] for ack in joins)
    names = {"lea": "Léa", "tom": "Tom", "tina": "Tina", "pia": "Pia"}
    for n, (view, person) in enumerate(zip(views, people, strict=True)):
        # (a delta sent as this socket entered the room may come just before its list)
        await view.until(lambda v: any("users" in frame for frame in v.frames))
        whole = next(frame for frame in view.frames if "users" in frame)
        listed = {u["name"] for u in whole["users"]}
        assert names[person] in listed
        if n >= len(first_wave):  # the first wave had all joined before this one asked
            assert {"Léa", "Tom"} <= listed
    for view in views:  # and the deltas complete every list
        await view.until(lambda v: {"Léa", "Tom", "Tina", "Pia"} <= v.names())
