"""A forgotten password and a new address confirmed, through the real server and a real SMTP
server: the link is read from the received message and followed like a person would."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select, update

from tests.conftest import RunningServer
from tests.mail_support import Inbox, link_in, path_of
from tests.network_helpers import person
from tests.support import api_login
from twinspace.accounts.models import LoginAttempt, User
from twinspace.accounts.tokens import make_token
from twinspace.settings import Settings

NEW_PASSWORD = "rivers-and-bridges-42"
POSTING = {
    "title": "Weather diaries",
    "subjects": ["science"],
    "languages": ["fr", "en"],
    "age_min": 10,
    "age_max": 12,
    "description": "Compare the weather of two towns for a year.",
}


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    box = Inbox().start()
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    return dataclasses.replace(
        settings, smtp_url=inbox.url, mail_from="TwinSpace <ts@test.invalid>"
    )


async def _user(server: RunningServer, username: str) -> User:
    async with server.runtime.db.read() as session:
        user = await session.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


async def test_forgotten_password_by_mail_ends_every_session(server: RunningServer, inbox: Inbox):
    old_session = await api_login(server.url, "jonas")
    assert (await old_session.get("/api/v1/me")).status_code == 200
    async with httpx.AsyncClient(base_url=server.url) as browser:
        login_page = (await browser.get("/login")).text
        assert 'href="/forgot-password"' in login_page
        asked = await browser.post("/forgot-password", data={"email": "Jonas@Demo.invalid "})
        assert asked.status_code == 200 and "we have sent it a link" in asked.text
        mail = await inbox.next()
        assert mail["To"] == "jonas@demo.invalid" and mail["From"] == "TwinSpace <ts@test.invalid>"
        link = link_in(mail)
        assert link.startswith(server.url + "/reset-password?token=")

        form = await browser.get(path_of(link))
        assert form.status_code == 200 and "jonas" in form.text
        token = link.split("token=")[1]
        mismatch = await browser.post(
            "/reset-password",
            data={"token": token, "password": NEW_PASSWORD, "password_again": "other-words-99"},
        )
        assert mismatch.status_code == 400 and "not the same" in mismatch.text
        weak = await browser.post(
            "/reset-password", data={"token": token, "password": "short", "password_again": "short"}
        )
        assert weak.status_code == 400 and "at least 10 characters" in weak.text
        done = await browser.post(
            "/reset-password",
            data={"token": token, "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
        )
        assert done.status_code == 200 and "logged out everywhere" in done.text

        again = await browser.post(
            "/reset-password",
            data={"token": token, "password": "yet-another-one-7", "password_again": "x"},
        )
        assert again.status_code == 400 and "used already" in again.text  # one time only
    assert (await old_session.get("/api/v1/me")).status_code == 401  # every session ended
    await old_session.aclose()
    refused = await httpx.AsyncClient(base_url=server.url).post(
        "/api/v1/session", json={"username": "jonas", "password": "demo-pass"}
    )
    assert refused.status_code == 401
    fresh = await api_login(server.url, "jonas", NEW_PASSWORD)
    await fresh.aclose()


async def test_same_answer_whether_or_not_the_account_exists(server: RunningServer, inbox: Inbox):
    lea = await _user(server, "lea")
    async with server.runtime.db.unit_of_work() as uow:  # even a pupil with an address
        await uow.session.execute(
            update(User).where(User.id == lea.id).values(email="lea@demo.invalid")
        )
    async with httpx.AsyncClient(base_url=server.url) as client:
        answers = [
            await client.post("/api/v1/password-reset", json={"email": address})
            for address in ("nobody@demo.invalid", "lea@demo.invalid", "anne@demo.invalid")
        ]
        bad = await client.post("/api/v1/password-reset", json={"email": "not an address"})
    assert {a.status_code for a in answers} == {202}
    assert len({a.text for a in answers}) == 1  # nothing tells the three apart
    assert answers[0].json()["mail_configured"] is True
    assert bad.status_code == 400 and bad.json()["error"] == "invalid"
    mail = await inbox.next()
    assert mail["To"] == "anne@demo.invalid"  # the pupil's request sent nothing
    assert inbox.queue.empty()
    async with server.runtime.db.read() as session:
        keys = set(await session.scalars(select(LoginAttempt.key)))
    assert f"reset-user:{lea.id}" not in keys


async def test_requests_are_limited_per_address_and_per_account(
    server: RunningServer, inbox: Inbox
):
    async with httpx.AsyncClient(base_url=server.url) as client:
        codes = [
            (await client.post("/api/v1/password-reset", json={"email": "anne@demo.invalid"}))
            for _ in range(4)
        ]
        assert [c.status_code for c in codes] == [202, 202, 202, 429]
        assert codes[3].json()["error"] == "rate_limited"
        for _ in range(3):
            await inbox.next()
        # A different spelling is another address but the same account: no fourth mail,
        # and the same answer as ever.
        other = await client.post("/api/v1/password-reset", json={"email": "ANNE@demo.invalid "})
        assert other.status_code == 429  # same address once folded
    async with server.runtime.db.read() as session:
        anne = await session.scalar(select(User).where(User.username == "anne"))
        count = len(
            list(
                await session.scalars(
                    select(LoginAttempt).where(LoginAttempt.key == f"reset-user:{anne.id}")
                )
            )
        )
    assert count == 3
    assert inbox.queue.empty()


async def test_expired_or_forged_links_are_refused(server: RunningServer):
    anne = await _user(server, "anne")
    secret = server.runtime.settings.secret_key
    fingerprint = f"{anne.password_hash}|anne@demo.invalid|True"
    expired = make_token(secret, "reset", anne.id, fingerprint, 3600, now=time.time() - 3700)
    forged = make_token("another-secret", "reset", anne.id, fingerprint, 3600)
    wrong_kind = make_token(secret, "verify", anne.id, "anne@demo.invalid", 3600)
    async with httpx.AsyncClient(base_url=server.url) as client:
        for token in (expired, forged, wrong_kind, "", "x" * 400):
            page = await client.get("/reset-password", params={"token": token})
            assert page.status_code == 400 and "expired" in page.text
            answer = await client.post(
                "/api/v1/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
            )
            assert answer.status_code == 400
        valid = make_token(secret, "reset", anne.id, fingerprint, 3600)
        weak = await client.post(
            "/api/v1/password-reset/confirm", json={"token": valid, "password": "anne-pass"}
        )
        assert weak.status_code == 400 and "password" in weak.json()["fields"]
        ok = await client.post(
            "/api/v1/password-reset/confirm", json={"token": valid, "password": NEW_PASSWORD}
        )
        assert ok.status_code == 200
    assert (await _user(server, "anne")).password_hash != anne.password_hash


async def test_new_address_is_confirmed_before_reaching_out(server: RunningServer, inbox: Inbox):
    async with httpx.AsyncClient(base_url=server.url) as client:
        body = person("marie", "FR", "Lycée du Parc", "Lyon", email="marie@school.invalid")
        answer = await client.post("/api/v1/register", json=body)
        assert answer.status_code == 201, answer.text
        assert answer.json()["user"]["email_verified"] is False
        client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        home = (await client.get("/")).text
        assert "Confirm your e-mail address" in home and "/verify-email/resend" in home

        refused = await client.post("/api/v1/postings", json=POSTING)
        assert refused.status_code == 403 and "Confirm your e-mail" in refused.json()["message"]
        jonas = await _user(server, "jonas")
        asked = await client.post("/api/v1/contact-requests", json={"user_id": jonas.id})
        assert asked.status_code == 403

        first = await inbox.next()
        assert first["To"] == "marie@school.invalid"
        resent = await client.post("/api/v1/email-verification")
        assert resent.status_code == 202
        link = link_in(await inbox.next())
        confirmed = await client.get(path_of(link))
        assert (
            confirmed.status_code == 200 and "marie@school.invalid is confirmed" in confirmed.text
        )
        me = (await client.get("/api/v1/me")).json()
        assert me["email_verified"] is True
        assert "/verify-email/resend" not in (await client.get("/")).text
        assert (await client.post("/api/v1/postings", json=POSTING)).status_code == 201
        again = await client.post("/api/v1/email-verification")
        assert again.status_code == 400  # confirmed already
        # the first link still confirms (the same address), a forged one does not
        assert (await client.get(path_of(link_in(first)))).status_code == 200
        forged = link.replace("token=verify.", "token=verify.9")
        assert (await client.get(path_of(forged))).status_code == 400
