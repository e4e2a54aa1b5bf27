"""Teacher administrators create, rename, archive and configure chat rooms from the page."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.support import api_login
from twinspace.rooms.chat.models import ChatRoom
from twinspace.spaces.models import Space


async def _form_client(server: RunningServer, username: str) -> tuple[httpx.AsyncClient, str]:
    client = await api_login(server.url, username)
    return client, client.headers["X-CSRF-Token"]


async def test_admin_creates_renames_and_archives_a_room(server: RunningServer, connect_as) -> None:
    client, csrf = await _form_client(server, "anne")
    page = await client.get("/spaces/1/chat-rooms")
    assert page.status_code == 200 and "general" in page.text
    created = await client.post(
        "/spaces/1/chat-rooms",
        data={
            "csrf_token": csrf,
            "name": "river-team",
            "title": "River team",
            "audience": "all",
            "supervision": "one_teacher",
        },
    )
    assert created.status_code == 303
    duplicate = await client.post(
        "/spaces/1/chat-rooms", data={"csrf_token": csrf, "name": "river-team"}
    )
    assert duplicate.status_code == 409 and "already exists" in duplicate.text
    bad = await client.post("/spaces/1/chat-rooms", data={"csrf_token": csrf, "name": "Bad Name!"})
    assert bad.status_code == 400 and 'role="alert"' in bad.text
    renamed = await client.post(
        "/spaces/1/chat-rooms/river-team", data={"csrf_token": csrf, "title": "Rhône team"}
    )
    assert renamed.status_code == 303
    async with server.runtime.db.read() as session:
        room = await session.scalar(select(ChatRoom).where(ChatRoom.name == "river-team"))
    assert (
        room.title == "Rhône team" and room.supervision == "one_teacher" and room.audience == "all"
    )

    lea = await connect_as("lea")
    assert (await lea.call("join", {"room": "space:1:chat:river-team"}))["ok"]
    archived = await client.post(
        "/spaces/1/chat-rooms/river-team", data={"csrf_token": csrf, "archived": "true"}
    )
    assert archived.status_code == 303
    refused = await lea.call("chat:send", {"room": "space:1:chat:river-team", "text": "hello"})
    assert refused["error"] == "forbidden"
    rooms = (await client.get("/api/v1/spaces/1/chat")).json()["rooms"]
    assert "river-team" not in [r["name"] for r in rooms]
    await client.aclose()


async def test_retention_form(server: RunningServer) -> None:
    client, csrf = await _form_client(server, "anne")
    assert (
        await client.post(
            "/spaces/1/chat-retention", data={"csrf_token": csrf, "retention_days": "90"}
        )
    ).status_code == 303
    bad = await client.post(
        "/spaces/1/chat-retention", data={"csrf_token": csrf, "retention_days": "ninety"}
    )
    assert bad.status_code == 400
    async with server.runtime.db.read() as session:
        assert await session.scalar(select(Space.chat_retention_days)) == 90
    assert (
        await client.post(
            "/spaces/1/chat-retention", data={"csrf_token": csrf, "retention_days": ""}
        )
    ).status_code == 303
    async with server.runtime.db.read() as session:
        assert await session.scalar(select(Space.chat_retention_days)) is None
    await client.aclose()


async def test_room_administration_is_for_teacher_admins(server: RunningServer) -> None:
    for username, status in (("tina", 403), ("lea", 403), ("paul", 404)):
        client, csrf = await _form_client(server, username)
        # opening the page: an area they may not see is not there (404); a write says why
        assert (await client.get("/spaces/1/chat-rooms")).status_code == 404
        response = await client.post(
            "/spaces/1/chat-rooms", data={"csrf_token": csrf, "name": "mine"}
        )
        assert response.status_code == status
        await client.aclose()
    client, _ = await _form_client(server, "anne")
    forged = await client.post(
        "/spaces/1/chat-rooms", data={"csrf_token": "forged", "name": "mine"}
    )
    assert forged.status_code == 403
    page = await client.get("/spaces/1/chat-rooms")
    assert not re.search(r"name=\"name\" value=\"mine\"", page.text)
    await client.aclose()
