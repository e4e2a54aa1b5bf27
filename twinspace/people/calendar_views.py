"""Calendar pages (month view, add, delete), the .ics export and the API."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date, get_day_names
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.db import utcnow
from twinspace.errors import DomainError
from twinspace.people import schemas as S
from twinspace.people.calendar import (
    KINDS,
    check_add_event,
    check_delete_event,
    event_json,
    get_events,
    month_grid,
    to_ics,
)
from twinspace.people.common import member_access
from twinspace.permissions import Action, Room
from twinspace.schema import declare
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    get_auth,
    json_body,
    locale_of,
    render,
    runtime,
    translate,
)
from twinspace.web.shell import shell_context


def _month(request: Request) -> tuple[int, int]:
    raw = request.query_params.get("month", "")
    try:
        year, month = (int(p) for p in raw.split("-"))
        date(year, month, 1)
        return year, month
    except ValueError:
        today = utcnow().date()
        return today.year, today.month


async def calendar_page(request: Request) -> Response:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    rt = runtime(request)
    error, values = None, {}
    if request.method == "POST":
        _, user, form = await check_form_write(request)
        values = {k: form.get(k, "") for k in ("kind", "title", "starts_on", "ends_on", "note")}
        try:
            async with rt.db.unit_of_work() as uow:
                await member_access(uow.session, user, space_id, Action.CALENDAR)
                event = await check_add_event(uow, space_id, user.id, values)
            month = event.starts_on.strftime("%Y-%m")
            return RedirectResponse(f"/spaces/{space_id}/calendar?month={month}", 303)
        except DomainError as err:
            if err.status in (401, 404):
                raise
            error = translate(request, err.message)
    year, month = _month(request)
    first = date(year, month, 1)
    prev_month = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    next_month = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    async with rt.db.read() as session:
        access = await member_access(session, auth.user, space_id)
        grid = month_grid(year, month, [])
        events = await get_events(session, space_id, grid[0][0]["date"], grid[-1][-1]["date"])
    context = {
        **shell_context(access, Room.HOME),
        "weeks": month_grid(year, month, events),
        "events": [e for e in events if e.ends_on >= first and e.starts_on < next_month],
        "first": first,
        "month_label": format_date(first, "LLLL yyyy", locale=locale_of(request)),
        "day_names": [get_day_names("abbreviated", locale=locale_of(request))[i] for i in range(7)],
        "prev_month": prev_month.strftime("%Y-%m"),
        "next_month": next_month.strftime("%Y-%m"),
        "kinds": KINDS,
        "may_add": access.may(Room.HOME, Action.CALENDAR),
        "may_moderate": access.may(Room.HOME, Action.MODERATE),
        "error": error,
        "values": values,
    }
    return await render(request, "people/calendar.html", context, 400 if error else 200)


async def delete_event_form(request: Request) -> Response:
    _, user, _form = await check_form_write(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.unit_of_work() as uow:
        access = await member_access(uow.session, user, space_id)
        await check_delete_event(
            uow, space_id, access.viewer, access.facts, request.path_params["event_id"]
        )
    return RedirectResponse(f"/spaces/{space_id}/calendar", 303)


@declare(
    "The calendar as iCalendar (text/calendar)",
    media_type="text/calendar",
    answer=str,
    auth="public",
)
async def ics_export(request: Request) -> Response:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        access = await member_access(session, auth.user, space_id)
        events = await get_events(session, space_id)
    body = to_ics(access.space.title, space_id, events, request.url.hostname or "twinspace")
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="twinspace-{space_id}.ics"',
            "Cache-Control": "private, max-age=0",
        },
    )


@declare("The TwinSpace's calendar events", answer=S.EventsOut, auth="public")
async def api_events(request: Request) -> JSONResponse:
    auth = await get_auth(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.read() as session:
        await member_access(session, auth.user, space_id)
        events = await get_events(session, space_id)
    return JSONResponse({"events": [event_json(e) for e in events]})


@declare("Add a calendar event", body=S.NewEvent, answer=S.EventAddedOut, status=201)
async def api_add_event(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.unit_of_work() as uow:
        await member_access(uow.session, user, space_id, Action.CALENDAR)
        event = await check_add_event(uow, space_id, user.id, body)
    return JSONResponse({"ok": True, "event": event_json(event)}, 201)


@declare("Delete a calendar event")
async def api_delete_event(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    space_id = request.path_params["space_id"]
    async with runtime(request).db.unit_of_work() as uow:
        access = await member_access(uow.session, user, space_id)
        await check_delete_event(
            uow, space_id, access.viewer, access.facts, request.path_params["event_id"]
        )
    return JSONResponse({"ok": True})


routes = [
    Route("/spaces/{space_id:int}/calendar", calendar_page, methods=["GET", "POST"]),
    Route("/spaces/{space_id:int}/calendar.ics", ics_export, methods=["GET"]),
    Route(
        "/spaces/{space_id:int}/calendar/{event_id:int}/delete",
        delete_event_form,
        methods=["POST"],
    ),
    Route("/api/v1/spaces/{space_id:int}/calendar", api_events, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/calendar", api_add_event, methods=["POST"]),
    Route(
        "/api/v1/spaces/{space_id:int}/calendar/{event_id:int}",
        api_delete_event,
        methods=["DELETE"],
    ),
    Route("/api/v1/spaces/{space_id:int}/calendar.ics", ics_export, methods=["GET"]),
]
