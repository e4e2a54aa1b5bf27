"""A project's life to its end: founders or their national support services close it (the
TwinSpace becomes read-only, the Closed tab fills), founders reopen it; the daily job disables
its pupils after the notice period, warns the founders 30 days before the purge, then deletes
the TwinSpace and erases its pupils."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy import select

from tests.conftest import RunningServer
from twinspace.accounts.models import User
from twinspace.network.lifecycle import run_project_lifecycle
from twinspace.network.models import Project
from twinspace.notifications.models import Notification
from twinspace.spaces.models import Space

GENERAL = "space:1:chat:general"


async def demo_project_id(server: RunningServer) -> int:
    async with server.runtime.db.read() as session:
        return await session.scalar(select(Project.id).where(Project.space_id == 1))


async def test_who_may_close_and_reopen(server: RunningServer, login) -> None:
    cells = [("tina", 403), ("lea", 403), ("piotr", 404), ("nss-fr", 200)]
    for actor, status in cells:
        client = await login(actor)
        answer = await client.post("/api/v1/spaces/1/close")
        assert answer.status_code == status, (actor, answer.text)
    anne = await login("anne")
    again = await anne.post("/api/v1/spaces/1/close")
    assert again.status_code == 409
    nss = await login("nss-fr")
    assert (await nss.post("/api/v1/spaces/1/reopen")).status_code == 404  # founders reopen
    tina = await login("tina")
    assert (await tina.post("/api/v1/spaces/1/reopen")).status_code == 403
    jonas = await login("jonas")
    reopened = await jonas.post("/api/v1/spaces/1/reopen")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"


async def test_a_closed_project_is_read_only_and_listed_as_closed(
    server: RunningServer, login, connect_as
) -> None:
    anne = await login("anne")
    project_id = await demo_project_id(server)
    closed = await anne.post("/api/v1/spaces/1/close")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    shown = await anne.get(f"/api/v1/projects/{project_id}")
    assert shown.json()["status"] == "closed"
    page = await anne.get("/projects?tab=closed")
    assert "Rivers that connect us" in page.text
    project_page = await anne.get(f"/projects/{project_id}")
    assert "Reopen the project" in project_page.text
    assert (await anne.get("/spaces/1")).status_code == 200  # still readable by members
    live = await connect_as("lea")
    assert (await live.call("join", {"room": GENERAL}))["ok"]
    refused = await live.call("chat:send", {"room": GENERAL, "text": "Still here?"})
    assert refused["ok"] is False and refused["error"] in ("forbidden", "closed")
    new_page = await anne.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": "More"})
    assert new_page.status_code == 403


async def test_the_daily_job_disables_pupils_warns_then_purges(
    server: RunningServer, login
) -> None:
    rt = server.runtime
    anne = await login("anne")
    assert (await anne.post("/api/v1/spaces/1/close")).status_code == 200
    async with rt.db.read() as session:
        closed_at = (await session.get(Space, 1)).closed_at
    settings = rt.settings

    early = await run_project_lifecycle(rt.db, rt.storage, settings, closed_at + timedelta(days=1))
    assert early.pupils_disabled == 0 and early.purged == 0
    later = closed_at + timedelta(days=settings.pupil_notice_days + 1)
    run = await run_project_lifecycle(rt.db, rt.storage, settings, later)
    assert run.pupils_disabled >= 2  # lea, tom (and the suite's pupil admin)
    async with httpx.AsyncClient(base_url=server.url) as http:
        login_lea = await http.post(
            "/api/v1/session", json={"username": "lea", "password": "demo-pass"}
        )
        assert login_lea.status_code == 401

    soon = closed_at + timedelta(days=settings.retention_days - 29)
    assert (await run_project_lifecycle(rt.db, rt.storage, settings, soon)).warned == 1
    assert (await run_project_lifecycle(rt.db, rt.storage, settings, soon)).warned == 0
    async with rt.db.read() as session:
        warned = await session.scalars(
            select(Notification.user_id).where(Notification.kind == "project.purge_soon")
        )
        founders = set(
            await session.scalars(select(User.id).where(User.username.in_(["anne", "jonas"])))
        )
        assert set(warned) == founders

    gone = closed_at + timedelta(days=settings.retention_days + 1)
    assert (await run_project_lifecycle(rt.db, rt.storage, settings, gone)).purged == 1
    async with rt.db.read() as session:
        assert await session.get(Space, 1) is None
        assert await session.scalar(select(User.id).where(User.username == "lea")) is None
        assert await session.scalar(select(User.id).where(User.username == "anne")) is not None
    assert (await anne.get("/spaces/1")).status_code == 404
    projects = (await anne.get("/api/v1/projects")).json()
    rivers = [p for p in projects["projects"] if p["title"] == "Rivers that connect us"]
    assert rivers and rivers[0]["status"] == "closed"
