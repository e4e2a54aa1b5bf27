"""Creating a TwinSpace's activity pages from a template: the page that shows the templates
(the kit's suggested pages, the five-stage model) and its form, and their API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.errors import DomainError
from twinspace.i18n import gettext_for
from twinspace.network.page_templates import check_apply_template, get_templates
from twinspace.pages.registry import get_tool
from twinspace.permissions import Action, Room
from twinspace.spaces.context import access_space_room
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    locale_of,
    render,
    runtime,
    translate,
)
from twinspace.web.shell import shell_context


async def _page(request: Request, error: str | None = None, status: int = 200) -> Response:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    gettext = gettext_for(locale_of(request))
    async with runtime(request).db.read() as session:
        access = await access_space_room(
            session, auth.user, space_id, Room.ACTIVITIES, Action.MANAGE_PAGES
        )
        templates = await get_templates(session, space_id, gettext)
    tool_labels = {}
    for template in templates:
        for page in template.pages:
            for kind in page.tools:
                tool = get_tool(kind)
                tool_labels[kind] = translate(request, tool.label) if tool else kind
    context = {
        **shell_context(access, Room.ACTIVITIES),
        "templates": templates,
        "tool_labels": tool_labels,
        "error": error,
    }
    return await render(request, "space/page_templates.html", context, status)


async def templates_page(request: Request) -> Response:
    if request.method == "GET":
        return await _page(request)
    _, user, form = await check_form_write(request)
    space_id = request.path_params["space_id"]
    rt = runtime(request)
    try:
        async with rt.db.unit_of_work() as uow:
            pages = await check_apply_template(
                uow,
                user,
                space_id,
                str(form.get("template", "")),
                rt.settings,
                gettext_for(locale_of(request)),
            )
    except DomainError as err:
        if err.status in (401, 403, 404):
            raise
        return await _page(request, translate(request, err.message), err.status)
    return RedirectResponse(f"/spaces/{space_id}/pages/{pages[0].id}", 303)


async def api_templates(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        await access_space_room(session, auth.user, space_id, Room.ACTIVITIES, Action.MANAGE_PAGES)
        templates = await get_templates(session, space_id, gettext_for(locale_of(request)))
    return JSONResponse({"templates": [t.json() for t in templates]})


async def api_apply_template(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    rt = runtime(request)
    async with rt.db.unit_of_work() as uow:
        pages = await check_apply_template(
            uow,
            user,
            request.path_params["space_id"],
            request.path_params["key"],
            rt.settings,
            gettext_for(locale_of(request)),
        )
        created = [{"id": p.id, "title": p.title} for p in pages]
    return JSONResponse({"ok": True, "pages": created}, 201)


routes = [
    Route("/spaces/{space_id:int}/activities/templates", templates_page, methods=["GET", "POST"]),
    Route("/api/v1/spaces/{space_id:int}/page-templates", api_templates, methods=["GET"]),
    Route(
        "/api/v1/spaces/{space_id:int}/page-templates/{key}",
        api_apply_template,
        methods=["POST"],
    ),
]
