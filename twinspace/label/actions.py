"""Starting, saving and sending an application; the national support service's decision; the
notifications of each step (written in the same transaction, announced after commit)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import Conflict, Forbidden, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.label.eligibility import get_eligibility
from twinspace.label.models import CRITERIA, LabelApplication
from twinspace.label.present import example_catalogue
from twinspace.network.models import Project
from twinspace.notifications.service import notify
from twinspace.permissions import (
    access_label_application,
    access_label_apply,
    access_label_review,
)

CRITERION_MAX = 5000
EXAMPLES_MAX = 20
COMMENT_MAX = 2000


async def get_application(
    session: AsyncSession, user: User, application_id: int, *, lock: bool = False
) -> tuple[LabelApplication, str]:
    """The application and the reader's part in it ("applicant" or "officer")."""
    app = await session.get(LabelApplication, application_id, with_for_update=lock)
    if app is None:
        raise NotFound(N_("No such label application."))
    part = access_label_application(
        user.id, user.kind, user.country_code, app.applicant_id, app.country_code
    )
    if part == "officer" and app.status == "draft":
        raise NotFound(N_("No such label application."))  # a draft is the teacher's own
    return app, part


async def do_start(
    uow: UnitOfWork, user: User, space_id: int, min_days: int, now: datetime
) -> tuple[LabelApplication, bool]:
    """This year's draft: created when the teacher may apply (True), or the one in progress."""
    found = await get_eligibility(uow.session, user, space_id, min_days, now)
    if found.draft is not None and not [c for c in found.reasons if c != "already_applied"]:
        return found.draft, False
    access_label_apply(found.facts)
    assert user.country_code is not None  # teachers always have a country
    app = LabelApplication(
        project_id=found.project.id,
        space_id=found.space.id,
        applicant_id=user.id,
        country_code=user.country_code,
        year=now.year,
        status="draft",
        criteria={name: "" for name in CRITERIA},
        examples=[],
        review_comment="",
        created_at=now,
        updated_at=now,
    )
    uow.session.add(app)
    await uow.session.flush()
    return app, True


def _criteria(body: dict[str, Any]) -> dict[str, str]:
    raw = body.get("criteria", {})
    if not isinstance(raw, dict) or not set(raw) <= set(CRITERIA):
        raise Invalid(N_("Unknown criterion: the six criteria are named in docs/label.md."))
    texts = {}
    for name, text in raw.items():
        if not isinstance(text, str):
            raise Invalid(N_("Each criterion is a text."), field=name)
        if len(text) > CRITERION_MAX:
            raise Invalid(N_("A criterion is at most 5000 characters."), field=name)
        texts[name] = text.replace("\r\n", "\n")
    return texts


async def check_save_draft(
    uow: UnitOfWork, user: User, application_id: int, body: dict[str, Any], now: datetime
) -> LabelApplication:
    """Save what the teacher typed (some criteria, the examples): only while it is a draft."""
    app, part = await get_application(uow.session, user, application_id, lock=True)
    if part != "applicant":
        raise Forbidden(N_("Only the teacher who applies can change the application."))
    if app.status != "draft":
        raise Conflict(N_("This application has been sent: it can no longer be changed."))
    if not set(body) <= {"criteria", "examples"}:
        raise Invalid(N_("Send the criteria and the examples only."))
    texts = _criteria(body)
    if "examples" in body:
        keys = body["examples"]
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise Invalid(N_("The examples are a list of keys."), field="examples")
        keys = list(dict.fromkeys(keys))
        if len(keys) > EXAMPLES_MAX:
            raise Invalid(N_("Attach at most 20 examples."), field="examples")
        catalogue = await example_catalogue(uow.session, app.space_id)
        unknown = [k for k in keys if k not in catalogue]
        if unknown:
            raise Invalid(
                N_("Some examples are not pages or items of this TwinSpace."), field="examples"
            )
        app.examples = [catalogue[k] for k in keys]
    if texts:
        app.criteria = {**app.criteria, **texts}
    app.updated_at = now
    return app


async def _officers(session: AsyncSession, country: str) -> list[int]:
    rows = await session.scalars(
        select(User.id).where(User.kind == "nss", User.country_code == country, User.is_active)
    )
    return list(rows)


