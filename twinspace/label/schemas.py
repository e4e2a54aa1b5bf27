"""Schemas of the label's JSON API (label/api.py): JSON types here, meaning in actions.py."""

from __future__ import annotations

from typing import Any, Literal

from twinspace.schema import Answer, Body, Query


class ReasonOut(Answer):
    code: str
    message: str


class ApplicationOut(Answer):
    id: int
    project_id: int
    space_id: int | None
    applicant_id: int | None
    country: str
    year: int
    status: str
    status_label: str
    criteria: dict[str, str]
    examples: list[Any]
    review_comment: str | None
    created_at: str
    updated_at: str
    submitted_at: str | None
    decided_at: str | None


class SpaceLabelOut(Answer):
    eligible: bool
    project_id: int
    space_id: int
    min_days: int
    days_open: int | None
    application_id: int | None
    reasons: list[ReasonOut]
    application: ApplicationOut | None
    badges: dict[str, Any]


class ApplicationAnswerOut(Answer):
    ok: Literal[True]
    application: ApplicationOut


class ApplicationViewOut(Answer):
    application: ApplicationOut
    reader: str | None
    project: dict[str, Any]
    applicant: dict[str, Any] | None
    evidence: dict[str, Any]
    examples_available: list[Any]


class DraftChanges(Body):
    """Only these two fields may be sent (any other is refused)."""

    criteria: dict[str, str] | None = None
    examples: list[str] | None = None


class QueueQuery(Query):
    status: Literal["submitted", "awarded", "declined"] | None = None


class QueueItemOut(ApplicationOut):
    project_title: str
    applicant: dict[str, Any] | None


class QueueOut(Answer):
    country: str | None
    applications: list[QueueItemOut]


class Review(Body):
    comment: str | None = None  # required to decline


class MemberLabelsOut(Answer):
    user_id: int
    labels: list[dict[str, Any]]
