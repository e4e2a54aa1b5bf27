"""Project kits: ready-made project ideas that site administrators manage. A founder may
start a project from one (the draft is pre-filled); its suggested pages, each with suggested
applications, can later build the TwinSpace's Project activities (see page_templates.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.network.forms import Fields, FormInvalid
from twinspace.network.models import Project, ProjectKit
from twinspace.network.vocab import SUBJECTS, TOOLS
from twinspace.permissions import access_site_admin

PAGES_MAX = 12
PAGE_TITLE_MAX = 120
PAGE_TOOLS_MAX = 4
# The applications a suggested page may hold (the built-in tools' kinds).
PAGE_TOOLS = ("blog", "files", "forum", "gallery", "webcontent", "wiki")
STATUSES = ("active", "archived")


def kit_json(kit: ProjectKit) -> dict[str, Any]:
    return {
        "id": kit.id,
        "title": kit.title,
        "summary": kit.summary,
        "age_min": kit.age_min,
        "age_max": kit.age_max,
        "subjects": list(kit.subjects),
        "tools": list(kit.tools),
        "objectives": kit.objectives,
        "activities": kit.activities,
        "pages": [dict(p) for p in kit.pages],
        "status": kit.status,
    }


def _check_pages(f: Fields, raw: Any) -> None:
    """``[{"title", "tools": [kind, ...]}]``: at most 12 pages of at most 4 applications."""
    if not isinstance(raw, list) or len(raw) > PAGES_MAX:
        f.errors["pages"] = N_("Suggest at most 12 pages, each with a title.")
        return
    pages = []
    for item in raw:
        title = item.get("title") if isinstance(item, dict) else None
        tools = item.get("tools", []) if isinstance(item, dict) else None
        if not isinstance(title, str) or not 1 <= len(" ".join(title.split())) <= PAGE_TITLE_MAX:
            f.errors["pages"] = N_("A page title is 1 to 120 characters.")
            return
        if (
            not isinstance(tools, list)
            or len(tools) > PAGE_TOOLS_MAX
            or any(t not in PAGE_TOOLS for t in tools)
        ):
            f.errors["pages"] = N_("Each page suggests up to 4 applications from the list.")
            return
        pages.append({"title": " ".join(title.split()), "tools": list(dict.fromkeys(tools))})
    f.values["pages"] = pages


def check_kit(body: Any, *, partial: bool) -> dict[str, Any]:
    f = Fields(body)

    def wanted(name: str) -> bool:
        return not partial or f.has(name)

    if wanted("title"):
        f.text("title", max_length=200)
    if wanted("summary"):
        f.text("summary", max_length=2000, multiline=True)
    if wanted("age_min") or wanted("age_max"):
        f.age_range()
    if wanted("subjects"):
        f.choices("subjects", SUBJECTS)
    if wanted("tools"):
        f.choices("tools", TOOLS, required=False)
    for name in ("objectives", "activities"):
        if wanted(name):
            f.text(name, max_length=5000, multiline=True)
    if wanted("pages"):
        _check_pages(f, f.data.get("pages", []))
    if partial and f.has("status"):
        if f.data.get("status") in STATUSES:
            f.values["status"] = f.data["status"]
        else:
            f.errors["status"] = N_("Choose from the list.")
    f.raise_if_invalid()
    return f.values


async def check_create_kit(uow: UnitOfWork, admin: User, body: Any) -> ProjectKit:
    access_site_admin(admin.kind)
    kit = ProjectKit(**check_kit(body, partial=False), status="active")
    uow.session.add(kit)
    await uow.session.flush()
    return kit


async def check_update_kit(uow: UnitOfWork, admin: User, kit_id: int, body: Any) -> ProjectKit:
    access_site_admin(admin.kind)
    kit = await uow.session.get(ProjectKit, kit_id, with_for_update=True)
    if kit is None:
        raise NotFound(N_("No such kit."))
    values = check_kit(body, partial=True)
    if "age_min" in values or "age_max" in values:
        low = values.get("age_min", kit.age_min)
        high = values.get("age_max", kit.age_max)
        if low > high:
            raise FormInvalid({"age_max": N_("The upper age must not be below the lower one.")})
    for name, value in values.items():
        setattr(kit, name, value)
    kit.updated_at = utcnow()
    return kit


async def get_kits(session: AsyncSession, *, with_archived: bool = False) -> list[ProjectKit]:
    query = select(ProjectKit).order_by(ProjectKit.title, ProjectKit.id)
    if not with_archived:
        query = query.where(ProjectKit.status == "active")
    return list(await session.scalars(query))


async def get_kit(session: AsyncSession, user: User, kit_id: int) -> ProjectKit:
    """An active kit for anybody in the network; archived ones for administrators only."""
    kit = await session.get(ProjectKit, kit_id)
    if kit is None or (kit.status != "active" and user.kind != "admin"):
        raise NotFound(N_("No such kit."))
    return kit


def prefill_from_kit(project: Project, kit: ProjectKit) -> None:
    """The kit's words in the draft's empty fields (what the founder wrote is kept)."""
    project.kit_id = kit.id
    filled = {
        "title": kit.title,
        "description": kit.summary,
        "age_min": kit.age_min,
        "age_max": kit.age_max,
        "subjects": list(kit.subjects),
        "tools": list(kit.tools),
        "objectives": kit.objectives,
        "procedure": kit.activities,
    }
    for name, value in filled.items():
        if getattr(project, name) in (None, "", []):
            setattr(project, name, value)


async def check_kit_choice(session: AsyncSession, user: User, raw: object) -> ProjectKit | None:
    """The kit a founder chose to start from (``None``, "" or "none": no kit)."""
    if raw in (None, "", "none"):
        return None
    try:
        kit_id = int(str(raw))
    except ValueError:
        kit_id = 0
    if isinstance(raw, bool) or kit_id <= 0:
        raise FormInvalid({"kit_id": N_("Choose a kit from the list, or none.")})
    kit = await session.get(ProjectKit, kit_id)
    if kit is None or kit.status != "active":
        raise FormInvalid({"kit_id": N_("Choose a kit from the list, or none.")})
    return kit