async def check_submit(
    uow: UnitOfWork, user: User, application_id: int, min_days: int, now: datetime
) -> LabelApplication:
    app, part = await get_application(uow.session, user, application_id, lock=True)
    if part != "applicant":
        raise Forbidden(N_("Only the teacher who applies can send the application."))
    if app.status != "draft":
        raise Conflict(N_("This application has been sent already."))
    found = await get_eligibility(uow.session, user, app.space_id, min_days, now)
    access_label_apply(found.facts)  # the rules still hold (a draft is not "applied")
    missing = [name for name in CRITERIA if not app.criteria.get(name, "").strip()]
    if missing:
        raise Invalid(N_("Write about each of the six criteria before sending."), missing=missing)
    app.status, app.submitted_at, app.updated_at = "submitted", now, now
    params = {"name": user.display_name, "title": found.project.title}
    for officer_id in await _officers(uow.session, app.country_code):
        await notify(
            uow,
            user_id=officer_id,
            kind="label.submitted",
            message=N_("%(name)s applies for the quality label for “%(title)s”."),
            params=params,
            url=f"/nss/labels/{app.id}",
            actor_id=user.id,
        )
    await notify(
        uow,
        user_id=user.id,
        kind="label.sent",
        message=N_("Your quality label application for “%(title)s” was sent."),
        params=params,
        url=f"/labels/{app.id}",
        actor_id=user.id,
    )
    return app


def clean_comment(raw: object, *, required: bool) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise Invalid(N_("The comment is a text."), field="comment")
    text = raw.replace("\r\n", "\n").strip()
    if required and not text:
        raise Invalid(N_("Say why the label is declined."), field="comment")
    if len(text) > COMMENT_MAX:
        raise Invalid(N_("The comment is too long (at most 2000 characters)."), field="comment")
    return text


async def check_review(
    uow: UnitOfWork, officer: User, application_id: int, award: bool, comment: object, now: datetime
) -> LabelApplication:
    app = await uow.session.get(LabelApplication, application_id, with_for_update=True)
    if app is None or app.status == "draft":
        raise NotFound(N_("No such label application."))
    access_label_review(officer.kind, officer.country_code, app.country_code)
    text = clean_comment(comment, required=not award)
    if app.status != "submitted":
        raise Conflict(N_("This application has been decided already."))
    app.status = "awarded" if award else "declined"
    app.review_comment, app.reviewer_id, app.decided_at, app.updated_at = text, officer.id, now, now
    project = await uow.session.get(Project, app.project_id)
    assert project is not None
    params = {"title": project.title, "year": app.year}
    await notify(
        uow,
        user_id=app.applicant_id,
        kind="label.awarded" if award else "label.declined",
        message=(
            N_("Your project “%(title)s” received the National Quality Label %(year)s.")
            if award
            else N_("Your quality label application for “%(title)s” was declined.")
        ),
        params=params,
        url=f"/labels/{app.id}",
        actor_id=officer.id,
    )
    if award:
        await uow.session.flush()
        await _maybe_european(uow, project, app, officer.id)
    return app


async def european_countries(session: AsyncSession, project: Project) -> set[str]:
    """The countries whose NSS must each award a label: the founders' countries."""
    ids = [i for i in (project.founder_id, project.cofounder_id) if i is not None]
    rows = await session.scalars(select(User.country_code).where(User.id.in_(ids)))
    return {c for c in rows if c}


async def is_european_candidate(session: AsyncSession, project: Project, year: int) -> bool:
    needed = await european_countries(session, project)
    awarded = set(
        await session.scalars(
            select(LabelApplication.country_code).where(
                LabelApplication.project_id == project.id,
                LabelApplication.year == year,
                LabelApplication.status == "awarded",
            )
        )
    )
    return len(needed) > 1 and needed <= awarded


async def _maybe_european(
    uow: UnitOfWork, project: Project, app: LabelApplication, actor_id: int
) -> None:
    """The award that completes both founders' countries makes the project a candidate."""
    awarded_before = await uow.session.scalar(
        select(LabelApplication.id).where(
            LabelApplication.project_id == project.id,
            LabelApplication.year == app.year,
            LabelApplication.status == "awarded",
            LabelApplication.country_code == app.country_code,
            LabelApplication.id != app.id,
        )
    )
    if awarded_before is not None or not await is_european_candidate(
        uow.session, project, app.year
    ):
        return
    teachers = {project.founder_id, project.cofounder_id} | set(
        await uow.session.scalars(
            select(LabelApplication.applicant_id).where(
                LabelApplication.project_id == project.id, LabelApplication.year == app.year
            )
        )
    )
    for user_id in sorted(t for t in teachers if t is not None):
        await notify(
            uow,
            user_id=user_id,
            kind="label.european_candidate",
            message=N_("“%(title)s” is a European Quality Label candidate for %(year)s."),
            params={"title": project.title, "year": app.year},
            url=f"/spaces/{project.space_id}/label",
            actor_id=actor_id,
        )
