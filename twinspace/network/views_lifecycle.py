"""Closing and reopening a project's TwinSpace: forms on the project page and the JSON API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.accounts.models import User
from twinspace.network.lifecycle import do_close_space, do_reopen_space, get_project_of_space
from twinspace.web.context import check_api_write, check_form_write, runtime


async def lifecycle_facts(
    request: Request, user: User, space_id: int | None
) -> dict[str, Any] | None:
    """What the project page shows about closing: who may, and when a closed one goes."""
    if space_id is None:
        return None
    rt = runtime(request)
    async with rt.db.read() as session:
        facts = await get_project_of_space(session, space_id)
    space = facts.space
    founder = user.id in facts.founder_ids
    nss = user.kind == "nss" and user.country_code in facts.founder_countries
    purge_on = (
        space.closed_at + timedelta(days=rt.settings.retention_days) if space.closed_at else None
    )
    return {
        "space_id": space.id,
        "status": space.status,
        "closed_at": space.closed_at,
        "purge_on": purge_on,
        "may_close": space.status == "open" and (founder or nss),
        "may_reopen": space.status == "closed" and founder,
        "notice_days": rt.settings.pupil_notice_days,
        "retention_days": rt.settings.retention_days,
    }


def _answer(space_id: int, status: str) -> dict[str, Any]:
    return {"ok": True, "space_id": space_id, "status": status}


async def close_form(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    async with runtime(request).db.unit_of_work() as uow:
        space = await do_close_space(uow, user, request.path_params["space_id"])
    back = form.get("next")
    target = (
        back if isinstance(back, str) and back.startswith("/projects/") else "/projects?tab=closed"
    )
    return RedirectResponse(target, status_code=303) if space else RedirectResponse("/", 303)


async def reopen_form(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    async with runtime(request).db.unit_of_work() as uow:
        await do_reopen_space(uow, user, request.path_params["space_id"])
    back = form.get("next")
    target = back if isinstance(back, str) and back.startswith("/projects/") else "/projects"
    return RedirectResponse(target, status_code=303)


async def api_close(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    async with runtime(request).db.unit_of_work() as uow:
        space = await do_close_space(uow, user, request.path_params["space_id"])
    return JSONResponse(_answer(space.id, space.status))


async def api_reopen(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    async with runtime(request).db.unit_of_work() as uow:
        space = await do_reopen_space(uow, user, request.path_params["space_id"])
    return JSONResponse(_answer(space.id, space.status))


routes = [
    Route("/spaces/{space_id:int}/close", close_form, methods=["POST"]),
    Route("/spaces/{space_id:int}/reopen", reopen_form, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/close", api_close, methods=["POST"]),
    Route("/api/v1/spaces/{space_id:int}/reopen", api_reopen, methods=["POST"]),
]
