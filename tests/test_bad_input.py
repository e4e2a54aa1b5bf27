"""Malformed socket payloads and API bodies get an error with a code; nothing is half-written
and the server keeps serving everybody else."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from tests.conftest import RunningServer
from tests.support import api_login
from twinspace.events import Event
from twinspace.rooms.chat.models import ChatMessage

GENERAL = "space:1:chat:general"


async def _counts(server: RunningServer) -> tuple[int, int]:
    async with server.runtime.db.read() as session:
        messages = await session.scalar(select(func.count()).select_from(ChatMessage))
        events = await session.scalar(select(func.count()).select_from(Event))
    return int(messages or 0), int(events or 0)


@pytest.mark.parametrize(
    ("event", "payload", "code"),
    [
        ("join", None, "invalid"),
        ("join", "space:1:home", "invalid"),
        ("join", [1, 2], "invalid"),
        ("join", {}, "invalid"),
        ("join", {"room": 42}, "invalid"),
        ("join", {"room": "x" * 500}, "invalid"),
        ("join", {"room": "space:one:home"}, "invalid"),
        ("join", {"room": "space:1:garden"}, "invalid"),
        ("join", {"room": "space:1:chat:"}, "invalid"),
        ("join", {"room": "space:999:home"}, "not_found"),
        ("join", {"room": "space:1:chat:nope"}, "not_found"),
        ("join", {"room": "space:1:page:7"}, "not_found"),
        ("leave", {"room": None}, "invalid"),
        ("catchup", {"room": GENERAL, "after": -1}, "invalid"),
        ("catchup", {"room": GENERAL, "after": "3"}, "invalid"),
        ("catchup", {"room": GENERAL, "after": True}, "invalid"),
        ("catchup", {"room": GENERAL, "after": 1.5}, "invalid"),
        ("chat:send", {"room": GENERAL}, "invalid"),
        ("chat:send", {"room": GENERAL, "text": None}, "invalid"),
        ("chat:send", {"room": GENERAL, "text": {"html": "<b>"}}, "invalid"),
        ("chat:send", {"room": GENERAL, "text": "   \n\t "}, "invalid"),
        ("chat:send", {"room": GENERAL, "text": "\u0000\u0007"}, "invalid"),
        ("chat:send", {"room": GENERAL, "text": "x" * 2001}, "invalid"),
        ("chat:send", {"room": "space:1:home", "text": "not a chat room"}, "invalid"),
        ("chat:send", {"room": "space:1:chat:nope", "text": "hello"}, "not_found"),
    ],
)
async def test_socket_payload_errors(
    server: RunningServer, connect_as, event: str, payload, code: str
) -> None:
    before = await _counts(server)
    anne = await connect_as("anne")
    ack = await anne.call(event, payload)
    assert ack["ok"] is False and ack["error"] == code and isinstance(ack["message"], str)
    assert await _counts(server) == before
    ok = await anne.call(
        "chat:send", {"room": GENERAL, "text": "still fine"}
    )  # the socket lives on
    assert ok["ok"] is True


async def test_text_at_the_limit_is_accepted_and_cleaned(server: RunningServer, connect_as) -> None:
    anne = await connect_as("anne")
    ack = await anne.call("chat:send", {"room": GENERAL, "text": "  " + "é" * 2000 + "\u0007  "})
    assert ack["ok"] is True  # control characters are cleaned (NUL is refused: PostgreSQL)
    caught = await anne.call("catchup", {"room": GENERAL, "after": ack["id"] - 1})
    assert caught["events"][0]["data"]["text"] == "é" * 2000


async def test_flooding_is_rate_limited_without_slowing_others(
    server: RunningServer, connect_as
) -> None:
    flooder = await connect_as("tom")
    calm = await connect_as("anne")  # a teacher: #general is supervised for pupils
    await calm.call("join", {"room": GENERAL})
    acks = await asyncio.gather(
        *[flooder.call("catchup", {"room": GENERAL, "after": 0}) for _ in range(40)]
    )
    codes = [a["ok"] if a["ok"] else a["error"] for a in acks]
    assert codes.count(True) >= 20 and "rate_limited" in codes
    ack = await calm.call("chat:send", {"room": GENERAL, "text": "I am not limited"})
    assert ack["ok"] is True


async def test_oversized_socket_packet_drops_only_that_connection(
    server: RunningServer, connect_as
) -> None:
    before = await _counts(server)
    big = await connect_as("tom")
    other = await connect_as("anne")  # a teacher: #general is supervised for pupils
    await big.sio.emit("chat:send", {"room": GENERAL, "text": "x" * (400 * 1024)})
    await asyncio.wait_for(big.disconnected.wait(), 10)
    assert await _counts(server) == before
    assert (await other.call("chat:send", {"room": GENERAL, "text": "unaffected"}))["ok"] is True


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "code"),
    [
        (
            "post",
            "/api/v1/spaces/1/chat/general/messages",
            {"content": b"{not json"},
            400,
            "invalid",
        ),
        ("post", "/api/v1/spaces/1/chat/general/messages", {"json": ["list"]}, 400, "invalid"),
        ("post", "/api/v1/spaces/1/chat/general/messages", {"json": {"text": 3}}, 400, "invalid"),
        (
            "post",
            "/api/v1/spaces/1/chat/general/messages",
            {"json": {"text": "x" * 5000}},
            400,
            "invalid",
        ),
        (
            "post",
            "/api/v1/spaces/1/chat/general/messages",
            {"content": b"x" * 70000},
            400,
            "invalid",
        ),
        ("post", "/api/v1/spaces/1/chat/nope/messages", {"json": {"text": "hi"}}, 404, "not_found"),
        (
            "post",
            "/api/v1/spaces/77/chat/general/messages",
            {"json": {"text": "hi"}},
            404,
            "not_found",
        ),
        ("get", "/api/v1/spaces/1/chat/general/messages?limit=lots", {}, 400, "invalid"),
        ("get", "/api/v1/spaces/1/chat/general/messages?before=-2", {}, 400, "invalid"),
        ("get", "/api/v1/spaces/1/access/garden/read", {}, 400, "invalid"),
        ("get", "/api/v1/nothing-here", {}, 404, "not_found"),
        ("put", "/api/v1/session", {}, 405, "method_not_allowed"),
    ],
)
async def test_api_errors_are_json_with_a_code(
    server: RunningServer, method: str, path: str, kwargs: dict, status: int, code: str
) -> None:
    before = await _counts(server)
    client = await api_login(server.url, "anne")
    try:
        response = await getattr(client, method)(path, **kwargs)
    finally:
        await client.aclose()
    assert response.status_code == status
    assert response.json()["error"] == code and response.json()["message"]
    assert await _counts(server) == before


async def test_anonymous_sockets_reach_public_rooms_only(server: RunningServer, connect_as) -> None:
    anonymous = await connect_as(None)
    assert (await anonymous.call("join", {"room": "space:1:home"}))["error"] == "not_found"
    assert (await anonymous.call("chat:send", {"room": GENERAL, "text": "hi"}))[
        "error"
    ] == "not_found"
