"""Founding a project: the draft of the multi-step form, submitting it, the co-founder's answer.

Rules (SPEC.md §2.4), enforced here whatever the page sends:
- founder and co-founder are eTwinners (teachers of an eligible country) and contacts;
- two founders of the same country make a *national* project, else a *European* one;
- two founders of the same school make a single-school project.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import School, User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Conflict, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.network.contacts import are_contacts
from twinspace.network.forms import FormInvalid
from twinspace.network.kits import check_kit_choice, prefill_from_kit
from twinspace.network.members import get_member, is_eligible
from twinspace.network.models import PROJECT_FIELDS, Project, ProjectApproval
from twinspace.network.notices import tell
from twinspace.network.project_fields import (  # noqa: F401 - re-exported for views
    REQUIRED,
    REQUIRED_MESSAGES,
    check_details,
    missing_fields,
    missing_messages,
)
from twinspace.permissions import access_found

PENDING = ("pending_cofounder", "pending_nss")


async def check_founder(session: AsyncSession, user: User) -> None:
    access_found(user.kind, await is_eligible(session, user))


async def do_start_draft(uow: UnitOfWork, user: User, kit_id: object = None) -> Project:
    """The founder's unfinished draft, or a new one with their school chosen; with a kit,
    the kit's words fill the draft's empty fields."""
    await check_founder(uow.session, user)
    kit = await check_kit_choice(uow.session, user, kit_id)
    draft = await uow.session.scalar(
        select(Project)
        .where(Project.founder_id == user.id, Project.status == "draft")
        .order_by(Project.id.desc())
        .limit(1)
    )
    if draft is None:
        draft = Project(founder_id=user.id, founder_school_id=user.school_id)
        uow.session.add(draft)
        await uow.session.flush()
    if kit is not None:
        prefill_from_kit(draft, kit)
    return draft


async def get_own_draft(uow: UnitOfWork, user: User, project_id: int) -> Project:
    project = await uow.session.get(Project, project_id, with_for_update=True)
    if project is None or project.founder_id != user.id:
        raise NotFound(N_("No such project."))
    if project.status != "draft":
        raise Conflict(N_("This project has been submitted: it can no longer be edited."))
    return project


async def _check_school(session: AsyncSession, user: User, school_id: object) -> int:
    if not isinstance(school_id, int) or isinstance(school_id, bool):
        raise FormInvalid({"school_id": N_("Choose your school.")})
    if school_id != user.school_id or await session.get(School, school_id) is None:
        raise FormInvalid({"school_id": N_("Choose one of your own schools.")})
    return school_id


async def _check_cofounder(session: AsyncSession, user: User, cofounder_id: object) -> User:
    if not isinstance(cofounder_id, int) or isinstance(cofounder_id, bool):
        raise FormInvalid({"cofounder_id": N_("Choose your co-founder among your contacts.")})
    member = await get_member(session, cofounder_id)
    if member is None or member.user.id == user.id:
        raise FormInvalid({"cofounder_id": N_("Choose your co-founder among your contacts.")})
    if not await are_contacts(session, user.id, cofounder_id):
        raise FormInvalid(
            {"cofounder_id": N_("Only your contacts can be co-founders: send a request first.")}
        )
    if not member.eligible:
        raise FormInvalid(
            {"cofounder_id": N_("This member is not an eTwinner and cannot co-found a project.")}
        )
    return member.user


async def do_save_draft(
    uow: UnitOfWork, user: User, project_id: int, body: dict[str, Any], *, autosave: bool = False
) -> Project:
    """Save any part of the draft: ``school_id``, ``cofounder_id`` and the detail fields;
    ``autosave`` (the form saving as the founder types) accepts fields still empty."""
    await check_founder(uow.session, user)
    project = await get_own_draft(uow, user, project_id)
    unknown = set(body) - set(PROJECT_FIELDS) - {"school_id", "cofounder_id"}
    if unknown:
        raise Invalid(N_("Unknown field."), fields=sorted(unknown))
    if "school_id" in body:
        project.founder_school_id = await _check_school(uow.session, user, body["school_id"])
    if "cofounder_id" in body:
        cofounder = await _check_cofounder(uow.session, user, body["cofounder_id"])
        project.cofounder_id = cofounder.id
    details = {k: v for k, v in body.items() if k in PROJECT_FIELDS}
    for one, other in (("age_min", "age_max"), ("age_max", "age_min")):
        if autosave:
            break
        if one in details and other not in details and getattr(project, other) is not None:
            details[other] = getattr(project, other)  # the range is checked as a whole
    for name, value in check_details(details, partial=True, autosave=autosave).items():
        setattr(project, name, value)
    return project


async def _school_country(session: AsyncSession, school_id: int | None, user: User) -> str:
    school = await session.get(School, school_id) if school_id else None
    return school.country_code if school else (user.country_code or "")


async def check_submit(uow: UnitOfWork, user: User, project_id: int) -> Project:
    """Check every rule again, fix the scope, and ask the co-founder."""
    await check_founder(uow.session, user)
    project = await get_own_draft(uow, user, project_id)
    missing = missing_messages(project)
    if missing:
        raise FormInvalid(missing)
    await _check_school(uow.session, user, project.founder_school_id)
    cofounder = await _check_cofounder(uow.session, user, project.cofounder_id)
    check_details(project.form_values(), partial=False)
    project.cofounder_school_id = cofounder.school_id
    countries = {
        await _school_country(uow.session, project.founder_school_id, user),
        await _school_country(uow.session, cofounder.school_id, cofounder),
    }
    project.scope = "national" if len(countries) == 1 else "european"
    project.single_school = (
        cofounder.school_id is not None and cofounder.school_id == project.founder_school_id
    )
    project.status = "pending_cofounder"
    project.submitted_at = utcnow()
    await tell(
        uow,
        cofounder.id,
        "project.cofounder_request",
        N_("%(name)s invites you to co-found the project “%(title)s”."),
        {"name": user.display_name, "title": project.title},
        f"/projects/{project.id}",
        user.id,
    )
    return project


async def get_visible_project(session: AsyncSession, user: User, project_id: int) -> Project:
    """A founder sees their project; a co-founder once it is submitted; NSS officers of a
    founder's country once it reaches them. Everybody else: not found."""
    project = await session.get(Project, project_id)
    if project is None:
        raise NotFound(N_("No such project."))
    if project.founder_id == user.id:
        return project
    if project.cofounder_id == user.id and project.status != "draft":
        return project
    if user.kind == "nss" and user.country_code:
        approval = await session.scalar(
            select(ProjectApproval.id).where(
                ProjectApproval.project_id == project.id,
                ProjectApproval.country_code == user.country_code,
            )
        )
        if approval is not None:
            return project
    raise NotFound(N_("No such project."))


