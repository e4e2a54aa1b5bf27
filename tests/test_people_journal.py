"""The project journal: Home's blog, kept by teachers, commented by members."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.people_support import snapshot
from twinspace.accounts.models import User
from twinspace.spaces.models import Membership, Space


async def test_teachers_start_the_journal_once(server: RunningServer, login) -> None:
    async with server.runtime.db.unit_of_work() as uow:  # a new TwinSpace: no journal yet
        space = Space(title="New project", description="", scope="european", status="open")
        uow.session.add(space)
        await uow.session.flush()
        for name, role in (("anne", "teacher_admin"), ("lea", "pupil_member")):
            uid = await uow.session.scalar(select(User.id).where(User.username == name))
            uow.session.add(Membership(space_id=space.id, user_id=uid, role=role))
    anne, lea = await login("anne"), await login("lea")
    url = f"/api/v1/spaces/{space.id}/journal"
    assert (await anne.get(url)).json()["widget_id"] is None
    home = await lea.get(f"/spaces/{space.id}")
    assert "The teachers have not started the project journal yet." in home.text
    before = await snapshot(server)
    assert (await lea.post(url)).status_code == 403
    assert await snapshot(server) == before
    started = await anne.post(url)
    assert started.status_code == 201, started.text
    assert (await anne.post(url)).status_code == 409
    assert (await anne.get(url)).json()["widget_id"] == started.json()["widget_id"]


async def test_journal_entries_and_comments(server: RunningServer, login) -> None:
    anne = await login("anne")
    lea = await login("lea")
    widget = (await anne.get("/api/v1/spaces/1/journal")).json()["widget_id"]  # the demo's
    assert widget is not None
    entry = await anne.post(
        f"/api/v1/spaces/1/widgets/{widget}/post.create",
        json={"title": "Week 1: first contact", "body": "The pupils exchanged letters."},
    )
    assert entry.status_code == 200, entry.text
    post_id = entry.json()["post"]["id"]
    refused = await lea.post(
        f"/api/v1/spaces/1/widgets/{widget}/post.create", json={"title": "Mine", "body": "x"}
    )
    assert refused.status_code == 403  # teachers keep the journal
    comment = await lea.post(
        f"/api/v1/spaces/1/widgets/{widget}/comment.create",
        json={"post_id": post_id, "text": "I loved the letters!"},
    )
    assert comment.status_code == 200, comment.text
    paul = await login("paul")
    assert (
        await paul.post(
            f"/api/v1/spaces/1/widgets/{widget}/comment.create",
            json={"post_id": post_id, "text": "Nice"},
        )
    ).status_code == 403
    home = await paul.get("/spaces/1")
    assert "Week 1: first contact" in home.text and "I loved the letters!" in home.text
    items = (await anne.get("/api/v1/spaces/1/feed")).json()["items"]
    texts = [i["text"] for i in items[:2]]
    assert all(i["url"] == "/spaces/1#journal" for i in items[:2])
    assert texts == [
        "Léa commented on “Project journal”.",
        "Anne Moreau wrote “Week 1: first contact” on “Project journal”.",
    ]
    await anne.post("/api/v1/spaces/1/publish", json={"public": True, "confirm": True})
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        public = await anonymous.get("/spaces/1")
        assert public.status_code == 200 and "Week 1" not in public.text
        assert (await anonymous.get(f"/spaces/1/widgets/{widget}")).status_code in (404, 405)
