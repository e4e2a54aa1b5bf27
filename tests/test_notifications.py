"""Notifications through the real stack: notify() in a unit of work, the live event on the
recipient's user room only, the JSON API, the page and its forms, refusals."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import delete, func, select

from tests.conftest import RunningServer
from twinspace.accounts.models import User
from twinspace.i18n import N_
from twinspace.notifications.models import Notification
from twinspace.notifications.service import notify

REQUEST = N_("%(name)s is muted until %(time)s.")  # any catalogued message with params


@pytest.fixture(autouse=True)
async def empty_bells(server: RunningServer) -> None:
    """These tests count from an empty bell: the demo's own notifications (the requests
    that wait in it) are removed first."""
    async with server.runtime.db.unit_of_work() as uow:
        await uow.session.execute(delete(Notification))


async def _user_id(server: RunningServer, username: str) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(User.id).where(User.username == username)))


async def _notify(server: RunningServer, username: str, name: str = "Jonas", url: str = "/") -> int:
    user_id = await _user_id(server, username)
    async with server.runtime.db.unit_of_work() as uow:
        note = await notify(
            uow,
            user_id=user_id,
            kind="contact.request",
            message=REQUEST,
            params={"name": name, "time": "10:00"},
            url=url,
        )
    return note.id


async def _count(server: RunningServer) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Notification)))


async def test_notify_reaches_only_the_recipient_live(server, connect_as):
    anne, jonas = await connect_as("anne"), await connect_as("jonas")
    anne_id = await _user_id(server, "anne")
    await _notify(server, "anne")
    event = await anne.wait_for(lambda e: e["type"] == "notification.new")
    assert event["room"] == f"user:{anne_id}"
    assert event["data"]["unread"] == 1 and event["data"]["kind"] == "contact.request"
    await _notify(server, "jonas")  # jonas's own event arrives; anne's never reached him
    await jonas.wait_for(lambda e: e["type"] == "notification.new")
    assert [e["room"] for e in jonas.events] == [f"user:{await _user_id(server, 'jonas')}"]
    assert len([e for e in anne.events if e["type"] == "notification.new"]) == 1


async def test_api_lists_translated_newest_first_and_marks_read(server, login):
    first = await _notify(server, "anne", "Jonas")
    second = await _notify(server, "anne", "Léa", url="https://evil.example/")
    anne = await login("anne")
    listed = (await anne.get("/api/v1/notifications", headers={"Accept-Language": "fr"})).json()
    assert [n["id"] for n in listed["notifications"]] == [second, first]
    assert listed["unread"] == 2 and listed["more"] is False
    assert listed["notifications"][1]["text"] == "Jonas est en sourdine jusqu’à 10:00."
    assert listed["notifications"][0]["url"] is None  # only same-site links are kept

    answer = await anne.post("/api/v1/notifications/read", json={"ids": [first]})
    assert answer.status_code == 200 and answer.json()["unread"] == 1
    assert (await anne.get("/api/v1/notifications/unread")).json() == {"unread": 1}
    answer = await anne.post("/api/v1/notifications/read", json={"all": True})
    assert answer.json()["unread"] == 0


async def test_nobody_reads_or_marks_someone_elses(server, login, connect_as):
    anne_note = await _notify(server, "anne")
    jonas = await login("jonas")
    assert (await jonas.get("/api/v1/notifications")).json()["notifications"] == []
    answer = await jonas.post("/api/v1/notifications/read", json={"ids": [anne_note]})
    assert answer.status_code == 200 and answer.json()["unread"] == 0
    anne = await login("anne")
    assert (await anne.get("/api/v1/notifications/unread")).json() == {"unread": 1}


async def test_bad_input_is_refused_and_changes_nothing(server, login):
    await _notify(server, "anne")
    anne = await login("anne")
    for body in ({}, {"ids": "1"}, {"ids": [0]}, {"ids": [True]}, {"ids": list(range(1, 200))}):
        answer = await anne.post("/api/v1/notifications/read", json=body)
        assert answer.status_code == 400, body
        assert answer.json()["error"] == "invalid"
    for query in ("before=abc", "limit=-1", "before=1e3"):
        assert (await anne.get(f"/api/v1/notifications?{query}")).status_code == 400
    no_token = await anne.post(
        "/api/v1/notifications/read", json={"all": True}, headers={"X-CSRF-Token": ""}
    )
    assert no_token.status_code == 403
    assert (await anne.get("/api/v1/notifications/unread")).json() == {"unread": 1}
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        assert (await anonymous.get("/api/v1/notifications")).status_code == 401
        assert (await anonymous.get("/notifications", follow_redirects=False)).status_code in (
            302,
            303,
        )


async def test_pages_of_twenty_with_a_link_to_older(server, login):
    ids = [await _notify(server, "anne", f"Teacher {n}") for n in range(25)]
    anne = await login("anne")
    page = (await anne.get("/api/v1/notifications")).json()
    assert len(page["notifications"]) == 20 and page["more"] is True
    older = (
        await anne.get(f"/api/v1/notifications?before={page['notifications'][-1]['id']}")
    ).json()
    assert [n["id"] for n in older["notifications"]] == list(reversed(ids[:5]))
    assert older["more"] is False
    html = (await anne.get("/notifications")).text
    assert f"/notifications?before={ids[5]}" in html


async def test_bell_count_and_page_forms(server, login):
    anne = await login("anne")
    home = (await anne.get("/")).text
    assert re.search(r'class="bell__count"\s+hidden>0<', home)
    note = await _notify(server, "anne", "Jonas", url="/spaces/1")
    html = (await anne.get("/notifications")).text
    assert 'class="bell__count" >1<' in html or 'class="bell__count">1<' in html
    assert 'href="/spaces/1"' in html and "Jonas is muted until 10:00." in html
    token = anne.headers["X-CSRF-Token"]
    answer = await anne.post(
        "/notifications/read", data={"csrf_token": token, "id": str(note)}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert (await anne.get("/api/v1/notifications/unread")).json() == {"unread": 0}
    assert "No notifications yet" not in (await anne.get("/notifications")).text
    jonas = await login("jonas")
    assert "No notifications yet" in (await jonas.get("/notifications")).text
    assert await _count(server) == 1
