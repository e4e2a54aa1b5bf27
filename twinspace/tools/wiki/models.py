"""Wiki pages, their append-only CRDT updates (compacted into a snapshot now and then) and
their revisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from twinspace.db import Base, UTCDateTime, utcnow


class WikiPage(Base):
    """One page of a wiki: its title, its document (``snapshot`` plus the updates stored after
    it), and what the revision job needs to know."""

    __tablename__ = "tool_wiki_pages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    widget_id: Mapped[int] = mapped_column(ForeignKey("widgets.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    frozen: Mapped[bool] = mapped_column(Boolean, default=False)
    frozen_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    snapshot: Mapped[bytes] = mapped_column(LargeBinary, default=b"")  # merged updates
    seq: Mapped[int] = mapped_column(Integer, default=0)  # updates ever stored
    snapshot_seq: Mapped[int] = mapped_column(Integer, default=0)  # updates in the snapshot
    size: Mapped[int] = mapped_column(Integer, default=0)  # bytes: snapshot + later updates
    revision_seq: Mapped[int] = mapped_column(Integer, default=0)  # updates in the last revision
    dirty_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    pending_authors: Mapped[list[Any]] = mapped_column(JSON, default=list)


class WikiUpdate(Base):
    """A CRDT update as a member sent it, stored before it is relayed (append-only)."""

    __tablename__ = "tool_wiki_updates"
    __table_args__ = (UniqueConstraint("page_id", "seq"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("tool_wiki_pages.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WikiRevision(Base):
    """The whole document at one moment, with who wrote in it since the revision before."""

    __tablename__ = "tool_wiki_revisions"
    __table_args__ = (UniqueConstraint("page_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("tool_wiki_pages.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)  # the page's updates it contains
    name: Mapped[str] = mapped_column(String(100), default="")  # given by a member, or empty
    reason: Mapped[str] = mapped_column(String(20))  # first | idle | interval | named | restore
    restored_from: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[bytes] = mapped_column(LargeBinary)
    text: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
