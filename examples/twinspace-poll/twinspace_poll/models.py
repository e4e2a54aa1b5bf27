"""The poll's own tables. Rows belong to a widget and go with it (ON DELETE CASCADE)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from twinspace.plugin import Base, UTCDateTime, utcnow


class Poll(Base):
    __tablename__ = "poll_questions"
    widget_id: Mapped[int] = mapped_column(
        ForeignKey("widgets.id", ondelete="CASCADE"), primary_key=True
    )
    question: Mapped[str] = mapped_column(String(300), default="")
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Vote(Base):
    """One member's one vote: the unique constraint keeps it one, even under a race."""

    __tablename__ = "poll_votes"
    __table_args__ = (UniqueConstraint("widget_id", "user_id", name="uq_poll_votes_voter"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    widget_id: Mapped[int] = mapped_column(ForeignKey("widgets.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    choice: Mapped[int] = mapped_column(Integer)  # 1 = the first choice
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
