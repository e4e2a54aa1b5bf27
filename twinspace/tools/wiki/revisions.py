"""Revisions taken by the server: after a pause in the typing (``IDLE_SECONDS``) and at least
every ``EVERY_SECONDS`` while people keep typing; at start-up for pages left with unsaved
changes. Idempotent: a page whose updates are all in its last revision is left alone, so
several server processes may race for the same page."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import select

from twinspace.db import Database, UnitOfWork, utcnow
from twinspace.events import record_event
from twinspace.pages.models import Page, Widget
from twinspace.tools.wiki.models import WikiPage, WikiRevision
from twinspace.tools.wiki.store import add_revision, load_document

log = logging.getLogger(__name__)
IDLE_SECONDS = 20.0
EVERY_SECONDS = 180.0
_timers: dict[tuple[int, int], asyncio.TimerHandle] = {}
_tasks: set[asyncio.Task[None]] = set()


async def page_room(uow: UnitOfWork, page: WikiPage) -> tuple[str, Widget]:
    widget = await uow.session.get(Widget, page.widget_id)
    assert widget is not None
    host = await uow.session.get(Page, widget.page_id)
    assert host is not None
    return f"space:{host.space_id}:page:{host.id}", widget


async def record_revision(
    uow: UnitOfWork, page: WikiPage, revision: WikiRevision, actor_id: int | None
) -> None:
    room, widget = await page_room(uow, page)
    await record_event(
        uow,
        room,
        "wiki.revision_saved",
        {
            "widget_id": widget.id,
            "page_id": page.id,
            "revision": revision.number,
            "reason": revision.reason,
            "name": revision.name,
        },
        actor_id=actor_id,
    )


async def save_revision(db: Database, page_id: int, reason: str) -> int | None:
    """Take a revision of the page if it changed since its last one; its number, or None."""
    async with db.unit_of_work() as uow:
        page = await uow.session.scalar(
            select(WikiPage).where(WikiPage.id == page_id).with_for_update()
        )
        if page is None or page.seq == page.revision_seq:
            return None
        doc = await load_document(uow.session, page)
        revision = await add_revision(uow.session, page, doc, utcnow(), reason=reason)
        await record_revision(uow, page, revision, None)
        return revision.number


def due(page: WikiPage, now: datetime) -> bool:
    """Typing has gone on long enough since the last revision to take one now."""
    return page.dirty_since is not None and (now - page.dirty_since).total_seconds() >= (
        EVERY_SECONDS
    )


def _spawn(db: Database, page_id: int, reason: str) -> None:
    async def run() -> None:
        try:
            await save_revision(db, page_id, reason)
        except Exception:
            log.exception("saving a revision of wiki page %s failed", page_id)

    task = asyncio.get_running_loop().create_task(run())
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


def after_update(db: Database, page_id: int, *, now_due: bool) -> None:
    """Called after each stored update: a revision now if one is due, and one after a pause."""
    if now_due:
        _spawn(db, page_id, "interval")
    key = (id(db), page_id)
    old = _timers.pop(key, None)
    if old is not None:
        old.cancel()

    def fire() -> None:
        _timers.pop(key, None)
        _spawn(db, page_id, "idle")

    _timers[key] = asyncio.get_running_loop().call_later(IDLE_SECONDS, fire)


async def save_unsaved(db: Database) -> int:
    """Revisions for every page with changes not yet in a revision (after a restart)."""
    async with db.read() as session:
        ids = list(
            await session.scalars(select(WikiPage.id).where(WikiPage.seq > WikiPage.revision_seq))
        )
    saved = 0
    for page_id in ids:
        if await save_revision(db, page_id, "idle") is not None:
            saved += 1
    return saved
