"""Storing a wiki page's document: append an update (the page row locked, so updates of one
page are stored one after the other), compact the updates into the snapshot, read the whole
document, and take revisions. Every function runs inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pycrdt import Doc
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.errors import Invalid, NotFound
from twinspace.i18n import N_
from twinspace.tools.wiki import crdt
from twinspace.tools.wiki.models import WikiPage, WikiRevision, WikiUpdate

MAX_UPDATE_BYTES = 64 * 1024  # one update from one member
MAX_DOCUMENT_BYTES = 2 * 1024 * 1024  # a page's stored document (snapshot and later updates)
COMPACT_AFTER = 200  # updates after the snapshot before they are merged into it


class DocumentFull(Invalid):
    code = "too_large"


async def get_page(
    session: AsyncSession, widget_id: int, page_id: int, *, lock: bool = False, share: bool = False
) -> WikiPage:
    """The wiki page; ``lock``: for writing (updates of a page are stored one at a time);
    ``share``: for reading its snapshot and updates together, so that a compaction cannot
    commit between the two reads (PostgreSQL's read committed; SQLite reads a snapshot)."""
    query = select(WikiPage).where(WikiPage.id == page_id, WikiPage.widget_id == widget_id)
    if lock:
        query = query.with_for_update()
    elif share:
        query = query.with_for_update(read=True)
    page = await session.scalar(query.execution_options(populate_existing=True))
    if page is None:
        raise NotFound(N_("No such wiki page."))
    return page


async def load_document(session: AsyncSession, page: WikiPage) -> Doc:
    """The page's document: its snapshot, then the updates stored after it, in order."""
    rows = await session.scalars(
        select(WikiUpdate.data)
        .where(WikiUpdate.page_id == page.id, WikiUpdate.seq > page.snapshot_seq)
        .order_by(WikiUpdate.seq)
    )
    return crdt.load([page.snapshot, *rows])


async def changes(session: AsyncSession, page: WikiPage, data: bytes) -> bool:
    """Would this update change the page's document? (Compares the whole encoded state:
    for the rare update sent after a sync, never for a keystroke.)"""
    doc = await load_document(session, page)
    before = crdt.encode(doc)
    doc.apply_update(data)
    return crdt.encode(doc) != before


async def compact(session: AsyncSession, page: WikiPage) -> None:
    """Merge every stored update into the snapshot (the page row is locked by the caller)."""
    if page.seq == page.snapshot_seq:
        return
    doc = await load_document(session, page)
    page.snapshot = crdt.encode(doc)
    await session.execute(
        delete(WikiUpdate).where(WikiUpdate.page_id == page.id, WikiUpdate.seq <= page.seq)
    )
    page.snapshot_seq = page.seq
    page.size = len(page.snapshot)


async def append_update(
    session: AsyncSession, page: WikiPage, data: bytes, author_id: int | None, now: datetime
) -> int:
    """Store one update (already checked to decode) on a locked page; returns its seq."""
    if len(data) > MAX_UPDATE_BYTES:
        raise Invalid(N_("This change is too large to send at once."))
    if page.size + len(data) > MAX_DOCUMENT_BYTES:
        await compact(session, page)
        if page.size + len(data) > MAX_DOCUMENT_BYTES:
            raise DocumentFull(N_("This wiki page is full: start a new page for more text."))
    page.seq += 1
    session.add(
        WikiUpdate(page_id=page.id, seq=page.seq, author_id=author_id, data=data, created_at=now)
    )
    page.size += len(data)
    page.updated_at = now
    if page.dirty_since is None:
        page.dirty_since = now
    if author_id is not None and author_id not in page.pending_authors:
        page.pending_authors = [*page.pending_authors, author_id]
    if page.seq - page.snapshot_seq >= COMPACT_AFTER:
        await session.flush()
        await compact(session, page)
    return page.seq


async def latest_revision(session: AsyncSession, page_id: int) -> WikiRevision | None:
    return await session.scalar(
        select(WikiRevision)
        .where(WikiRevision.page_id == page_id)
        .order_by(WikiRevision.number.desc())
        .limit(1)
    )


async def add_revision(
    session: AsyncSession,
    page: WikiPage,
    doc: Doc,
    now: datetime,
    *,
    reason: str,
    name: str = "",
    created_by: int | None = None,
    restored_from: int | None = None,
) -> WikiRevision:
    """A revision of the locked page's current document, naming who wrote since the last."""
    number = (
        await session.scalar(
            select(func.max(WikiRevision.number)).where(WikiRevision.page_id == page.id)
        )
        or 0
    ) + 1
    authors = list(page.pending_authors)
    if created_by is not None and created_by not in authors:
        authors.append(created_by)
    revision = WikiRevision(
        page_id=page.id,
        number=number,
        seq=page.seq,
        name=name,
        reason=reason,
        restored_from=restored_from,
        state=crdt.encode(doc),
        text=crdt.plain_text(doc),
        authors=authors,
        created_by=created_by,
        created_at=now,
    )
    session.add(revision)
    page.revision_seq = page.seq
    page.pending_authors = []
    page.dirty_since = None
    await session.flush()
    return revision


def revision_json(revision: WikiRevision, names: dict[int, str]) -> dict[str, Any]:
    return {
        "number": revision.number,
        "name": revision.name,
        "reason": revision.reason,
        "restored_from": revision.restored_from,
        "authors": [names.get(a, "") for a in revision.authors if a in names],
        "created_at": revision.created_at.isoformat(),
    }