async def do_cofounder_answer(
    uow: UnitOfWork, user: User, project_id: int, accept: bool
) -> Project:
    project = await uow.session.get(Project, project_id, with_for_update=True)
    if project is None or project.cofounder_id != user.id or project.status == "draft":
        raise NotFound(N_("No such project."))
    if project.status != "pending_cofounder":
        raise Conflict(N_("This project is no longer waiting for your answer."))
    founder = await uow.session.get(User, project.founder_id)
    assert founder is not None
    url = f"/projects/{project.id}"
    if not accept:
        project.status, project.refused_by_id, project.decided_at = "refused", user.id, utcnow()
        await tell(
            uow,
            founder.id,
            "project.cofounder_refused",
            N_("%(name)s declined to co-found “%(title)s”."),
            {"name": user.display_name, "title": project.title},
            url,
            user.id,
        )
        return project
    await check_founder(uow.session, user)  # still an eTwinner
    countries = sorted(
        {
            await _school_country(uow.session, project.founder_school_id, founder),
            await _school_country(uow.session, project.cofounder_school_id, user),
        }
    )
    for code in countries:
        uow.session.add(ProjectApproval(project_id=project.id, country_code=code))
    project.status = "pending_nss"
    await tell(
        uow,
        founder.id,
        "project.cofounder_accepted",
        N_("%(name)s will co-found “%(title)s”: it goes to the national support services."),
        {"name": user.display_name, "title": project.title},
        url,
        user.id,
    )
    officers = await uow.session.scalars(
        select(User.id).where(
            User.kind == "nss", User.country_code.in_(countries), User.is_active.is_(True)
        )
    )
    for officer_id in officers:
        await tell(
            uow,
            officer_id,
            "project.nss_request",
            N_("A new project waits for your validation: “%(title)s”."),
            {"title": project.title},
            "/nss",
            user.id,
        )
    return project


async def get_projects_of(session: AsyncSession, user_id: int) -> list[Project]:
    rows = await session.scalars(
        select(Project)
        .where(
            or_(
                Project.founder_id == user_id,
                (Project.cofounder_id == user_id) & (Project.status != "draft"),
            )
        )
        .order_by(Project.created_at.desc(), Project.id.desc())
    )
    return list(rows)


async def get_approvals(session: AsyncSession, project_ids: list[int]) -> dict[int, list]:
    found: dict[int, list[ProjectApproval]] = {pid: [] for pid in project_ids}
    if project_ids:
        rows = await session.scalars(
            select(ProjectApproval)
            .where(ProjectApproval.project_id.in_(project_ids))
            .order_by(ProjectApproval.country_code)
        )
        for row in rows:
            found[row.project_id].append(row)
    return found


async def get_space_subjects(session: AsyncSession, space_ids: list[int]) -> dict[int, list[str]]:
    """The subjects each opened TwinSpace's project registered (codes of vocab.SUBJECTS)."""
    if not space_ids:
        return {}
    rows = await session.execute(
        select(Project.space_id, Project.subjects).where(Project.space_id.in_(space_ids))
    )
    return {space_id: list(subjects or []) for space_id, subjects in rows}
