"""Supervised unless a teacher says otherwise: every chat room pupils can enter starts with
supervision ``one_teacher``; turning it off is a teacher administrator's explicit choice,
warned about and recorded in the moderation log. The chat page gives teachers Lock / Unlock
and Slow mode (plain forms that work without JavaScript) and tells pupils which teachers are
in the room."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.chat_helpers import GENERAL
from tests.conftest import RunningServer
from tests.support import api_login
from twinspace.rooms.chat.models import ChatRoom, ModerationLog


async def _room(server: RunningServer, name: str) -> ChatRoom:
    async with server.runtime.db.read() as session:
        room = await session.scalar(select(ChatRoom).where(ChatRoom.name == name))
    assert room is not None
    return room


async def test_rooms_pupils_can_enter_start_supervised(server: RunningServer, connect_as) -> None:
    assert (await _room(server, "general")).supervision == "one_teacher"  # the demo's too
    anne = await api_login(server.url, "anne")
    made = await anne.post("/api/v1/spaces/1/chat", json={"name": "rivers", "audience": "all"})
    assert made.status_code in (200, 201), made.text
    assert (await _room(server, "rivers")).supervision == "one_teacher"
    lea = await connect_as("lea")
    assert (await lea.call("join", {"room": "space:1:chat:rivers"}))["ok"]
    alone = await lea.call("chat:send", {"room": "space:1:chat:rivers", "text": "hello?"})
    assert alone["ok"] is False and alone["error"] == "unsupervised"
    # Creating a room for pupils without supervision asks for an explicit choice.
    bare = await anne.post(
        "/api/v1/spaces/1/chat", json={"name": "free", "audience": "all", "supervision": "none"}
    )
    assert bare.status_code == 400 and "no teacher" in bare.json()["message"]
    await anne.aclose()


async def test_turning_supervision_off_is_explicit_and_logged(
    server: RunningServer, connect_as
) -> None:
    anne = await connect_as("anne")
    warned = await anne.call("chat:settings", {"room": GENERAL, "supervision": "none"})
    assert warned["ok"] is False and warned["error"] == "invalid"
    assert "no teacher" in warned["message"]
    assert (await _room(server, "general")).supervision == "one_teacher"
    tina = await connect_as("tina")  # a teacher member may not (administrators only)
    refused = await tina.call(
        "chat:settings", {"room": GENERAL, "supervision": "none", "confirm_unsupervised": True}
    )
    assert refused["ok"] is False and refused["error"] == "forbidden", refused
    done = await anne.call(
        "chat:settings", {"room": GENERAL, "supervision": "none", "confirm_unsupervised": True}
    )
    assert done["ok"], done
    async with server.runtime.db.read() as session:
        actions = list(await session.scalars(select(ModerationLog.action)))
    assert "supervision_off" in actions
    lea = await connect_as("lea")
    await lea.call("join", {"room": GENERAL})
    assert (await lea.call("chat:send", {"room": GENERAL, "text": "now free"}))["ok"]
    # The page's form: the box must be ticked, and the page says why otherwise.
    client = await api_login(server.url, "anne")
    csrf = client.headers["X-CSRF-Token"]
    page = await client.post(
        "/spaces/1/chat-rooms",
        data={"csrf_token": csrf, "name": "free-talk", "audience": "all", "supervision": "none"},
    )
    assert page.status_code == 400 and 'role="alert"' in page.text
    ticked = await client.post(
        "/spaces/1/chat-rooms",
        data={
            "csrf_token": csrf,
            "name": "free-talk",
            "audience": "all",
            "supervision": "none",
            "confirm_unsupervised": "yes",
        },
    )
    assert ticked.status_code == 303 and (await _room(server, "free-talk")).supervision == "none"
    await client.aclose()


async def test_lock_and_slow_mode_from_the_chat_page_without_javascript(
    server: RunningServer, connect_as
) -> None:
    anne = await api_login(server.url, "anne")
    csrf = anne.headers["X-CSRF-Token"]
    page = await anne.get("/spaces/1/chat/general")
    assert 'action="/spaces/1/chat/general/do/lock"' in page.text
    assert 'action="/spaces/1/chat/general/do/slow_mode"' in page.text
    assert "Lock the room" in page.text
    locked = await anne.post(
        "/spaces/1/chat/general/do/lock",
        data={"csrf_token": csrf, "locked": "true"},
        headers={"Referer": f"{server.url}/spaces/1/chat/general"},
    )
    assert locked.status_code == 303 and locked.headers["location"] == "/spaces/1/chat/general"
    assert (await _room(server, "general")).locked is True
    again = await anne.get("/spaces/1/chat/general")
    assert "Unlock the room" in again.text and re.search(r'name="locked" value="false"', again.text)
    slow = await anne.post(
        "/spaces/1/chat/general/do/slow_mode", data={"csrf_token": csrf, "seconds": "30"}
    )
    assert slow.status_code == 303 and (await _room(server, "general")).slow_mode_seconds == 30
    unlocked = await anne.post(
        "/spaces/1/chat/general/do/lock", data={"csrf_token": csrf, "locked": "false"}
    )
    assert unlocked.status_code == 303 and (await _room(server, "general")).locked is False
    async with server.runtime.db.read() as session:
        actions = list(await session.scalars(select(ModerationLog.action)))
    assert {"lock", "unlock", "slow_mode"} <= set(actions)
    # Pupils see no controls, and are told which teachers are in the room.
    lea = await api_login(server.url, "lea")
    alone = await lea.get("/spaces/1/chat/general")
    assert "do/lock" not in alone.text and "No teacher is here right now." in alone.text
    live = await connect_as("anne")
    assert (await live.call("join", {"room": GENERAL}))["ok"]
    present = await lea.get("/spaces/1/chat/general")
    assert "Teachers here now: Anne Moreau." in present.text
    refused = await lea.post(
        "/spaces/1/chat/general/do/lock",
        data={"csrf_token": lea.headers["X-CSRF-Token"], "locked": "true"},
    )
    assert refused.status_code == 403
    await anne.aclose()
    await lea.aclose()
