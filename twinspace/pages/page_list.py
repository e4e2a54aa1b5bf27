"""A room's list of pages, the part below the rooms: reading it and adding a page (title,
parent, position, its ``page.added`` event). The pages room (rooms/pages/actions.py) builds
its other writes on these, and features below the rooms (network's project kits and page
templates) add pages through them, so a page is added the same way whoever adds it."""

from __future__ import annotations

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.db import UnitOfWork
from twinspace.errors import Invalid, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.pages.models import Page, Widget
from twinspace.permissions import Room

TITLE_MAX = 120


def room_channel(space_id: int, room: str) -> str:
    """Where page-list changes of a room go live (members who may read the room)."""
    return f"space:{space_id}:{room}"


def page_json(page: Page) -> dict[str, object]:
    return {
        "id": page.id,
        "title": page.title,
        "room": page.room,
        "parent_id": page.parent_id,
        "position": page.position,
        "is_draft": page.is_draft,
        "is_public": page.is_public,
    }


def check_title(title: object) -> str:
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= TITLE_MAX:
        raise Invalid(N_("A page title is 1 to 120 characters."))
    return title.strip()


async def get_pages(
    session: AsyncSession, space_id: int, room: Room, *, with_trash: bool = False
) -> list[Page]:
    query = select(Page).where(Page.space_id == space_id, Page.room == room.value)
    if not with_trash:
        query = query.where(Page.deleted_at.is_(None))
    return list(
        await session.scalars(query.order_by(Page.parent_id.is_not(None), Page.position, Page.id))
    )


async def get_room_pages(
    session: AsyncSession, space_id: int, room: Room | None = None, *, of_page: int | None = None
) -> tuple[list[Page], list[Widget]]:
    """Every page of a room, trashed ones included, in ``get_pages``' order, in one
    statement: the room given (no widgets), or the room of the page ``of_page`` (a page of
    this space) with that page's widgets in order."""
    if of_page is None:
        assert room is not None
        pages = await session.scalars(
            select(Page)
            .where(Page.space_id == space_id, Page.room == room.value)
            .order_by(Page.parent_id.is_not(None), Page.position, Page.id)
        )
        return list(pages), []
    room_of = select(Page.room).where(Page.id == of_page, Page.space_id == space_id)
    rows = await session.execute(
        select(Page, Widget)
        .outerjoin(Widget, and_(Widget.page_id == Page.id, Page.id == of_page))
        .where(Page.space_id == space_id, Page.room == room_of.scalar_subquery())
        .order_by(Page.parent_id.is_not(None), Page.position, Page.id, Widget.position, Widget.id)
    )
    found: dict[int, Page] = {}
    widgets: list[Widget] = []
    for page, widget in rows:
        found.setdefault(page.id, page)
        if widget is not None:
            widgets.append(widget)
    return list(found.values()), widgets


async def get_space_pages(session: AsyncSession, space_id: int) -> list[tuple[Page, list[Widget]]]:
    """Every page of a TwinSpace, trashed ones included, in ``get_pages``' order, each with
    its widgets in order, in one statement."""
    rows = await session.execute(
        select(Page, Widget)
        .outerjoin(Widget, Widget.page_id == Page.id)
        .where(Page.space_id == space_id)
        .order_by(Page.parent_id.is_not(None), Page.position, Page.id, Widget.position, Widget.id)
    )
    found: dict[int, tuple[Page, list[Widget]]] = {}
    for page, widget in rows:
        _, widgets = found.setdefault(page.id, (page, []))
        if widget is not None:
            widgets.append(widget)
    return list(found.values())


async def check_parent(
    session: AsyncSession, page_space: int, room: str, parent_id: object, page_id: int | None
) -> int | None:
    if parent_id is None:
        return None
    if isinstance(parent_id, bool) or not isinstance(parent_id, int):
        raise Invalid(N_("'parent_id' must be a page id or null."))
    parent = await session.get(Page, parent_id)
    if (
        parent is None
        or parent.space_id != page_space
        or parent.room != room
        or parent.deleted_at is not None
    ):
        raise NotFound(N_("No such page."))
    if parent.parent_id is not None:
        raise Invalid(N_("Sub-pages go one level deep only."))
    if page_id is not None:
        if parent.id == page_id:
            raise Invalid(N_("A page cannot be its own sub-page."))
        has_children = await session.scalar(
            select(func.count())
            .select_from(Page)
            .where(Page.parent_id == page_id, Page.deleted_at.is_(None))
        )
        if has_children:
            raise Invalid(N_("A page that has sub-pages cannot become a sub-page."))
    return parent.id


async def next_position(
    session: AsyncSession, space_id: int, room: str, parent_id: int | None
) -> int:
    value = await session.scalar(
        select(func.max(Page.position)).where(
            Page.space_id == space_id,
            Page.room == room,
            Page.parent_id.is_(None) if parent_id is None else Page.parent_id == parent_id,
        )
    )
    return int(value if value is not None else -1) + 1


async def check_add_page(
    uow: UnitOfWork,
    space_id: int,
    room: Room,
    actor_id: int,
    title: object,
    parent_id: object = None,
    draft: object = False,
) -> Page:
    if not isinstance(draft, bool):
        raise Invalid(N_("'draft' must be true or false."))
    parent = await check_parent(uow.session, space_id, room.value, parent_id, None)
    page = Page(
        space_id=space_id,
        room=room.value,
        parent_id=parent,
        title=check_title(title),
        position=await next_position(uow.session, space_id, room.value, parent),
        is_draft=draft,
        created_by=actor_id,
    )
    uow.session.add(page)
    await uow.session.flush()
    if not draft:
        await record_event(
            uow, room_channel(space_id, room.value), "page.added", page_json(page), actor_id
        )
    return page
