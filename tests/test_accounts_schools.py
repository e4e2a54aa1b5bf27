"""School records: checked at registration (the form keeps what was typed), one school per
national number within a country, corrected later by the school's own members only."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from tests.conftest import RunningServer
from tests.network_helpers import person, register
from twinspace.accounts.models import School


async def _school_count(server: RunningServer) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(School)))


async def test_wrong_school_fields_are_named_and_the_form_keeps_them(server: RunningServer):
    before = await _school_count(server)
    form = {
        **person("sofia", "FR", "Collège des Ponts", "Nancy"),
        "school_id": "new",
        "school_address": "",
        "school_number": "?!",
        "school_phone": "call me",
        "school_email": "secretariat@",
        "school_head_email": "head@college.invalid",
    }
    async with httpx.AsyncClient(base_url=server.url) as client:
        page = await client.post("/register", data=form)
        api = await client.post("/api/v1/register", json=form)
    assert page.status_code == 400
    for field in ("school_address", "school_number", "school_phone", "school_email"):
        assert f'id="{field}-error"' in page.text, field
        assert field in api.json()["fields"]
    assert "school_head_email" not in api.json()["fields"]
    assert 'value="call me"' in page.text and 'value="head@college.invalid"' in page.text
    assert 'value="Collège des Ponts"' in page.text
    assert await _school_count(server) == before


async def test_an_existing_national_number_joins_that_school(server: RunningServer):
    first = await register(
        server,
        **person(
            "sofia",
            "FR",
            "Collège des Ponts",
            "Nancy",
            school_number="0541234X",
            school_phone="+33 3 83 00 00 00",
            school_email="ce.0541234x@ac.invalid",
        ),
    )
    school_id = (await first.get(f"/api/v1/members/{first.user_id}")).json()["school"]["id"]
    record = (await first.get(f"/api/v1/schools/{school_id}")).json()
    assert record["national_number"] == "0541234X"
    assert record["address"] == "1 rue de l'École, Nancy"
    assert record["phone"] == "+33 3 83 00 00 00"
    before = await _school_count(server)
    colleague = await register(
        server,
        **person(
            "marc", "FR", "Clg des ponts (Nancy)", "Nancy", school_number="0541 234x"
        ),  # another spelling, the same number: the same school
    )
    joined = (await colleague.get(f"/api/v1/members/{colleague.user_id}")).json()
    assert joined["school"]["id"] == school_id and joined["school"]["name"] == "Collège des Ponts"
    abroad = await register(
        server, **person("greta", "DE", "Schule", "Bonn", school_number="0541234X")
    )
    other = (await abroad.get(f"/api/v1/members/{abroad.user_id}")).json()
    assert other["school"]["id"] != school_id  # numbers are unique within a country only
    assert await _school_count(server) == before + 1


async def test_members_of_the_school_correct_its_record(server: RunningServer, login):
    sofia = await register(server, **person("sofia", "FR", "Collège des Ponts", "Nancy"))
    school_id = (await sofia.get(f"/api/v1/members/{sofia.user_id}")).json()["school"]["id"]
    changed = await sofia.patch(
        f"/api/v1/schools/{school_id}",
        json={"school_phone": "03 83 11 22 33", "school_head_email": "Principal@College.invalid"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["head_email"] == "principal@college.invalid"
    wrong = await sofia.patch(f"/api/v1/schools/{school_id}", json={"school_number": ""})
    assert wrong.status_code == 400 and "school_number" in wrong.json()["fields"]
    # anne's school (the demo's Collège Victor Hugo) has no number yet: sofia may not take
    # its record, nor read it
    anne = await login("anne")
    anne_school = (await anne.get("/api/v1/me")).json()
    demo_school = (await anne.get(f"/api/v1/members/{anne_school['id']}")).json()["school"]["id"]
    assert (await sofia.get(f"/api/v1/schools/{demo_school}")).status_code == 404
    assert (await sofia.patch(f"/api/v1/schools/{demo_school}", json={})).status_code == 404
    assert (await anne.get(f"/api/v1/schools/{school_id}")).status_code == 404
    # the page: a wrong field is named and what was typed stays
    page = await anne.get("/school")
    assert page.status_code == 200 and 'value="Collège Victor Hugo"' in page.text
    token = anne.headers["X-CSRF-Token"]
    own_number = (await sofia.get(f"/api/v1/schools/{school_id}")).json()["national_number"]
    taken = await anne.post(
        "/school",
        data={
            "csrf_token": token,
            "school_name": "Collège Victor Hugo",
            "school_city": "Lyon",
            "school_address": "3 place Bellecour\n69002 Lyon",
            "school_number": own_number,
            "school_phone": "04 72 00 00 00",
        },
    )
    assert taken.status_code == 400 and "Another school of your country" in taken.text
    assert "3 place Bellecour\n69002 Lyon" in taken.text
    saved = await anne.post(
        "/school",
        data={
            "csrf_token": token,
            "school_name": "Collège Victor Hugo",
            "school_city": "Lyon",
            "school_address": "3 place Bellecour\n69002 Lyon",
            "school_number": "0691234a",
        },
    )
    assert saved.status_code == 200 and "record is saved" in saved.text
    record = (await anne.get(f"/api/v1/schools/{demo_school}")).json()
    assert record["national_number"] == "0691234A" and record["address"].endswith("69002 Lyon")
    nss = await login("nss-fr")
    assert (await nss.get("/school")).status_code == 404
