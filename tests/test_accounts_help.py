"""The public help page: guides, each country's NSS contacts (only the officers who chose to
be listed) and ambassadors (managed by site administrators); who may change what."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.support import api_login
from twinspace.accounts.models import User, UserKind
from twinspace.accounts.passwords import PasswordService


async def _admin(server: RunningServer) -> httpx.AsyncClient:
    async with server.runtime.db.unit_of_work() as uow:
        uow.session.add(
            User(
                username="root",
                display_name="Site admin",
                kind=UserKind.ADMIN.value,
                password_hash=PasswordService().hash_sync("demo-pass"),
            )
        )
    return await api_login(server.url, "root")


async def test_public_help_lists_guides_and_listed_contacts(server: RunningServer):
    async with httpx.AsyncClient(base_url=server.url) as visitor:
        home = (await visitor.get("/")).text
        assert 'href="/help"' in home  # header and footer
        page = await visitor.get("/help")
        assert page.status_code == 200
        assert "NSS France" in page.text and "nss-fr@demo.invalid" in page.text
        assert "Carmen Ruiz" in page.text and "Andalucía" in page.text
        assert "NSS Deutschland" not in page.text  # not listed: nothing shown
        spain = await visitor.get("/help?country=ES")
        assert "Carmen Ruiz" in spain.text and "NSS France" not in spain.text
        empty = await visitor.get("/help?country=PL")
        assert "No contact is listed for this country yet" in empty.text
        data = (await visitor.get("/api/v1/help?country=FR")).json()
        assert data["countries"][0]["nss"][0]["email"] == "nss-fr@demo.invalid"
        assert {g["slug"] for g in data["guides"]} >= {"getting-started", "projects"}
        for guide in data["guides"]:
            shown = await visitor.get(guide["url"], headers={"Accept-Language": "fr"})
            assert shown.status_code == 200 and "<h1>" in shown.text
        assert (await visitor.get("/help/nothing-here")).status_code == 404
        french = await visitor.get("/help?lang=fr")
        assert "Aide et contacts" in french.text


async def test_an_officer_lists_and_unlists_their_card(server: RunningServer, login):
    officer = await login("nss-de")
    form = await officer.get("/help/card")
    assert form.status_code == 200 and 'name="listed"' in form.text
    bad = await officer.put("/api/v1/help/card", json={"listed": True, "email": "", "phone": "x"})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"phone"}
    nothing = await officer.put("/api/v1/help/card", json={"listed": True})
    assert nothing.status_code == 400 and "email" in nothing.json()["fields"]
    saved = await officer.put(
        "/api/v1/help/card",
        json={"listed": True, "email": "Hilfe@nss.invalid", "note": "Mo–Fr"},
    )
    assert saved.status_code == 200 and saved.json()["email"] == "hilfe@nss.invalid"
    assert "hilfe@nss.invalid" in (await officer.get("/help")).text
    page = await officer.post(
        "/help/card",
        data={"csrf_token": officer.headers["X-CSRF-Token"], "email": "hilfe@nss.invalid"},
    )
    assert page.status_code == 200 and "Your help card is saved" in page.text
    assert "hilfe@nss.invalid" not in (await officer.get("/help")).text
    teacher = await login("anne")
    refused = await teacher.put("/api/v1/help/card", json={"listed": True, "email": "a@b.invalid"})
    assert refused.status_code == 403
    assert (await teacher.get("/help/card")).status_code == 404  # hidden area (#15)


async def test_site_administrators_manage_ambassadors(server: RunningServer, login):
    admin = await _admin(server)
    page = await admin.get("/admin/ambassadors")
    assert page.status_code == 200 and "Carmen Ruiz" in page.text
    wrong = await admin.post(
        "/admin/ambassadors",
        data={"csrf_token": admin.headers["X-CSRF-Token"], "country": "XX", "name": "Ola"},
    )
    assert wrong.status_code == 400
    assert 'id="country-error"' in wrong.text and 'id="email-error"' in wrong.text
    assert 'value="Ola"' in wrong.text
    added = await admin.post(
        "/api/v1/ambassadors",
        json={"country": "pl", "name": "Ola Kowalska", "email": "ola@demo.invalid"},
    )
    assert added.status_code == 201, added.text
    assert "Ola Kowalska" in (await admin.get("/help?country=PL")).text
    teacher = await login("anne")
    assert (await teacher.post("/api/v1/ambassadors", json={})).status_code == 403
    ambassador_id = added.json()["id"]
    assert (await teacher.delete(f"/api/v1/ambassadors/{ambassador_id}")).status_code == 403
    removed = await admin.post(
        f"/admin/ambassadors/{ambassador_id}/remove",
        data={"csrf_token": admin.headers["X-CSRF-Token"]},
    )
    assert removed.status_code == 303
    assert "Ola Kowalska" not in (await admin.get("/help")).text
    assert (await admin.delete(f"/api/v1/ambassadors/{ambassador_id}")).status_code == 404
    async with server.runtime.db.read() as session:
        assert await session.scalar(select(User.id).where(User.username == "root")) is not None
