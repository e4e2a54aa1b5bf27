"""Helpers for the network tests: registering teachers, befriending them, founding projects,
and a snapshot of the network's tables to prove a refusal changed nothing."""

from __future__ import annotations

import zlib
from typing import Any

import httpx
from sqlalchemy import func, select

from tests.conftest import RunningServer
from tests.support import api_login
from twinspace.accounts.models import AuthSession, School, User
from twinspace.events import Event
from twinspace.network.models import Contact, Posting, Project, ProjectApproval
from twinspace.spaces.models import Membership, Space

PASSWORD = "river-bank-42"

DETAILS: dict[str, Any] = {
    "title": "Bridges of Europe",
    "description": "Pupils photograph and describe the bridges of their towns.",
    "languages": ["en", "fr"],
    "age_min": 11,
    "age_max": 14,
    "pupils_count": 40,
    "subjects": ["history", "technology"],
    "tools": ["gallery", "forum"],
    "objectives": "Discover engineering and history.",
    "procedure": "One bridge a month, compared on the forum.",
    "results": "A shared gallery and an e-book.",
}


def person(username: str, country: str, school: str, city: str, **extra: Any) -> dict[str, Any]:
    return {
        "username": username,
        "display_name": username.title() + " Teacher",
        "email": f"{username}@school.invalid",
        "password": PASSWORD,
        "country": country,
        "school_name": school,
        "school_city": city,
        "school_address": f"1 rue de l'École, {city}",
        "school_number": f"N{zlib.crc32(f'{country}:{school}'.encode()):010d}",
        **extra,
    }


async def register(server: RunningServer, **body: Any) -> httpx.AsyncClient:
    """A new member registered (and so logged in) through the API."""
    client = httpx.AsyncClient(base_url=server.url)
    answer = await client.post("/api/v1/register", json=body)
    assert answer.status_code == 201, answer.text
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    client.user_id = answer.json()["user"]["id"]  # type: ignore[attr-defined]
    return client


async def teacher(
    server: RunningServer, username: str, country: str, school: str = ""
) -> httpx.AsyncClient:
    return await register(
        server, **person(username, country, school or f"School of {username}", "Town")
    )


async def befriend(a: httpx.AsyncClient, b: httpx.AsyncClient) -> None:
    sent = await a.post(
        "/api/v1/contact-requests",
        json={"user_id": b.user_id, "message": "Hello!"},  # type: ignore[attr-defined]
    )
    assert sent.status_code == 201, sent.text
    accepted = await b.post(f"/api/v1/contact-requests/{sent.json()['id']}/accept")
    assert accepted.status_code == 200, accepted.text


async def found(founder: httpx.AsyncClient, cofounder_id: int, **details: Any) -> dict[str, Any]:
    """A complete draft submitted: the project waits for the co-founder."""
    me = (await founder.get("/api/v1/members/" + str(founder.user_id))).json()  # type: ignore[attr-defined]
    draft = await founder.post(
        "/api/v1/projects",
        json={"school_id": me["school"]["id"], "cofounder_id": cofounder_id, **DETAILS, **details},
    )
    assert draft.status_code == 201, draft.text
    submitted = await founder.post(f"/api/v1/projects/{draft.json()['id']}/submit")
    assert submitted.status_code == 200, submitted.text
    return submitted.json()


async def login_as(
    server: RunningServer, username: str, password: str = "demo-pass"
) -> httpx.AsyncClient:
    return await api_login(server.url, username, password)


async def snapshot(server: RunningServer) -> dict[str, Any]:
    """Every row count the network writes to, and the projects' and approvals' states."""
    async with server.runtime.db.read() as session:
        counts = {}
        for model in (
            User,
            School,
            Posting,
            Contact,
            Project,
            ProjectApproval,
            Space,
            Membership,
            Event,
            AuthSession,
        ):
            counts[model.__tablename__] = await session.scalar(
                select(func.count()).select_from(model)
            )
        counts["projects"] = [
            (p.id, p.status, p.cofounder_id, p.space_id, p.scope)
            for p in await session.scalars(select(Project).order_by(Project.id))
        ]
        counts["approvals"] = [
            (a.id, a.status, a.officer_id)
            for a in await session.scalars(select(ProjectApproval).order_by(ProjectApproval.id))
        ]
        counts["contacts"] = [
            (c.id, c.status) for c in await session.scalars(select(Contact).order_by(Contact.id))
        ]
        counts["postings"] = [
            (p.id, p.status, p.title, p.updated_at)
            for p in await session.scalars(select(Posting).order_by(Posting.id))
        ]
    return counts
