"""Managing pages: add, rename, move, nest one level, draft, trash and restore, publish.
Every write records its event in the same transaction."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.db import UnitOfWork
from twinspace.errors import Conflict, Invalid, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.pages.models import Page, Widget
from twinspace.permissions import PAGE_ROOMS, Room

TITLE_MAX = 120
TRASH_DAYS = 30


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


def check_room(room: object) -> Room:
    try:
        value = Room(room)  # type: ignore[arg-type]
    except ValueError:
        raise Invalid(
            N_("Pages live in Project activities, the Teachers' room or the Pupils' corner.")
        ) from None
    if value not in PAGE_ROOMS:
        raise Invalid(
            N_("Pages live in Project activities, the Teachers' room or the Pupils' corner.")
        )
    return value


async def get_page(session: AsyncSession, space_id: int, page_id: int) -> Page:
    page = await session.get(Page, page_id)
    if page is None or page.space_id != space_id:
        raise NotFound(N_("No such page."))
    return page


async def get_pages(
    session: AsyncSession, space_id: int, room: Room, *, with_trash: bool = False
) -> list[Page]:
    query = select(Page).where(Page.space_id == space_id, Page.room == room.value)
    if not with_trash:
        query = query.where(Page.deleted_at.is_(None))
    return list(
        await session.scalars(query.order_by(Page.parent_id.is_not(None), Page.position, Page.id))
    )


def page_tree(pages: list[Page]) -> list[tuple[Page, list[Page]]]:
    """Top-level pages in order, each with its sub-pages in order."""
    children: dict[int, list[Page]] = {}
    for page in pages:
        if page.parent_id is not None:
            children.setdefault(page.parent_id, []).append(page)
    tops = [p for p in pages if p.parent_id is None]
    return [
        (p, sorted(children.get(p.id, []), key=lambda c: (c.position, c.id)))
        for p in sorted(tops, key=lambda p: (p.position, p.id))
    ]


async def _check_parent(
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


async def _next_position(
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
    parent = await _check_parent(uow.session, space_id, room.value, parent_id, None)
    page = Page(
        space_id=space_id,
        room=room.value,
        parent_id=parent,
        title=check_title(title),
        position=await _next_position(uow.session, space_id, room.value, parent),
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


async def _announce(uow: UnitOfWork, page: Page, type_: str, actor_id: int) -> None:
    if not page.is_draft:
        await record_event(
            uow, room_channel(page.space_id, page.room), type_, page_json(page), actor_id
        )
    await record_event(
        uow, f"space:{page.space_id}:page:{page.id}", type_, page_json(page), actor_id
    )


async def check_update_page(
    uow: UnitOfWork, page: Page, actor_id: int, changes: dict[str, object]
) -> Page:
    known = {"title", "parent_id", "is_draft"}
    if not changes or not set(changes) <= known:
        raise Invalid(N_("Change the title, the parent page or the draft state."))
    if "title" in changes:
        page.title = check_title(changes["title"])
    if "parent_id" in changes:
        new_parent = await _check_parent(
            uow.session, page.space_id, page.room, changes["parent_id"], page.id
        )
        if new_parent != page.parent_id:
            page.parent_id = new_parent
            page.position = await _next_position(uow.session, page.space_id, page.room, new_parent)
    if "is_draft" in changes:
        if not isinstance(changes["is_draft"], bool):
            raise Invalid(N_("'is_draft' must be true or false."))
        page.is_draft = changes["is_draft"]
        if page.is_draft:
            page.is_public = False
    await uow.session.flush()
    await _announce(uow, page, "page.updated", actor_id)
    return page


async def check_move_page(
    uow: UnitOfWork, page: Page, actor_id: int, position: object
) -> list[Page]:
    """Put a page at ``position`` among its siblings (0 = first); renumber the others."""
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise Invalid(N_("'position' must be a whole number, 0 or more."))
    siblings = [
        p
        for p in await get_pages(uow.session, page.space_id, Room(page.room))
        if p.parent_id == page.parent_id and p.id != page.id
    ]
    siblings.sort(key=lambda p: (p.position, p.id))
    siblings.insert(min(position, len(siblings)), page)
    for index, sibling in enumerate(siblings):
        sibling.position = index
    await uow.session.flush()
    order = [p.id for p in siblings]
    await record_event(
        uow,
        room_channel(page.space_id, page.room),
        "page.reordered",
        {"parent_id": page.parent_id, "order": order},
        actor_id,
    )
    return siblings


async def do_trash_page(uow: UnitOfWork, page: Page, actor_id: int, now: datetime) -> None:
    """Delete to the trash (restorable for 30 days); sub-pages go with it."""
    page.deleted_at = now
    page.is_public = False
    await uow.session.execute(
        update(Page)
        .where(Page.parent_id == page.id, Page.deleted_at.is_(None))
        .values(deleted_at=now, is_public=False)
    )
    await record_event(
        uow, room_channel(page.space_id, page.room), "page.deleted", {"id": page.id}, actor_id
    )
    await record_event(
        uow, f"space:{page.space_id}:page:{page.id}", "page.deleted", {"id": page.id}, actor_id
    )


async def do_restore_page(uow: UnitOfWork, page: Page, actor_id: int, now: datetime) -> None:
    if page.deleted_at is None:
        raise Conflict(N_("This page is not in the trash."))
    if now - page.deleted_at > timedelta(days=TRASH_DAYS):
        raise NotFound(N_("No such page."))
    if page.parent_id is not None:
        parent = await uow.session.get(Page, page.parent_id)
        if parent is None or parent.deleted_at is not None:
            page.parent_id = None  # its parent is gone: it comes back at the top level
    deleted_at = page.deleted_at
    page.deleted_at = None
    page.position = await _next_position(uow.session, page.space_id, page.room, page.parent_id)
    await uow.session.execute(
        update(Page)
        .where(Page.parent_id == page.id, Page.deleted_at == deleted_at)
        .values(deleted_at=None)
    )
    await uow.session.flush()
    await _announce(uow, page, "page.restored", actor_id)


async def do_purge_trash(uow: UnitOfWork, now: datetime) -> int:
    cutoff = now - timedelta(days=TRASH_DAYS)
    old = list(await uow.session.scalars(select(Page.id).where(Page.deleted_at < cutoff)))
    if old:
        await uow.session.execute(delete(Widget).where(Widget.page_id.in_(old)))
        await uow.session.execute(delete(Page).where(Page.id.in_(old)))
    return len(old)


async def record_visibility(uow: UnitOfWork, page: Page, actor_id: int) -> None:
    """Tell the page's room (and its room's list) whether the page is public now."""
    data = {"id": page.id, "is_public": page.is_public}
    await record_event(
        uow, f"space:{page.space_id}:page:{page.id}", "page.visibility", data, actor_id
    )
    await record_event(
        uow, room_channel(page.space_id, page.room), "page.visibility", data, actor_id
    )
