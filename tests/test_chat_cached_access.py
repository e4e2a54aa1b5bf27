"""chat:send checks against a per-process cache of rooms, mutes, filters and roles, trusted
only for the access epoch read in its own transaction: the very next message after a mute,
a lock, a word added to the filter, a role change or a removal is judged on the new state,
in the process that made the change and in another one (two processes over Redis)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, update

from tests.support import LiveClient, api_login
from twinspace.access_epoch import read_epoch
from twinspace.db import Database
from twinspace.events import record_event
from twinspace.rooms.chat.access_cache import access_cache
from twinspace.rooms.chat.models import ChatRoom

GENERAL = "space:1:chat:general"


async def pupils_may_chat_alone(database_url: str) -> None:
    """These tests are about the access cache, not supervision: a teacher administrator has
    let pupils chat in "general" with no teacher present (rooms start supervised)."""
    db = Database(database_url)
    try:
        async with db.unit_of_work() as uow:
            await uow.session.execute(
                update(ChatRoom).where(ChatRoom.name == "general").values(supervision="none")
            )
    finally:
        await db.dispose()


async def send(client: LiveClient, text: str) -> dict:
    return await client.call("chat:send", {"room": GENERAL, "text": text})


async def user_id(http) -> int:
    return (await http.get("/api/v1/me")).json()["id"]


async def test_writes_that_decide_access_move_the_epoch_and_messages_do_not(database_url) -> None:
    db = Database(database_url)
    async with db.read() as session:
        start = await read_epoch(session)
    async with db.unit_of_work() as uow:  # a chat message's event: not an access change
        await record_event(uow, GENERAL, "test.event", {})
    async with db.read() as session:
        assert await read_epoch(session) == start
    async with db.unit_of_work() as uow:  # ORM change of a watched row
        room = await uow.session.get(ChatRoom, 1)
        assert room is not None
        room.locked = not room.locked
    async with db.read() as session:
        after_flush = await read_epoch(session)
    assert after_flush == start + 1
    async with db.unit_of_work() as uow:  # a bulk UPDATE of a watched table
        await uow.session.execute(update(ChatRoom).values(slow_mode_seconds=0))
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as uow:  # rolled back: the epoch stays
            await uow.session.execute(update(ChatRoom).values(slow_mode_seconds=5))
            raise RuntimeError("roll back")
    async with db.read() as session:
        assert await read_epoch(session) == after_flush + 1
    await db.dispose()


async def test_next_message_after_each_change_is_judged_on_the_new_state(
    server, connect_as, login, database_url
) -> None:
    await pupils_may_chat_alone(database_url)
    anne = await connect_as("anne")
    lea = await connect_as("lea")
    anne_http = await login("anne")
    lea_id = await user_id(await login("lea"))
    cache = access_cache(server.runtime.db)

    assert (await send(lea, "warm"))["ok"]
    assert cache.rooms and cache.roles  # the checks now come from the cache

    mute = {"room": GENERAL, "user_id": lea_id, "minutes": 5, "reason": "test"}
    assert (await anne.call("chat:mute", mute))["ok"]
    assert (await send(lea, "muted?"))["error"] == "muted"
    assert (await anne.call("chat:unmute", {"room": GENERAL, "user_id": lea_id}))["ok"]
    assert (await send(lea, "unmuted"))["ok"]

    assert (await anne.call("chat:lock", {"room": GENERAL, "locked": True}))["ok"]
    assert (await send(lea, "locked?"))["error"] == "locked"
    assert (await anne.call("chat:lock", {"room": GENERAL, "locked": False}))["ok"]
    assert (await send(lea, "unlocked"))["ok"]

    answer = await anne_http.post(
        "/api/v1/spaces/1/moderation/words", json={"language": "fr", "word": "zut"}
    )
    assert answer.status_code in (200, 201), answer.text
    assert (await send(lea, "oh zut alors")).get("held") is True

    # a role change (pupil -> pupil administrator) moves the epoch: roles are read again
    before = cache.epoch
    changed = await anne_http.patch(
        f"/api/v1/spaces/1/members/{lea_id}", json={"role": "pupil_admin"}
    )
    assert changed.status_code == 200, changed.text
    assert (await send(lea, "as a pupil administrator"))["ok"]
    assert cache.epoch > before

    assert (await anne_http.delete(f"/api/v1/spaces/1/members/{lea_id}")).status_code == 200
    assert (await send(lea, "removed"))["error"] == "not_found"


async def test_next_message_on_another_process_is_judged_on_the_new_state(
    redis_url: str, spawn_server, database_url: str
) -> None:
    await pupils_may_chat_alone(database_url)
    url_a = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    url_b = spawn_server(TWINSPACE_REDIS_URL=redis_url)
    anne_http = await api_login(url_a, "anne")
    lea_http = await api_login(url_b, "lea")
    anne = await LiveClient().connect(url_a, anne_http.cookies["ts_session"])
    lea = await LiveClient().connect(url_b, lea_http.cookies["ts_session"])
    try:
        lea_id = await user_id(lea_http)
        assert (await send(lea, "warm the cache of B"))["ok"]
        mute = {"room": GENERAL, "user_id": lea_id, "minutes": 5, "reason": "test"}
        assert (await anne.call("chat:mute", mute))["ok"]
        assert (await send(lea, "muted on B?"))["error"] == "muted"
        assert (await anne.call("chat:unmute", {"room": GENERAL, "user_id": lea_id}))["ok"]
        assert (await send(lea, "unmuted on B"))["ok"]
        assert (await anne.call("chat:lock", {"room": GENERAL, "locked": True}))["ok"]
        assert (await send(lea, "locked on B?"))["error"] == "locked"
        assert (await anne.call("chat:lock", {"room": GENERAL, "locked": False}))["ok"]
        assert (await send(lea, "unlocked on B"))["ok"]
        assert (await anne_http.delete(f"/api/v1/spaces/1/members/{lea_id}")).status_code == 200
        assert (await send(lea, "removed on B?"))["error"] == "not_found"
    finally:
        for client in (anne, lea):
            await client.close()
        for http in (anne_http, lea_http):
            await http.aclose()


async def test_a_message_is_written_in_four_statements(server, connect_as, database_url) -> None:
    await pupils_may_chat_alone(database_url)
    lea = await connect_as("lea")
    assert (await send(lea, "warm"))["ok"]
    written: list[str] = []

    def on_execute(conn, _cursor, statement, _params, _context, _many) -> None:
        control = statement.split()[0].upper() in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")
        if conn.get_execution_options().get("twinspace_writer") and not control:
            written.append(statement)

    db = server.runtime.db
    engine = (db.writer_engine if db.writer is not None else db.engine).sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        ack = await send(lea, "counted")
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    assert ack["ok"]
    assert len(written) <= 4, written
