"""The project journal: Home's blog, kept by teachers, commented by members."""

from __future__ import annotations

import httpx

from tests.conftest import RunningServer
from tests.people_support import snapshot


async def test_journal_entries_and_comments(server: RunningServer, login) -> None:
    anne = await login("anne")
    assert (await anne.get("/api/v1/spaces/1/journal")).json()["widget_id"] is None
    lea = await login("lea")
    before = await snapshot(server)
    assert (await lea.post("/api/v1/spaces/1/journal")).status_code == 403
    assert await snapshot(server) == before
    started = await anne.post("/api/v1/spaces/1/journal")
    assert started.status_code == 201, started.text
    assert (await anne.post("/api/v1/spaces/1/journal")).status_code == 409
    widget = started.json()["widget_id"]
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
    assert texts == [
        "Léa commented on “Project journal”.",
        "Anne Moreau wrote “Week 1: first contact” on “Project journal”.",
    ]
    await anne.post("/api/v1/spaces/1/publish", json={"public": True, "confirm": True})
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        public = await anonymous.get("/spaces/1")
        assert public.status_code == 200 and "Week 1" not in public.text
        assert (await anonymous.get(f"/spaces/1/widgets/{widget}")).status_code in (404, 405)
