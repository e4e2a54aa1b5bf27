"""Server-rendered room pages with their page list and tool widgets, and the plain HTML
forms behind "Manage pages" and "Add application" (the page works without JavaScript)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import DomainError, Invalid, NotFound
from twinspace.i18n import N_, gettext_for
from twinspace.pages.host import make_context, page_facts, widget_scope
from twinspace.pages.models import Page, Widget
from twinspace.pages.page_list import get_room_pages
from twinspace.pages.registry import all_tools, get_tool
from twinspace.pages.widgets import get_widgets
from twinspace.permissions import Action, Room, access_page, access_room, permissions_for
from twinspace.rooms.pages import actions, service
from twinspace.rooms.pages.api import after_visibility_change
from twinspace.spaces.context import SpaceAccess
from twinspace.spaces.models import Space
from twinspace.spaces.queries import facts, get_space_and_viewer, get_viewer
from twinspace.web.context import check_form_write, get_auth, locale_of, render, runtime, translate
from twinspace.web.page_cache import cached_page

ROOM_PATHS = {"activities": Room.ACTIVITIES, "teachers": Room.TEACHERS, "pupils": Room.PUPILS}


def _visible(viewer, space: Space, pages: list[Page]) -> list[Page]:
    shown = []
    for page in pages:
        try:
            access_page(viewer, facts(space), page_facts(page), Action.READ)
        except DomainError:
            continue
        shown.append(page)
    return shown


async def _render_room(
    request: Request,
    space_id: int,
    room: Room,
    page_id: int | None,
    error: str | None = None,
    status: int = 200,
    template: str = "space/pages.html",
) -> Response:
    rt = runtime(request)
    auth = await get_auth(request)
    locale = locale_of(request)
    async with rt.db.read() as session:
        found = await get_space_and_viewer(session, auth.user, space_id)
        if found is None:
            raise NotFound(N_("No such room."))
        space, viewer = found
        # the room's pages, trash included: the room asked for, or the room of the page
        in_room, widgets = await get_room_pages(session, space_id, room, of_page=page_id)
        page = None
        if page_id is not None:
            page = next((p for p in in_room if p.id == page_id), None)
            if page is None:
                raise NotFound(N_("No such page."))
            access_page(viewer, facts(space), page_facts(page), Action.READ)
            room = Room(page.room)
        pages = _visible(viewer, space, [p for p in in_room if p.deleted_at is None])
        if not pages and page is None:
            access_room(viewer, facts(space), room, Action.READ)
        if page is None and pages:
            page = next((p for p in pages if p.parent_id is None), pages[0])
        uow = UnitOfWork(session)
        rendered = []
        templates = request.app.state.templates
        if page is not None and page_id is None:  # the room's first page
            widgets = await get_widgets(uow, page)
        scope = await widget_scope(session, auth.user, space, viewer) if widgets else None
        for widget in widgets:
            tool = get_tool(widget.kind)
            if tool is None or page is None:
                continue
            ctx = await make_context(
                uow,
                auth.user,
                space,
                page,
                widget,
                rt.settings,
                gettext=gettext_for(locale),
                csrf_token=auth.session.csrf_token if auth.session else "",
                render_template=lambda name, **values: templates.get_template(name).render(
                    **values
                ),
                scope=scope,
            )
            rendered.append(
                {
                    "widget": widget,
                    "label": translate(request, tool.label),
                    "html": await tool.render(ctx),
                }
            )
        perms = permissions_for(viewer.role, facts(space), home_public=space.home_public)
        trash = [p for p in in_room if p.deleted_at] if perms[room.value]["manage_pages"] else []
    access = SpaceAccess(space, viewer, facts(space), perms)
    context: dict[str, Any] = {
        "space": space,
        "access": access,
        "role": viewer.role.value,
        "current": room.value,
        "tree": actions.page_tree(pages),
        "page": page,
        "widgets": rendered,
        "may_manage": perms[room.value]["manage_pages"],
        "may_publish": perms[room.value]["publish"],
        "tools": [
            (t.kind, translate(request, t.label), translate(request, t.description))
            for t in all_tools()
        ],
        "trash": trash,
        "error": error,
        "page_room": f"space:{space_id}:page:{page.id}" if page else "",
    }
    return await render(request, template, context, status_code=status)


def room_index(room: Room):
    @cached_page
    async def view(request: Request) -> Response:
        return await _render_room(request, request.path_params["space_id"], room, None)

    return view


@cached_page
async def page_view(request: Request) -> Response:
    """The page; with ``?fragment=widgets`` only its applications (scripts swap them in live)."""
    fragment = request.query_params.get("fragment") == "widgets"
    return await _render_room(
        request,
        request.path_params["space_id"],
        Room.ACTIVITIES,
        request.path_params["page_id"],
        template="space/_widgets.html" if fragment else "space/pages.html",
    )


def _int_or_none(value: object, field: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value.isdigit():
        return int(value)
    raise Invalid(N_("A number is expected."), field=field)


async def _form(
    request: Request, act, back: str, *, page_id: int | None = None, room: Room = Room.ACTIVITIES
) -> Response:
    """Run a form's action and go back; on a domain error show the page with the message."""
    _, user, form = await check_form_write(request)
    try:
        target = await act(user, form)
    except DomainError as err:
        if err.status == 404:
            raise
        return await _render_room(
            request,
            request.path_params["space_id"],
            room,
            page_id,
            translate(request, err.message),
            err.status,
        )
    return RedirectResponse(target or back, status_code=303)


