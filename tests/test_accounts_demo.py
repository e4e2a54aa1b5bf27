"""Small defects of issue 19, each tried as a person would: where an NSS officer lands, the
demo's Spanish officer and the notifications of its waiting requests, plural counts, and the
forgotten-password page of an installation without a mailer."""

from __future__ import annotations

import asyncio
import logging

import httpx

from tests.conftest import RunningServer

LEGENDS = 1  # the demo's "Legends of our towns" (lucia with anne), waiting for ES and FR


async def test_an_nss_officer_lands_on_their_page(server: RunningServer):
    async with httpx.AsyncClient(base_url=server.url) as client:
        form = {"username": "nss-es", "password": "demo-pass", "next": "/"}
        answer = await client.post("/login", data=form)
        assert answer.status_code == 303 and answer.headers["location"] == "/nss"
        page = await client.get("/nss")
        assert page.status_code == 200 and "Legends of our towns" in page.text
    async with httpx.AsyncClient(base_url=server.url) as client:
        answer = await client.post("/login", data={"username": "anne", "password": "demo-pass"})
        assert answer.headers["location"] == "/"  # teachers keep the start page
        asked = {"username": "nss-fr", "password": "demo-pass", "next": "/notifications"}
        answer = await client.post("/login", data=asked)
        assert answer.headers["location"] == "/notifications"  # an asked-for page wins


async def test_the_demo_has_its_spanish_officer_and_the_waiting_notifications(
    server: RunningServer, login
):
    expected = {
        "anne": ("contact.request", "Piotr Nowak sent you a contact request."),
        "jonas": ("project.cofounder_request", "“Games of our grandparents”"),
        "lucia": ("project.cofounder_accepted", "Anne Moreau will co-found"),
        "nss-es": ("project.nss_request", "“Legends of our towns”"),
        "nss-fr": ("project.nss_request", "“Legends of our towns”"),
    }
    for username, (kind, text) in expected.items():
        client = await login(username)
        listed = (await client.get("/api/v1/notifications")).json()
        assert listed["unread"] == 1, username
        note = listed["notifications"][0]
        assert note["kind"] == kind and text in note["text"], (username, note)
    nss_es = await login("nss-es")
    queue = (await nss_es.get("/api/v1/nss/projects")).json()
    assert "Legends of our towns" in str(queue)
    validated = await nss_es.post(f"/api/v1/nss/projects/{LEGENDS}/validate")
    assert validated.status_code == 200, validated.text
    assert [c["code"] for c in validated.json()["waiting_on"]["countries"]] == ["FR"]
    me = (await (await login("anne")).get("/api/v1/me")).json()
    assert me["email"] == "anne@demo.invalid" and me["email_verified"] is True


async def test_search_counts_use_plurals(server: RunningServer, login):
    anne = await login("anne")
    one = await anne.get("/postings?q=kitchen")
    assert "1 posting found" in one.text and "1 postings" not in one.text
    many = await anne.get("/postings")
    assert "4 postings found" in many.text
    assert "0 postings found" in (await anne.get("/postings?q=zebra")).text
    assert "1 member found" in (await anne.get("/people?q=lucia")).text
    french = await anne.get("/postings?q=kitchen&lang=fr")
    assert "1 annonce trouvée" in french.text
    assert "4 annonces trouvées" in (await anne.get("/postings")).text


class _LoggedMail(logging.Handler):
    """Sets an event when the mailer writes a mail to the log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.arrived = asyncio.Event()
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(record.getMessage())
        self.arrived.set()


async def test_without_a_mailer_the_page_says_to_ask_an_administrator(server: RunningServer):
    handler = _LoggedMail()
    mailer_log = logging.getLogger("twinspace.accounts.mailer")
    mailer_log.addHandler(handler)
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            page = await client.get("/forgot-password")
            assert page.status_code == 200 and "ask an administrator" in page.text
            answer = await client.post(
                "/api/v1/password-reset", json={"email": "anne@demo.invalid"}
            )
            assert answer.status_code == 202
            assert answer.json()["mail_configured"] is False
            assert "ask an administrator" in answer.json()["message"]
            await asyncio.wait_for(handler.arrived.wait(), 10)
    finally:
        mailer_log.removeHandler(handler)
    assert "anne@demo.invalid" in handler.texts[0]
    assert "/reset-password?token=reset." in handler.texts[0]
