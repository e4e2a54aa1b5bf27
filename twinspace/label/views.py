"""The label's pages, readable without JavaScript: a TwinSpace's label page (eligibility and
badges), an application (the six criteria, the examples, the evidence charts and tables, the
review), and the national support service's queue. Forms post here; the JSON API is api.py."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from twinspace.db import utcnow
from twinspace.errors import DomainError, NotFound
from twinspace.i18n import N_, gettext_for
from twinspace.label import actions, queries
from twinspace.label.badges import badges_for_spaces
from twinspace.label.eligibility import get_eligibility
from twinspace.label.models import CRITERIA
from twinspace.label.present import (
    CRITERIA_LABELS,
    EXAMPLE_KIND_LABELS,
    STATUS_LABELS,
    evidence_charts,
)
from twinspace.permissions import access_label_queue
from twinspace.web.context import check_form_write, locale_of, render, require_user, runtime


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _labels(request: Request) -> dict[str, Any]:
    gettext = gettext_for(locale_of(request))
    return {
        "criteria": [(name, gettext(CRITERIA_LABELS[name])) for name in CRITERIA],
        "status_labels": {k: gettext(v) for k, v in STATUS_LABELS.items()},
        "kind_labels": {k: gettext(v) for k, v in EXAMPLE_KIND_LABELS.items()},
    }


async def space_label_page(request: Request) -> Response:
    _, user = await require_user(request)
    rt = runtime(request)
    space_id = request.path_params["space_id"]
    async with rt.db.read() as session:
        await queries.access_label_space(session, user, space_id)
        found = await get_eligibility(session, user, space_id, rt.settings.label_min_days, utcnow())
        badges = (await badges_for_spaces(session, [space_id]))[space_id]
    gettext = gettext_for(locale_of(request))
    context = {
        "found": found,
        "status": found.json(gettext),
        "badges": badges,
        "error": request.query_params.get("error") == "1",
        **_labels(request),
    }
    return await render(request, "label/space.html", context)


async def start_form(request: Request) -> Response:
    _, user, _form = await check_form_write(request)
    rt = runtime(request)
    space_id = request.path_params["space_id"]
    try:
        async with rt.db.unit_of_work() as uow:
            await queries.access_label_space(uow.session, user, space_id)
            app, _ = await actions.do_start(
                uow, user, space_id, rt.settings.label_min_days, utcnow()
            )
    except DomainError as err:
        if isinstance(err, NotFound):
            raise
        return _see(f"/spaces/{space_id}/label?error=1")
    return _see(f"/labels/{app.id}")


async def _application_page(
    request: Request, app_id: int, error: str | None = None, status: int = 200
) -> Response:
    _, user = await require_user(request)
    async with runtime(request).db.read() as session:
        view = await queries.get_application_view(session, user, app_id)
    gettext = gettext_for(locale_of(request))
    context = {
        "view": view,
        "app": view.app,
        "charts": evidence_charts(view.evidence, gettext),
        "totals": view.evidence.totals(),
        "chosen": {e["key"] for e in view.app.examples},
        "error": error,
        "saved": request.query_params.get("saved") == "1",
        **_labels(request),
    }
    return await render(request, "label/application.html", context, status)


async def application_page(request: Request) -> Response:
    return await _application_page(request, request.path_params["app_id"])


async def application_form(request: Request) -> Response:
    """Save the draft (and, with ``send``, send it to the national support service)."""
    _, user, form = await check_form_write(request)
    rt = runtime(request)
    app_id = request.path_params["app_id"]
    body = {
        "criteria": {name: str(form.get(name, "")) for name in CRITERIA if name in form},
        "examples": [str(k) for k in form.getlist("examples")],
    }
    try:
        async with rt.db.unit_of_work() as uow:
            await actions.check_save_draft(uow, user, app_id, body, utcnow())
        if form.get("send") == "1":
            async with rt.db.unit_of_work() as uow:
                await actions.check_submit(uow, user, app_id, rt.settings.label_min_days, utcnow())
    except DomainError as err:
        if isinstance(err, NotFound):
            raise
        message = gettext_for(locale_of(request))(err.message)
        return await _application_page(request, app_id, message, err.status)
    return _see(f"/labels/{app_id}?saved=1")


async def review_form(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    app_id = request.path_params["app_id"]
    decision = form.get("decision")
    if decision not in ("award", "decline"):
        raise NotFound(N_("Page not found."))
    try:
        async with runtime(request).db.unit_of_work() as uow:
            await actions.check_review(
                uow, user, app_id, decision == "award", form.get("comment"), utcnow()
            )
    except DomainError as err:
        if isinstance(err, NotFound):
            raise
        message = gettext_for(locale_of(request))(err.message)
        return await _application_page(request, app_id, message, err.status)
    return _see(f"/nss/labels/{app_id}")


async def nss_queue_page(request: Request) -> Response:
    _, user = await require_user(request)
    access_label_queue(user.kind, user.country_code)
    tab = request.query_params.get("status") or "submitted"
    if tab not in ("submitted", "awarded", "declined"):
        tab = "submitted"
    async with runtime(request).db.read() as session:
        items = await queries.get_nss_queue(session, user, tab)
    context = {"items": items, "tab": tab, "nav": "nss-labels", **_labels(request)}
    return await render(request, "label/nss_queue.html", context)


routes = [
    Route("/spaces/{space_id:int}/label", space_label_page, methods=["GET"]),
    Route("/spaces/{space_id:int}/label/apply", start_form, methods=["POST"]),
    Route("/labels/{app_id:int}", application_page, methods=["GET"]),
    Route("/labels/{app_id:int}", application_form, methods=["POST"]),
    Route("/nss/labels", nss_queue_page, methods=["GET"]),
    Route("/nss/labels/{app_id:int}", application_page, methods=["GET"]),
    Route("/nss/labels/{app_id:int}", review_form, methods=["POST"]),
]
