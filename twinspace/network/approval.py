"""The national support services' validation, and the opening of the project's TwinSpace.

Each country's decision is recorded once: deciding twice, or deciding on a refused or
opened project, is a conflict (409). An officer acts only for their own country."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.domain import SpaceOpened, publish
from twinspace.errors import Conflict, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.network.members import country_name
from twinspace.network.models import Project, ProjectApproval
from twinspace.network.notices import tell
from twinspace.permissions import Role, access_nss
from twinspace.spaces.models import Membership, Space

REASON_MAX = 2000


async def _decision(
    uow: UnitOfWork, officer: User, project_id: int
) -> tuple[Project, ProjectApproval]:
    project = await uow.session.get(Project, project_id, with_for_update=True)
    if project is None:
        raise NotFound(N_("No such project."))
    approvals = list(
        await uow.session.scalars(
            select(ProjectApproval).where(ProjectApproval.project_id == project.id)
        )
    )
    access_nss(officer.kind, officer.country_code, {a.country_code for a in approvals})
    mine = next(a for a in approvals if a.country_code == officer.country_code)
    if project.status == "refused":
        raise Conflict(N_("This project has been refused."))
    if mine.status != "pending":
        raise Conflict(N_("Your country has decided on this project already."))
    if project.status != "pending_nss":
        raise Conflict(N_("This project is not waiting for a validation."))
    return project, mine


async def _tell_founders(
    uow: UnitOfWork, project: Project, kind: str, message: str, params: dict, actor_id: int
) -> None:
    for user_id in (project.founder_id, project.cofounder_id):
        if user_id is not None:
            url = f"/spaces/{project.space_id}" if project.space_id else f"/projects/{project.id}"
            await tell(uow, user_id, kind, message, params, url, actor_id)


async def do_validate(uow: UnitOfWork, officer: User, project_id: int) -> Project:
    project, mine = await _decision(uow, officer, project_id)
    mine.status, mine.officer_id, mine.decided_at = "validated", officer.id, utcnow()
    waiting = await uow.session.scalar(
        select(ProjectApproval.id).where(
            ProjectApproval.project_id == project.id,
            ProjectApproval.status != "validated",
            ProjectApproval.id != mine.id,
        )
    )
    params = {"title": project.title, "country": country_name(mine.country_code, "en")}
    if waiting is not None:
        await _tell_founders(
            uow,
            project,
            "project.nss_validated",
            N_("The national support service of %(country)s validated “%(title)s”."),
            params,
            officer.id,
        )
        return project
    await do_open_project(uow, project)
    await _tell_founders(
        uow,
        project,
        "project.opened",
        N_("“%(title)s” is approved: its TwinSpace is open."),
        params,
        officer.id,
    )
    return project


def clean_reason(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid(N_("Say why the project is refused."))
    reason = raw.replace("\r\n", "\n").strip()
    if len(reason) > REASON_MAX:
        raise Invalid(N_("The reason is too long (at most 2000 characters)."))
    return reason


async def do_refuse(uow: UnitOfWork, officer: User, project_id: int, reason: object) -> Project:
    text = clean_reason(reason)
    project, mine = await _decision(uow, officer, project_id)
    now = utcnow()
    mine.status, mine.officer_id, mine.decided_at, mine.reason = "refused", officer.id, now, text
    project.status, project.refused_by_id, project.decided_at = "refused", officer.id, now
    project.refusal_reason = text
    await _tell_founders(
        uow,
        project,
        "project.nss_refused",
        N_("The national support service of %(country)s refused “%(title)s”."),
        {"title": project.title, "country": country_name(mine.country_code, "en")},
        officer.id,
    )
    return project


async def do_open_project(uow: UnitOfWork, project: Project) -> Space:
    """The TwinSpace, made as the demo makes its own: both founders teacher administrators;
    then the "space opened" domain event, to which the other features react in this same
    transaction (the chat room creates the "general" room)."""
    space = Space(
        title=project.title,
        description=project.description,
        scope=project.scope or "european",
        status="open",
        single_school_id=project.founder_school_id if project.single_school else None,
    )
    uow.session.add(space)
    await uow.session.flush()
    for user_id in (project.founder_id, project.cofounder_id):
        assert user_id is not None
        uow.session.add(
            Membership(space_id=space.id, user_id=user_id, role=Role.TEACHER_ADMIN.value)
        )
    await uow.session.flush()
    await publish(uow, SpaceOpened(space_id=space.id, project_id=project.id))
    project.space_id, project.status, project.decided_at = space.id, "open", utcnow()
    await uow.session.flush()
    return space


@dataclass(frozen=True)
class QueueItem:
    project: Project
    approval: ProjectApproval
    founder: User
    cofounder: User | None


async def get_nss_queue(session: AsyncSession, officer: User, *, decided: bool) -> list[QueueItem]:
    """The officer's country's approvals: waiting ones, or the latest decided ones."""
    where = [ProjectApproval.country_code == officer.country_code]
    if decided:
        where.append(ProjectApproval.status != "pending")
    else:
        where += [ProjectApproval.status == "pending", Project.status == "pending_nss"]
    rows = list(
        await session.execute(
            select(Project, ProjectApproval)
            .join(ProjectApproval, ProjectApproval.project_id == Project.id)
            .where(*where)
            .order_by(Project.submitted_at.desc(), Project.id.desc())
            .limit(100)
        )
    )
    ids = {p.founder_id for p, _ in rows} | {p.cofounder_id for p, _ in rows if p.cofounder_id}
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(ids)))}
    return [QueueItem(p, a, users[p.founder_id], users.get(p.cofounder_id or 0)) for p, a in rows]
