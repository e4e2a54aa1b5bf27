"""Project kits for site administrators (pages and API) and for founders (the API's list)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.network import kits
from twinspace.network.forms import FormInvalid
from twinspace.network.guard import api, network_reader, network_writer
from twinspace.network.models import ProjectKit
from twinspace.network.pagectx import see_other, show
from twinspace.permissions import access_network, access_site_admin
from twinspace.web.context import check_form_write, json_body, runtime, translate


def pages_from_text(text: object) -> list[dict[str, Any]] | object:
    """The admin form's pages: one a line, "Title | blog, forum"; anything else is left for
    check_kit to refuse."""
    if not isinstance(text, str):
        return text
    pages = []
    for line in text.splitlines():
        if not line.strip():
            continue
        title, _, tools = line.partition("|")
        pages.append(
            {"title": title.strip(), "tools": [t.strip() for t in tools.split(",") if t.strip()]}
        )
    return pages


def pages_to_text(pages: list[dict[str, Any]]) -> str:
    return "\n".join(f"{p['title']} | {', '.join(p.get('tools', []))}" for p in pages)


def _form_body(form: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        name: form.get(name, "")
        for name in ("title", "summary", "age_min", "age_max", "objectives", "activities")
    }
    body["subjects"] = form.getlist("subjects")
    body["tools"] = form.getlist("tools")
    body["pages"] = pages_from_text(form.get("pages", ""))
    return body


async def _admin(request: Request):
    user = await network_reader(request)
    access_site_admin(user.kind)
    return user


async def _kits_page(
    request: Request,
    *,
    kit: ProjectKit | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    async with runtime(request).db.read() as session:
        all_kits = await kits.get_kits(session, with_archived=True)
    shown = values or (kits.kit_json(kit) if kit else {"subjects": [], "tools": [], "pages": []})
    if isinstance(shown.get("pages"), list):
        shown = {**shown, "pages_text": pages_to_text(shown["pages"])}
    return await show(
        request,
        "kits.html",
        {
            "nav": "kits",
            "kits": all_kits,
            "editing": kit,
            "values": shown,
            "errors": errors or {},
            "page_tools": kits.PAGE_TOOLS,
        },
        status,
    )


async def kits_page(request: Request) -> Response:
    await _admin(request)
    return await _kits_page(request)


async def kit_edit_page(request: Request) -> Response:
    await _admin(request)
    async with runtime(request).db.read() as session:
        kit = await session.get(ProjectKit, request.path_params["kit_id"])
    if kit is None:
        raise NotFound(N_("No such kit."))
    return await _kits_page(request, kit=kit)


async def kit_submit(request: Request) -> Response:
    """POST /admin/kits creates; POST /admin/kits/{id} saves; ``status`` alone (archive or
    restore) changes only that."""
    _, user, form = await check_form_write(request)
    access_network(user.kind, user.school_id is not None)
    kit_id = request.path_params.get("kit_id")
    if kit_id is not None and form.get("status") and not form.get("title"):
        body: dict[str, Any] = {"status": form.get("status")}
    else:
        body = _form_body(form)
    try:
        async with runtime(request).db.unit_of_work() as uow:
            if kit_id is None:
                await kits.check_create_kit(uow, user, body)
            else:
                await kits.check_update_kit(uow, user, kit_id, body)
    except FormInvalid as err:
        kit = None
        if kit_id is not None:
            async with runtime(request).db.read() as session:
                kit = await session.get(ProjectKit, kit_id)
        errors = {k: translate(request, v) for k, v in err.fields.items()}
        values = {**body, "pages_text": form.get("pages", "")}
        return await _kits_page(request, kit=kit, values=values, errors=errors, status=err.status)
    return see_other("/admin/kits")


async def api_list_kits(request: Request) -> JSONResponse:
    user = await network_reader(request)
    every = request.query_params.get("all") == "1" and user.kind == "admin"
    async with runtime(request).db.read() as session:
        found = await kits.get_kits(session, with_archived=every)
    return JSONResponse({"kits": [kits.kit_json(k) for k in found]})


async def api_show_kit(request: Request) -> JSONResponse:
    user = await network_reader(request)
    async with runtime(request).db.read() as session:
        kit = await kits.get_kit(session, user, request.path_params["kit_id"])
    return JSONResponse(kits.kit_json(kit))


@api
async def api_create_kit(request: Request) -> JSONResponse:
    user = await network_writer(request)
    body = await json_body(request)
    async with runtime(request).db.unit_of_work() as uow:
        kit = await kits.check_create_kit(uow, user, body)
    return JSONResponse({"ok": True, **kits.kit_json(kit)}, 201)


@api
async def api_update_kit(request: Request) -> JSONResponse:
    user = await network_writer(request)
    body = await json_body(request)
    async with runtime(request).db.unit_of_work() as uow:
        kit = await kits.check_update_kit(uow, user, request.path_params["kit_id"], body)
    return JSONResponse({"ok": True, **kits.kit_json(kit)})


routes = [
    Route("/admin/kits", kits_page, methods=["GET"]),
    Route("/admin/kits", kit_submit, methods=["POST"]),
    Route("/admin/kits/{kit_id:int}", kit_edit_page, methods=["GET"]),
    Route("/admin/kits/{kit_id:int}", kit_submit, methods=["POST"]),
    Route("/api/v1/kits", api_list_kits, methods=["GET"]),
    Route("/api/v1/kits", api_create_kit, methods=["POST"]),
    Route("/api/v1/kits/{kit_id:int}", api_show_kit, methods=["GET"]),
    Route("/api/v1/kits/{kit_id:int}", api_update_kit, methods=["PATCH"]),
]
