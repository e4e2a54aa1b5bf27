"""JSON API for pages, applications (widgets) and tool commands."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from twinspace.db import UnitOfWork
from twinspace.errors import NotFound
from twinspace.i18n import N_, gettext_for
from twinspace.pages.host import page_facts
from twinspace.pages.models import Page
from twinspace.pages.registry import all_tools, get_tool
from twinspace.pages.widgets import get_widgets, widget_json
from twinspace.permissions import Action, access_page, access_room
from twinspace.rooms import schemas as S
from twinspace.rooms.pages import actions, service
from twinspace.schema import declare
from twinspace.spaces.models import Space
from twinspace.spaces.queries import facts, get_viewer
from twinspace.web.context import (
    check_api_write,
    check_origin,
    get_auth,
    json_body,
    locale_of,
    require_user,
    runtime,
    translate,
)


async def after_visibility_change(request: Request, page: Page) -> None:
    """A page that stopped being public closes its live room: members re-join at once
    (they got ``page.visibility``), public visitors cannot."""
    if not page.is_public:
        await runtime(request).sio.close_room(f"space:{page.space_id}:page:{page.id}")


@declare("The applications (tools) a page can hold", answer=S.ToolsOut, auth="none")
async def list_tools(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "tools": [
                {
                    "kind": t.kind,
                    "label": translate(request, t.label),
                    "description": translate(request, t.description),
                }
                for t in all_tools()
            ]
        }
    )


@declare(
    "The pages of a room (home, activities, teachers, pupils) the caller may see",
    answer=S.PagesOut,
    auth="public",
)
async def list_pages(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    room = actions.check_room(request.path_params["room"])
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        space = await session.get(Space, space_id)
        if space is None:
            raise NotFound(N_("No such room."))
        viewer = await get_viewer(session, auth.user, space_id)
        pages = await actions.get_pages(session, space_id, room)
        visible = []
        for page in pages:
            try:
                access_page(viewer, facts(space), page_facts(page), Action.READ)
            except NotFound:
                continue
            visible.append(actions.page_json(page))
        if not visible:
            access_room(viewer, facts(space), room, Action.READ)  # an outsider learns nothing
    return JSONResponse({"pages": visible})


@declare("One page and its applications", answer=S.PageWithWidgetsOut, auth="public")
async def show_page(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    space_id, page_id = request.path_params["space_id"], request.path_params["page_id"]
    async with runtime(request).db.read() as session:
        space = await session.get(Space, space_id)
        if space is None:
            raise NotFound(N_("No such page."))
        page = await actions.get_page(session, space_id, page_id)
        viewer = await get_viewer(session, auth.user, space_id)
        access_page(viewer, facts(space), page_facts(page), Action.READ)
        items = await get_widgets(UnitOfWork(session), page)
    return JSONResponse(
        {
            **actions.page_json(page),
            "room_name": f"space:{space_id}:page:{page_id}",
            "widgets": [widget_json(w, get_tool(w.kind)) for w in items],
        }
    )


@declare("Add a page to a room", body=S.NewPage, answer=S.PageOut, status=201)
async def create_page(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    page = await service.add_page(
        runtime(request), user, request.path_params["space_id"], request.path_params["room"], body
    )
    return JSONResponse(actions.page_json(page), status_code=201)


@declare(
    "Change a page (what: rename, nest, draft, move, restore, trash)",
    body=S.PageChange,
    answer=S.PageOut,
)
async def update_page(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    page = await service.change_page(
        runtime(request),
        user,
        request.path_params["space_id"],
        request.path_params["page_id"],
        request.path_params["what"],
        body,
    )
    return JSONResponse(actions.page_json(page))


@declare("Put a page in the trash (restorable for a while)", answer=S.TrashedOut)
async def delete_page(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    page = await service.change_page(
        runtime(request),
        user,
        request.path_params["space_id"],
        request.path_params["page_id"],
        "trash",
        {},
    )
    return JSONResponse({"ok": True, "id": page.id, "restorable_days": actions.TRASH_DAYS})


@declare(
    "What would become public with the page (pupils' names, files...)",
    answer=S.PublicationReportOut,
)
async def publication_check(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    items = await service.page_report(
        runtime(request),
        user,
        request.path_params["space_id"],
        request.path_params["page_id"],
        gettext_for(locale_of(request)),
    )
    return JSONResponse(
        {"items": items, "pupil_names": sorted({n for i in items for n in i["pupil_names"]})}
    )


@declare(
    "Make a page public or not (confirm after the report)", body=S.Publication, answer=S.PageOut
)
async def publish(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    page = await service.publish_page(
        runtime(request),
        user,
        request.path_params["space_id"],
        request.path_params["page_id"],
        body.get("public"),
        body.get("confirm"),
    )
    await after_visibility_change(request, page)
    return JSONResponse(actions.page_json(page))


@declare("Add an application to a page", body=S.NewWidget, answer=S.WidgetOut, status=201)
async def add_widget(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    widget = await service.add_widget(
        runtime(request),
        user,
        request.path_params["space_id"],
        request.path_params["page_id"],
        body.get("kind"),
        body,
    )
    return JSONResponse(widget_json(widget, get_tool(widget.kind)), status_code=201)


@declare("Move an application on its page", body=S.WidgetMove, method="POST")
@declare("Remove an application from its page", method="DELETE")
async def change_widget(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request) if request.method != "DELETE" else {}
    what = "remove" if request.method == "DELETE" else "move"
    await service.change_widget(
        runtime(request),
        user,
        request.path_params["space_id"],
        request.path_params["widget_id"],
        what,
        body,
    )
    return JSONResponse({"ok": True})


@declare(
    "Run an application's command (the tool's own commands)",
    body=S.ToolCommand,
    answer=S.CommandOut,
    errors=(409, 413, 429),
    auth="public",
)
async def tool_command(request: Request) -> JSONResponse:
    """Logged-in callers send their CSRF token; anonymous ones may only do what the public
    may (read a published page), which the policy decides like for anyone else."""
    auth = await get_auth(request)
    user = None
    if auth.user is not None:
        _, user = await check_api_write(request)
    else:
        check_origin(request)
    body = await json_body(request)
    result = await service.tool_command(
        runtime(request),
        user,
        request.path_params["space_id"],
        request.path_params["widget_id"],
        request.path_params["command"],
        body,
    )
    return JSONResponse(result)


routes = [
    Route("/api/v1/tools", list_tools, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/rooms/{room}/pages", list_pages, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/rooms/{room}/pages", create_page, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/pages/{page_id:int}", show_page, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/pages/{page_id:int}", delete_page, methods=["DELETE"]),
    Route(
        "/api/v1/spaces/{space_id:int}/pages/{page_id:int}/publication-check",
        publication_check,
        methods=["GET"],
    ),
    Route("/api/v1/spaces/{space_id:int}/pages/{page_id:int}/publish", publish, methods=["POST"]),
    Route(
        "/api/v1/spaces/{space_id:int}/pages/{page_id:int}/widgets", add_widget, methods=["POST"]
    ),
    Route(
        "/api/v1/spaces/{space_id:int}/pages/{page_id:int}/{what}", update_page, methods=["POST"]
    ),
    Route(
        "/api/v1/spaces/{space_id:int}/widgets/{widget_id:int}", change_widget, methods=["DELETE"]
    ),
    Route(
        "/api/v1/spaces/{space_id:int}/widgets/{widget_id:int}/move",
        change_widget,
        methods=["POST"],
    ),
    Route(
        "/api/v1/spaces/{space_id:int}/widgets/{widget_id:int}/{command}",
        tool_command,
        methods=["POST"],
    ),
]
