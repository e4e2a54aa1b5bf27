"""The label's JSON API (docs/api.md, "Quality label"): thin views, parse → access → act."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from twinspace.db import utcnow
from twinspace.errors import NotFound
from twinspace.i18n import N_, gettext_for
from twinspace.label import actions, queries
from twinspace.label.badges import badges_for_spaces, badges_for_teacher
from twinspace.label.eligibility import get_eligibility
from twinspace.label.present import application_json
from twinspace.permissions import access_label_queue
from twinspace.web.context import check_api_write, json_body, locale_of, require_user, runtime


def _gettext(request: Request):  # noqa: ANN202
    return gettext_for(locale_of(request))


async def space_label(request: Request) -> JSONResponse:
    """The caller's eligibility (each unmet rule with its reason), their application of this
    year, and the TwinSpace's badges."""
    _, user = await require_user(request)
    rt = runtime(request)
    space_id = request.path_params["space_id"]
    async with rt.db.read() as session:
        await queries.access_label_space(session, user, space_id)
        found = await get_eligibility(session, user, space_id, rt.settings.label_min_days, utcnow())
        badges = (await badges_for_spaces(session, [space_id]))[space_id]
    gettext = _gettext(request)
    current = application_json(found.current, gettext) if found.current else None
    return JSONResponse({**found.json(gettext), "application": current, "badges": badges})


async def start_application(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    rt = runtime(request)
    async with rt.db.unit_of_work() as uow:
        await queries.access_label_space(uow.session, user, request.path_params["space_id"])
        app, created = await actions.do_start(
            uow, user, request.path_params["space_id"], rt.settings.label_min_days, utcnow()
        )
    return JSONResponse(
        {"ok": True, "application": application_json(app, _gettext(request))},
        201 if created else 200,
    )


async def show_application(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    async with runtime(request).db.read() as session:
        view = await queries.get_application_view(session, user, request.path_params["app_id"])
    return JSONResponse(view.json(_gettext(request)))


async def save_application(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    async with runtime(request).db.unit_of_work() as uow:
        app = await actions.check_save_draft(
            uow, user, request.path_params["app_id"], body, utcnow()
        )
    return JSONResponse({"ok": True, "application": application_json(app, _gettext(request))})


async def submit_application(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    rt = runtime(request)
    async with rt.db.unit_of_work() as uow:
        app = await actions.check_submit(
            uow, user, request.path_params["app_id"], rt.settings.label_min_days, utcnow()
        )
    return JSONResponse({"ok": True, "application": application_json(app, _gettext(request))})


async def nss_queue(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    access_label_queue(user.kind, user.country_code)
    status = request.query_params.get("status") or "submitted"
    if status not in ("submitted", "awarded", "declined"):
        raise NotFound(N_("Page not found."))
    async with runtime(request).db.read() as session:
        items = await queries.get_nss_queue(session, user, status)
    gettext = _gettext(request)
    return JSONResponse(
        {"country": user.country_code, "applications": [i.json(gettext) for i in items]}
    )


async def nss_decide(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    decision = request.path_params["decision"]
    if decision not in ("award", "decline"):
        raise NotFound(N_("Page not found."))
    body = await json_body(request)
    async with runtime(request).db.unit_of_work() as uow:
        app = await actions.check_review(
            uow,
            user,
            request.path_params["app_id"],
            decision == "award",
            body.get("comment"),
            utcnow(),
        )
    return JSONResponse({"ok": True, "application": application_json(app, _gettext(request))})


async def member_labels(request: Request) -> JSONResponse:
    await require_user(request)
    async with runtime(request).db.read() as session:
        user = await queries.get_listed_teacher(session, request.path_params["user_id"])
        labels = await badges_for_teacher(session, user.id)
    return JSONResponse({"user_id": user.id, "labels": labels})


routes = [
    Route("/api/v1/spaces/{space_id:int}/label", space_label, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/label/applications", start_application, methods=["POST"]),
    Route("/api/v1/labels/{app_id:int}", show_application, methods=["GET"]),
    Route("/api/v1/labels/{app_id:int}", save_application, methods=["PATCH"]),
    Route("/api/v1/labels/{app_id:int}/submit", submit_application, methods=["POST"]),
    Route("/api/v1/nss/labels", nss_queue, methods=["GET"]),
    Route("/api/v1/nss/labels/{app_id:int}/{decision:str}", nss_decide, methods=["POST"]),
    Route("/api/v1/members/{user_id:int}/labels", member_labels, methods=["GET"]),
]
