"""Placing tools on pages and running their commands. The pages code never names a tool:
it asks the registry."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import Invalid, NotFound
from twinspace.i18n import N_
from twinspace.pages.base import Tool
from twinspace.pages.host import WidgetScope, load_widget, make_context
from twinspace.pages.models import Page, Widget
from twinspace.pages.registry import get_tool
from twinspace.permissions import Action, Role, access_page
from twinspace.settings import Settings
from twinspace.spaces.models import Membership, Space


def widget_json(widget: Widget, tool: Tool | None) -> dict[str, object]:
    return {
        "id": widget.id,
        "kind": widget.kind,
        "position": widget.position,
        "label": tool.label if tool else widget.kind,
    }


async def run_tool_command(
    uow: UnitOfWork,
    user: User | None,
    space_id: int,
    widget_id: int,
    command: str,
    payload: dict[str, Any],
    settings: Settings,
) -> dict[str, Any]:
    space, page, widget = await load_widget(uow, space_id, widget_id)
    tool = get_tool(widget.kind)
    spec = tool.commands.get(command) if tool else None
    ctx = await make_context(uow, user, space, page, widget, settings)
    access_page(
        ctx.viewer, ctx.space_facts, ctx.page_facts, Action.READ
    )  # hidden things stay hidden
    if tool is None or spec is None:
        raise NotFound(N_("No such command."))
    access_page(ctx.viewer, ctx.space_facts, ctx.page_facts, spec.action)
    result = await spec.run(ctx, payload)
    if not ctx.viewer.is_member:  # a second guard behind each tool's own display names
        result = await ctx.public_form(result)
    return result


async def check_add_widget(
    uow: UnitOfWork,
    user: User,
    space: Space,
    page: Page,
    kind: object,
    payload: dict[str, Any],
    settings: Settings,
) -> Widget:
    tool = get_tool(kind) if isinstance(kind, str) else None
    if tool is None:
        raise Invalid(N_("Choose an application from the list."))
    last = await uow.session.scalar(
        select(Widget.position)
        .where(Widget.page_id == page.id)
        .order_by(Widget.position.desc())
        .limit(1)
    )
    widget = Widget(
        page_id=page.id,
        kind=tool.kind,
        position=(last + 1) if last is not None else 0,
        settings={},
        created_by=user.id,
    )
    uow.session.add(widget)
    await uow.session.flush()
    ctx = await make_context(uow, user, space, page, widget, settings)
    await tool.on_added(ctx, payload)
    await ctx.emit("widget.added", widget_json(widget, tool))
    return widget


async def do_remove_widget(
    uow: UnitOfWork, user: User, space: Space, page: Page, widget: Widget, settings: Settings
) -> None:
    ctx = await make_context(uow, user, space, page, widget, settings)
    await ctx.emit("widget.removed", {"id": widget.id})
    await uow.session.delete(widget)


async def check_move_widget(
    uow: UnitOfWork,
    user: User,
    space: Space,
    page: Page,
    widget: Widget,
    position: object,
    settings: Settings,
) -> list[int]:
    if isinstance(position, bool) or not isinstance(position, int) or position < 0:
        raise Invalid(N_("'position' must be a whole number, 0 or more."))
    others = list(
        await uow.session.scalars(
            select(Widget)
            .where(Widget.page_id == page.id, Widget.id != widget.id)
            .order_by(Widget.position, Widget.id)
        )
    )
    others.insert(min(position, len(others)), widget)
    for index, item in enumerate(others):
        item.position = index
    order = [w.id for w in others]
    ctx = await make_context(uow, user, space, page, widget, settings)
    await ctx.emit("widget.reordered", {"order": order})
    return order


async def get_widgets(uow: UnitOfWork, page: Page) -> list[Widget]:
    return list(
        await uow.session.scalars(
            select(Widget).where(Widget.page_id == page.id).order_by(Widget.position, Widget.id)
        )
    )


async def publication_report(
    uow: UnitOfWork,
    user: User,
    space: Space,
    page: Page,
    settings: Settings,
    gettext: Callable[[str], str] = lambda s: s,
) -> list[dict[str, Any]]:
    """What would become visible if the page went public: each item with the pupils who
    wrote it (``pupil_authors``: the public sees them as "A pupil of …"), the pupils its text
    names (``pupil_names``) and, for photos, whether consent is recorded (``consent``)."""
    pupils = {
        user_id: (name, username)
        for user_id, name, username in await uow.session.execute(
            select(User.id, User.display_name, User.username)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.space_id == space.id,
                Membership.role.in_([Role.PUPIL.value, Role.PUPIL_ADMIN.value]),
            )
        )
    }
    names = {n for pair in pupils.values() for n in pair if n and len(n) >= 3}
    items: list[dict[str, Any]] = [{"what": gettext(N_("Page title")), "text": page.title}]
    for widget in await get_widgets(uow, page):
        tool = get_tool(widget.kind)
        if tool is None:
            continue
        ctx = await make_context(uow, user, space, page, widget, settings, gettext=gettext)
        for entry in await tool.publication_report(ctx):
            item = {
                "what": entry.get("what", tool.kind),
                "text": entry.get("text", ""),
                "tool": tool.kind,
            }
            if "consent" in entry:
                item["consent"] = bool(entry["consent"])
            item["pupil_authors"] = [pupils[a][0] for a in entry.get("authors", []) if a in pupils]
            items.append(item)
    for item in items:
        text = item["text"] or ""
        item["pupil_names"] = sorted(
            n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.I)
        )
        item.setdefault("pupil_authors", [])
    return items


async def visible_page_events(
    uow: UnitOfWork,
    user: User | None,
    space: Space,
    page: Page,
    events: list[dict[str, Any]],
    settings: Settings,
    *,
    scope: WidgetScope | None = None,
) -> list[dict[str, Any]]:
    """Catch-up of a page room: each tool filters its own events for this viewer; events of
    applications removed since are dropped. ``scope``: the request's, when it has one."""
    by_widget: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        widget_id = event["data"].get("widget_id")
        if isinstance(widget_id, int) and event["type"] not in (
            "widget.removed",
            "widget.reordered",
        ):
            by_widget.setdefault(widget_id, []).append(event)
    allowed_ids: set[int] = set()
    for widget_id, own in by_widget.items():
        widget = await uow.session.get(Widget, widget_id)
        if widget is None or widget.page_id != page.id:
            continue
        tool = get_tool(widget.kind)
        hook = getattr(tool, "visible_events", None)
        if hook is not None:
            ctx = await make_context(uow, user, space, page, widget, settings, scope=scope)
            own = await hook(ctx, own)
        allowed_ids.update(id(e) for e in own)
    return [
        e
        for e in events
        if e["data"].get("widget_id") is None
        or e["type"] in ("widget.removed", "widget.reordered")
        or id(e) in allowed_ids
    ]


__all__ = ["publication_report", "visible_page_events"]
