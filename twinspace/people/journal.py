"""The project journal: Home's blog, where teachers keep the diary of the project.

It reuses the Blog tool rather than re-writing it: the journal is a Blog application on a
page of the Home room, so Home's row of the permission matrix decides (teachers write
entries, members comment, visitors read) and the tool's own commands, events, moderation
and catch-up filters apply unchanged. It stays for members only, even on a published Home."""

from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import Conflict
from twinspace.i18n import N_, gettext_for
from twinspace.pages.host import WidgetScope
from twinspace.pages.models import Page, Widget
from twinspace.pages.registry import get_tool
from twinspace.pages.widgets import check_add_widget, make_context
from twinspace.people import schemas as S
from twinspace.people.common import member_access
from twinspace.permissions import Action, Room
from twinspace.schema import declare
from twinspace.settings import Settings
from twinspace.spaces.context import SpaceAccess
from twinspace.spaces.models import Space
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    locale_of,
    runtime,
)

JOURNAL_TITLE = N_("Project journal")


async def get_journal(session: AsyncSession, space_id: int) -> tuple[Page, Widget] | None:
    row = (
        await session.execute(
            select(Page, Widget)
            .join(Widget, Widget.page_id == Page.id)
            .where(
                Page.space_id == space_id,
                Page.room == Room.HOME.value,
                Page.deleted_at.is_(None),
                Widget.kind == "blog",
            )
            .order_by(Page.id, Widget.id)
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row else None


def journal_of(space_pages: list[tuple[Page, list[Widget]]]) -> tuple[Page, Widget] | None:
    """``get_journal`` among the pages and widgets of a TwinSpace the request has read."""
    found = [
        (page, widget)
        for page, widgets in space_pages
        if page.room == Room.HOME.value and page.deleted_at is None
        for widget in widgets
        if widget.kind == "blog"
    ]
    return min(found, key=lambda pair: (pair[0].id, pair[1].id), default=None)


async def check_start_journal(
    uow: UnitOfWork, space: Space, user: User, settings: Settings, title: str
) -> tuple[Page, Widget]:
    """Create the journal (a Blog on a Home page) once; teachers only (Home's POST)."""
    if await get_journal(uow.session, space.id) is not None:
        raise Conflict(N_("This TwinSpace already has a project journal."))
    page = Page(space_id=space.id, room=Room.HOME.value, title=title, created_by=user.id)
    uow.session.add(page)
    await uow.session.flush()
    widget = await check_add_widget(uow, user, space, page, "blog", {}, settings)
    return page, widget


async def render_journal(
    request: Request,
    uow: UnitOfWork,
    access: SpaceAccess,
    user: User | None,
    *,
    space_pages: list[tuple[Page, list[Widget]]] | None = None,
    scope: WidgetScope | None = None,
) -> dict[str, object] | None:
    """``space_pages``, ``scope``: what the request has read (the space's pages with their
    widgets, the widget scope)."""
    if space_pages is None:
        found = await get_journal(uow.session, access.space.id)
    else:
        found = journal_of(space_pages)
    if found is None:
        return None
    page, widget = found
    tool = get_tool("blog")
    if tool is None:
        return None
    templates = request.app.state.templates
    auth_session = getattr(request.state, "auth", None)
    ctx = await make_context(
        uow,
        user,
        access.space,
        page,
        widget,
        runtime(request).settings,
        gettext=gettext_for(locale_of(request)),
        csrf_token=auth_session.session.csrf_token if auth_session and auth_session.session else "",
        render_template=lambda name, **values: templates.get_template(name).render(**values),
        scope=scope,
    )
    html: Markup = await tool.render(ctx)
    return {"page": page, "widget": widget, "html": html}


async def start_journal_form(request: Request) -> Response:
    _, user, _form = await check_form_write(request)
    rt = runtime(request)
    space_id = request.path_params["space_id"]
    async with rt.db.unit_of_work() as uow:
        access = await member_access(uow.session, user, space_id, Action.POST)
        title = gettext_for(locale_of(request))(JOURNAL_TITLE)
        await check_start_journal(uow, access.space, user, rt.settings, title)
    return RedirectResponse(f"/spaces/{space_id}#journal", 303)


@declare("Start the project journal", answer=S.JournalStartedOut, status=201, errors=(409,))
async def api_start_journal(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    rt = runtime(request)
    space_id = request.path_params["space_id"]
    async with rt.db.unit_of_work() as uow:
        access = await member_access(uow.session, user, space_id, Action.POST)
        title = gettext_for(locale_of(request))(JOURNAL_TITLE)
        page, widget = await check_start_journal(uow, access.space, user, rt.settings, title)
    return JSONResponse({"ok": True, "page_id": page.id, "widget_id": widget.id}, 201)


@declare(
    "The TwinSpace's project journal (page and widget), if started",
    answer=S.JournalOut,
    auth="public",
)
async def api_journal(request: Request) -> JSONResponse:
    """Where the journal is: its Blog application is then used through the tools API."""
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        await member_access(session, auth.user, request.path_params["space_id"])
        found = await get_journal(session, request.path_params["space_id"])
    if found is None:
        return JSONResponse({"page_id": None, "widget_id": None})
    return JSONResponse({"page_id": found[0].id, "widget_id": found[1].id})


routes = [
    Route("/spaces/{space_id:int}/journal", start_journal_form, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/journal", api_journal, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/journal", api_start_journal, methods=["POST"]),
]
