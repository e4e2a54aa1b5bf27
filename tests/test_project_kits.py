"""Project kits and page templates: site administrators manage kits (pages and API); a
founder starts from a kit (the draft is pre-filled); a teacher administrator builds Project
activities from the kit's suggested pages or the five-stage model, each page with its
applications, in one transaction; everybody else is refused without any change."""

from __future__ import annotations

from sqlalchemy import func, select, update

from tests.conftest import RunningServer
from tests.support import api_login
from tests.test_network_countries import make_admin
from twinspace.events import Event
from twinspace.network.models import Project, ProjectKit
from twinspace.pages.models import Page, Widget

KIT = {
    "title": "Birds of Europe",
    "summary": "Count the birds near the school and compare.",
    "age_min": 8,
    "age_max": 11,
    "subjects": ["biology", "environment"],
    "tools": ["gallery", "forum"],
    "objectives": "Observe and name birds.",
    "activities": "A count every Monday, shared on the forum.",
    "pages": [{"title": "Our feeders", "tools": ["gallery"]}, {"title": "Counts", "tools": []}],
}


async def _counts(server: RunningServer) -> tuple[int, int, int, int]:
    async with server.runtime.db.read() as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(t))
                for t in (ProjectKit, Page, Widget, Event)
            ]
        )


async def test_administrators_manage_kits(server: RunningServer, login) -> None:
    await make_admin(server)
    admin, anne = await api_login(server.url, "root"), await login("anne")
    demo = (await anne.get("/api/v1/kits")).json()["kits"]
    assert len(demo) == 3 and all(k["pages"] for k in demo)  # the demo ships three kits
    before = await _counts(server)
    assert (await anne.post("/api/v1/kits", json=KIT)).status_code == 403
    bad = await admin.post("/api/v1/kits", json={**KIT, "pages": [{"title": "X", "tools": ["tv"]}]})
    assert bad.status_code == 400 and set(bad.json()["fields"]) == {"pages"}
    assert await _counts(server) == before
    made = await admin.post("/api/v1/kits", json=KIT)
    assert made.status_code == 201, made.text
    kit_id = made.json()["id"]
    assert (await anne.get(f"/api/v1/kits/{kit_id}")).json()["pages"] == KIT["pages"]
    archived = await admin.patch(f"/api/v1/kits/{kit_id}", json={"status": "archived"})
    assert archived.json()["status"] == "archived"
    assert (await anne.get(f"/api/v1/kits/{kit_id}")).status_code == 404
    assert kit_id in [k["id"] for k in (await admin.get("/api/v1/kits?all=1")).json()["kits"]]
    # the admin pages: list, create with the "Title | tools" lines, refuse with messages
    page = await admin.get("/admin/kits")
    assert page.status_code == 200 and "Birds of Europe" in page.text
    assert (await anne.get("/admin/kits")).status_code == 403
    token = admin.headers["X-CSRF-Token"]
    form = {
        "csrf_token": token,
        "title": "Music we share",
        "summary": "Songs.",
        "age_min": "7",
        "age_max": "9",
        "subjects": "music",
        "objectives": "Sing.",
        "activities": "Record.",
        "pages": "Songs | blog, files\n\nConcert | gallery",
    }
    created = await admin.post("/admin/kits", data=form)
    assert created.status_code == 303
    music = [
        k for k in (await anne.get("/api/v1/kits")).json()["kits"] if k["title"] == form["title"]
    ]
    assert music[0]["pages"] == [
        {"title": "Songs", "tools": ["blog", "files"]},
        {"title": "Concert", "tools": ["gallery"]},
    ]
    wrong = await admin.post("/admin/kits", data={**form, "title": "", "pages": "A | radio"})
    assert wrong.status_code == 400 and 'id="title-error"' in wrong.text
    assert 'id="pages-error"' in wrong.text and "A | radio" in wrong.text


