"""Founding a project: the draft survives, every rule is the server's (co-founder a contact
and an eTwinner, national and single-school projects, non-eligible members), and forged ids
or someone else's project get a clear 4xx with the database unchanged."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.network_helpers import DETAILS, befriend, found, person, register, snapshot, teacher
from twinspace.accounts.models import User


async def uid(server: RunningServer, username: str) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(User.id).where(User.username == username)))


async def test_the_draft_is_saved_step_by_step(server: RunningServer, login):
    anne = await login("anne")
    draft = await anne.post("/api/v1/projects", json={})
    assert draft.status_code == 201
    project_id = draft.json()["id"]
    assert draft.json()["status"] == "draft"
    saved = await anne.patch(
        f"/api/v1/projects/{project_id}", json={"cofounder_id": await uid(server, "jonas")}
    )
    assert saved.status_code == 200
    await anne.patch(f"/api/v1/projects/{project_id}", json={"title": "Half done"})
    ages = await anne.patch(f"/api/v1/projects/{project_id}", json={"age_min": 9, "age_max": 11})
    assert ages.status_code == 200
    one = await anne.patch(f"/api/v1/projects/{project_id}", json={"age_max": 12})
    assert (one.json()["age_min"], one.json()["age_max"]) == (9, 12)
    wrong = await anne.patch(f"/api/v1/projects/{project_id}", json={"age_min": 13})
    assert wrong.status_code == 400 and "age_max" in wrong.json()["fields"]
    # "reload": starting again resumes the same draft with what was saved
    resumed = await anne.post("/api/v1/projects", json={})
    assert resumed.json()["id"] == project_id
    assert resumed.json()["title"] == "Half done"
    assert resumed.json()["cofounder"]["username"] == "jonas"
    missing = await anne.post(f"/api/v1/projects/{project_id}/submit")
    assert missing.status_code == 400
    assert {"description", "languages", "subjects", "pupils_count"} <= set(missing.json()["fields"])
    drafts = (await anne.get("/api/v1/projects?status=draft")).json()["projects"]
    assert [p["id"] for p in drafts] == [project_id]
    jonas = await login("jonas")
    assert (await jonas.get(f"/api/v1/projects/{project_id}")).status_code == 404  # a draft


async def test_a_european_project_waits_for_the_cofounder(server: RunningServer, login):
    anne, jonas = await login("anne"), await login("jonas")
    anne.user_id = await uid(server, "anne")  # type: ignore[attr-defined]
    project = await found(anne, await uid(server, "jonas"))
    assert project["status"] == "pending" and project["scope"] == "european"
    assert project["waiting_on"]["step"] == "cofounder"
    assert project["single_school"] is False
    seen = (await jonas.get(f"/api/v1/projects/{project['id']}")).json()
    assert seen["title"] == DETAILS["title"]
    notes = (await jonas.get("/api/v1/notifications")).json()
    assert "Anne Moreau invites you to co-found the project" in str(notes)
    accepted = await jonas.post(f"/api/v1/projects/{project['id']}/accept")
    assert accepted.status_code == 200
    waiting = accepted.json()["waiting_on"]
    assert waiting["step"] == "nss" and [c["code"] for c in waiting["countries"]] == ["DE", "FR"]
    listing = (await anne.get("/api/v1/projects?status=pending")).json()["projects"]
    assert project["id"] in [p["id"] for p in listing]


async def test_rules_cannot_be_broken_through_the_api(server: RunningServer, login):
    anne, jonas, lucia = await login("anne"), await login("jonas"), await login("lucia")
    ids = {
        n: await uid(server, n) for n in ("anne", "jonas", "lucia", "piotr", "paul", "lea", "tina")
    }
    draft = (await anne.post("/api/v1/projects", json={})).json()["id"]
    lucia_draft = (await lucia.post("/api/v1/projects", json={})).json()["id"]
    before = await snapshot(server)
    cases = [
        # a co-founder who is not a contact (Piotr's request is still pending)
        (
            anne.patch(f"/api/v1/projects/{draft}", json={"cofounder_id": ids["piotr"]}),
            400,
            "cofounder_id",
        ),
        (
            anne.patch(f"/api/v1/projects/{draft}", json={"cofounder_id": ids["lea"]}),
            400,
            "cofounder_id",
        ),
        (
            anne.patch(f"/api/v1/projects/{draft}", json={"cofounder_id": ids["anne"]}),
            400,
            "cofounder_id",
        ),
        (
            anne.patch(f"/api/v1/projects/{draft}", json={"cofounder_id": 99999}),
            400,
            "cofounder_id",
        ),
        (anne.patch(f"/api/v1/projects/{draft}", json={"cofounder_id": "2"}), 400, "cofounder_id"),
        # a school that is not hers
        (anne.patch(f"/api/v1/projects/{draft}", json={"school_id": 2}), 400, "school_id"),
        (anne.patch(f"/api/v1/projects/{draft}", json={"pupils_count": 0}), 400, "pupils_count"),
        (anne.patch(f"/api/v1/projects/{draft}", json={"tools": ["teleport"]}), 400, "tools"),
        (anne.patch(f"/api/v1/projects/{draft}", json={"status": "open"}), 400, None),
        (anne.patch(f"/api/v1/projects/{draft}", json={"space_id": 1}), 400, None),
        # someone else's draft, forged ids
        (jonas.patch(f"/api/v1/projects/{draft}", json={"title": "Mine now"}), 404, None),
        (jonas.post(f"/api/v1/projects/{draft}/submit"), 404, None),
        (anne.patch(f"/api/v1/projects/{lucia_draft}", json={"title": "x"}), 404, None),
        (anne.patch("/api/v1/projects/99999", json={"title": "x"}), 404, None),
        (anne.get(f"/api/v1/projects/{lucia_draft}"), 404, None),
        # the co-founder's answer on a draft, on someone else's project
        (jonas.post(f"/api/v1/projects/{draft}/accept"), 404, None),
        (anne.post("/api/v1/projects/1/accept"), 409, None),  # the demo project: already past
        (jonas.post("/api/v1/projects/1/accept"), 404, None),
    ]
    for call, status, field in cases:
        answer = await call
        assert answer.status_code == status, (status, answer.text)
        if field:
            assert field in answer.json()["fields"]
    assert await snapshot(server) == before


async def test_a_removed_contact_cannot_be_submitted_as_cofounder(server: RunningServer, login):
    anne = await login("anne")
    jonas_id = await uid(server, "jonas")
    draft = (
        await anne.post(
            "/api/v1/projects", json={"school_id": 1, "cofounder_id": jonas_id, **DETAILS}
        )
    ).json()["id"]
    assert (await anne.delete(f"/api/v1/contacts/{jonas_id}")).status_code == 200
    before = await snapshot(server)
    answer = await anne.post(f"/api/v1/projects/{draft}/submit")
    assert answer.status_code == 400 and "cofounder_id" in answer.json()["fields"]
    assert await snapshot(server) == before


async def test_platform_members_cannot_found_or_cofound(server: RunningServer, login):
    anne = await login("anne")
    anne.user_id = await uid(server, "anne")  # type: ignore[attr-defined]
    guest = await register(server, **person("grace", "GB", "Oak Primary", "Leeds"))
    await befriend(guest, anne)  # members may hold contacts (to be invited later)
    draft = (await anne.post("/api/v1/projects", json={})).json()["id"]
    before = await snapshot(server)
    refused = await anne.patch(f"/api/v1/projects/{draft}", json={"cofounder_id": guest.user_id})
    assert refused.status_code == 400
    assert "not an eTwinner" in refused.json()["fields"]["cofounder_id"]
    assert (await guest.post("/api/v1/projects", json={})).status_code == 403
    assert await snapshot(server) == before


async def test_an_ineligible_country_stops_founding(server: RunningServer, login):
    """Countries are data: once the administrator marks one not eligible, its teachers
    cannot found any more."""
    anne = await login("anne")
    async with server.runtime.db.unit_of_work() as uow:
        from twinspace.accounts.models import Country

        country = await uow.session.get(Country, "FR")
        country.eligible = False
    before = await snapshot(server)
    assert (await anne.post("/api/v1/projects", json={})).status_code == 403
    assert await snapshot(server) == before


@pytest.mark.parametrize("same_school", [False, True])
async def test_two_founders_of_one_country_make_a_national_project(
    server: RunningServer, same_school: bool
):
    a = await teacher(server, "claire", "FR", "Lycée du Parc")
    b = await teacher(server, "louis", "FR", "Lycée du Parc" if same_school else "Lycée Ampère")
    await befriend(a, b)
    project = await found(a, b.user_id)
    assert project["scope"] == "national" and project["single_school"] is same_school
    assert project["label_eligible"] is False
    accepted = await b.post(f"/api/v1/projects/{project['id']}/accept")
    assert [c["code"] for c in accepted.json()["waiting_on"]["countries"]] == ["FR"]


async def test_submitted_projects_cannot_be_edited_or_submitted_twice(server: RunningServer, login):
    anne = await login("anne")
    anne.user_id = await uid(server, "anne")  # type: ignore[attr-defined]
    project = await found(anne, await uid(server, "jonas"))
    before = await snapshot(server)
    assert (await anne.post(f"/api/v1/projects/{project['id']}/submit")).status_code == 409
    assert (
        await anne.patch(f"/api/v1/projects/{project['id']}", json={"title": "x"})
    ).status_code == 409
    assert await snapshot(server) == before
    jonas = await login("jonas")
    assert (await jonas.post(f"/api/v1/projects/{project['id']}/refuse")).status_code == 200
    after = await snapshot(server)
    assert (await jonas.post(f"/api/v1/projects/{project['id']}/accept")).status_code == 409
    assert await snapshot(server) == after
    refused = (await anne.get("/api/v1/projects?status=refused")).json()["projects"]
    assert [p["id"] for p in refused] == [project["id"]]
    notes = (await anne.get("/api/v1/notifications")).json()
    assert "Jonas Becker declined to co-found" in str(notes)


async def test_the_form_pages_walk_to_the_preview(server: RunningServer, login):
    anne = await login("anne")
    token = anne.headers["X-CSRF-Token"]
    start = await anne.get("/projects/new")
    assert start.status_code == 200
    created = await anne.post("/projects/new", data={"csrf_token": token})
    assert created.status_code == 303
    school_url = created.headers["location"]
    base = school_url.rsplit("/", 1)[0]
    assert (await anne.post(school_url, data={"csrf_token": token, "school_id": "1"})).headers[
        "location"
    ] == f"{base}/partner"
    partner = await anne.get(f"{base}/partner")
    assert "Jonas Becker" in partner.text and "Lucía García" in partner.text
    jonas_id = await uid(server, "jonas")
    moved = await anne.post(
        f"{base}/partner", data={"csrf_token": token, "cofounder_id": str(jonas_id)}
    )
    assert moved.headers["location"] == f"{base}/details"
    details = {
        "csrf_token": token,
        **{k: str(v) for k, v in DETAILS.items() if not isinstance(v, list)},
        "languages": DETAILS["languages"],
        "subjects": DETAILS["subjects"],
        "tools": DETAILS["tools"],
    }
    bad = await anne.post(f"{base}/details", data={**details, "age_max": "5"})
    assert bad.status_code == 400 and 'value="Bridges of Europe"' in bad.text
    good = await anne.post(f"{base}/details", data=details)
    assert good.headers["location"] == f"{base}/preview"
    preview = await anne.get(f"{base}/preview")
    assert "Bridges of Europe" in preview.text and "Jonas Becker" in preview.text
    assert f'href="{base}/details?from=preview"' in preview.text  # edit links
    again = await anne.get(f"{base}/details?from=preview")
    assert 'name="back_to" value="preview"' in again.text
    back = await anne.post(
        f"{base}/details", data={**details, "title": "Bridges", "back_to": "preview"}
    )
    assert back.headers["location"] == f"{base}/preview"
    assert "Bridges" in (await anne.get(f"{base}/preview")).text
    submitted = await anne.post(f"{base}/preview", data={"csrf_token": token})
    assert submitted.status_code == 303
    project_page = await anne.get(submitted.headers["location"])
    assert "Bridges" in project_page.text
    assert "Waits for the co-founder: Jonas Becker" in project_page.text
    tab = await anne.get("/projects?tab=pending")
    assert ">Bridges</a>" in tab.text


async def test_the_demo_twinspace_is_an_open_project_of_both_founders(server: RunningServer, login):
    for username in ("anne", "jonas"):
        projects = (await (await login(username)).get("/api/v1/projects")).json()["projects"]
        opened = [p for p in projects if p["status"] == "open"]
        assert [(p["title"], p["space_id"]) for p in opened] == [("Rivers that connect us", 1)]
    html = (await (await login("anne")).get("/projects")).text
    assert 'href="/spaces/1"' in html
