"""The Wiki tool: a set of pages with titles, links between them (``[[Title]]``) and a
rich-text body that members write together live (sockets.py), with revisions, diff and
restore. Writing follows the matrix's COMMENT (pupils contribute where they may comment);
freezing and restoring are MODERATE; a frozen page is read-only for all but teachers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from starlette.routing import BaseRoute

from twinspace.db import Database
from twinspace.errors import Conflict, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.pages.base import BaseTool, SocketEvent, ToolCommand, WidgetContext
from twinspace.permissions import Action, access_wiki_edit, may_edit_wiki
from twinspace.runtime import Runtime
from twinspace.storage import LocalStorage
from twinspace.tools.wiki import crdt, render, revisions, sockets, store
from twinspace.tools.wiki.models import WikiPage, WikiRevision

KIND = sockets.KIND
TITLE_MAX = 200
NAME_MAX = 100
TEXT_MAX = 10_000
REVISIONS_PAGE = 50
MAX_PAGES = 500


# --- Helpers shared with the views -----------------------------------------------------------


def page_url(ctx: WidgetContext, page_id: int) -> str:
    return f"/spaces/{ctx.space.id}/widgets/{ctx.widget.id}/wiki/{page_id}"


async def pages_of(ctx: WidgetContext) -> list[WikiPage]:
    return list(
        await ctx.session.scalars(
            select(WikiPage).where(WikiPage.widget_id == ctx.widget.id).order_by(WikiPage.id)
        )
    )


async def link_resolver(ctx: WidgetContext, pages: list[WikiPage] | None = None) -> render.LinkFor:
    """``pages``: every page of the widget, when already read (``pages_of``)."""
    if pages is None:
        rows = list(
            await ctx.session.execute(
                select(WikiPage.id, WikiPage.title).where(WikiPage.widget_id == ctx.widget.id)
            )
        )
    else:
        rows = [(page.id, page.title) for page in pages]
    by_title = {title.casefold(): page_id for page_id, title in rows}

    def link_for(title: str) -> str | None:
        page_id = by_title.get(title.casefold())
        return page_url(ctx, page_id) if page_id else None

    return link_for


def page_json(ctx: WidgetContext, page: WikiPage) -> dict[str, Any]:
    return {
        "id": page.id,
        "title": page.title,
        "frozen": page.frozen,
        "url": page_url(ctx, page.id),
        "updated_at": page.updated_at.isoformat(),
    }


def may_edit(ctx: WidgetContext, page: WikiPage) -> bool:
    return may_edit_wiki(ctx.viewer, ctx.space_facts, ctx.page_facts, frozen=page.frozen)


async def find_page(ctx: WidgetContext, page_id: object, *, lock: bool = False) -> WikiPage:
    if isinstance(page_id, str) and page_id.isdigit():
        page_id = int(page_id)
    if isinstance(page_id, bool) or not isinstance(page_id, int) or page_id < 1:
        raise Invalid(N_("A number is expected."), field="page_id")
    return await store.get_page(ctx.session, ctx.widget.id, page_id, lock=lock)


async def find_revision(ctx: WidgetContext, page: WikiPage, number: object) -> WikiRevision:
    if isinstance(number, str) and number.isdigit():
        number = int(number)
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise Invalid(N_("A number is expected."), field="revision")
    revision = await ctx.session.scalar(
        select(WikiRevision).where(WikiRevision.page_id == page.id, WikiRevision.number == number)
    )
    if revision is None:
        raise NotFound(N_("No such revision."))
    return revision


async def author_names(ctx: WidgetContext, revisions_: list[WikiRevision]) -> dict[int, str]:
    ids = {a for r in revisions_ for a in r.authors if isinstance(a, int)}
    return {i: ctx.display_name(u, role) for i, (u, role) in (await ctx.people(ids)).items()}


def _title(payload: dict[str, Any]) -> str:
    title = payload.get("title")
    if not isinstance(title, str) or not 1 <= len(" ".join(title.split())) <= TITLE_MAX:
        raise Invalid(N_("A title is 1 to 200 characters."), field="title")
    if "[" in title or "]" in title:
        raise Invalid(N_("A wiki page title cannot contain [ or ]."), field="title")
    return " ".join(title.split())


async def _check_unique(ctx: WidgetContext, title: str, page_id: int | None = None) -> None:
    query = select(WikiPage.id).where(
        WikiPage.widget_id == ctx.widget.id, func.lower(WikiPage.title) == title.lower()
    )
    if page_id is not None:
        query = query.where(WikiPage.id != page_id)
    if await ctx.session.scalar(query.limit(1)) is not None:
        raise Conflict(N_("This wiki already has a page with this title."), field="title")


def _first_text(payload: dict[str, Any]) -> str:
    """Optional plain text a new page starts with (never HTML: it becomes CRDT text)."""
    text = payload.get("text", "")
    if not isinstance(text, str) or len(text) > TEXT_MAX:
        raise Invalid(N_("A text is at most 10,000 characters."), field="text")
    return text.strip()


async def new_page(ctx: WidgetContext, title: str, text: str = "") -> WikiPage:
    count = await ctx.session.scalar(
        select(func.count()).select_from(WikiPage).where(WikiPage.widget_id == ctx.widget.id)
    )
    if (count or 0) >= MAX_PAGES:
        raise Invalid(N_("This wiki has as many pages as it can hold."))
    await _check_unique(ctx, title)
    page = WikiPage(
        widget_id=ctx.widget.id,
        title=title,
        created_by=ctx.user.id if ctx.user else None,
        created_at=ctx.now,
        updated_at=ctx.now,
        frozen=False,
        snapshot=b"",
        seq=0,
        snapshot_seq=0,
        size=0,
        revision_seq=0,
        pending_authors=[],
    )
    ctx.session.add(page)
    await ctx.session.flush()
    if text:  # its first text is its first revision
        author = ctx.user.id if ctx.user else None
        await store.append_update(ctx.session, page, crdt.text_update(text), author, ctx.now)
        doc = await store.load_document(ctx.session, page)
        await store.add_revision(ctx.session, page, doc, ctx.now, reason="first")
    return page


# --- Commands --------------------------------------------------------------------------------


async def page_create(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    page = await new_page(ctx, _title(payload), _first_text(payload))
    await ctx.emit("wiki.page_created", {"page": page_json(ctx, page)})
    return {"ok": True, "page": page_json(ctx, page)}


async def page_rename(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    page = await find_page(ctx, payload.get("page_id"), lock=True)
    access_wiki_edit(ctx.viewer, ctx.space_facts, ctx.page_facts, frozen=page.frozen)
    title = _title(payload)
    await _check_unique(ctx, title, page.id)
    page.title = title
    await ctx.session.flush()
    await ctx.emit("wiki.page_renamed", {"page": page_json(ctx, page)})
    return {"ok": True, "page": page_json(ctx, page)}


def _freeze(value: bool):  # noqa: ANN202 - a command
    async def run(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
        page = await find_page(ctx, payload.get("page_id"), lock=True)
        if page.frozen != value:
            page.frozen = value
            page.frozen_by = ctx.actor().id if value else None
            await ctx.session.flush()
            await ctx.emit("wiki.frozen", {"page_id": page.id, "frozen": value})
        return {"ok": True, "page": page_json(ctx, page)}

    return run


async def page_delete(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    page = await find_page(ctx, payload.get("page_id"), lock=True)
    page_id = page.id
    await ctx.session.delete(page)
    await ctx.session.flush()
    await ctx.emit("wiki.page_deleted", {"page_id": page_id})
    return {"ok": True, "page_id": page_id}


async def pages_list(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "pages": [page_json(ctx, p) for p in await pages_of(ctx)]}


async def page_show(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    page = await find_page(ctx, payload.get("page_id"))
    doc = await store.load_document(ctx.session, page)
    html = render.to_html(crdt.delta(doc), await link_resolver(ctx))
    return {
        "ok": True,
        "page": page_json(ctx, page),
        "text": crdt.plain_text(doc),
        "html": str(html),
        "may_edit": may_edit(ctx, page),
    }


async def revisions_page(
    ctx: WidgetContext, page: WikiPage, before: object = None
) -> tuple[list[WikiRevision], bool]:
    """The newest revisions first, ``REVISIONS_PAGE`` at a time (``before``: a number)."""
    if isinstance(before, str) and before.isdigit():
        before = int(before)
    query = select(WikiRevision).where(WikiRevision.page_id == page.id)
    if before not in (None, ""):
        if isinstance(before, bool) or not isinstance(before, int) or before < 1:
            raise Invalid(N_("A number is expected."), field="before")
        query = query.where(WikiRevision.number < before)
    rows = list(
        await ctx.session.scalars(
            query.order_by(WikiRevision.number.desc()).limit(REVISIONS_PAGE + 1)
        )
    )
    return rows[:REVISIONS_PAGE], len(rows) > REVISIONS_PAGE


async def revisions_list(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    page = await find_page(ctx, payload.get("page_id"))
    rows, more = await revisions_page(ctx, page, payload.get("before"))
    names = await author_names(ctx, rows)
    return {"ok": True, "revisions": [store.revision_json(r, names) for r in rows], "more": more}


async def revision_show(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    page = await find_page(ctx, payload.get("page_id"))
    revision = await find_revision(ctx, page, payload.get("revision"))
    doc = crdt.load([revision.state])
    current = await store.load_document(ctx.session, page)
    names = await author_names(ctx, [revision])
    return {
        "ok": True,
        "revision": store.revision_json(revision, names),
        "text": revision.text,
        "html": str(render.to_html(crdt.delta(doc), await link_resolver(ctx))),
        "diff": [list(row) for row in render.compare(revision.text, crdt.plain_text(current))],
    }


async def revision_save(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """A member who may write names the document as it is now ("Before the final check")."""
    page = await find_page(ctx, payload.get("page_id"), lock=True)
    access_wiki_edit(ctx.viewer, ctx.space_facts, ctx.page_facts, frozen=page.frozen)
    name = payload.get("name")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= NAME_MAX:
        raise Invalid(N_("A name is 1 to 100 characters."), field="name")
    doc = await store.load_document(ctx.session, page)
    revision = await store.add_revision(
        ctx.session,
        page,
        doc,
        ctx.now,
        reason="named",
        name=name.strip(),
        created_by=ctx.actor().id,
    )
    await revisions.record_revision(ctx.uow, page, revision, ctx.actor().id)
    names = await author_names(ctx, [revision])
    return {"ok": True, "revision": store.revision_json(revision, names)}


async def revision_restore(ctx: WidgetContext, payload: dict[str, Any]) -> dict[str, Any]:
    """The page takes the revision's content back; that is a new update (merged with whatever
    others type meanwhile: they sync on ``wiki.restored``) and a new revision."""
    page = await find_page(ctx, payload.get("page_id"), lock=True)
    old = await find_revision(ctx, page, payload.get("revision"))
    doc = await store.load_document(ctx.session, page)
    update = crdt.replace(doc, crdt.delta(crdt.load([old.state])))
    await store.append_update(ctx.session, page, update, ctx.actor().id, ctx.now)
    revision = await store.add_revision(
        ctx.session,
        page,
        doc,
        ctx.now,
        reason="restore",
        created_by=ctx.actor().id,
        restored_from=old.number,
    )
    await ctx.emit(
        "wiki.restored",
        {"page_id": page.id, "revision": revision.number, "restored_from": old.number},
    )
    names = await author_names(ctx, [revision])
    return {"ok": True, "revision": store.revision_json(revision, names)}


# --- The tool --------------------------------------------------------------------------------


class WikiTool(BaseTool):
    kind = KIND
    label = N_("Wiki")
    description = N_("Pages the whole class writes together, live, with every revision kept.")
    templates = Path(__file__).parent / "templates"
    commands = {
        "page.create": ToolCommand(Action.COMMENT, page_create),
        "page.rename": ToolCommand(Action.COMMENT, page_rename),  # frozen: checked inside
        "page.freeze": ToolCommand(Action.MODERATE, _freeze(True)),
        "page.unfreeze": ToolCommand(Action.MODERATE, _freeze(False)),
        "page.delete": ToolCommand(Action.MODERATE, page_delete),
        "pages.list": ToolCommand(Action.READ, pages_list),
        "page.show": ToolCommand(Action.READ, page_show),
        "revisions.list": ToolCommand(Action.READ, revisions_list),
        "revision.show": ToolCommand(Action.READ, revision_show),
        "revision.save": ToolCommand(Action.COMMENT, revision_save),  # frozen: checked inside
        "revision.restore": ToolCommand(Action.MODERATE, revision_restore),
    }

    def routes(self) -> list[BaseRoute]:
        from twinspace.tools.wiki.views import routes

        return routes

    def socket_events(self) -> Mapping[str, SocketEvent]:
        return sockets.EVENTS

    async def socket_disconnected(self, rt: Runtime, sid: str) -> None:
        await sockets.disconnected(rt, sid)

    async def on_added(self, ctx: WidgetContext, payload: dict[str, Any]) -> None:
        title = payload.get("title") if isinstance(payload.get("title"), str) else None
        title = " ".join(title.split()) if title else ctx.gettext(N_("First page"))
        await new_page(ctx, title[:TITLE_MAX], _first_text(payload))

    async def render(self, ctx: WidgetContext) -> Markup:
        pages = await pages_of(ctx)
        first = pages[0] if pages else None
        html = Markup("")
        if first is not None:
            doc = await store.load_document(ctx.session, first)
            html = render.to_html(crdt.delta(doc), await link_resolver(ctx, pages))
        return ctx.render(
            "wiki/widget.html",
            pages=[(p, page_url(ctx, p.id)) for p in pages],
            first=first,
            html=html,
            may_write=ctx.may(Action.COMMENT),
            title_max=TITLE_MAX,
        )

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, Any]]:
        items = []
        for page in await pages_of(ctx):
            doc = await store.load_document(ctx.session, page)
            authors = {a for a in page.pending_authors if isinstance(a, int)}
            for written_by in await ctx.session.scalars(
                select(WikiRevision.authors).where(WikiRevision.page_id == page.id)
            ):
                authors.update(a for a in written_by or [] if isinstance(a, int))
            items.append(
                {
                    "what": ctx.gettext(N_("Wiki page")),
                    "text": f"{page.title} — {crdt.plain_text(doc)}",
                    "authors": sorted(authors),
                }
            )
        return items

    async def maintenance(self, db: Database, storage: LocalStorage, now: datetime) -> None:
        await revisions.save_unsaved(db)


tool = WikiTool()  # registered through the twinspace.tools entry point (pyproject.toml)
