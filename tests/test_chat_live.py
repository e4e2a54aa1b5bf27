"""Live chat between real Socket.IO clients through uvicorn, and catch-up after a cut."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.conftest import RunningServer
from twinspace.events import Event
from twinspace.rooms.chat.models import ChatMessage

GENERAL = "space:1:chat:general"


async def test_teacher_and_pupil_chat_live(connect_as) -> None:
    anne = await connect_as("anne")
    lea = await connect_as("lea")
    for client in (anne, lea):
        ack = await client.call("join", {"room": GENERAL})
        assert ack["ok"] is True and ack["last_id"] >= 1

    sent = await anne.call("chat:send", {"room": GENERAL, "text": "Bonjour Léa !"})
    assert sent["ok"] is True and isinstance(sent["id"], int)
    got = await lea.wait_for(lambda e: e["id"] == sent["id"])
    assert got["room"] == GENERAL
    assert got["type"] == "chat.message"
    assert got["data"]["text"] == "Bonjour Léa !"
    assert got["data"]["author"]["username"] == "anne"

    reply = await lea.call("chat:send", {"room": GENERAL, "text": "Hallo!"})
    assert reply["id"] == sent["id"] + 1  # per-room ids increase
    echoed = await anne.wait_for(lambda e: e["id"] == reply["id"])
    assert echoed["data"]["author"]["username"] == "lea"


async def test_event_is_stored_before_it_is_acknowledged(server: RunningServer, connect_as) -> None:
    anne = await connect_as("anne")
    ack = await anne.call("chat:send", {"room": GENERAL, "text": "stored first"})
    async with server.runtime.db.read() as session:
        event = await session.scalar(
            select(Event).where(Event.room == GENERAL, Event.seq == ack["id"])
        )
        message = await session.scalar(
            select(ChatMessage).where(ChatMessage.event_seq == ack["id"])
        )
    assert event is not None and event.data["text"] == "stored first"
    assert message is not None and message.text == "stored first"


async def test_only_room_members_receive_the_event(connect_as) -> None:
    anne = await connect_as("anne")
    lea = await connect_as("lea")
    bystander = await connect_as("tom")  # a member who has not joined the room
    await lea.call("join", {"room": GENERAL})
    ack = await anne.call("chat:send", {"room": GENERAL, "text": "only for joined sockets"})
    await lea.wait_for(lambda e: e["id"] == ack["id"])
    await anne.call("join", {"room": GENERAL})  # a round trip after the event
    assert [e for e in bystander.events if e["room"] == GENERAL] == []


async def test_catch_up_after_disconnect_misses_nothing(server: RunningServer, connect_as) -> None:
    anne = await connect_as("anne")
    lea = await connect_as("lea")
    joined = await lea.call("join", {"room": GENERAL})
    last_seen = joined["last_id"]
    await lea.close()

    sent_ids = []
    for n in range(7):
        ack = await anne.call("chat:send", {"room": GENERAL, "text": f"while away {n}"})
        sent_ids.append(ack["id"])

    back = await connect_as("lea")
    rejoined = await back.call("join", {"room": GENERAL})
    assert rejoined["last_id"] == sent_ids[-1]
    caught = await back.call("catchup", {"room": GENERAL, "after": last_seen})
    assert caught["ok"] is True and caught["more"] is False
    assert [e["id"] for e in caught["events"]] == sent_ids
    assert [e["data"]["text"] for e in caught["events"]] == [f"while away {n}" for n in range(7)]


async def test_joining_again_with_after_brings_what_was_missed_in_its_ack(connect_as) -> None:
    """A reconnecting client joins with the last id it applied: the ack carries what a
    catchup from that id answers, so it is back in sync in one round trip."""
    anne = await connect_as("anne")
    lea = await connect_as("lea")
    last_seen = (await lea.call("join", {"room": GENERAL}))["last_id"]
    await lea.close()
    sent_ids = [
        (await anne.call("chat:send", {"room": GENERAL, "text": f"missed {n}"}))["id"]
        for n in range(3)
    ]

    back = await connect_as("lea")
    rejoined = await back.call("join", {"room": GENERAL, "after": last_seen})
    assert rejoined["ok"] is True and rejoined["last_id"] == sent_ids[-1]
    assert [e["id"] for e in rejoined["events"]] == sent_ids and rejoined["more"] is False
    caught = await back.call("catchup", {"room": GENERAL, "after": last_seen})
    assert rejoined["events"] == caught["events"]

    up_to_date = await back.call("join", {"room": GENERAL, "after": sent_ids[-1]})
    assert up_to_date["events"] == [] and up_to_date["more"] is False
    plain = await back.call("join", {"room": GENERAL})
    assert "events" not in plain and "more" not in plain
    for wrong in (-1, "3", True, 2.5):
        refused = await back.call("join", {"room": GENERAL, "after": wrong})
        assert refused["ok"] is False and refused["error"] == "invalid", (wrong, refused)


async def test_http_send_reaches_live_clients(server: RunningServer, connect_as) -> None:
    from tests.support import api_login

    lea = await connect_as("lea")
    await lea.call("join", {"room": GENERAL})
    anne = await api_login(server.url, "anne")
    response = await anne.post("/api/v1/spaces/1/chat/general/messages", json={"text": "via HTTP"})
    assert response.status_code == 201
    new_id = response.json()["id"]
    got = await lea.wait_for(lambda e: e["id"] == new_id)
    assert got["data"]["text"] == "via HTTP"
    history = await anne.get("/api/v1/spaces/1/chat/general/messages")
    assert history.json()["messages"][-1]["text"] == "via HTTP"
    await anne.aclose()


async def test_concurrent_senders_get_gap_free_ids(server: RunningServer, connect_as) -> None:
    import asyncio

    senders = [await connect_as(name) for name in ("anne", "lea", "tom", "tina")]
    watcher = await connect_as("jonas")
    start = (await watcher.call("join", {"room": GENERAL}))["last_id"]
    acks = await asyncio.gather(
        *[
            s.call("chat:send", {"room": GENERAL, "text": f"{i}-{k}"})
            for i, s in enumerate(senders)
            for k in range(5)
        ]
    )
    ids = sorted(a["id"] for a in acks)
    assert ids == list(range(start + 1, start + 21))
    for i in ids:
        await watcher.wait_for(lambda e, i=i: e["id"] == i)
    async with server.runtime.db.read() as session:
        count = await session.scalar(
            select(func.count()).select_from(Event).where(Event.room == GENERAL)
        )
    assert count == start + 20
