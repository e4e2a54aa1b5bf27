"""The public help page and guides, an NSS officer's contact card, the ambassadors' table
(site administrators), and their JSON API."""

from __future__ import annotations

from typing import Any

from babel import Locale
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import Country
from twinspace.errors import NotFound
from twinspace.help.contacts import (
    HelpInvalid,
    check_add_ambassador,
    check_save_card,
    directory_json,
    do_remove_ambassador,
    get_card,
    get_help_directory,
)
from twinspace.help.models import Ambassador
from twinspace.i18n import N_
from twinspace.permissions import access_nss_card, access_site_admin
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    json_body,
    locale_of,
    render,
    require_user,
    runtime,
    translate,
)

GUIDES = {  # slug -> title; the text is in frontend/templates/help/guide_<slug>.html
    "getting-started": N_("Getting started: your account"),
    "partners": N_("Finding partners and contacts"),
    "projects": N_("Founding a project"),
    "twinspace": N_("Working in a TwinSpace"),
}


def _namer(request: Request):
    territories = Locale.parse(locale_of(request)).territories
    return lambda code: territories.get(code, code)


def _guides(request: Request) -> list[tuple[str, str]]:
    return [(slug, translate(request, title)) for slug, title in GUIDES.items()]


async def _countries(request: Request) -> list[tuple[str, str]]:
    name = _namer(request)
    async with runtime(request).db.read() as session:
        codes = list(await session.scalars(select(Country.code)))
    return sorted(((c, name(c)) for c in codes), key=lambda c: c[1])


def _errors(request: Request, err: HelpInvalid) -> dict[str, str]:
    return {k: translate(request, v) for k, v in err.fields.items()}


async def help_page(request: Request) -> Response:
    country = request.query_params.get("country", "").upper()[:2] or None
    async with runtime(request).db.read() as session:
        directory = await get_help_directory(session, _namer(request), country)
    context = {
        "directory": directory,
        "country": country,
        "countries": await _countries(request),
        "guides": _guides(request),
    }
    return await render(request, "help/help.html", context)


async def guide_page(request: Request) -> Response:
    slug = request.path_params["slug"]
    if slug not in GUIDES:
        raise NotFound(N_("Page not found."))
    context = {"slug": slug, "title": translate(request, GUIDES[slug]), "guides": _guides(request)}
    return await render(request, f"help/guide_{slug.replace('-', '_')}.html", context)


async def card_page(request: Request) -> Response:
    _, user = await require_user(request)
    access_nss_card(user.kind)
    async with runtime(request).db.read() as session:
        card = await get_card(session, user.id)
    values: dict[str, Any] = {
        "listed": bool(card and card.listed),
        "email": card.email if card else (user.email or ""),
        "phone": card.phone if card else "",
        "note": card.note if card else "",
    }
    return await render(request, "help/card.html", {"nav": "help-card", "values": values})


async def card_submit(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    access_nss_card(user.kind)
    values = {k: v for k, v in form.items() if k in ("listed", "email", "phone", "note")}
    try:
        await check_save_card(runtime(request).db, user, values)
    except HelpInvalid as err:
        values["listed"] = values.get("listed") == "1"
        context = {"nav": "help-card", "values": values, "errors": _errors(request, err)}
        return await render(request, "help/card.html", context, err.status)
    values["listed"] = values.get("listed") == "1"
    return await render(
        request, "help/card.html", {"nav": "help-card", "values": values, "saved": True}
    )


async def _ambassadors_page(request: Request, status: int = 200, **extra: Any) -> Response:
    name = _namer(request)
    async with runtime(request).db.read() as session:
        rows = list(
            await session.scalars(
                select(Ambassador).order_by(Ambassador.country_code, Ambassador.name)
            )
        )
    context = {
        "nav": "ambassadors",
        "ambassadors": [(a, name(a.country_code)) for a in rows],
        "countries": await _countries(request),
        "values": {},
        **extra,
    }
    return await render(request, "help/ambassadors.html", context, status)


async def ambassadors_page(request: Request) -> Response:
    _, user = await require_user(request)
    access_site_admin(user.kind)
    return await _ambassadors_page(request)


async def ambassadors_submit(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    access_site_admin(user.kind)
    values = {k: v for k, v in form.items() if k != "csrf_token"}
    try:
        await check_add_ambassador(runtime(request).db, user, values)
    except HelpInvalid as err:
        return await _ambassadors_page(
            request, err.status, values=values, errors=_errors(request, err)
        )
    return RedirectResponse("/admin/ambassadors", status_code=303)


async def ambassador_remove_submit(request: Request) -> Response:
    _, user, _ = await check_form_write(request)
    await do_remove_ambassador(runtime(request).db, user, request.path_params["ambassador_id"])
    return RedirectResponse("/admin/ambassadors", status_code=303)


# --- JSON API ------------------------------------------------------------------------------


def _invalid_json(request: Request, err: HelpInvalid) -> JSONResponse:
    message = translate(request, err.message)
    return JSONResponse(
        {"ok": False, "error": err.code, "message": message, "fields": _errors(request, err)},
        err.status,
    )


async def api_help(request: Request) -> JSONResponse:
    country = request.query_params.get("country", "").upper()[:2] or None
    async with runtime(request).db.read() as session:
        directory = await get_help_directory(session, _namer(request), country)
    guides = [
        {"slug": slug, "title": title, "url": f"/help/{slug}"} for slug, title in _guides(request)
    ]
    return JSONResponse({"countries": directory_json(directory), "guides": guides})


async def api_save_card(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    try:
        card = await check_save_card(runtime(request).db, user, body)
    except HelpInvalid as err:
        return _invalid_json(request, err)
    return JSONResponse(
        {"listed": card.listed, "email": card.email, "phone": card.phone, "note": card.note}
    )


async def api_add_ambassador(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    try:
        added = await check_add_ambassador(runtime(request).db, user, body)
    except HelpInvalid as err:
        return _invalid_json(request, err)
    return JSONResponse({"id": added.id, "country": added.country_code, "name": added.name}, 201)


async def api_remove_ambassador(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    await do_remove_ambassador(runtime(request).db, user, request.path_params["ambassador_id"])
    return JSONResponse({"ok": True})


routes = [
    Route("/help", help_page, methods=["GET"]),
    Route("/help/card", card_page, methods=["GET"]),
    Route("/help/card", card_submit, methods=["POST"]),
    Route("/help/{slug:str}", guide_page, methods=["GET"]),
    Route("/admin/ambassadors", ambassadors_page, methods=["GET"]),
    Route("/admin/ambassadors", ambassadors_submit, methods=["POST"]),
    Route(
        "/admin/ambassadors/{ambassador_id:int}/remove",
        ambassador_remove_submit,
        methods=["POST"],
    ),
    Route("/api/v1/help", api_help, methods=["GET"]),
    Route("/api/v1/help/card", api_save_card, methods=["PUT"]),
    Route("/api/v1/ambassadors", api_add_ambassador, methods=["POST"]),
    Route("/api/v1/ambassadors/{ambassador_id:int}", api_remove_ambassador, methods=["DELETE"]),
]
