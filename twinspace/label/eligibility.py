"""Gathering the facts the label's eligibility rules (in permissions.py) decide on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.label.models import LabelApplication
from twinspace.label.sources import was_invited_into_project
from twinspace.network.models import Project
from twinspace.permissions import LABEL_REASONS, LabelFacts, label_refusals
from twinspace.spaces.models import Membership, Space


@dataclass(frozen=True)
class Eligibility:
    project: Project
    space: Space
    facts: LabelFacts
    reasons: list[str]  # codes of LABEL_REASONS; empty: the teacher may apply
    draft: LabelApplication | None  # this year's application in progress, if any
    current: LabelApplication | None  # this year's application, whatever its state

    @property
    def eligible(self) -> bool:
        return not self.reasons

    def json(self, gettext) -> dict:  # noqa: ANN001 - gettext of the reader's language
        params = {"days": self.facts.min_days}
        return {
            "eligible": self.eligible,
            "project_id": self.project.id,
            "space_id": self.space.id,
            "min_days": self.facts.min_days,
            "days_open": self.facts.days_open,
            "application_id": self.current.id if self.current else None,
            "reasons": [
                {"code": code, "message": gettext(LABEL_REASONS[code]) % params}
                for code in self.reasons
            ],
        }


async def get_space_project(session: AsyncSession, space_id: int) -> tuple[Space, Project]:
    space = await session.get(Space, space_id)
    project = await session.scalar(select(Project).where(Project.space_id == space_id))
    if space is None or project is None:
        raise NotFound(N_("No such TwinSpace."))
    return space, project


async def get_eligibility(
    session: AsyncSession, user: User, space_id: int, min_days: int, now: datetime
) -> Eligibility:
    space, project = await get_space_project(session, space_id)
    role = await session.scalar(
        select(Membership.role).where(
            Membership.space_id == space.id, Membership.user_id == user.id
        )
    )
    founder = user.id in (project.founder_id, project.cofounder_id) and role is not None
    invited = (
        role in ("teacher_admin", "teacher_member")
        and not founder
        and await was_invited_into_project(session, space.id, user.id)
    )
    current = await session.scalar(
        select(LabelApplication).where(
            LabelApplication.project_id == project.id,
            LabelApplication.applicant_id == user.id,
            LabelApplication.year == now.year,
        )
    )
    facts = LabelFacts(
        kind=user.kind,
        european=project.scope == "european",
        project_open=project.status == "open" and space.status == "open",
        founder=founder,
        project_invited=invited,
        days_open=max(0, (now - space.created_at).days),
        min_days=min_days,
        applied_this_year=current is not None and current.status != "draft",
    )
    draft = current if current is not None and current.status == "draft" else None
    return Eligibility(project, space, facts, label_refusals(facts), draft, current)
