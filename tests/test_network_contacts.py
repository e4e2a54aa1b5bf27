"""Contacts: a request with a message, the other side notified live, accept or decline,
list and remove; forged and repeated requests answered with a clear 4xx and no change."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import RunningServer
from tests.network_helpers import snapshot
from twinspace.accounts.models import User
from twinspace.notifications.models import Notification


async def user_id(server: RunningServer, username: str) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(User.id).where(User.username == username)))


async def test_request_is_notified_live_then_accepted(server: RunningServer, login, connect_as):
    lucia, jonas = await login("lucia"), await login("jonas")
    jonas_live = await connect_as("jonas")
    jonas_id, lucia_id = await user_id(server, "jonas"), await user_id(server, "lucia")
    sent = await lucia.post(
        "/api/v1/contact-requests", json={"user_id": jonas_id, "message": "¡Hola Jonas!"}
    )
    assert sent.status_code == 201, sent.text
    event = await jonas_live.wait_for(lambda e: e["type"] == "notification.new")
    assert event["room"] == f"user:{jonas_id}"
    # unread: this one and the demo's co-founder request from piotr
    assert event["data"]["kind"] == "contact.request" and event["data"]["unread"] == 2
    notes = (await jonas.get("/api/v1/notifications")).json()
    assert "Lucía García sent you a contact request." in str(notes)
    book = (await jonas.get("/api/v1/contacts")).json()
    assert [r["member"]["username"] for r in book["incoming"]] == ["lucia"]
    assert book["incoming"][0]["message"] == "¡Hola Jonas!"
    state = (await lucia.get(f"/api/v1/members/{jonas_id}")).json()["contact"]
    assert state["state"] == "sent"
    accepted = await jonas.post(f"/api/v1/contact-requests/{sent.json()['id']}/accept")
    assert accepted.status_code == 200
    assert "jonas" in [
        m["username"] for m in (await lucia.get("/api/v1/contacts")).json()["contacts"]
    ]
    assert (await lucia.get(f"/api/v1/members/{jonas_id}")).json()["contact"]["state"] == "contact"
    async with server.runtime.db.read() as session:
        told = await session.scalar(
            select(Notification).where(
                Notification.user_id == lucia_id, Notification.kind == "contact.accepted"
            )
        )
    assert told is not None
    removed = await lucia.delete(f"/api/v1/contacts/{jonas_id}")
    assert removed.status_code == 200
    left = (await jonas.get("/api/v1/contacts")).json()["contacts"]
    assert [m["username"] for m in left] == ["anne", "piotr"]
    assert (await lucia.delete(f"/api/v1/contacts/{jonas_id}")).status_code == 404


async def test_declined_requests_can_be_sent_again(server: RunningServer, login):
    lucia, jonas = await login("lucia"), await login("jonas")
    jonas_id = await user_id(server, "jonas")
    first = await lucia.post("/api/v1/contact-requests", json={"user_id": jonas_id})
    assert (
        await jonas.post(f"/api/v1/contact-requests/{first.json()['id']}/decline")
    ).status_code == 200
    assert (await lucia.get(f"/api/v1/members/{jonas_id}")).json()["contact"]["state"] == "none"
    again = await lucia.post("/api/v1/contact-requests", json={"user_id": jonas_id})
    assert again.status_code == 201


async def test_forged_and_repeated_requests_change_nothing(server: RunningServer, login):
    anne, jonas, piotr, lucia = (
        await login("anne"),
        await login("jonas"),
        await login("piotr"),
        await login("lucia"),
    )
    ids = {
        name: await user_id(server, name)
        for name in ("anne", "jonas", "lea", "nss-fr", "piotr", "lucia")
    }
    nss = await login("nss-fr")
    incoming = (await anne.get("/api/v1/contacts")).json()["incoming"]
    piotr_request = incoming[0]["id"]  # the demo's request from Piotr to Anne
    before = await snapshot(server)
    cases = [
        (jonas.post(f"/api/v1/contact-requests/{piotr_request}/accept"), 404),  # not his
        (piotr.post(f"/api/v1/contact-requests/{piotr_request}/accept"), 404),  # own request
        (anne.post(f"/api/v1/contact-requests/{piotr_request}/maybe"), 404),
        (anne.post("/api/v1/contact-requests/99999/accept"), 404),
        (piotr.post("/api/v1/contact-requests", json={"user_id": ids["anne"]}), 409),  # waiting
        (anne.post("/api/v1/contact-requests", json={"user_id": ids["piotr"]}), 409),  # answer it
        (anne.post("/api/v1/contact-requests", json={"user_id": ids["jonas"]}), 409),  # contacts
        (anne.post("/api/v1/contact-requests", json={"user_id": ids["anne"]}), 400),  # self
        (anne.post("/api/v1/contact-requests", json={"user_id": ids["lea"]}), 404),  # a pupil
        (anne.post("/api/v1/contact-requests", json={"user_id": ids["nss-fr"]}), 404),
        (anne.post("/api/v1/contact-requests", json={"user_id": "2"}), 400),
        (anne.post("/api/v1/contact-requests", json={"user_id": True}), 400),
        (anne.post("/api/v1/contact-requests", json={"user_id": 99999}), 404),
        (
            lucia.post(
                "/api/v1/contact-requests", json={"user_id": ids["jonas"], "message": "x" * 1001}
            ),
            400,
        ),
        (
            lucia.post(
                "/api/v1/contact-requests", json={"user_id": ids["jonas"], "message": {"a": 1}}
            ),
            400,
        ),
        (nss.post("/api/v1/contact-requests", json={"user_id": ids["anne"]}), 403),
        (jonas.delete(f"/api/v1/contacts/{ids['lucia']}"), 404),  # not contacts
        (jonas.delete(f"/api/v1/contact-requests/{piotr_request}"), 404),  # not his to cancel
    ]
    for call, status in cases:
        answer = await call
        assert answer.status_code == status, answer.text
        assert answer.json()["ok"] is False and answer.json()["message"]
    assert await snapshot(server) == before
    # answering once works, twice is a conflict
    assert (await anne.post(f"/api/v1/contact-requests/{piotr_request}/accept")).status_code == 200
    after_accept = await snapshot(server)
    twice = await anne.post(f"/api/v1/contact-requests/{piotr_request}/decline")
    assert twice.status_code == 409
    assert await snapshot(server) == after_accept


async def test_people_search_by_name_school_city_and_country(server: RunningServer, login):
    anne = await login("anne")

    async def names(query: str) -> list[str]:
        answer = await anne.get(f"/api/v1/members?{query}")
        assert answer.status_code == 200
        return [m["username"] for m in answer.json()["members"]]

    assert await names("q=garcia") == ["lucia"]  # accents folded
    assert await names("q=KRAKOW") == ["piotr"]
    assert await names("q=Gesamtschule") == ["jonas"]
    assert await names("q=allemagne") == ["jonas"]  # the country's French name too
    assert await names("country=PL") == ["piotr"]
    assert await names("q=nss") == []
    assert "paul" not in await names("")  # a TwinSpace visitor, not in the network


async def test_contact_pages_work_without_javascript(server: RunningServer, login):
    lucia, jonas = await login("lucia"), await login("jonas")
    token = jonas.headers["X-CSRF-Token"]
    lucia_id = await user_id(server, "lucia")
    profile = await jonas.get(f"/members/{lucia_id}")
    assert profile.status_code == 200 and "Send a contact request" in profile.text
    assert "IES Guadalquivir" in profile.text and "Sevilla" in profile.text
    sent = await jonas.post(
        f"/members/{lucia_id}/contact", data={"csrf_token": token, "message": "Hallo"}
    )
    assert sent.status_code == 303
    assert "waiting for an answer" in (await jonas.get(f"/members/{lucia_id}")).text
    page = await lucia.get("/contacts")
    assert "Jonas Becker" in page.text and "Accept" in page.text
    request_id = (await lucia.get("/api/v1/contacts")).json()["incoming"][0]["id"]
    mine = {"csrf_token": lucia.headers["X-CSRF-Token"]}
    accepted = await lucia.post(f"/contacts/requests/{request_id}/accept", data=mine)
    assert accepted.status_code == 303
    assert "Jonas Becker" in (await lucia.get("/contacts")).text
    jonas_id = await user_id(server, "jonas")
    removed = await lucia.post(f"/contacts/{jonas_id}/remove", data=mine)
    assert removed.status_code == 303
    assert "Jonas Becker" not in (await lucia.get("/contacts")).text


async def test_two_people_asking_each_other_at_once(server: RunningServer, login):
    import asyncio

    lucia, jonas = await login("lucia"), await login("jonas")
    ids = {n: await user_id(server, n) for n in ("lucia", "jonas")}
    answers = await asyncio.gather(
        lucia.post("/api/v1/contact-requests", json={"user_id": ids["jonas"]}),
        jonas.post("/api/v1/contact-requests", json={"user_id": ids["lucia"]}),
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    book = (await lucia.get("/api/v1/contacts")).json()
    assert len(book["incoming"]) + len(book["outgoing"]) == 1


async def test_requests_waiting_for_an_answer_are_limited(
    server: RunningServer, login, monkeypatch
):
    from tests.network_helpers import teacher
    from twinspace.network import contacts

    piotr = await login("piotr")
    targets = []
    for number in range(3):
        target = await teacher(server, f"target{number}", "IT")
        targets.append(target.user_id)
        await target.aclose()
    monkeypatch.setattr(contacts, "PENDING_MAX", 3)  # piotr's request to anne (demo) + 2 more
    for user in targets[:2]:
        answer = await piotr.post("/api/v1/contact-requests", json={"user_id": user})
        assert answer.status_code == 201
    before = await snapshot(server)
    over = await piotr.post("/api/v1/contact-requests", json={"user_id": targets[2]})
    assert over.status_code == 429 and over.json()["error"] == "rate_limited"
    assert await snapshot(server) == before