async def test_a_founder_starts_from_a_kit(server: RunningServer, login) -> None:
    anne = await login("anne")
    kit = (await anne.get("/api/v1/kits")).json()["kits"][0]
    start = await anne.get("/projects/new")
    assert (
        "Would you like to start from a project kit?" in start.text and kit["title"] in start.text
    )
    wrong = await anne.post(
        "/projects/new", data={"csrf_token": anne.headers["X-CSRF-Token"], "kit_id": "999"}
    )
    assert wrong.status_code == 400 and "Choose a kit from the list, or none." in wrong.text
    made = await anne.post(
        "/projects/new", data={"csrf_token": anne.headers["X-CSRF-Token"], "kit_id": kit["id"]}
    )
    assert made.status_code == 303
    project_id = int(made.headers["location"].split("/")[2])
    draft = (await anne.get(f"/api/v1/projects/{project_id}")).json()
    assert (draft["kit_id"], draft["title"], draft["objectives"]) == (
        kit["id"],
        kit["title"],
        kit["objectives"],
    )
    assert (draft["procedure"], draft["subjects"]) == (kit["activities"], kit["subjects"])
    form = await anne.get(f"/projects/{project_id}/form/details")
    assert kit["objectives"].split(";")[0] in form.text
    # what the founder already wrote is kept when a kit is chosen later
    await anne.patch(f"/api/v1/projects/{project_id}", json={"title": "Mine"})
    again = await anne.post("/api/v1/projects", json={"kit_id": kit["id"]})
    assert again.json()["id"] == project_id and again.json()["title"] == "Mine"


async def test_activity_pages_from_templates(server: RunningServer, login) -> None:
    anne, jonas, lea = await login("anne"), await login("jonas"), await login("lea")
    paul = await login("paul")  # a visitor
    url = "/api/v1/spaces/1/page-templates"
    listed = (await anne.get(url)).json()["templates"]
    assert [t["key"] for t in listed] == ["five-stage"]  # the demo project used no kit
    stages = listed[0]["pages"]
    assert [p["title"] for p in stages] == [
        "Welcome",
        "Getting to know each other",
        "Information exchange",
        "Knowledge construction",
        "Development",
    ]
    before = await _counts(server)
    assert (await lea.post(f"{url}/five-stage")).status_code in (403, 404)
    assert (await paul.get(url)).status_code == 403  # a visitor does not manage pages
    assert (await paul.post(f"{url}/five-stage")).status_code == 403
    assert (await anne.post(f"{url}/nothing")).status_code == 404
    assert await _counts(server) == before
    made = await anne.post(f"{url}/five-stage")
    assert made.status_code == 201, made.text
    assert [p["title"] for p in made.json()["pages"]] == [p["title"] for p in stages]
    async with server.runtime.db.read() as session:
        for suggested, created in zip(stages, made.json()["pages"], strict=True):
            kinds = list(
                await session.scalars(
                    select(Widget.kind)
                    .where(Widget.page_id == created["id"])
                    .order_by(Widget.position)
                )
            )
            assert kinds == suggested["tools"]
    again = await anne.post(f"{url}/five-stage")
    assert again.status_code == 409  # nothing twice
    # in French, and from the kit the project started from (through the HTML form)
    kit = (await anne.get("/api/v1/kits")).json()["kits"][1]
    async with server.runtime.db.unit_of_work() as uow:
        await uow.session.execute(
            update(Project).where(Project.space_id == 1).values(kit_id=kit["id"])
        )
    page = await anne.get("/spaces/1/activities/templates", headers={"Accept-Language": "fr"})
    assert "Le modèle en cinq étapes" in page.text and kit["pages"][0]["title"] in page.text
    done = await anne.post(
        "/spaces/1/activities/templates",
        data={"csrf_token": anne.headers["X-CSRF-Token"], "template": "kit"},
    )
    assert done.status_code == 303 and done.headers["location"].startswith("/spaces/1/pages/")
    shown = await jonas.get(done.headers["location"])
    assert kit["pages"][0]["title"] in shown.text
