"""Page and widget operations as used by the HTML forms and the JSON API alike:
load, ask the policy, act, in one unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Invalid, NotFound
from twinspace.i18n import N_
from twinspace.pages import widgets
from twinspace.pages.host import page_facts
from twinspace.pages.models import Page, Widget
from twinspace.permissions import Action, Room, access_page, access_room
from twinspace.rooms.pages import actions
from twinspace.runtime import Runtime
from twinspace.spaces.models import Space
from twinspace.spaces.queries import facts, get_viewer

PAGE_ACTIONS = ("rename", "move", "nest", "draft", "trash", "restore")


async def _page_for(
    uow: UnitOfWork, user: User | None, space_id: int, page_id: int, action: Action
) -> tuple[Space, Page]:
    space = await uow.session.get(Space, space_id)
    if space is None:
        raise NotFound(N_("No such page."))
    page = await actions.get_page(uow.session, space_id, page_id)
    viewer = await get_viewer(uow.session, user, space_id)
    access_page(viewer, facts(space), page_facts(page), action)
    return space, page


async def add_page(
    rt: Runtime, user: User, space_id: int, room: object, body: dict[str, Any]
) -> Page:
    room_kind = actions.check_room(room)
    async with rt.db.unit_of_work() as uow:
        space = await uow.session.get(Space, space_id)
        if space is None:
            raise NotFound(N_("No such room."))
        viewer = await get_viewer(uow.session, user, space_id)
        access_room(viewer, facts(space), room_kind, Action.MANAGE_PAGES)
        return await actions.check_add_page(
            uow,
            space_id,
            room_kind,
            user.id,
            body.get("title"),
            body.get("parent_id"),
            body.get("draft", False),
        )


async def change_page(
    rt: Runtime, user: User, space_id: int, page_id: int, what: str, body: dict[str, Any]
) -> Page:
    if what not in PAGE_ACTIONS:
        raise NotFound(N_("No such command."))
    async with rt.db.unit_of_work() as uow:
        _, page = await _page_for(uow, user, space_id, page_id, Action.MANAGE_PAGES)
        now = utcnow()
        if what == "restore":
            await actions.do_restore_page(uow, page, user.id, now)
        elif page.deleted_at is not None:
            raise NotFound(N_("No such page."))
        elif what == "rename":
            await actions.check_update_page(uow, page, user.id, {"title": body.get("title")})
        elif what == "nest":
            await actions.check_update_page(
                uow, page, user.id, {"parent_id": body.get("parent_id")}
            )
        elif what == "draft":
            await actions.check_update_page(uow, page, user.id, {"is_draft": body.get("is_draft")})
        elif what == "move":
            await actions.check_move_page(uow, page, user.id, body.get("position"))
        elif what == "trash":
            await actions.do_trash_page(uow, page, user.id, now)
        return page


async def publish_page(
    rt: Runtime, user: User, space_id: int, page_id: int, public: object, confirm: object
) -> Page:
    if not isinstance(public, bool):
        raise Invalid(N_("'public' must be true or false."))
    async with rt.db.unit_of_work() as uow:
        _, page = await _page_for(uow, user, space_id, page_id, Action.PUBLISH)
        if public and page.room != Room.ACTIVITIES.value:
            raise Invalid(N_("Only Project activities pages can be made public."))
        if public and page.is_draft:
            raise Invalid(N_("A draft cannot be public. Take it out of drafts first."))
        if public and confirm is not True:
            raise Invalid(N_("Look at what would become public, then confirm."))
        page.is_public = public
        await actions.record_visibility(uow, page, user.id)
        return page


async def page_report(
    rt: Runtime,
    user: User,
    space_id: int,
    page_id: int,
    gettext: Callable[[str], str] = lambda s: s,
) -> list[dict[str, Any]]:
    async with rt.db.unit_of_work() as uow:
        space, page = await _page_for(uow, user, space_id, page_id, Action.PUBLISH)
        return await widgets.publication_report(uow, user, space, page, rt.settings, gettext)


async def add_widget(
    rt: Runtime, user: User, space_id: int, page_id: int, kind: object, body: dict[str, Any]
) -> Widget:
    async with rt.db.unit_of_work() as uow:
        space, page = await _page_for(uow, user, space_id, page_id, Action.MANAGE_PAGES)
        return await widgets.check_add_widget(uow, user, space, page, kind, body, rt.settings)


async def change_widget(
    rt: Runtime, user: User, space_id: int, widget_id: int, what: str, body: dict[str, Any]
) -> None:
    async with rt.db.unit_of_work() as uow:
        space, page, widget = await widgets.load_widget(uow, space_id, widget_id)
        await _page_for(uow, user, space_id, page.id, Action.MANAGE_PAGES)
        if what == "remove":
            await widgets.do_remove_widget(uow, user, space, page, widget, rt.settings)
        elif what == "move":
            await widgets.check_move_widget(
                uow, user, space, page, widget, body.get("position"), rt.settings
            )
        else:
            raise NotFound(N_("No such command."))


async def tool_command(
    rt: Runtime,
    user: User | None,
    space_id: int,
    widget_id: int,
    command: str,
    body: dict[str, Any],
) -> dict[str, Any]:
    async with rt.db.unit_of_work() as uow:
        return await widgets.run_tool_command(
            uow, user, space_id, widget_id, command, body, rt.settings
        )
