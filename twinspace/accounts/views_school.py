"""A school's record, read and corrected by its own members: the page and the API."""

from __future__ import annotations

from typing import Any

from babel import Locale
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from twinspace.accounts.schools import (
    RECORD_FIELDS,
    SchoolInvalid,
    check_update_school,
    get_own_school,
    school_json,
)
from twinspace.errors import DomainError
from twinspace.i18n import gettext_for
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


def territory_name(code: str, locale: str) -> str:
    return Locale.parse(locale).territories.get(code, code)


def _form_values(school: Any) -> dict[str, str]:
    return {field: getattr(school, column) or "" for field, (column, _) in RECORD_FIELDS.items()}


async def _show(request: Request, school: Any, status: int = 200, **context: Any) -> Response:
    base = {
        "nav": "school",
        "values": _form_values(school),
        "country": territory_name(school.country_code, locale_of(request)),
    }
    return await render(request, "account/school.html", {**base, **context}, status)


async def school_page(request: Request) -> Response:
    _, user = await require_user(request)
    school = await get_own_school(runtime(request).db, user)
    return await _show(request, school, saved=request.query_params.get("saved") == "1")


async def school_submit(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    rt = runtime(request)
    school = await get_own_school(rt.db, user)
    typed = {k: v for k, v in form.items() if k in RECORD_FIELDS}
    try:
        school = await check_update_school(rt.db, user, school.id, typed)
    except SchoolInvalid as err:
        errors = {k: translate(request, v) for k, v in err.fields.items()}
        return await _show(request, school, err.status, values=typed, errors=errors)
    except DomainError as err:
        error = translate(request, err.message)
        return await _show(request, school, err.status, values=typed, error=error)
    return await _show(request, school, saved=True)


async def api_show_school(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    school = await get_own_school(runtime(request).db, user, request.path_params["school_id"])
    return JSONResponse(school_json(school, full=True))


async def api_update_school(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    try:
        school = await check_update_school(
            runtime(request).db, user, request.path_params["school_id"], body
        )
    except SchoolInvalid as err:
        gettext = gettext_for(locale_of(request))
        return JSONResponse(
            {
                "ok": False,
                "error": err.code,
                "message": gettext(err.message),
                "fields": {k: gettext(v) for k, v in err.fields.items()},
            },
            err.status,
        )
    return JSONResponse(school_json(school, full=True))


routes = [
    Route("/school", school_page, methods=["GET"]),
    Route("/school", school_submit, methods=["POST"]),
    Route("/api/v1/schools/{school_id:int}", api_show_school, methods=["GET"]),
    Route("/api/v1/schools/{school_id:int}", api_update_school, methods=["PATCH"]),
]
