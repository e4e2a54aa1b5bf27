"""A TwinSpace and who belongs to it, with which role."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from twinspace.accounts.models import User
from twinspace.db import Base, UTCDateTime, utcnow


class Space(Base):
    __tablename__ = "spaces"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str] = mapped_column(String(16), default="european")  # european | national
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    home_public: Mapped[bool] = mapped_column(Boolean, default=False)
    visitors_may_chat: Mapped[bool] = mapped_column(Boolean, default=False)
    # How long chat history is kept; None keeps it for the project's lifetime.
    chat_retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Set when both founders belong to one school: teachers of other schools never join.
    single_school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # when it was closed (archived); purged TWINSPACE_RETENTION_DAYS later
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    purge_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("space_id", "user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(24))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")