async def form_add_page(request: Request) -> Response:
    space_id, room_key = request.path_params["space_id"], request.path_params["room"]
    room = ROOM_PATHS.get(room_key)
    if room is None:
        raise NotFound(N_("No such room."))

    async def act(user: User, form) -> str:
        page = await service.add_page(
            runtime(request),
            user,
            space_id,
            room.value,
            {
                "title": form.get("title"),
                "parent_id": _int_or_none(form.get("parent_id"), "parent_id"),
                "draft": form.get("draft") == "on",
            },
        )
        return f"/spaces/{space_id}/pages/{page.id}"

    return await _form(request, act, f"/spaces/{space_id}/{room_key}", room=room)


async def form_page_action(request: Request) -> Response:
    space_id, page_id, what = (request.path_params[k] for k in ("space_id", "page_id", "what"))
    rt = runtime(request)

    async def act(user: User, form) -> str | None:
        if what == "publish":
            page = await service.publish_page(
                rt,
                user,
                space_id,
                page_id,
                form.get("public") == "true",
                form.get("confirm") == "yes",
            )
            await after_visibility_change(request, page)
            return None
        body: dict[str, Any] = {"title": form.get("title")}
        if what == "nest":
            body["parent_id"] = _int_or_none(form.get("parent_id"), "parent_id")
        if what == "draft":
            body["is_draft"] = form.get("is_draft") == "true"
        if what == "move":
            body["position"] = _int_or_none(form.get("position"), "position")
        page = await service.change_page(rt, user, space_id, page_id, what, body)
        if what == "trash":
            return f"/spaces/{space_id}/{page.room}"
        return None

    return await _form(request, act, f"/spaces/{space_id}/pages/{page_id}", page_id=page_id)


async def confirm_page_action(request: Request) -> Response:
    """GET .../trash and .../publish: ask before deleting; show what would become public."""
    space_id, page_id, what = (request.path_params[k] for k in ("space_id", "page_id", "what"))
    auth = await get_auth(request)
    if auth.user is None:
        raise NotFound(N_("No such page."))
    rt = runtime(request)
    report = []
    if what == "publish":
        report = await service.page_report(
            rt, auth.user, space_id, page_id, gettext_for(locale_of(request))
        )
    elif what != "trash":
        raise NotFound(N_("No such page."))
    async with rt.db.read() as session:
        space = await session.get(Space, space_id)
        page = await actions.get_page(session, space_id, page_id)
        viewer = await get_viewer(session, auth.user, space_id)
        access_page(
            viewer,
            facts(space),
            page_facts(page),
            Action.PUBLISH if what == "publish" else Action.MANAGE_PAGES,
        )
    perms = permissions_for(viewer.role, facts(space), home_public=space.home_public)
    context = {
        "space": space,
        "access": SpaceAccess(space, viewer, facts(space), perms),
        "role": viewer.role.value,
        "current": page.room,
        "page": page,
        "what": what,
        "report": report,
        "pupil_names": sorted({n for item in report for n in item["pupil_names"]}),
        "pupil_contributions": sum(1 for item in report if item["pupil_authors"]),
        "photos_without_consent": sum(1 for item in report if item.get("consent") is False),
    }
    return await render(request, "space/page_confirm.html", context)


