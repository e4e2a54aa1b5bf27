"""Registering through the API and the page: eTwinners and platform members, one clear
message per wrong field, throttling, and nothing written when it is refused."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.network_helpers import PASSWORD, person, register, snapshot
from twinspace.accounts.models import School, User


async def test_a_teacher_registers_creates_a_school_and_is_logged_in(server: RunningServer):
    client = await register(server, **person("marie", "FR", "École Jean Moulin", "Nantes"))
    me = (await client.get("/api/v1/me")).json()
    assert me["username"] == "marie" and me["kind"] == "teacher" and me["country"] == "FR"
    profile = (await client.get(f"/api/v1/members/{me['id']}")).json()
    assert profile["eligible"] is True
    assert profile["school"]["name"] == "École Jean Moulin"
    # the same school (its national number typed differently) is joined instead of doubled
    number = person("marie", "FR", "École Jean Moulin", "Nantes")["school_number"]
    other = await register(
        server,
        **person(
            "paulo",
            "FR",
            "ecole jean moulin",
            "NANTES",
            email="p@x.invalid",
            school_number=f" {number.lower()[:4]} {number.lower()[4:]}",
        ),
    )
    again = (await other.get(f"/api/v1/members/{other.user_id}")).json()
    assert again["school"]["id"] == profile["school"]["id"]
    # logged in for real: the session works for writes too
    answer = await client.post(
        "/api/v1/postings",
        json={
            "title": "Hello",
            "subjects": ["art"],
            "languages": ["fr"],
            "age_min": 8,
            "age_max": 9,
            "description": "x",
        },
    )
    assert answer.status_code == 201


async def test_an_existing_school_can_be_picked(server: RunningServer):
    async with server.runtime.db.read() as session:
        lyon = await session.scalar(select(School).where(School.city == "Lyon"))
    body = person("hugo", "FR", "", "", school_id=lyon.id)
    client = await register(server, **body)
    profile = (await client.get(f"/api/v1/members/{client.user_id}")).json()
    assert profile["school"]["id"] == lyon.id


@pytest.mark.parametrize(
    ("country", "institution"), [("GB", "school"), ("US", "school"), ("FR", "other")]
)
async def test_non_eligible_members_register_as_platform_members(
    server: RunningServer, country: str, institution: str
):
    client = await register(
        server, **person("guest", country, "Museum", "Town", institution=institution)
    )
    me = (await client.get("/api/v1/me")).json()
    assert me["kind"] == "member"
    profile = (await client.get(f"/api/v1/members/{me['id']}")).json()
    assert profile["eligible"] is False
    # a platform member may not found a project nor publish a posting
    before = await snapshot(server)
    refused = await client.post("/api/v1/projects", json={})
    assert refused.status_code == 403
    posted = await client.post("/api/v1/postings", json={"title": "x"})
    assert posted.status_code == 403
    assert await snapshot(server) == before


@pytest.mark.parametrize(
    ("change", "field", "status"),
    [
        ({"username": "anne"}, "username", 409),
        ({"username": "Anne "}, "username", 409),
        ({"email": "ANNE@demo.invalid"}, "email", 409),
        ({"username": "a"}, "username", 400),
        ({"username": "bad name!"}, "username", 400),
        ({"password": "short"}, "password", 400),
        ({"password": "aaaaaaaaaaaa"}, "password", 400),
        ({"password": "newbie-2026-x", "username": "newbie"}, "password", 400),
        ({"country": "XX"}, "country", 400),
        ({"country": ""}, "country", 400),
        ({"email": "not-an-address"}, "email", 400),
        ({"display_name": "  "}, "display_name", 400),
        ({"display_name": 42}, "display_name", 400),
        ({"school_name": ""}, "school_name", 400),
        ({"institution": "palace"}, "institution", 400),
        ({"school_id": 1, "country": "DE"}, "school_id", 400),  # a French school
        ({"school_id": 99999}, "school_id", 400),
    ],
)
async def test_wrong_fields_are_named_and_nothing_is_written(
    server: RunningServer, change: dict, field: str, status: int
):
    before = await snapshot(server)
    async with httpx.AsyncClient(base_url=server.url) as client:
        answer = await client.post(
            "/api/v1/register", json={**person("newbie", "FR", "S", "C"), **change}
        )
        assert answer.status_code == status, answer.text
        body = answer.json()
        assert body["error"] == ("conflict" if status == 409 else "invalid")
        assert field in body["fields"] and body["fields"][field]
        assert "ts_session" not in answer.cookies
    assert await snapshot(server) == before


async def test_messages_follow_the_reader_language(server: RunningServer):
    async with httpx.AsyncClient(base_url=server.url) as client:
        answer = await client.post(
            "/api/v1/register",
            json={**person("anne", "FR", "S", "C")},
            headers={"Accept-Language": "fr"},
        )
    assert answer.status_code == 409
    assert "Choisissez-en un autre" in answer.json()["fields"]["username"]


async def test_malformed_bodies_are_refused(server: RunningServer):
    async with httpx.AsyncClient(base_url=server.url) as client:
        for raw in (b"[]", b"nope", b'"text"'):
            answer = await client.post(
                "/api/v1/register", content=raw, headers={"Content-Type": "application/json"}
            )
            assert answer.status_code == 400


async def test_registration_is_throttled_per_address(server: RunningServer):
    async with httpx.AsyncClient(base_url=server.url) as client:
        for _ in range(10):
            answer = await client.post("/api/v1/register", json={"username": "x"})
            assert answer.status_code == 400
        before = await snapshot(server)
        answer = await client.post("/api/v1/register", json=person("late", "FR", "School", "Town"))
        assert answer.status_code == 429 and answer.json()["error"] == "rate_limited"
    assert await snapshot(server) == before
    async with server.runtime.db.read() as session:
        assert await session.scalar(select(User).where(User.username == "late")) is None


async def test_the_page_keeps_what_was_typed_and_logs_in(server: RunningServer):
    async with httpx.AsyncClient(base_url=server.url) as client:
        page = await client.get("/register")
        assert page.status_code == 200 and 'name="school_name"' in page.text
        form = {**person("anne", "FR", "École", "Brest"), "school_id": "new"}
        refused = await client.post("/register", data=form)
        assert refused.status_code == 409
        assert "This username is taken" in refused.text
        assert 'aria-invalid="true" aria-describedby="username-hint username-error"' in refused.text
        assert 'value="École"' in refused.text and PASSWORD not in refused.text
        form["username"], form["email"] = "annie", "annie@school.invalid"
        done = await client.post("/register", data=form)
        assert done.status_code == 303 and done.headers["location"] == "/postings"
        me = await client.get("/api/v1/me")
        assert me.json()["username"] == "annie"


async def test_registering_from_a_logged_in_browser_ends_the_earlier_session(
    server: RunningServer, login
):
    anne = await login("anne")
    old_token = anne.cookies["ts_session"]
    answer = await anne.post("/api/v1/register", json=person("newer", "FR", "S", "C"))
    assert answer.status_code == 201
    assert anne.cookies["ts_session"] != old_token
    async with httpx.AsyncClient(base_url=server.url) as stale:
        stale.cookies.set("ts_session", old_token)
        assert (await stale.get("/api/v1/me")).status_code == 401
