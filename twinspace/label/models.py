"""A teacher's application for the National Quality Label: one per teacher, project and year."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from twinspace.db import Base, UTCDateTime, utcnow

# The six criteria of the quality label (eTwinning's TwinSpace guide), in their order.
CRITERIA = (
    "creativity",  # 1. creativity and pedagogical innovation
    "curriculum",  # 2. integration into the curriculum
    "cooperation",  # 3. cooperation between partner schools
    "ict",  # 4. creative use of ICT
    "sustainability",  # 5. sustainability and transferability
    "results",  # 6. results and benefits
)


class LabelApplication(Base):
    """status: draft → submitted → awarded | declined. ``country_code`` is the applicant's
    country when they started: their national support service reviews it."""

    __tablename__ = "label_applications"
    __table_args__ = (UniqueConstraint("project_id", "applicant_id", "year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("network_projects.id", ondelete="CASCADE"), index=True
    )
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id", ondelete="CASCADE"), index=True)
    applicant_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    examples: Mapped[list[Any]] = mapped_column(JSON, default=list)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
