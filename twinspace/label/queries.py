"""Reading applications for their readers: the application with its evidence (applicant and
officers), the national support service's queue, a teacher for their badges."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import School, User
from twinspace.db import utcnow
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.label.actions import get_application
from twinspace.label.evidence import Evidence, get_evidence
from twinspace.label.models import LabelApplication
from twinspace.label.present import application_json, example_catalogue
from twinspace.network.models import Project
from twinspace.permissions import access_space, is_listed
from twinspace.spaces.models import Space
from twinspace.spaces.queries import facts, get_viewer


async def access_label_space(session: AsyncSession, user: User | None, space_id: int) -> Space:
    """The label's pages of a TwinSpace exist for whoever may see the TwinSpace."""
    space = await session.get(Space, space_id)
    if space is None:
        raise NotFound(N_("No such TwinSpace."))
    viewer = await get_viewer(session, user, space.id)
    access_space(viewer, facts(space), home_public=space.home_public)
    return space


def _person(user: User | None, school: School | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "id": user.id,
        "name": user.display_name,
        "country": user.country_code,
        "school": school.name if school else None,
    }


@dataclass
class ApplicationView:
    app: LabelApplication
    part: str  # applicant | officer
    project: Project
    applicant: dict[str, Any] | None
    evidence: Evidence
    catalogue: dict[str, dict[str, Any]]  # what the applicant may attach (drafts only)

    def json(self, gettext) -> dict[str, Any]:  # noqa: ANN001
        return {
            "application": application_json(self.app, gettext),
            "reader": self.part,
            "project": {"id": self.project.id, "title": self.project.title},
            "applicant": self.applicant,
            "evidence": self.evidence.json(),
            "examples_available": list(self.catalogue.values()),
        }


async def _applicant(session: AsyncSession, user_id: int) -> dict[str, Any] | None:
    row = (
        await session.execute(
            select(User, School)
            .outerjoin(School, School.id == User.school_id)
            .where(User.id == user_id)
        )
    ).first()
    return _person(*row) if row else None


async def get_application_view(
    session: AsyncSession, user: User, application_id: int
) -> ApplicationView:
    app, part = await get_application(session, user, application_id)
    project = await session.get(Project, app.project_id)
    space = await session.get(Space, app.space_id)
    if project is None or space is None:
        raise NotFound(N_("No such label application."))
    evidence = await get_evidence(session, space.id, space.created_at, utcnow())
    catalogue = (
        await example_catalogue(session, space.id)
        if part == "applicant" and app.status == "draft"
        else {}
    )
    applicant = await _applicant(session, app.applicant_id)
    return ApplicationView(app, part, project, applicant, evidence, catalogue)


@dataclass
class QueueItem:
    app: LabelApplication
    project_title: str
    applicant: dict[str, Any] | None

    def json(self, gettext) -> dict[str, Any]:  # noqa: ANN001
        return {
            **application_json(self.app, gettext),
            "project_title": self.project_title,
            "applicant": self.applicant,
        }


async def get_nss_queue(session: AsyncSession, officer: User, status: str) -> list[QueueItem]:
    """The applications of the officer's country in one state, oldest waiting first."""
    order = (
        (LabelApplication.submitted_at, LabelApplication.id)
        if status == "submitted"
        else (LabelApplication.decided_at.desc(), LabelApplication.id.desc())
    )
    rows = await session.execute(
        select(LabelApplication, Project.title, User, School)
        .join(Project, Project.id == LabelApplication.project_id)
        .join(User, User.id == LabelApplication.applicant_id)
        .outerjoin(School, School.id == User.school_id)
        .where(
            LabelApplication.country_code == officer.country_code,
            LabelApplication.status == status,
        )
        .order_by(*order)
        .limit(200)
    )
    return [QueueItem(app, title, _person(u, s)) for app, title, u, s in rows]


async def get_listed_teacher(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None or not user.is_active or not is_listed(user.kind, user.school_id is not None):
        raise NotFound(N_("No such member."))
    return user
