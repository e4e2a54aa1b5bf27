"""How a project reads to people: its tab (open, closed, pending, refused, draft), which step
a pending project waits on, and its JSON form. Shared by the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.network.members import Member, country_name, get_members_by_id
from twinspace.network.models import PROJECT_FIELDS, Project, ProjectApproval
from twinspace.network.projects import get_approvals
from twinspace.spaces.models import Space

TABS = ("open", "pending", "closed", "refused", "draft")


@dataclass
class ProjectView:
    project: Project
    approvals: list[ProjectApproval]
    founder: Member | None
    cofounder: Member | None
    space_status: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def tab(self) -> str:
        status = self.project.status
        if status == "open":
            return "open" if self.space_status == "open" else "closed"  # closed, or purged
        if status in ("pending_cofounder", "pending_nss"):
            return "pending"
        return status  # refused | draft

    @property
    def waiting_countries(self) -> list[str]:
        return [a.country_code for a in self.approvals if a.status == "pending"]

    def waiting_on(self, locale: str = "en") -> dict[str, Any] | None:
        if self.project.status == "pending_cofounder":
            name = self.cofounder.user.display_name if self.cofounder else ""
            return {"step": "cofounder", "user_id": self.project.cofounder_id, "name": name}
        if self.project.status == "pending_nss":
            return {
                "step": "nss",
                "countries": [
                    {"code": c, "name": country_name(c, locale)} for c in self.waiting_countries
                ],
            }
        return None

    def json(self, locale: str = "en") -> dict[str, Any]:
        p = self.project
        return {
            "id": p.id,
            "status": self.tab,
            "stage": p.status,
            "waiting_on": self.waiting_on(locale),
            "scope": p.scope,
            "single_school": p.single_school,
            "label_eligible": p.scope == "european" and p.status == "open",
            "founder": self.founder.json(locale) if self.founder else None,
            "cofounder": self.cofounder.json(locale) if self.cofounder else None,
            "school_id": p.founder_school_id,
            **{name: getattr(p, name) for name in PROJECT_FIELDS},
            "approvals": [
                {
                    "country": a.country_code,
                    "status": a.status,
                    "reason": a.reason,
                    "decided_at": a.decided_at.isoformat() if a.decided_at else None,
                }
                for a in self.approvals
            ],
            "refusal_reason": p.refusal_reason,
            "space_id": p.space_id,
            "kit_id": p.kit_id,
            "submitted_at": p.submitted_at.isoformat() if p.submitted_at else None,
        }


async def project_views(session: AsyncSession, projects: list[Project]) -> list[ProjectView]:
    approvals = await get_approvals(session, [p.id for p in projects])
    people_ids = {p.founder_id for p in projects} | {
        p.cofounder_id for p in projects if p.cofounder_id
    }
    people = await get_members_by_id(session, list(people_ids))
    space_ids = [p.space_id for p in projects if p.space_id]
    spaces: dict[int, str] = {}
    if space_ids:
        rows = await session.execute(select(Space.id, Space.status).where(Space.id.in_(space_ids)))
        spaces = {sid: status for sid, status in rows}
    return [
        ProjectView(
            p,
            approvals[p.id],
            people.get(p.founder_id),
            people.get(p.cofounder_id or 0),
            spaces.get(p.space_id or 0),
        )
        for p in projects
    ]


def user_name(user: User | None) -> str:
    return user.display_name if user else ""
