"""The national support services: each acts only for its own country, decides once, and
the TwinSpace opens when every founder's country has validated — both founders teacher
administrators, its chat room made, listed by GET /api/v1/spaces."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import RunningServer
from tests.network_helpers import befriend, found, snapshot, teacher
from twinspace.accounts.models import User
from twinspace.network.models import Project
from twinspace.rooms.chat.models import ChatRoom
from twinspace.spaces.models import Membership, Space

DEMO_PROJECT = 1  # Lucía (ES) and Anne (FR), waiting for the NSS of Spain and France


async def uid(server: RunningServer, username: str) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(User.id).where(User.username == username)))


async def test_officers_act_only_for_their_country_and_once(server: RunningServer, login):
    nss_fr, nss_de, anne, lucia = (
        await login("nss-fr"),
        await login("nss-de"),
        await login("anne"),
        await login("lucia"),
    )
    queue = (await nss_fr.get("/api/v1/nss/projects")).json()
    assert [p["id"] for p in queue["projects"]] == [DEMO_PROJECT]
    assert (await nss_de.get("/api/v1/nss/projects")).json()["projects"] == []
    before = await snapshot(server)
    cases = [
        (nss_de.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/validate"), 404),  # not Germany's
        (nss_de.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/refuse", json={"reason": "no"}), 404),
        (nss_de.get(f"/api/v1/projects/{DEMO_PROJECT}"), 404),
        (anne.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/validate"), 403),  # a founder
        (lucia.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/validate"), 403),
        (anne.get("/api/v1/nss/projects"), 404),  # an area a teacher may not see
        (nss_fr.post("/api/v1/nss/projects/99999/validate"), 404),
        (nss_fr.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/approve"), 404),
        (nss_fr.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/refuse", json={}), 400),
        (nss_fr.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/refuse", json={"reason": "  "}), 400),
        (
            nss_fr.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/refuse", json={"reason": "x" * 2001}),
            400,
        ),
        (nss_fr.post(f"/api/v1/projects/{DEMO_PROJECT}/accept"), 404),  # not the co-founder
    ]
    for call, status in cases:
        answer = await call
        assert answer.status_code == status, answer.text
    assert await snapshot(server) == before
    validated = await nss_fr.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/validate")
    assert validated.status_code == 200
    assert [c["code"] for c in validated.json()["waiting_on"]["countries"]] == ["ES"]
    after = await snapshot(server)
    twice = await nss_fr.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/validate")
    assert twice.status_code == 409 and twice.json()["error"] == "conflict"
    flip = await nss_fr.post(f"/api/v1/nss/projects/{DEMO_PROJECT}/refuse", json={"reason": "r"})
    assert flip.status_code == 409
    assert await snapshot(server) == after
    notes = (await lucia.get("/api/v1/notifications")).json()
    assert "The national support service of France validated" in str(notes)


async def test_a_refused_project_stays_refused(server: RunningServer, login):
    a = await teacher(server, "ines", "ES", "IES Sol")
    b = await teacher(server, "karl", "DE", "Gymnasium Nord")
    await befriend(a, b)
    project = await found(a, b.user_id)
    assert (await b.post(f"/api/v1/projects/{project['id']}/accept")).status_code == 200
    nss_de = await login("nss-de")
    refused = await nss_de.post(
        f"/api/v1/nss/projects/{project['id']}/refuse", json={"reason": "Unknown school."}
    )
    assert refused.status_code == 200
    assert refused.json()["status"] == "refused"
    assert refused.json()["refusal_reason"] == "Unknown school."
    before = await snapshot(server)
    again = await nss_de.post(f"/api/v1/nss/projects/{project['id']}/validate")
    assert again.status_code == 409
    assert await snapshot(server) == before
    mine = (await a.get("/api/v1/projects?status=refused")).json()["projects"]
    assert [p["id"] for p in mine] == [project["id"]]
    notes = (await a.get("/api/v1/notifications")).json()
    assert "refused" in str(notes)


async def test_approved_projects_open_their_twinspace(server: RunningServer, login):
    a = await teacher(server, "odile", "FR", "Collège Pasteur")
    b = await teacher(server, "uwe", "DE", "Realschule Süd")
    await befriend(a, b)
    project = await found(a, b.user_id)
    await b.post(f"/api/v1/projects/{project['id']}/accept")
    nss_fr, nss_de = await login("nss-fr"), await login("nss-de")
    assert (await nss_de.post(f"/api/v1/nss/projects/{project['id']}/validate")).status_code == 200
    assert (await a.get("/api/v1/spaces")).json() == []  # not open yet
    opened = await nss_fr.post(f"/api/v1/nss/projects/{project['id']}/validate")
    assert opened.status_code == 200
    body = opened.json()
    assert body["status"] == "open" and body["label_eligible"] is True
    space_id = body["space_id"]
    for client in (a, b):
        spaces = (await client.get("/api/v1/spaces")).json()
        assert [(s["id"], s["title"], s["role"]) for s in spaces] == [
            (space_id, "Bridges of Europe", "teacher_admin")
        ]
        home = await client.get(f"/spaces/{space_id}")
        assert home.status_code == 200
    async with server.runtime.db.read() as session:
        space = await session.get(Space, space_id)
        assert (space.scope, space.status, space.single_school_id) == ("european", "open", None)
        roles = {
            m.user_id: m.role
            for m in await session.scalars(
                select(Membership).where(Membership.space_id == space_id)
            )
        }
        assert roles == {a.user_id: "teacher_admin", b.user_id: "teacher_admin"}
        rooms = list(
            await session.scalars(select(ChatRoom.name).where(ChatRoom.space_id == space_id))
        )
        assert rooms == ["general"]
        stored = await session.get(Project, project["id"])
        assert (stored.status, stored.space_id) == ("open", space_id)
    notes = (await b.get("/api/v1/notifications")).json()
    assert "is approved: its TwinSpace is open." in str(notes)
    assert f"/spaces/{space_id}" in str(notes)
    # closing the TwinSpace moves the project to the Closed tab
    async with server.runtime.db.unit_of_work() as uow:
        (await uow.session.get(Space, space_id)).status = "closed"
    closed = (await a.get("/api/v1/projects?status=closed")).json()["projects"]
    assert [p["id"] for p in closed] == [project["id"]]


async def test_single_school_and_national_twinspaces(server: RunningServer, login):
    a = await teacher(server, "remi", "FR", "Lycée Hoche")
    b = await teacher(server, "zoe", "FR", "Lycée Hoche")
    await befriend(a, b)
    project = await found(a, b.user_id)
    await b.post(f"/api/v1/projects/{project['id']}/accept")
    nss_fr = await login("nss-fr")
    opened = await nss_fr.post(f"/api/v1/nss/projects/{project['id']}/validate")
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    assert opened.json()["label_eligible"] is False
    async with server.runtime.db.read() as session:
        space = await session.get(Space, opened.json()["space_id"])
        school_id = (await a.get(f"/api/v1/members/{a.user_id}")).json()["school"]["id"]
        assert space.scope == "national" and space.single_school_id == school_id


async def test_nss_pages(server: RunningServer, login):
    nss_fr, anne = await login("nss-fr"), await login("anne")
    page = await nss_fr.get("/nss")
    assert page.status_code == 200 and "Legends of our towns" in page.text
    assert (await anne.get("/nss")).status_code == 404
    token = nss_fr.headers["X-CSRF-Token"]
    detail = await nss_fr.get(f"/projects/{DEMO_PROJECT}")
    assert detail.status_code == 200 and "Validate" in detail.text
    done = await nss_fr.post(
        f"/nss/projects/{DEMO_PROJECT}", data={"csrf_token": token, "decision": "validate"}
    )
    assert done.status_code == 303
    assert (
        "Legends of our towns" not in (await nss_fr.get("/nss")).text.split("Recent decisions")[0]
    )
    project = (await anne.get(f"/projects/{DEMO_PROJECT}")).text
    assert "Waits for the national support service of: Spain" in project
