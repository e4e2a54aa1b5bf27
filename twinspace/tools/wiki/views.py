"""The wiki's own pages, readable without JavaScript: a wiki page (where scripts mount the
live editor), its revisions, and one revision with its differences from the current text."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import NotFound
from twinspace.i18n import N_, gettext_for
from twinspace.pages.base import WidgetContext
from twinspace.pages.host import load_widget, make_context
from twinspace.permissions import Action, access_page, permissions_for
from twinspace.settings import Settings
from twinspace.spaces.context import SpaceAccess
from twinspace.spaces.queries import facts
from twinspace.tools.wiki import crdt, render, store
from twinspace.tools.wiki.sockets import KIND
from twinspace.tools.wiki.tool import (
    author_names,
    find_page,
    find_revision,
    link_resolver,
    may_edit,
    page_url,
    pages_of,
    revisions_page,
)
from twinspace.web.context import get_auth, locale_of, runtime, translate
from twinspace.web.context import render as render_page


async def wiki_context(
    uow: UnitOfWork, user: User | None, space_id: int, widget_id: int, settings: Settings, **kw: Any
) -> WidgetContext:
    """The wiki widget for this viewer, who may read its page (else: not found)."""
    space, page, widget = await load_widget(uow, space_id, widget_id)
    if widget.kind != KIND:
        raise NotFound(N_("No such application."))
    ctx = await make_context(uow, user, space, page, widget, settings, **kw)
    access_page(ctx.viewer, ctx.space_facts, ctx.page_facts, Action.READ)
    return ctx


def _shell(ctx: WidgetContext, request: Request) -> dict[str, Any]:
    space, viewer = ctx.space, ctx.viewer
    perms = permissions_for(viewer.role, facts(space), home_public=space.home_public)
    return {
        "space": space,
        "access": SpaceAccess(space, viewer, facts(space), perms),
        "role": viewer.role.value,
        "current": ctx.page.room,
        "page": ctx.page,
        "ctx": ctx,
        "widget_label": translate(request, N_("Wiki")),
        "back": f"/spaces/{space.id}/pages/{ctx.page.id}#widget-{ctx.widget.id}",
    }


def _ids(request: Request) -> tuple[int, int, int]:
    return tuple(request.path_params[k] for k in ("space_id", "widget_id", "page_id"))  # type: ignore[return-value]


async def _reader_context(request: Request, session: AsyncSession) -> tuple[WidgetContext, int]:
    """The wiki widget of the URL as the requester sees it, and the wiki page id asked for."""
    space_id, widget_id, page_id = _ids(request)
    rt = runtime(request)
    auth = await get_auth(request)
    ctx = await wiki_context(
        UnitOfWork(session),
        auth.user,
        space_id,
        widget_id,
        rt.settings,
        gettext=gettext_for(locale_of(request)),
        csrf_token=auth.session.csrf_token if auth.session else "",
    )
    return ctx, page_id


async def wiki_page(request: Request) -> Response:
    async with runtime(request).db.read() as session:
        ctx, page_id = await _reader_context(request, session)
        page = await find_page(ctx, page_id)
        doc = await store.load_document(session, page)
        html = render.to_html(crdt.delta(doc), await link_resolver(ctx))
        pages = await pages_of(ctx)
        latest = await store.latest_revision(session, page.id)
    context = {
        **_shell(ctx, request),
        "wiki": page,
        "html": html,
        "pages": [(p, page_url(ctx, p.id)) for p in pages],
        "may_edit": may_edit(ctx, page),
        "may_write": ctx.may(Action.COMMENT),
        "may_moderate": ctx.may(Action.MODERATE),
        "member": ctx.viewer.is_member,
        "latest": latest,
        "url": page_url(ctx, page.id),
        "room": f"space:{ctx.space.id}:page:{ctx.page.id}",
    }
    return await render_page(request, "wiki/page.html", context)


async def revision_list(request: Request) -> Response:
    async with runtime(request).db.read() as session:
        ctx, page_id = await _reader_context(request, session)
        page = await find_page(ctx, page_id)
        rows, more = await revisions_page(ctx, page, request.query_params.get("before"))
        names = await author_names(ctx, rows)
    context = {
        **_shell(ctx, request),
        "wiki": page,
        "url": page_url(ctx, page.id),
        "revisions": [(r, [names[a] for a in r.authors if a in names]) for r in rows],
        "older": f"{page_url(ctx, page.id)}/revisions?before={rows[-1].number}" if more else None,
        "may_moderate": ctx.may(Action.MODERATE),
    }
    return await render_page(request, "wiki/revisions.html", context)


async def revision_view(request: Request) -> Response:
    async with runtime(request).db.read() as session:
        ctx, page_id = await _reader_context(request, session)
        page = await find_page(ctx, page_id)
        revision = await find_revision(ctx, page, request.path_params["number"])
        current = await store.load_document(session, page)
        names = await author_names(ctx, [revision])
        html = render.to_html(crdt.delta(crdt.load([revision.state])), await link_resolver(ctx))
    context = {
        **_shell(ctx, request),
        "wiki": page,
        "url": page_url(ctx, page.id),
        "revision": revision,
        "authors": [names[a] for a in revision.authors if a in names],
        "html": html,
        "diff": render.compare(revision.text, crdt.plain_text(current)),
        "may_moderate": ctx.may(Action.MODERATE),
    }
    return await render_page(request, "wiki/revision.html", context)


_BASE = "/spaces/{space_id:int}/widgets/{widget_id:int}/wiki/{page_id:int}"
routes = [
    Route(_BASE, wiki_page, methods=["GET"]),
    Route(_BASE + "/revisions", revision_list, methods=["GET"]),
    Route(_BASE + "/revisions/{number:int}", revision_view, methods=["GET"]),
]
