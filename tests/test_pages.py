"""Managing pages and applications, publishing, and what the public can reach."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.conftest import RunningServer
from tests.support import api_login


async def _page_with_text(
    client: httpx.AsyncClient, title: str = "Our rivers", html: str = "<p>Hello</p>"
) -> tuple[int, int]:
    page = await client.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": title})
    assert page.status_code == 201, page.text
    page_id = page.json()["id"]
    widget = await client.post(
        f"/api/v1/spaces/1/pages/{page_id}/widgets", json={"kind": "webcontent"}
    )
    assert widget.status_code == 201, widget.text
    saved = await client.post(
        f"/api/v1/spaces/1/widgets/{widget.json()['id']}/save", json={"html": html}
    )
    assert saved.status_code == 200, saved.text
    return page_id, widget.json()["id"]


async def test_admin_builds_a_page_and_publishes_it(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    page_id, _ = await _page_with_text(
        anne,
        html="<p>Léa measured the <a href='https://example.org'>Rhône</a></p><script>alert(1)</script>",
    )
    shown = await anne.get(f"/spaces/1/pages/{page_id}")
    assert shown.status_code == 200 and "Rhône</a>" in shown.text
    assert "<script>alert(1)" not in shown.text and 'rel="noopener nofollow"' in shown.text
    async with httpx.AsyncClient(base_url=server.url) as public:
        assert (await public.get(f"/spaces/1/pages/{page_id}")).status_code == 404
        check = await anne.get(f"/api/v1/spaces/1/pages/{page_id}/publication-check")
        assert "Léa" in check.json()["pupil_names"]
        unconfirmed = await anne.post(
            f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True}
        )
        assert unconfirmed.status_code == 400
        done = await anne.post(
            f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
        )
        assert done.status_code == 200 and done.json()["is_public"] is True
        page = await public.get(f"/spaces/1/pages/{page_id}")
        assert page.status_code == 200 and "Rhône" in page.text
        assert (await public.get("/spaces/1/teachers")).status_code == 404
    await anne.aclose()


@pytest.mark.parametrize(
    ("who", "status"), [("anne", 201), ("pia", 201), ("tina", 403), ("lea", 403), ("paul", 403)]
)
async def test_who_may_add_activity_pages(server: RunningServer, who: str, status: int) -> None:
    client = await api_login(server.url, who)
    response = await client.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": "Mine"})
    assert response.status_code == status, response.text
    await client.aclose()


async def test_nesting_reordering_drafts_and_trash(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    base = "/api/v1/spaces/1/rooms/activities/pages"
    a = (await anne.post(base, json={"title": "A"})).json()
    b = (await anne.post(base, json={"title": "B"})).json()
    c = (await anne.post(base, json={"title": "C", "parent_id": a["id"]})).json()
    assert c["parent_id"] == a["id"]
    deeper = await anne.post(base, json={"title": "D", "parent_id": c["id"]})
    assert deeper.status_code == 400  # one level of sub-pages only
    assert (
        await anne.post(f"/api/v1/spaces/1/pages/{a['id']}/nest", json={"parent_id": b["id"]})
    ).status_code == 400
    moved = await anne.post(f"/api/v1/spaces/1/pages/{b['id']}/move", json={"position": 0})
    assert moved.status_code == 200
    listed = (await anne.get(base)).json()["pages"]
    tops = [
        p["title"] for p in sorted(listed, key=lambda p: p["position"]) if p["parent_id"] is None
    ]
    assert tops[0] == "B" and tops.index("B") < tops.index("A")  # B moved to the top

    draft = (await anne.post(base, json={"title": "Secret plan", "draft": True})).json()
    lea = await api_login(server.url, "lea")
    assert "Secret plan" not in [p["title"] for p in (await lea.get(base)).json()["pages"]]
    assert (await lea.get(f"/spaces/1/pages/{draft['id']}")).status_code == 404

    trashed = await anne.delete(f"/api/v1/spaces/1/pages/{a['id']}")
    assert trashed.status_code == 200 and trashed.json()["restorable_days"] == 30
    assert (await lea.get(f"/spaces/1/pages/{c['id']}")).status_code == 404  # sub-pages go along
    page = await anne.get("/spaces/1/activities")
    assert "Trash" in page.text and ">A" in page.text
    restored = await anne.post(f"/api/v1/spaces/1/pages/{a['id']}/restore", json={})
    assert restored.status_code == 200
    assert (await lea.get(f"/spaces/1/pages/{c['id']}")).status_code == 200
    await anne.aclose()
    await lea.aclose()


async def test_public_visitor_cannot_guess_private_things(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    public_id, public_widget = await _page_with_text(anne, "Open page", "<p>open</p>")
    private_id, private_widget = await _page_with_text(anne, "Closed page", "<p>closed</p>")
    await anne.post(
        f"/api/v1/spaces/1/pages/{public_id}/publish", json={"public": True, "confirm": True}
    )
    teachers = (
        await anne.post("/api/v1/spaces/1/rooms/teachers/pages", json={"title": "Staff"})
    ).json()
    async with httpx.AsyncClient(base_url=server.url) as public:
        assert (await public.get(f"/spaces/1/pages/{public_id}")).status_code == 200
        for path in (
            f"/spaces/1/pages/{private_id}",
            f"/spaces/1/pages/{teachers['id']}",
            "/spaces/1/pages/99999",
            f"/api/v1/spaces/1/pages/{private_id}",
            "/spaces/1/teachers",
            "/spaces/1/pupils",
            "/spaces/1",
            "/api/v1/spaces/1/members",
            "/spaces/1/chat/general",
            "/api/v1/spaces/1/rooms/teachers/pages",
        ):
            response = await public.get(path)
            assert response.status_code == 404, path
            assert "closed" not in response.text and "Staff" not in response.text
        listed = (await public.get("/api/v1/spaces/1/rooms/activities/pages")).json()["pages"]
        titles = [p["title"] for p in listed]
        assert "Open page" in titles and "Closed page" not in titles
        assert all(p["is_public"] for p in listed)
        page_html = (await public.get(f"/spaces/1/pages/{public_id}")).text
        assert "Closed page" not in page_html and "Teachers&#39; room" not in page_html
    await anne.aclose()


async def test_pupils_never_reach_the_teachers_room(server: RunningServer, connect_as) -> None:
    anne = await api_login(server.url, "anne")
    staff = (
        await anne.post("/api/v1/spaces/1/rooms/teachers/pages", json={"title": "Planning"})
    ).json()
    await anne.aclose()
    for name in ("lea", "pia"):
        pupil = await api_login(server.url, name)
        home = await pupil.get("/spaces/1")
        assert "/spaces/1/teachers" not in home.text and "Teachers&#39; room" not in home.text
        assert (await pupil.get("/spaces/1/teachers")).status_code == 404
        assert (await pupil.get(f"/spaces/1/pages/{staff['id']}")).status_code == 404
        assert (await pupil.get("/api/v1/spaces/1/rooms/teachers/pages")).status_code == 404
        live = await connect_as(name)
        assert (await live.call("join", {"room": "space:1:teachers"}))["error"] == "not_found"
        assert (await live.call("join", {"room": f"space:1:page:{staff['id']}"}))[
            "error"
        ] == "not_found"
        await pupil.aclose()


async def test_making_a_page_private_closes_it_live_for_the_public(
    server: RunningServer, connect_as
) -> None:
    anne = await api_login(server.url, "anne")
    page_id, widget_id = await _page_with_text(anne, "Shared", "<p>v1</p>")
    await anne.post(
        f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
    )
    room = f"space:1:page:{page_id}"
    visitor = await connect_as(None)
    lea = await connect_as("lea")
    for client in (visitor, lea):
        assert (await client.call("join", {"room": room}))["ok"]
    await anne.post(f"/api/v1/spaces/1/widgets/{widget_id}/save", json={"html": "<p>v2</p>"})
    await visitor.wait_for(lambda e: e["type"] == "webcontent.saved")
    await anne.post(f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": False})
    closed = await visitor.wait_for(lambda e: e["type"] == "page.visibility")
    assert closed["data"]["is_public"] is False
    await lea.wait_for(lambda e: e["type"] == "page.visibility")
    assert (await lea.call("join", {"room": room}))["ok"]  # members come straight back
    assert (await visitor.call("join", {"room": room}))["error"] == "not_found"
    await anne.post(
        f"/api/v1/spaces/1/widgets/{widget_id}/save", json={"html": "<p>v3 private</p>"}
    )
    await lea.wait_for(lambda e: e["type"] == "webcontent.saved" and "v3" in e["data"]["html"])
    assert not [e for e in visitor.events if "v3" in str(e["data"])]
    await anne.aclose()


async def test_home_publication_and_gallery(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    async with httpx.AsyncClient(base_url=server.url) as public:
        assert (await public.get("/api/v1/gallery")).json()["spaces"] == []
        assert (
            await anne.post("/api/v1/spaces/1/publish", json={"public": True})
        ).status_code == 400
        assert (
            await anne.post("/api/v1/spaces/1/publish", json={"public": True, "confirm": True})
        ).status_code == 200
        gallery = (await public.get("/api/v1/gallery")).json()["spaces"]
        assert gallery[0]["title"] == "Rivers that connect us" and gallery[0]["countries"] == [
            "DE",
            "FR",
        ]
        home = await public.get("/spaces/1")
        assert home.status_code == 200 and "Jonas Becker" in home.text
        assert not re.search(r"\b(Léa|lea|Tom|tom)\b", home.text)  # pupils never shown publicly
        assert "Rivers that connect us" in (await public.get("/gallery")).text
        # Subjects come from the project registration; ?subject= narrows the gallery.
        assert gallery[0]["subjects"] == ["science", "geography"]
        by_subject = (await public.get("/api/v1/gallery?subject=geography")).json()["spaces"]
        assert [s["title"] for s in by_subject] == ["Rivers that connect us"]
        assert (await public.get("/api/v1/gallery?subject=music")).json()["spaces"] == []
        unknown = (await public.get("/api/v1/gallery?subject=nonsense")).json()["spaces"]
        assert unknown == gallery  # an unknown subject filters nothing
        french = await public.get("/gallery?subject=music", headers={"Accept-Language": "fr"})
        assert "Aucun TwinSpace publié ne porte encore sur cette matière." in french.text
        page = (await public.get("/gallery")).text
        assert '<span class="badge">Geography</span>' in page
    lea = await api_login(server.url, "lea")
    assert (await lea.post("/api/v1/spaces/1/publish", json={"public": False})).status_code == 403
    await lea.aclose()
    await anne.aclose()


async def test_catch_up_of_a_page_never_replays_hidden_or_removed_content(
    server: RunningServer, connect_as
) -> None:
    anne = await api_login(server.url, "anne")
    page = (
        await anne.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": "Replays"})
    ).json()
    blog = (
        await anne.post(f"/api/v1/spaces/1/pages/{page['id']}/widgets", json={"kind": "blog"})
    ).json()
    text = (
        await anne.post(f"/api/v1/spaces/1/pages/{page['id']}/widgets", json={"kind": "webcontent"})
    ).json()
    post = await anne.post(
        f"/api/v1/spaces/1/widgets/{blog['id']}/post.create",
        json={"title": "Oops", "body": "a secret phone number"},
    )
    assert post.status_code == 200, post.text
    await anne.post(
        f"/api/v1/spaces/1/widgets/{text['id']}/save", json={"html": "<p>removed block</p>"}
    )
    await anne.post(
        f"/api/v1/spaces/1/widgets/{blog['id']}/post.hide",
        json={"post_id": post.json()["post"]["id"]},
    )
    assert (await anne.delete(f"/api/v1/spaces/1/widgets/{text['id']}")).status_code == 200
    lea = await connect_as("lea")
    caught = await lea.call("catchup", {"room": f"space:1:page:{page['id']}", "after": 0})
    assert caught["ok"]
    replayed = str(caught["events"])
    assert "secret phone number" not in replayed and "removed block" not in replayed
    assert "blog.post_hidden" in [e["type"] for e in caught["events"]]
    teacher = await connect_as("anne")
    moderator_view = str(
        (await teacher.call("catchup", {"room": f"space:1:page:{page['id']}", "after": 0}))[
            "events"
        ]
    )
    assert "secret phone number" in moderator_view
    await anne.aclose()
