"""The project form keeps every word: autosave takes half-typed drafts (empty fields, a lone
age), submission insists on the essentials with one clear message per field, the preview
lists what is missing, and the plain step form still works."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import RunningServer
from tests.network_helpers import DETAILS
from twinspace.accounts.models import User
from twinspace.network.models import Project


async def _uid(server: RunningServer, username: str) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(User.id).where(User.username == username)))


async def test_autosave_keeps_half_typed_fields(server: RunningServer, login) -> None:
    anne = await login("anne")
    project_id = (await anne.post("/api/v1/projects", json={})).json()["id"]
    url = f"/api/v1/projects/{project_id}"
    typed = await anne.patch(
        f"{url}?autosave=1",
        json={"title": "", "objectives": "Meet, write, compare", "age_max": 9, "subjects": []},
    )
    assert typed.status_code == 200, typed.text
    assert (typed.json()["objectives"], typed.json()["age_max"]) == ("Meet, write, compare", 9)
    # a lower bound typed before the upper one is corrected is kept, checked at submission
    assert (await anne.patch(f"{url}?autosave=1", json={"age_min": 12})).status_code == 200
    too_long = await anne.patch(f"{url}?autosave=1", json={"title": "x" * 201})
    assert too_long.status_code == 400 and "title" in too_long.json()["fields"]
    # without ?autosave the API keeps its rules: a required field cannot be emptied
    plain = await anne.patch(url, json={"title": ""})
    assert plain.status_code == 400 and "title" in plain.json()["fields"]
    # another device finds every word
    again = await anne.get(url)
    assert again.json()["objectives"] == "Meet, write, compare"
    page = await anne.get(f"/projects/{project_id}/form/details")
    assert "Meet, write, compare" in page.text and 'data-autosave="' in page.text


async def test_submission_requires_the_essentials(server: RunningServer, login) -> None:
    anne = await login("anne")
    school = (await anne.get(f"/api/v1/members/{await _uid(server, 'anne')}")).json()["school"]
    body = {**DETAILS, "objectives": "", "procedure": "  ", "results": ""}
    draft = await anne.post(
        "/api/v1/projects",
        json={
            "school_id": school["id"],
            "cofounder_id": await _uid(server, "jonas"),
            **{k: v for k, v in body.items() if k not in ("objectives", "procedure", "results")},
        },
    )
    project_id = draft.json()["id"]
    refused = await anne.post(f"/api/v1/projects/{project_id}/submit")
    assert refused.status_code == 400
    assert refused.json()["fields"] == {
        "objectives": "Write the project's objectives.",
        "procedure": "Describe the working procedure.",
        "results": "Describe the expected results.",
    }
    async with server.runtime.db.read() as session:
        assert (await session.get(Project, project_id)).status == "draft"
    preview = await anne.get(f"/projects/{project_id}/form/preview")
    assert 'id="missing"' in preview.text and "Describe the expected results." in preview.text
    token = anne.headers["X-CSRF-Token"]
    form = await anne.post(f"/projects/{project_id}/form/preview", data={"csrf_token": token})
    assert form.status_code == 400 and "Write the project&#39;s objectives." in form.text
    # in French too
    french = await anne.post(
        f"/api/v1/projects/{project_id}/submit", headers={"Accept-Language": "fr"}
    )
    assert french.json()["fields"]["objectives"] == "Écrivez les objectifs du projet."
    # the plain step form (no JavaScript) saves the last step and goes on to the preview
    details = {k: v for k, v in DETAILS.items() if not isinstance(v, list)}
    step = await anne.post(
        f"/projects/{project_id}/form/details",
        data={**details, "csrf_token": token, "languages": "en", "subjects": "history"},
    )
    assert step.status_code == 303 and step.headers["location"].endswith("/form/preview")
    preview = await anne.get(f"/projects/{project_id}/form/preview")
    assert 'id="missing"' not in preview.text
    done = await anne.post(f"/projects/{project_id}/form/preview", data={"csrf_token": token})
    assert done.status_code == 303
    async with server.runtime.db.read() as session:
        assert (await session.get(Project, project_id)).status == "pending_cofounder"
