"""Partner finding: publish, edit, withdraw; list, filter, search (accents folded) and page
through postings; who may do what, tried through the API with forged ids."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import RunningServer
from tests.network_helpers import snapshot

POSTING = {
    "title": "Éducation physique et jeux anciens",
    "subjects": ["physical-education"],
    "languages": ["fr", "de"],
    "age_min": 6,
    "age_max": 8,
    "description": "Des jeux de cour d'école, filmés et échangés.",
}


async def test_publish_edit_withdraw(server: RunningServer, login):
    jonas = await login("jonas")
    created = await jonas.post("/api/v1/postings", json=POSTING)
    assert created.status_code == 201, created.text
    posting_id = created.json()["id"]
    edited = await jonas.patch(f"/api/v1/postings/{posting_id}", json={"age_max": 10})
    assert edited.status_code == 200 and edited.json()["age_max"] == 10
    assert edited.json()["title"] == POSTING["title"]
    shown = (await jonas.get(f"/api/v1/postings/{posting_id}")).json()
    assert shown["author"]["display_name"] == "Jonas Becker" and shown["author"]["city"] == "Köln"
    profile = (await jonas.get(f"/api/v1/members/{shown['author_id']}")).json()
    assert posting_id in [p["id"] for p in profile["postings"]]
    gone = await jonas.delete(f"/api/v1/postings/{posting_id}")
    assert gone.status_code == 200
    assert (await jonas.get(f"/api/v1/postings/{posting_id}")).status_code == 404
    again = await jonas.delete(f"/api/v1/postings/{posting_id}")
    assert again.status_code == 409


async def test_someone_elses_posting_cannot_be_changed(server: RunningServer, login):
    jonas, anne = await login("jonas"), await login("anne")
    posting_id = (await jonas.post("/api/v1/postings", json=POSTING)).json()["id"]
    before = await snapshot(server)
    assert (
        await anne.patch(f"/api/v1/postings/{posting_id}", json={"title": "Mine"})
    ).status_code == 404
    assert (await anne.delete(f"/api/v1/postings/{posting_id}")).status_code == 404
    assert (await anne.patch("/api/v1/postings/99999", json={"title": "x"})).status_code == 404
    assert await snapshot(server) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"subjects": []}, "subjects"),
        ({"subjects": ["alchemy"]}, "subjects"),
        ({"languages": "klingon"}, "languages"),
        ({"age_min": 12, "age_max": 9}, "age_max"),
        ({"age_min": "ten"}, "age_min"),
        ({"age_min": 1}, "age_min"),
        ({"description": "x" * 5001}, "description"),
        ({"title": ["a", "list"]}, "title"),
    ],
)
async def test_bad_postings_are_refused(server: RunningServer, login, change, field):
    jonas = await login("jonas")
    before = await snapshot(server)
    answer = await jonas.post("/api/v1/postings", json={**POSTING, **change})
    assert answer.status_code == 400 and field in answer.json()["fields"], answer.text
    assert await snapshot(server) == before


async def test_filters_search_and_pages(server: RunningServer, login):
    jonas = await login("jonas")
    assert (await jonas.post("/api/v1/postings", json=POSTING)).status_code == 201

    async def titles(query: str) -> list[str]:
        answer = await jonas.get(f"/api/v1/postings?{query}")
        assert answer.status_code == 200
        return [p["title"] for p in answer.json()["postings"]]

    assert await titles("q=education physique") == [POSTING["title"]]  # accents folded
    assert await titles("q=ÉCOLE JEUX") == [POSTING["title"]]
    assert await titles("q=zebra") == []
    assert await titles("q=100%25") == []  # LIKE wildcards are literal
    assert await titles("subject=mathematics") == ["Mathematics in the kitchen"]
    assert await titles("language=pl") == ["Physical education: games from our grandparents"]
    assert await titles("country=ES") == ["Leyendas y cuentos — legends of our towns"]
    assert set(await titles("age=14")) == {"Mathematics in the kitchen"}
    assert await titles("age=7&country=DE") == [POSTING["title"]]
    assert len(await titles("")) == 5
    assert len(await titles("subject=nonsense&age=abc&page=-3")) == 5  # bad filters ignored
    for number in range(12):
        body = {**POSTING, "title": f"Numbered posting {number}"}
        assert (await jonas.post("/api/v1/postings", json=body)).status_code == 201
    first = (await jonas.get("/api/v1/postings?q=numbered")).json()
    second = (await jonas.get("/api/v1/postings?q=numbered&page=2")).json()
    assert (first["total"], first["pages"], len(first["postings"])) == (12, 2, 10)
    assert len(second["postings"]) == 2
    seen = [p["title"] for p in first["postings"] + second["postings"]]
    assert sorted(seen) == sorted(f"Numbered posting {n}" for n in range(12))
    page = await jonas.get("/postings?q=numbered")
    assert page.status_code == 200 and 'rel="next"' in page.text


@pytest.mark.parametrize("who", ["lea", "pia"])
async def test_pupils_never_see_the_network(server: RunningServer, login, who: str):
    pupil = await login(who)
    for path in (
        "/api/v1/postings",
        "/api/v1/members",
        "/api/v1/members/1",
        "/api/v1/contacts",
        "/api/v1/projects",
        "/postings",
        "/people",
        "/members/1",
        "/projects",
        "/contacts",
        "/postings/1",
    ):
        answer = await pupil.get(path)
        assert answer.status_code == 404, path
    home = await pupil.get("/")
    assert "/postings" not in home.text  # no network links in the top bar
    before = await snapshot(server)
    assert (await pupil.post("/api/v1/postings", json=POSTING)).status_code == 404
    assert (await pupil.post("/api/v1/contact-requests", json={"user_id": 1})).status_code == 404
    assert await snapshot(server) == before


async def test_pupils_are_never_listed_or_shown(server: RunningServer, login):
    anne = await login("anne")
    found = (await anne.get("/api/v1/members?q=lea")).json()
    assert found["members"] == []
    everyone = (await anne.get("/api/v1/members")).json()
    kinds = {m["kind"] for m in everyone["members"]}
    assert kinds <= {"teacher", "member"}
    async with server.runtime.db.read() as session:
        from sqlalchemy import select

        from twinspace.accounts.models import User

        lea_id = await session.scalar(select(User.id).where(User.username == "lea"))
    assert (await anne.get(f"/api/v1/members/{lea_id}")).status_code == 404
    assert (await anne.get(f"/members/{lea_id}")).status_code == 404


async def test_anonymous_callers_are_sent_to_log_in(server: RunningServer):
    async with httpx.AsyncClient(base_url=server.url) as client:
        assert (await client.get("/api/v1/postings")).status_code == 401
        page = await client.get("/postings")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")


async def test_pages_publish_and_edit_without_javascript(server: RunningServer, login):
    jonas = await login("jonas")
    token = jonas.headers["X-CSRF-Token"]
    form = {
        "csrf_token": token,
        "title": "Form posting",
        "subjects": ["art", "music"],
        "languages": ["de"],
        "age_min": "9",
        "age_max": "11",
        "description": "By form.",
    }
    refused = await jonas.post("/postings/new", data={**form, "title": ""})
    assert refused.status_code == 400 and "This field is required" in refused.text
    assert 'value="music" checked' in refused.text
    created = await jonas.post("/postings/new", data=form)
    assert created.status_code == 303
    location = created.headers["location"]
    shown = await jonas.get(location)
    assert "Form posting" in shown.text and "Music" in shown.text
    edited = await jonas.post(f"{location}/edit", data={**form, "title": "Renamed"})
    assert edited.status_code == 303
    assert "Renamed" in (await jonas.get(location)).text
    no_token = await jonas.post(f"{location}/withdraw", data={})
    assert no_token.status_code == 403
    withdrawn = await jonas.post(f"{location}/withdraw", data={"csrf_token": token})
    assert withdrawn.status_code == 303
    assert (await jonas.get(location)).status_code == 404
