"""chat:send with a client_id: sending again after a lost ack stores nothing new and answers
with the first message's id, so a message is shown once however often it is sent."""

from __future__ import annotations

from sqlalchemy import func, select

from twinspace.db import Database
from twinspace.rooms.chat.models import ChatMessage

GENERAL = "space:1:chat:general"


async def count_messages(database_url: str, text: str) -> int:
    db = Database(database_url)
    async with db.read() as session:
        found = await session.scalar(
            select(func.count()).select_from(ChatMessage).where(ChatMessage.text == text)
        )
    await db.dispose()
    return int(found or 0)


async def test_sending_again_with_the_same_client_id_stores_once(connect_as, settings) -> None:
    anne = await connect_as("anne")
    assert (await anne.call("join", {"room": GENERAL}))["ok"]  # supervised: a teacher is here
    lea = await connect_as("lea")
    assert (await lea.call("join", {"room": GENERAL}))["ok"]
    payload = {"room": GENERAL, "text": "only once", "client_id": "c-1"}
    first = await anne.call("chat:send", payload)
    again = await anne.call("chat:send", payload)
    assert first["ok"] and again == {"ok": True, "id": first["id"]}
    await lea.wait_for(lambda e: e["id"] == first["id"])
    assert await count_messages(settings.database_url, "only once") == 1
    assert [e["id"] for e in lea.events if e["type"] == "chat.message"] == [first["id"]]

    # the same client_id from another author is another message
    other = await lea.call("chat:send", {**payload, "text": "only once"})
    assert other["ok"] and other["id"] == first["id"] + 1
    assert await count_messages(settings.database_url, "only once") == 2


async def test_bad_client_id_is_refused_and_stores_nothing(connect_as, settings) -> None:
    anne = await connect_as("anne")
    for bad in ("", "x" * 65, 12, ["a"]):
        ack = await anne.call("chat:send", {"room": GENERAL, "text": "bad id", "client_id": bad})
        assert ack["ok"] is False and ack["error"] == "invalid"
    assert await count_messages(settings.database_url, "bad id") == 0


async def test_a_resend_racing_its_first_attempt_gets_the_first_ack(
    server, connect_as, settings
) -> None:
    """Both attempts in flight at once (a reconnect resent the outbox while the first ack
    was on its way): one message stored, the same ack twice — on the lean path and on the
    path of a pupil's message held by the word filter."""
    import asyncio

    from tests.support import api_login

    teacher = await api_login(server.url, "anne")
    added = await teacher.post(
        "/api/v1/spaces/1/moderation/words", json={"language": "fr", "word": "nul"}
    )
    assert added.status_code == 201
    await teacher.aclose()
    anne = await connect_as("anne")
    assert (await anne.call("join", {"room": GENERAL}))["ok"]  # supervised: a teacher is here
    lea = await connect_as("lea")
    assert (await lea.call("join", {"room": GENERAL}))["ok"]
    for k in range(6):
        shown = {"room": GENERAL, "text": f"race {k}", "client_id": f"race-{k}"}
        held = {"room": GENERAL, "text": f"c'est nul {k}", "client_id": f"held-{k}"}
        acks = await asyncio.gather(
            anne.call("chat:send", shown),
            anne.call("chat:send", shown),
            lea.call("chat:send", held),
            lea.call("chat:send", held),
        )
        assert acks[0]["ok"] and acks[0] == acks[1], acks
        assert acks[2]["ok"] and acks[2].get("held") is True and acks[2] == acks[3], acks
        assert await count_messages(settings.database_url, f"race {k}") == 1
        assert await count_messages(settings.database_url, f"c'est nul {k}") == 1
