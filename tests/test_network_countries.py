"""The site administrator marks countries eligible or not, and adds countries; nobody
else may, and a teacher of a country made ineligible no longer founds projects."""

from __future__ import annotations

from tests.conftest import RunningServer
from tests.network_helpers import snapshot
from tests.support import api_login
from twinspace.accounts.models import Country, User


async def make_admin(server: RunningServer) -> None:
    async with server.runtime.db.unit_of_work() as uow:
        uow.session.add(
            User(
                username="root",
                display_name="Site admin",
                kind="admin",
                password_hash=server.runtime.passwords.hash_sync("demo-pass"),
            )
        )


async def eligible(server: RunningServer, code: str) -> bool | None:
    async with server.runtime.db.read() as session:
        country = await session.get(Country, code)
        return None if country is None else country.eligible


async def test_only_the_site_admin_changes_countries(server: RunningServer, login):
    await make_admin(server)
    admin = await api_login(server.url, "root")
    anne, nss = await login("anne"), await login("nss-fr")
    before = await snapshot(server)
    for client in (anne, nss):
        assert (
            await client.patch("/api/v1/countries/FR", json={"eligible": False})
        ).status_code == 403
        assert (
            await client.post("/api/v1/countries", json={"code": "AU", "name": "Australia"})
        ).status_code == 403
        assert (await client.get("/admin/countries")).status_code == 404
    assert await snapshot(server) == before and await eligible(server, "FR") is True
    for body, status in (({"eligible": "no"}, 400), ({}, 400)):
        assert (await admin.patch("/api/v1/countries/FR", json=body)).status_code == status
    assert (await admin.patch("/api/v1/countries/ZZ", json={"eligible": True})).status_code == 404
    assert (await admin.patch("/api/v1/countries/GB", json={"eligible": True})).status_code == 200
    assert await eligible(server, "GB") is True
    added = await admin.post(
        "/api/v1/countries", json={"code": "au", "name": "Australia", "eligible": False}
    )
    assert added.status_code == 201 and await eligible(server, "AU") is False
    assert (
        await admin.post("/api/v1/countries", json={"code": "AU", "name": "Again"})
    ).status_code == 409
    assert (
        await admin.post("/api/v1/countries", json={"code": "AUS", "name": "x"})
    ).status_code == 400
    listed = (await anne.get("/api/v1/countries")).json()["countries"]
    assert {"code": "AU", "name": "Australia", "eligible": False} in listed
    page = await admin.get("/admin/countries")
    assert page.status_code == 200 and "Mark not eligible" in page.text
    token = admin.headers["X-CSRF-Token"]
    done = await admin.post(
        "/admin/countries", data={"csrf_token": token, "code": "FR", "eligible": "false"}
    )
    assert done.status_code == 303 and await eligible(server, "FR") is False
    assert (await anne.post("/api/v1/projects", json={})).status_code == 403
    assert (await anne.get("/api/v1/members/1")).json()["eligible"] is False
