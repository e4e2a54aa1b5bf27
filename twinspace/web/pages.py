"""Pages outside any TwinSpace: the start page, logging in and out, health."""

from __future__ import annotations

from urllib.parse import quote

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.zones import check_set_time_zone, do_detect_time_zone
from twinspace.errors import DomainError
from twinspace.spaces.models import Space
from twinspace.spaces.queries import get_spaces_of
from twinspace.web.context import (
    check_form_write,
    check_origin,
    get_auth,
    render,
    runtime,
    translate,
)
from twinspace.web.login import log_in, log_out, set_session_cookie


def safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def landing_page(kind: str, next_url: str) -> str:
    """Where logging in leads when no page was asked for: an NSS officer to the projects
    waiting for them, a site administrator to the countries, everybody else to the start page."""
    if next_url != "/":
        return next_url
    return {"nss": "/nss", "admin": "/admin/countries"}.get(kind, "/")


async def index(request: Request) -> Response:
    auth = await get_auth(request)
    async with runtime(request).db.read() as session:
        mine = await get_spaces_of(session, auth.user.id) if auth.user else []
        public = list(
            await session.scalars(
                select(Space).where(Space.home_public.is_(True)).order_by(Space.title).limit(50)
            )
        )
    return await render(request, "index.html", {"mine": mine, "public_spaces": public})


async def login_form(request: Request) -> Response:
    return await render(
        request, "login.html", {"next": safe_next(request.query_params.get("next")), "username": ""}
    )


async def login_submit(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", ""))
    next_url = safe_next(str(form.get("next", "")))
    try:
        check_origin(request)
        logged_in = await log_in(request, username, str(form.get("password", "")))
        await do_detect_time_zone(runtime(request).db, logged_in.user, form.get("time_zone"))
    except DomainError as err:
        context = {"next": next_url, "username": username, "error": translate(request, err.message)}
        return await render(request, "login.html", context, status_code=err.status)
    response = RedirectResponse(landing_page(logged_in.user.kind, next_url), status_code=303)
    set_session_cookie(request, response, logged_in.token)
    return response


async def time_zone_submit(request: Request) -> Response:
    """The profile's time zone form (for every page: the zone belongs to the person)."""
    _, user, form = await check_form_write(request)
    await check_set_time_zone(runtime(request).db, user, form.get("time_zone"))
    return RedirectResponse(safe_next(str(form.get("next", ""))), status_code=303)


async def logout_submit(request: Request) -> Response:
    await check_form_write(request)
    response = RedirectResponse("/login", status_code=303)
    await log_out(request, response)
    return response


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)


routes = [
    Route("/", index, methods=["GET"]),
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout_submit, methods=["POST"]),
    Route("/settings/time-zone", time_zone_submit, methods=["POST"]),
    Route("/healthz", healthz, methods=["GET"]),
]
