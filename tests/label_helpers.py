"""Helpers for the quality label tests: the demo TwinSpace (anne FR + jonas DE) made old enough,
a full application, and reading notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from tests.conftest import RunningServer
from twinspace.db import utcnow
from twinspace.network.models import Project
from twinspace.notifications.models import Notification
from twinspace.spaces.models import Space

SPACE = 1  # the demo TwinSpace "Rivers that connect us"
TEXTS = {
    "creativity": "Pupils planned the TwinSpace themselves.",
    "curriculum": "Geography and science lessons every week.",
    "cooperation": "Mixed teams across Lyon and Köln.",
    "ict": "Wiki, forum and chat, each for its purpose.",
    "sustainability": "The public pages are reused by two other schools.",
    "results": "Pupils measured and compared two rivers.",
}


async def age_space(server: RunningServer, days: int, space_id: int = SPACE) -> None:
    async with server.runtime.db.unit_of_work() as uow:
        await uow.session.execute(
            update(Space)
            .where(Space.id == space_id)
            .values(created_at=utcnow() - timedelta(days=days, hours=1))
        )


async def set_project(server: RunningServer, space_id: int = SPACE, **values: Any) -> None:
    async with server.runtime.db.unit_of_work() as uow:
        await uow.session.execute(
            update(Project).where(Project.space_id == space_id).values(**values)
        )


async def status_of(client: httpx.AsyncClient, space_id: int = SPACE) -> dict[str, Any]:
    answer = await client.get(f"/api/v1/spaces/{space_id}/label")
    assert answer.status_code == 200, answer.text
    return answer.json()


async def start(client: httpx.AsyncClient, space_id: int = SPACE) -> httpx.Response:
    return await client.post(f"/api/v1/spaces/{space_id}/label/applications")


async def apply(client: httpx.AsyncClient, space_id: int = SPACE) -> dict[str, Any]:
    """Start, write the six criteria, send: the sent application."""
    started = await start(client, space_id)
    assert started.status_code in (200, 201), started.text
    app_id = started.json()["application"]["id"]
    saved = await client.patch(f"/api/v1/labels/{app_id}", json={"criteria": TEXTS})
    assert saved.status_code == 200, saved.text
    sent = await client.post(f"/api/v1/labels/{app_id}/submit")
    assert sent.status_code == 200, sent.text
    return sent.json()["application"]


async def notes(server: RunningServer, username: str, kind_prefix: str = "label.") -> list:
    from twinspace.accounts.models import User

    async with server.runtime.db.read() as session:
        user_id = await session.scalar(select(User.id).where(User.username == username))
        rows = await session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.kind.startswith(kind_prefix))
            .order_by(Notification.id)
        )
        return [(n.kind, n.params, n.url) for n in rows]
