"""Latest activities: built from the stored events of the rooms the viewer may read, live on
Home; pupils never see the Teachers' room, visitors never see Pupils' corner, hidden and
removed content does not come back."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.people_support import user_id
from twinspace.pages.models import Page, Widget


async def _blog_widget(server: RunningServer, room: str) -> tuple[int, int]:
    async with server.runtime.db.read() as session:
        row = (
            await session.execute(
                select(Page.id, Widget.id)
                .join(Widget, Widget.page_id == Page.id)
                .where(Page.room == room, Widget.kind.in_(["blog", "forum", "webcontent"]))
                .order_by(Page.id)
            )
        ).first()
    assert row is not None
    return row[0], row[1]


async def _feed(client: httpx.AsyncClient, **params: object) -> list[dict]:
    answer = await client.get("/api/v1/spaces/1/feed", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["items"]


async def test_feed_shows_members_walls_and_pages(server: RunningServer, login) -> None:
    anne, lea = await login("anne"), await login("lea")
    anne_id = await user_id(server, "anne")
    assert (await anne.post("/api/v1/spaces/1/pupils", json={"names": "Zoé"})).status_code == 201
    wall = await lea.post(f"/api/v1/spaces/1/members/{anne_id}/wall", json={"text": "Bonjour!"})
    assert wall.status_code == 201, wall.text
    items = await _feed(anne)
    assert items[0]["text"] == "Léa wrote on the wall of Anne Moreau: “Bonjour!”"
    assert items[0]["url"] == f"/spaces/1/members/{anne_id}"
    assert any(i["text"] == "Zoé joined the TwinSpace." for i in items)
    everything = await _feed(anne, limit=100)
    assert any("wrote “First measurements” on “Our two rivers”" in i["text"] for i in everything)
    # paginated, newest first, no item twice
    first = await _feed(anne, limit=2)
    answer = await anne.get("/api/v1/spaces/1/feed", params={"limit": 2})
    older = await _feed(anne, limit=2, before=answer.json()["before"])
    assert [i["id"] for i in first] == [i["id"] for i in items[:2]]
    assert [i["id"] for i in older] == [i["id"] for i in items[2:4]]
    # a deleted wall message leaves the feed
    post_id = wall.json()["post"]["id"]
    assert (await lea.delete(f"/api/v1/spaces/1/wall/{post_id}")).status_code == 200
    assert not any("Bonjour!" in i["text"] for i in await _feed(anne))


async def test_pupils_never_see_teachers_room_nor_visitors_pupils_corner(
    server: RunningServer, login
) -> None:
    anne, lea, paul = await login("anne"), await login("lea"), await login("paul")
    _, teachers_widget = await _blog_widget(server, "teachers")
    secret = await anne.post(
        f"/api/v1/spaces/1/widgets/{teachers_widget}/save",
        json={"html": "<p>Teachers only</p>"},
    )
    assert secret.status_code == 200, secret.text
    assert any("Planning" in i["text"] for i in await _feed(anne))
    for client in (lea, paul):
        assert not any("Planning" in i["text"] for i in await _feed(client))
    corner_page, corner_widget = await _blog_widget(server, "pupils")
    topic = await lea.post(
        f"/api/v1/spaces/1/widgets/{corner_widget}/topic.create",
        json={"title": "Our pets", "text": "I have a cat."},
    )
    assert topic.status_code == 200, topic.text
    assert any("Our pets" in i["text"] for i in await _feed(anne))
    assert not any("Our pets" in i["text"] for i in await _feed(paul))
    # hidden content: a moderator deletes the topic, it leaves everyone's feed
    topic_id = topic.json()["topic"]["id"]
    gone = await anne.post(
        f"/api/v1/spaces/1/widgets/{corner_widget}/topic.delete", json={"topic_id": topic_id}
    )
    assert gone.status_code == 200, gone.text
    assert not any("Our pets" in i["text"] for i in await _feed(lea))


async def test_feed_is_for_members_only(server: RunningServer, login) -> None:
    anne = await login("anne")
    await anne.post("/api/v1/spaces/1/publish", json={"public": True, "confirm": True})
    outsider = await login("nss-fr")
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        for client in (anonymous, outsider):
            assert (await client.get("/api/v1/spaces/1/feed")).status_code == 404
            assert (await client.get("/spaces/1/activity")).status_code == 404
            home = await client.get("/spaces/1")
            assert home.status_code == 200 and "Latest activities" not in home.text


async def test_home_shows_people_services(server: RunningServer, login) -> None:
    for who in ("anne", "tina", "pia", "lea", "paul"):
        client = await login(who)
        home = await client.get("/spaces/1")
        assert home.status_code == 200, (who, home.text[:2000])
        assert "Latest activities" in home.text and "/spaces/1/mailbox" in home.text
        assert ("/spaces/1/pupil-accounts" in home.text) is (who in ("anne", "tina"))
        assert ("/spaces/1/invitations" in home.text) is (who == "anne")
    page = await (await login("anne")).get("/spaces/1/activity")
    assert page.status_code == 200 and "feed__item" in page.text
    bad = await (await login("anne")).get("/api/v1/spaces/1/feed", params={"before": "x"})
    assert bad.status_code == 400
