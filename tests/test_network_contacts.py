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
    marta, jonas = await login("marta"), await login("jonas")
    jonas_live = await connect_as("jonas")
    jonas_id, marta_id = await user_id(server, "jonas"), await user_id(server, "marta")
    sent = await marta.post(
        "/api/v1/contact-requests", json={"user_id": jonas_id, "message": "¡Hola Jonas!"}
    )
    assert sent.status_code == 201, sent.text
    event = await jonas_live.wait_for(lambda e: e["type"] == "notification.new")
    assert event["room"] == f"user:{jonas_id}"
    assert event["data"]["kind"] == "contact.request" and event["data"]["unread"] == 1
    notes = (await jonas.get("/api/v1/notifications")).json()
    assert "Marta García sent you a contact request." in str(notes)
    book = (await jonas.get("/api/v1/contacts")).json()
    assert [r["member"]["username"] for r in book["incoming"]] == ["marta"]
    assert book["incoming"][0]["message"] == "¡Hola Jonas!"
    state = (await marta.get(f"/api/v1/members/{jonas_id}")).json()["contact"]
    assert state["state"] == "sent"
    accepted = await jonas.post(f"/api/v1/contact-requests/{sent.json()['id']}/accept")
    assert accepted.status_code == 200
    assert "jonas" in [
        m["username"] for m in (await marta.get("/api/v1/contacts")).json()["contacts"]
    ]
    assert (await marta.get(f"/api/v1/members/{jonas_id}")).json()["contact"]["state"] == "contact"
    async with server.runtime.db.read() as session:
        told = await session.scalar(
            select(Notification).where(
                Notification.user_id == marta_id, Notification.kind == "contact.accepted"
            )
        )
    assert told is not None
    removed = await marta.delete(f"/api/v1/contacts/{jonas_id}")
    assert removed.status_code == 200
    left = (await jonas.get("/api/v1/contacts")).json()["contacts"]
    assert [m["username"] for m in left] == ["anne"]
    assert (await marta.delete(f"/api/v1/contacts/{jonas_id}")).status_code == 404


async def test_declined_requests_can_be_sent_again(server: RunningServer, login):
    marta, jonas = await login("marta"), await login("jonas")
    jonas_id = await user_id(server, "jonas")
    first = await marta.post("/api/v1/contact-requests", json={"user_id": jonas_id})
    assert (
        await jonas.post(f"/api/v1/contact-requests/{first.json()['id']}/decline")
    ).status_code == 200
    assert (await marta.get(f"/api/v1/members/{jonas_id}")).json()["contact"]["state"] == "none"
    again = await marta.post("/api/v1/contact-requests", json={"user_id": jonas_id})
    assert again.status_code == 201


async def test_forged_and_repeated_requests_change_nothing(server: RunningServer, login):
    anne, jonas, piotr, marta = (
        await login("anne"),
        await login("jonas"),
        await login("piotr"),
        await login("marta"),
    )
    ids = {
        name: await user_id(server, name) for name in ("anne", "jonas", "lea", "nss-fr", "piotr")
    }
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
            marta.post(
                "/api/v1/contact-requests", json={"user_id": ids["jonas"], "message": "x" * 1001}
            ),
            400,
        ),
        (
            marta.post(
                "/api/v1/contact-requests", json={"user_id": ids["jonas"], "message": {"a": 1}}
            ),
            400,
        ),
        (jonas.delete(f"/api/v1/contacts/{ids['piotr']}"), 404),  # not contacts
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

    assert await names("q=garcia") == ["marta"]  # accents folded
    assert await names("q=KRAKOW") == ["piotr"]
    assert await names("q=Gesamtschule") == ["jonas"]
    assert await names("q=allemagne") == ["jonas"]  # the country's French name too
    assert await names("country=PL") == ["piotr"]
    assert await names("q=nss") == []
    assert "paul" in await names("")  # platform members are listed, with eligible false
    paul = [m for m in (await anne.get("/api/v1/members?q=paul")).json()["members"]]
    assert paul[0]["eligible"] is False


async def test_contact_pages_work_without_javascript(server: RunningServer, login):
    anne, jonas = await login("anne"), await login("jonas")
    token = jonas.headers["X-CSRF-Token"]
    piotr_id = await user_id(server, "piotr")
    profile = await jonas.get(f"/members/{piotr_id}")
    assert profile.status_code == 200 and "Send a contact request" in profile.text
    assert "Szkoła Podstawowa nr 12" in profile.text and "Kraków" in profile.text
    sent = await jonas.post(
        f"/members/{piotr_id}/contact", data={"csrf_token": token, "message": "Hallo"}
    )
    assert sent.status_code == 303
    assert "waiting for an answer" in (await jonas.get(f"/members/{piotr_id}")).text
    page = await anne.get("/contacts")
    assert "Piotr Nowak" in page.text and "Accept" in page.text
    request_id = (await anne.get("/api/v1/contacts")).json()["incoming"][0]["id"]
    accepted = await anne.post(
        f"/contacts/requests/{request_id}/accept", data={"csrf_token": anne.headers["X-CSRF-Token"]}
    )
    assert accepted.status_code == 303
    assert "Piotr Nowak" in (await anne.get("/contacts")).text
    removed = await anne.post(
        f"/contacts/{piotr_id}/remove", data={"csrf_token": anne.headers["X-CSRF-Token"]}
    )
    assert removed.status_code == 303


async def test_two_people_asking_each_other_at_once(server: RunningServer, login):
    import asyncio

    marta, jonas = await login("marta"), await login("jonas")
    ids = {n: await user_id(server, n) for n in ("marta", "jonas")}
    answers = await asyncio.gather(
        marta.post("/api/v1/contact-requests", json={"user_id": ids["jonas"]}),
        jonas.post("/api/v1/contact-requests", json={"user_id": ids["marta"]}),
    )
    assert sorted(a.status_code for a in answers) == [201, 409]
    book = (await marta.get("/api/v1/contacts")).json()
    assert len(book["incoming"]) + len(book["outgoing"]) == 1
