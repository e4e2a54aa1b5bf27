"""Postings, contacts, projects and their approvals, and the folded search text of members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from twinspace.accounts.models import User
from twinspace.db import Base, UTCDateTime, utcnow


class Posting(Base):
    """A "looking for a partner" posting on the partner-finding board."""

    __tablename__ = "network_postings"
    # the board's order (newest first) read from an index: page 50 costs what page 1 does
    __table_args__ = (Index("ix_network_postings_listing", "status", "created_at", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    age_min: Mapped[int] = mapped_column(Integer)
    age_max: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")  # folded: lower case, no accents
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)  # | withdrawn
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship(lazy="raise")


class Contact(Base):
    """A contact request between two members; accepted, it makes them contacts.
    ``pair`` ("<smaller id>:<larger id>") allows one row per pair of people."""

    __tablename__ = "network_contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pair: Mapped[str] = mapped_column(String(40), unique=True)
    requester_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    addressee_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # | accepted | declined
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Project(Base):
    """A project from its draft to its TwinSpace.

    status: draft → pending_cofounder → pending_nss → open, or refused on the way.
    A project is *closed* when its TwinSpace is (the TwinSpace's status says so)."""

    __tablename__ = "network_projects"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    founder_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    founder_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), nullable=True)
    cofounder_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id"), nullable=True, index=True
    )
    cofounder_school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    age_min: Mapped[int | None] = mapped_column(Integer, nullable=True)
    age_max: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pupils_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    tools: Mapped[list[str]] = mapped_column(JSON, default=list)
    objectives: Mapped[str] = mapped_column(Text, default="")
    procedure: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    scope: Mapped[str | None] = mapped_column(String(16), nullable=True)  # european | national
    single_school: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(24), default="draft", index=True)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    refused_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    space_id: Mapped[int | None] = mapped_column(
        ForeignKey("spaces.id", ondelete="SET NULL"), nullable=True
    )
    # the kit the founder started from (its suggested pages can build the TwinSpace)
    kit_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_kits.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    def form_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PROJECT_FIELDS}


PROJECT_FIELDS = (
    "title",
    "description",
    "languages",
    "age_min",
    "age_max",
    "pupils_count",
    "subjects",
    "tools",
    "objectives",
    "procedure",
    "results",
)


class ProjectApproval(Base):
    """One national support service's decision on a project: recorded once per country."""

    __tablename__ = "network_project_approvals"
    __table_args__ = (UniqueConstraint("project_id", "country_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("network_projects.id", ondelete="CASCADE"), index=True
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # | validated | refused
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class MemberSearch(Base):
    """A member's name, username, school, city and country, folded for portable search."""

    __tablename__ = "network_member_search"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class NetworkProfile(Base):
    """What a teacher tells the network about themselves: shown on /members/{id}.
    The photo is small (re-encoded to at most 320 px, no metadata) and kept in the row."""

    __tablename__ = "network_profiles"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    about: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    age_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)
    photo_mime: Mapped[str | None] = mapped_column(String(32), nullable=True)
    photo_version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProjectKit(Base):
    """A ready-made project idea managed by site administrators: a founder may start from it
    (the form is pre-filled) and its suggested pages can build the TwinSpace's activities.
    ``pages`` is a list of ``{"title": str, "tools": [tool kinds]}``."""

    __tablename__ = "project_kits"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    age_min: Mapped[int] = mapped_column(Integer)
    age_max: Mapped[int] = mapped_column(Integer)
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    tools: Mapped[list[str]] = mapped_column(JSON, default=list)
    objectives: Mapped[str] = mapped_column(Text, default="")
    activities: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)  # | archived
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