async def form_add_widget(request: Request) -> Response:
    space_id, page_id = request.path_params["space_id"], request.path_params["page_id"]

    async def act(user: User, form) -> str:
        widget = await service.add_widget(
            runtime(request), user, space_id, page_id, form.get("kind"), {}
        )
        return f"/spaces/{space_id}/pages/{page_id}#widget-{widget.id}"

    return await _form(request, act, f"/spaces/{space_id}/pages/{page_id}", page_id=page_id)


def _back_after_widget_form(
    request: Request, space_id: int, page_id: int, room: Room, widget_id: int
) -> str:
    """Where a widget's form sends its writer back: the page they came from (its Referer,
    when it is a page of this TwinSpace), else the widget's own page — Home's journal lives
    on the TwinSpace's Home (``/spaces/N``), never on Project activities."""
    home = f"/spaces/{space_id}"
    if room is Room.HOME:
        return f"{home}#journal"
    back = request.headers.get("referer", "")
    path = "/" + back.split("//", 1)[-1].split("/", 1)[-1] if back else ""
    path = path.split("#", 1)[0]
    if path.startswith(f"{home}/"):
        return path
    return f"{home}/pages/{page_id}#widget-{widget_id}"


async def form_widget_action(request: Request) -> Response:
    space_id, widget_id, command = (
        request.path_params[k] for k in ("space_id", "widget_id", "command")
    )
    rt = runtime(request)
    async with rt.db.read() as session:  # errors are shown on the widget's own page
        widget = await session.get(Widget, widget_id)
        page = await session.get(Page, widget.page_id) if widget else None
    if page is None or page.space_id != space_id:
        raise NotFound(N_("No such application."))
    page_id, room = page.id, Room(page.room)

    async def act(user: User, form) -> str:
        payload: dict[str, Any] = {}
        for key, value in form.items():
            if key == "csrf_token":
                continue
            payload[key] = (
                int(value)
                if isinstance(value, str)
                and value.isdigit()
                and (key.endswith("_id") or key == "position")
                else value
            )
        if command in ("remove", "move"):
            await service.change_widget(rt, user, space_id, widget_id, command, payload)
        else:
            await service.tool_command(rt, user, space_id, widget_id, command, payload)
        return _back_after_widget_form(request, space_id, page_id, room, widget_id)

    return await _form(
        request, act, f"/spaces/{space_id}/pages/{page_id}", page_id=page_id, room=room
    )


routes = [
    Route("/spaces/{space_id:int}/activities", room_index(Room.ACTIVITIES), methods=["GET"]),
    Route("/spaces/{space_id:int}/teachers", room_index(Room.TEACHERS), methods=["GET"]),
    Route("/spaces/{space_id:int}/pupils", room_index(Room.PUPILS), methods=["GET"]),
    Route("/spaces/{space_id:int}/rooms/{room}/pages", form_add_page, methods=["POST"]),
    Route("/spaces/{space_id:int}/pages/{page_id:int}", page_view, methods=["GET"]),
    Route("/spaces/{space_id:int}/pages/{page_id:int}/widgets", form_add_widget, methods=["POST"]),
    Route(
        "/spaces/{space_id:int}/pages/{page_id:int}/{what}", confirm_page_action, methods=["GET"]
    ),
    Route("/spaces/{space_id:int}/pages/{page_id:int}/{what}", form_page_action, methods=["POST"]),
    Route(
        "/spaces/{space_id:int}/widgets/{widget_id:int}/{command}",
        form_widget_action,
        methods=["POST"],
    ),
]
