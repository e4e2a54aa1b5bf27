"""Meetings over real Socket.IO clients: who may join when, signalling only between two
people in the same meeting, teachers removing, locking and ending, the moderation log."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import Any

from sqlalchemy import select

from tests.chat_helpers import user_id
from tests.conftest import RunningServer, start_server, stop_server
from tests.support import LiveClient, api_login
from twinspace.realtime import protocol_schemas as protocol
from twinspace.rooms.chat.models import ModerationLog

SPACE = {"space_id": 1, "key": "space"}
TEACHERS = {"space_id": 1, "key": "teachers"}
OFFER = {"type": "offer", "sdp": "v=0\r\n"}


def record(client: LiveClient, *names: str) -> dict[str, asyncio.Queue]:
    """Queues of the payloads of these socket events, as they arrive."""
    queues: dict[str, asyncio.Queue] = {}
    for name in names:
        queue: asyncio.Queue = asyncio.Queue()
        queues[name] = queue
        client.sio.on(name, queue.put_nowait)
    return queues


async def joined(client: LiveClient, where: dict[str, Any] = SPACE) -> dict[str, Any]:
    ack = await client.call("meeting:join", where)
    assert ack["ok"], ack
    protocol.MeetingJoined.model_validate(ack)  # as declared in docs/asyncapi.json
    return ack


async def test_pupils_join_only_while_a_teacher_is_in_the_meeting(connect_as) -> None:
    anne, lea = await connect_as("anne"), await connect_as("lea")
    ack = await lea.call("meeting:join", SPACE)
    assert ack["error"] == "forbidden"  # no meeting on
    assert (await lea.call("meeting:start", SPACE))["error"] == "forbidden"  # pupils don't start
    assert (await anne.call("meeting:start", SPACE))["ok"]
    ack = await lea.call("meeting:join", SPACE)
    assert ack["error"] == "unsupervised", ack  # a pupil alone is refused
    ack = await lea.call("meeting:join", {**SPACE, "dry_run": True})
    assert ack["error"] == "unsupervised", ack
    assert (await anne.call("meeting:join", {**SPACE, "dry_run": True}))["dry_run"]
    anne_in = await joined(anne)
    assert anne_in["participants"] == [] and anne_in["ice_servers"] == []
    lea_in = await joined(lea)
    assert [p["name"] for p in lea_in["participants"]] == ["Anne Moreau"]

    # the last teacher leaves: the pupil is taken out of the meeting
    closed = record(lea, "meeting:closed")["meeting:closed"]
    assert (await anne.call("meeting:leave", SPACE))["ok"]
    assert (await asyncio.wait_for(closed.get(), 10))["reason"] == "unsupervised"
    ack = await lea.call(
        "meeting:signal", {**SPACE, "to": anne_in["sid"], "kind": "offer", "description": OFFER}
    )
    assert ack["error"] == "not_found"


async def test_signalling_only_between_two_people_in_the_same_meeting(
    server: RunningServer, connect_as
) -> None:
    anne, jonas, tom = await connect_as("anne"), await connect_as("jonas"), await connect_as("tom")
    outsider, anonymous = await connect_as("nss-fr"), await connect_as(None)
    anne_signals = record(anne, "meeting:signal")["meeting:signal"]
    await anne.call("meeting:start", SPACE)
    await jonas.call("meeting:start", TEACHERS)
    anne_sid = (await joined(anne))["sid"]
    jonas_sid = (await joined(jonas, TEACHERS))["sid"]

    def offer(to: str, where: dict[str, Any] = SPACE) -> dict[str, Any]:
        return {**where, "to": to, "kind": "offer", "description": OFFER}

    # neither a stranger, nor a member outside the meeting, nor anybody anonymous
    assert (await outsider.call("meeting:signal", offer(anne_sid)))["error"] == "not_found"
    assert (await outsider.call("meeting:watch", SPACE))["error"] == "not_found"
    assert (await tom.call("meeting:signal", offer(anne_sid)))["error"] == "not_found"
    assert (await anonymous.call("meeting:signal", offer(anne_sid)))["error"] == "unauthorized"
    # a pupil never sees the teachers' meeting, a teacher never signals across meetings
    assert (await tom.call("meeting:watch", TEACHERS))["error"] == "not_found"
    assert (await anne.call("meeting:signal", offer(jonas_sid)))["error"] == "not_found"
    assert (await jonas.call("meeting:signal", offer(anne_sid, TEACHERS)))["error"] == "not_found"
    # malformed payloads
    bad = {**offer(anne_sid), "description": {"type": "answer", "sdp": "x"}}
    assert (await jonas.call("meeting:signal", bad))["error"] == "invalid"
    assert (await jonas.call("meeting:signal", {**SPACE, "to": anne_sid, "kind": "x"}))[
        "error"
    ] == "invalid"
    assert anne_signals.empty()

    # in the same meeting, the offer reaches exactly its target
    jonas_in = await joined(jonas)
    tom_in = await joined(tom)
    assert {p["sid"] for p in tom_in["participants"]} == {anne_sid, jonas_in["sid"]}
    assert (await tom.call("meeting:signal", offer(anne_sid)))["ok"]
    got = await asyncio.wait_for(anne_signals.get(), 10)
    protocol.MeetingSignalled.model_validate(got)
    assert got == {
        "room": "space:1:meeting:space",
        "from": tom_in["sid"],
        "kind": "offer",
        "description": OFFER,
    }
    ice = {
        **SPACE,
        "to": tom_in["sid"],
        "kind": "ice",
        "candidate": {
            "candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host",
            "sdpMid": "0",
            "sdpMLineIndex": 0,
        },
    }
    assert (await anne.call("meeting:signal", ice))["ok"]


async def test_teachers_remove_lock_mute_invite_and_end(server: RunningServer, connect_as) -> None:
    anne, lea, paul, tom = [await connect_as(n) for n in ("anne", "lea", "paul", "tom")]
    lea_events = record(lea, "meeting:closed", "meeting:muted")
    await anne.call("meeting:start", SPACE)
    await joined(anne)
    await joined(lea)
    lea_id, paul_id = await user_id(server, "lea"), await user_id(server, "paul")

    assert (await paul.call("meeting:join", SPACE))["error"] == "forbidden"  # not invited
    assert (await lea.call("meeting:invite", {**SPACE, "user_id": paul_id}))["error"] == "forbidden"
    assert (await anne.call("meeting:invite", {**SPACE, "user_id": lea_id}))["error"] == "invalid"
    assert (await anne.call("meeting:invite", {**SPACE, "user_id": paul_id}))["ok"]
    await joined(paul)

    assert (await anne.call("meeting:mute", {**SPACE, "user_id": lea_id}))["ok"]
    assert (await asyncio.wait_for(lea_events["meeting:muted"].get(), 10))[
        "room"
    ] == "space:1:meeting:space"
    assert (await lea.call("meeting:remove", {**SPACE, "user_id": paul_id}))["error"] == "forbidden"

    assert (await anne.call("meeting:remove", {**SPACE, "user_id": lea_id}))["ok"]
    assert (await asyncio.wait_for(lea_events["meeting:closed"].get(), 10))["reason"] == "removed"
    assert (await lea.call("meeting:join", SPACE))["error"] == "forbidden"  # not back in this one

    assert (await anne.call("meeting:lock", {**SPACE, "locked": True}))["ok"]
    assert (await tom.call("meeting:join", SPACE))["error"] == "locked"
    assert (await anne.call("meeting:end", SPACE))["ok"]
    status = await anne.call("meeting:watch", SPACE)
    protocol.MeetingWatched.model_validate(status)
    assert status["active"] is False and status["participants"] == []

    async with server.runtime.db.read() as session:
        logged = list(
            await session.scalars(
                select(ModerationLog.action)
                .where(ModerationLog.action.like("meeting_%"))
                .order_by(ModerationLog.id)
            )
        )
    assert logged == [
        "meeting_started",
        "meeting_invited",
        "meeting_muted",
        "meeting_removed",
        "meeting_locked",
        "meeting_ended",
    ]


async def test_meeting_page_without_javascript(login) -> None:
    anne = await login("anne")
    page = await anne.get("/spaces/1/meeting")
    assert page.status_code == 200 and "Start the meeting" in page.text
    started = await anne.post(
        "/spaces/1/meeting/start", data={"csrf_token": anne.headers["X-CSRF-Token"]}
    )
    assert started.status_code == 303
    page = await anne.get("/spaces/1/meeting")
    assert "End the meeting for everyone" in page.text
    lea = await login("lea")
    assert (await lea.get("/spaces/1/meeting/teachers")).status_code == 404
    assert (await lea.get("/spaces/1/chat/general/meeting")).status_code == 200
    assert (
        await lea.post("/spaces/1/meeting/end", data={"csrf_token": lea.headers["X-CSRF-Token"]})
    ).status_code == 403


async def test_an_outside_meeting_server_gets_the_same_rules(settings) -> None:
    running = await start_server(replace(settings, meeting_url="https://meet.example.org/{room}"))
    clients = [await api_login(running.url, name) for name in ("anne", "lea", "paul", "nss-fr")]
    anne, lea, paul, outsider = clients
    try:
        assert (await lea.get("/spaces/1/meeting/go")).status_code == 403  # nothing on
        form = {"csrf_token": anne.headers["X-CSRF-Token"]}
        assert (await anne.post("/spaces/1/meeting/start", data=form)).status_code == 303
        page = await anne.get("/spaces/1/meeting")
        assert "Join the meeting (opens the meeting server)" in page.text
        went = await lea.get("/spaces/1/meeting/go")
        assert went.status_code == 303
        room = went.headers["location"].removeprefix("https://meet.example.org/")
        assert re.fullmatch("twinspace-[0-9a-f]{32}", room)  # an HMAC: nothing of the space
        assert (await paul.get("/spaces/1/meeting/go")).status_code == 403  # not invited
        assert (await outsider.get("/spaces/1/meeting/go")).status_code == 404
        assert (await lea.get("/spaces/1/meeting/teachers/go")).status_code == 404
    finally:
        for client in clients:
            await client.aclose()
        await stop_server(running)


async def test_a_member_removed_from_the_twinspace_leaves_its_meeting(
    server: RunningServer, login, connect_as
) -> None:
    anne, tom = await connect_as("anne"), await connect_as("tom")
    tom_closed = record(tom, "meeting:closed")["meeting:closed"]
    await anne.call("meeting:start", SPACE)
    await joined(anne)
    tom_sid = (await joined(tom))["sid"]
    admin = await login("anne")
    removed = await admin.delete(f"/api/v1/spaces/1/members/{await user_id(server, 'tom')}")
    assert removed.status_code == 200, removed.text
    assert (await asyncio.wait_for(tom_closed.get(), 10))["reason"] == "removed"
    status = await anne.call("meeting:watch", SPACE)
    assert tom_sid not in {p["sid"] for p in status["participants"]}


async def test_a_teacher_turned_visitor_leaves_the_teachers_meeting(
    server: RunningServer, login, connect_as
) -> None:
    anne, tina = await connect_as("anne"), await connect_as("tina")
    tina_closed = record(tina, "meeting:closed")["meeting:closed"]
    await anne.call("meeting:start", TEACHERS)
    await joined(anne, TEACHERS)
    await joined(tina, TEACHERS)
    admin = await login("anne")
    tina_id = await user_id(server, "tina")
    changed = await admin.patch(f"/api/v1/spaces/1/members/{tina_id}", json={"role": "visitor"})
    assert changed.status_code == 200, changed.text
    assert (await asyncio.wait_for(tina_closed.get(), 10))["reason"] == "removed"
    assert (await tina.call("meeting:watch", TEACHERS))["error"] == "not_found"
