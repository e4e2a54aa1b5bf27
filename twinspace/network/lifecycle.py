"""A project's life to its end: founders (or their national support services) close it, which
makes its TwinSpace read-only; its pupils' accounts are disabled after a notice period; the
closed TwinSpace, its pupils and files are purged after the installation's retention, with a
warning to the founders 30 days before. A founder may reopen it until then."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import AuthSession, User
from twinspace.db import Database, UnitOfWork, utcnow
from twinspace.errors import Conflict, NotFound
from twinspace.events import Event, RoomCounter, record_event
from twinspace.i18n import N_
from twinspace.network.models import Project
from twinspace.network.notices import tell
from twinspace.permissions import PUPIL_ROLES, access_close_project, access_reopen_project
from twinspace.privacy.actions import erase_person
from twinspace.settings import Settings
from twinspace.spaces.models import Membership, Space
from twinspace.storage import Storage

WARN_BEFORE = timedelta(days=30)


@dataclass
class ProjectOfSpace:
    space: Space
    project: Project | None
    founder_ids: set[int]
    founder_countries: set[str]


async def get_project_of_space(session: AsyncSession, space_id: int) -> ProjectOfSpace:
    space = await session.get(Space, space_id)
    if space is None:
        raise NotFound(N_("No such project."))
    project = await session.scalar(select(Project).where(Project.space_id == space_id))
    founders = {i for i in (project.founder_id, project.cofounder_id) if i} if project else set()
    if not founders:  # a TwinSpace made without the network (the demo's first): its admins
        founders = set(
            await session.scalars(
                select(Membership.user_id).where(
                    Membership.space_id == space_id, Membership.role == "teacher_admin"
                )
            )
        )
    countries = set(
        await session.scalars(select(User.country_code).where(User.id.in_(founders)))
    ) - {None}
    return ProjectOfSpace(space, project, founders, countries)  # type: ignore[arg-type]


async def _is_member(session: AsyncSession, space_id: int, user_id: int) -> bool:
    found = await session.scalar(
        select(Membership.id).where(Membership.space_id == space_id, Membership.user_id == user_id)
    )
    return found is not None


async def _tell_founders(
    uow: UnitOfWork, facts: ProjectOfSpace, kind: str, message: str, actor_id: int | None
) -> None:
    for founder in sorted(facts.founder_ids):
        if founder != actor_id:
            await tell(
                uow,
                founder,
                kind,
                message,
                {"title": facts.space.title},
                f"/spaces/{facts.space.id}",
                actor_id,
            )


async def do_close_space(uow: UnitOfWork, actor: User, space_id: int) -> Space:
    facts = await get_project_of_space(uow.session, space_id)
    access_close_project(
        actor_id=actor.id,
        actor_kind=actor.kind,
        actor_country=actor.country_code,
        founder_ids=facts.founder_ids,
        founder_countries=facts.founder_countries,
        is_member=await _is_member(uow.session, space_id, actor.id),
    )
    space = facts.space
    if space.status == "closed":
        raise Conflict(N_("This project is already closed."))
    space.status, space.closed_at, space.purge_warned_at = "closed", utcnow(), None
    await record_event(
        uow,
        f"space:{space.id}:home",
        "space.closed",
        {"closed_at": space.closed_at.isoformat()},
        actor.id,
    )
    await _tell_founders(
        uow,
        facts,
        "project.closed",
        N_("The project “%(title)s” was closed: it is read-only now."),
        actor.id,
    )
    return space


async def do_reopen_space(uow: UnitOfWork, actor: User, space_id: int) -> Space:
    facts = await get_project_of_space(uow.session, space_id)
    access_reopen_project(
        actor_id=actor.id,
        founder_ids=facts.founder_ids,
        is_member=await _is_member(uow.session, space_id, actor.id),
    )
    space = facts.space
    if space.status != "closed":
        raise Conflict(N_("This project is open."))
    space.status, space.closed_at, space.purge_warned_at = "open", None, None
    pupils = select(Membership.user_id).where(
        Membership.space_id == space.id, Membership.role.in_([r.value for r in PUPIL_ROLES])
    )
    await uow.session.execute(update(User).where(User.id.in_(pupils)).values(is_active=True))
    await record_event(uow, f"space:{space.id}:home", "space.reopened", {}, actor.id)
    await _tell_founders(
        uow, facts, "project.reopened", N_("The project “%(title)s” was reopened."), actor.id
    )
    return space


@dataclass
class LifecycleRun:
    pupils_disabled: int = 0
    warned: int = 0
    purged: int = 0
    ended_sessions: list[str] | None = None


async def run_project_lifecycle(
    db: Database, storage: Storage, settings: Settings, now: datetime | None = None
) -> LifecycleRun:
    """The daily job: disable the pupils of TwinSpaces closed for the notice period, warn the
    founders 30 days before the purge, purge what has passed the retention."""
    now = now or utcnow()
    run = LifecycleRun(ended_sessions=[])
    notice = now - timedelta(days=settings.pupil_notice_days)
    retention = timedelta(days=settings.retention_days)
    async with db.unit_of_work() as uow:
        s = uow.session
        pupils = (
            select(Membership.user_id)
            .join(Space, Space.id == Membership.space_id)
            .where(
                Space.status == "closed",
                Space.closed_at <= notice,
                Membership.role.in_([r.value for r in PUPIL_ROLES]),
            )
        )
        active = list(await s.scalars(select(User.id).where(User.id.in_(pupils), User.is_active)))
        if active:
            await s.execute(update(User).where(User.id.in_(active)).values(is_active=False))
            run.ended_sessions = list(
                await s.scalars(select(AuthSession.id).where(AuthSession.user_id.in_(active)))
            )
            await s.execute(delete(AuthSession).where(AuthSession.user_id.in_(active)))
        run.pupils_disabled = len(active)
        to_warn = await s.scalars(
            select(Space.id).where(
                Space.status == "closed",
                Space.closed_at <= now - retention + WARN_BEFORE,
                Space.purge_warned_at.is_(None),
            )
        )
        for space_id in list(to_warn):
            facts = await get_project_of_space(s, space_id)
            facts.space.purge_warned_at = now
            await _tell_founders(
                uow,
                facts,
                "project.purge_soon",
                N_("The closed project “%(title)s” is deleted in 30 days. Reopen it to keep it."),
                None,
            )
            run.warned += 1
    async with db.read() as session:
        due = list(
            await session.scalars(
                select(Space.id).where(Space.status == "closed", Space.closed_at <= now - retention)
            )
        )
    for space_id in due:
        await purge_space(db, storage, space_id)
        run.purged += 1
    return run


async def purge_space(db: Database, storage: Storage, space_id: int) -> None:
    """Erase the TwinSpace's pupils, then delete the TwinSpace with everything in it (its
    stored files go with the next orphan sweep, which the caller runs)."""
    async with db.read() as session:
        pupils = list(
            await session.scalars(
                select(Membership.user_id).where(
                    Membership.space_id == space_id,
                    Membership.role.in_([r.value for r in PUPIL_ROLES]),
                )
            )
        )
    for pupil in pupils:
        await erase_person(db, storage, pupil)
    async with db.unit_of_work() as uow:
        prefix = f"space:{space_id}:%"
        await uow.session.execute(delete(Event).where(Event.room.like(prefix)))
        await uow.session.execute(delete(RoomCounter).where(RoomCounter.room.like(prefix)))
        await uow.session.execute(delete(Space).where(Space.id == space_id))
        await uow.session.execute(
            update(Project).where(Project.space_id == space_id).values(space_id=None)
        )  # the registration stays with its founders, under Closed
