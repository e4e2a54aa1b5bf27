"""Page templates: a teacher administrator builds a TwinSpace's Project activities in one go,
from the five-stage model (seed 003, after Gilly Salmon: access and motivation, online
socialisation, information exchange, knowledge construction, development) or from the
suggested pages of the kit the project started from; each page gets its suggested
applications.

Pages and applications are created through the pages room's own actions, in one
transaction (all pages or none), so that their events, positions and tool set-up are the
same as when a teacher adds them by hand. The calls into the pages room are exactly:
``rooms.pages.actions.get_pages``, ``rooms.pages.actions.check_add_page`` and
``rooms.pages.widgets.check_add_widget``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import Conflict, NotFound
from twinspace.i18n import N_
from twinspace.network.models import Project, ProjectKit
from twinspace.pages import widgets as page_widgets
from twinspace.pages.registry import get_tool
from twinspace.permissions import Action, Room
from twinspace.rooms.pages import actions as page_actions
from twinspace.settings import Settings
from twinspace.spaces.context import access_space_room

FIVE_STAGE = "five-stage"
KIT = "kit"

# (title, what the stage is for, suggested applications)
FIVE_STAGES: list[tuple[str, str, list[str]]] = [
    (
        N_("Welcome"),
        N_("Access and motivation: pupils discover the TwinSpace and what the project promises."),
        ["webcontent", "forum"],
    ),
    (
        N_("Getting to know each other"),
        N_("Online socialisation: the partner classes introduce themselves and talk a lot."),
        ["gallery", "forum"],
    ),
    (
        N_("Information exchange"),
        N_("Pupils and partners share what they find out about the project's topic."),
        ["blog", "files"],
    ),
    (
        N_("Knowledge construction"),
        N_("Mixed groups of pupils from both schools work together on defined tasks."),
        ["wiki", "forum"],
    ),
    (
        N_("Development"),
        N_("Pupils go on learning by themselves and show what they have made."),
        ["blog", "gallery"],
    ),
]


@dataclass
class SuggestedPage:
    title: str
    tools: list[str]
    note: str = ""


@dataclass
class Template:
    key: str
    title: str
    description: str
    pages: list[SuggestedPage] = field(default_factory=list)

    def json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "description": self.description,
            "pages": [{"title": p.title, "tools": p.tools, "note": p.note} for p in self.pages],
        }


async def get_space_kit(session: AsyncSession, space_id: int) -> ProjectKit | None:
    """The kit the TwinSpace's project started from, if any."""
    return await session.scalar(
        select(ProjectKit)
        .join(Project, Project.kit_id == ProjectKit.id)
        .where(Project.space_id == space_id)
        .limit(1)
    )


async def get_templates(
    session: AsyncSession, space_id: int, gettext: Callable[[str], str]
) -> list[Template]:
    templates = []
    kit = await get_space_kit(session, space_id)
    if kit is not None and kit.pages:
        templates.append(
            Template(
                KIT,
                gettext("The pages of the kit “%(title)s”") % {"title": kit.title},
                kit.summary,
                [SuggestedPage(p["title"], list(p.get("tools", []))) for p in kit.pages],
            )
        )
    templates.append(
        Template(
            FIVE_STAGE,
            gettext("The five-stage model"),
            gettext(
                "Five pages that follow the project's life: welcome, getting to know each "
                "other, information exchange, knowledge construction and development."
            ),
            [SuggestedPage(gettext(t), tools, gettext(note)) for t, note, tools in FIVE_STAGES],
        )
    )
    return templates


async def check_apply_template(
    uow: UnitOfWork,
    user: User,
    space_id: int,
    key: str,
    settings: Settings,
    gettext: Callable[[str], str],
) -> list[Any]:
    """Create the template's pages (those whose title is not already a page of Project
    activities) with their applications; returns the new pages."""
    access = await access_space_room(
        uow.session, user, space_id, Room.ACTIVITIES, Action.MANAGE_PAGES
    )
    template = next(
        (t for t in await get_templates(uow.session, space_id, gettext) if t.key == key), None
    )
    if template is None:
        raise NotFound(N_("No such template."))
    existing = {
        p.title.casefold()
        for p in await page_actions.get_pages(uow.session, space_id, Room.ACTIVITIES)
    }
    created = []
    for suggested in template.pages:
        if suggested.title.casefold() in existing:
            continue
        page = await page_actions.check_add_page(
            uow, space_id, Room.ACTIVITIES, user.id, suggested.title
        )
        for kind in suggested.tools:
            if get_tool(kind) is not None:  # an application this server does not have: skipped
                await page_widgets.check_add_widget(
                    uow, user, access.space, page, kind, {}, settings
                )
        created.append(page)
    if not created:
        raise Conflict(N_("Project activities already has every page of this template."))
    return created
