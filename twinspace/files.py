"""Stored files: one row per file in the store (its random key, owner TwinSpace and widget,
size and sniffed type), quotas, safe download responses, and the orphan sweep."""

from __future__ import annotations

import time
from datetime import datetime
from urllib.parse import quote

from sqlalchemy import BigInteger, ForeignKey, String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column
from starlette.responses import StreamingResponse

from twinspace.db import Base, Database, UnitOfWork, UTCDateTime, utcnow
from twinspace.errors import DomainError
from twinspace.i18n import N_
from twinspace.storage import LocalStorage


class QuotaExceeded(DomainError):
    code, status = "quota_exceeded", 413


class StoredFile(Base):
    __tablename__ = "stored_files"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    widget_id: Mapped[int | None] = mapped_column(
        ForeignKey("widgets.id", ondelete="CASCADE"), nullable=True, index=True
    )
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


async def space_usage(session: AsyncSession, space_id: int) -> int:
    used = await session.scalar(
        select(func.sum(StoredFile.size)).where(StoredFile.space_id == space_id)
    )
    return int(used or 0)


async def check_quota(session: AsyncSession, space_id: int, extra: int, quota: int) -> None:
    if await space_usage(session, space_id) + extra > quota:
        raise QuotaExceeded(N_("This TwinSpace has no room left for this file."), quota_bytes=quota)


async def do_store(
    uow: UnitOfWork,
    storage: LocalStorage,
    temp_path,
    space_id: int,
    widget_id: int | None,
    size: int,
    mime: str,
) -> StoredFile:
    """Move a checked temporary file into the store and record it in the same transaction
    (a failed commit leaves an orphan that the sweep removes)."""
    key = storage.put(temp_path)
    row = StoredFile(key=key, space_id=space_id, widget_id=widget_id, size=size, mime=mime)
    uow.session.add(row)
    await uow.session.flush()
    return row


async def do_forget(uow: UnitOfWork, key: str) -> None:
    row = await uow.session.get(StoredFile, key)
    if row is not None:
        await uow.session.delete(row)


async def sweep_orphans(db: Database, storage: LocalStorage, min_age_seconds: float = 3600) -> int:
    """Delete stored files no row points to any more (deleted widgets, pages, TwinSpaces,
    or a commit that failed). Young files are left alone: their upload may be finishing."""
    async with db.read() as session:
        known = set(await session.scalars(select(StoredFile.key)))
    now, removed = time.time(), 0
    for path in storage.root.glob("??/*"):
        if path.name not in known and now - path.stat().st_mtime >= min_age_seconds:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


SAFE_INLINE = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}


def file_response(
    storage: LocalStorage, row: StoredFile, filename: str, *, inline: bool = False
) -> StreamingResponse:
    """A download that can never run as a page of ours: attachment unless a safe image or PDF
    was asked inline, nosniff, and a sandboxing CSP."""
    disposition = "inline" if inline and row.mime in SAFE_INLINE else "attachment"
    ascii_name = "".join(
        ch for ch in filename.encode("ascii", "replace").decode() if ch.isprintable()
    ).translate({ord('"'): None, ord("\\"): None})
    headers = {
        "Content-Disposition": (
            f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
        ),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
        ),
        "Content-Length": str(row.size),
        "Cache-Control": "private, max-age=0",
    }
    return StreamingResponse(storage.read(row.key), media_type=row.mime, headers=headers)
