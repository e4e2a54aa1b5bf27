"""The calendar: deadlines, unavailabilities, school holidays and meetings, a month view
and an iCalendar (.ics) export made with the ``icalendar`` library."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta
from typing import Any

import icalendar
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Forbidden, Invalid, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.people.common import text_field
from twinspace.people.models import CalendarEvent
from twinspace.permissions import Action, Room, SpaceFacts, Viewer, allowed
from twinspace.spaces.names import members_room

KINDS = {
    "deadline": N_("Deadline"),
    "unavailability": N_("Unavailability"),
    "holiday": N_("School holiday"),
    "meeting": N_("Meeting"),
}
MAX_DAYS = 366


def parse_date(value: object, field: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise Invalid(N_("Dates are written YYYY-MM-DD."), field=field)


def event_json(event: CalendarEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind,
        "title": event.title,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": event.ends_on.isoformat(),
        "note": event.note,
        "created_by": event.created_by,
    }


async def check_add_event(
    uow: UnitOfWork, space_id: int, actor_id: int, payload: dict[str, Any]
) -> CalendarEvent:
    kind = payload.get("kind")
    if kind not in KINDS:
        raise Invalid(N_("Choose a kind of event from the list."), field="kind")
    title = text_field(payload.get("title"), 200, N_("A title is 1 to 200 characters."))
    starts = parse_date(payload.get("starts_on"), "starts_on")
    ends_raw = payload.get("ends_on")
    ends = starts if ends_raw in (None, "") else parse_date(ends_raw, "ends_on")
    if ends < starts:
        raise Invalid(N_("An event cannot end before it starts."), field="ends_on")
    if (ends - starts).days > MAX_DAYS:
        raise Invalid(N_("An event lasts at most a year."), field="ends_on")
    note = text_field(
        payload.get("note"), 1000, N_("A note is at most 1,000 characters."), required=False
    )
    event = CalendarEvent(
        space_id=space_id,
        kind=kind,
        title=title,
        starts_on=starts,
        ends_on=ends,
        note=note,
        created_by=actor_id,
        created_at=utcnow(),
    )
    uow.session.add(event)
    await uow.session.flush()
    await record_event(
        uow, members_room(space_id), "calendar.added", event_json(event), actor_id=actor_id
    )
    return event


async def check_delete_event(
    uow: UnitOfWork, space_id: int, viewer: Viewer, space: SpaceFacts, event_id: int
) -> None:
    event = await uow.session.get(CalendarEvent, event_id)
    if event is None or event.space_id != space_id:
        raise NotFound(N_("No such event."))
    mine = event.created_by == viewer.user_id and allowed(
        viewer.role, Room.HOME, Action.CALENDAR, space
    )
    if not mine and not allowed(viewer.role, Room.HOME, Action.MODERATE, space):
        raise Forbidden(N_("You may not do this here."))
    await uow.session.delete(event)
    await record_event(
        uow, members_room(space_id), "calendar.deleted", {"id": event_id}, actor_id=viewer.user_id
    )


async def get_events(
    session: AsyncSession, space_id: int, start: date | None = None, end: date | None = None
) -> list[CalendarEvent]:
    query = select(CalendarEvent).where(CalendarEvent.space_id == space_id)
    if start is not None:
        query = query.where(CalendarEvent.ends_on >= start)
    if end is not None:
        query = query.where(CalendarEvent.starts_on <= end)
    return list(await session.scalars(query.order_by(CalendarEvent.starts_on, CalendarEvent.id)))


async def upcoming(session: AsyncSession, space_id: int, limit: int = 5) -> list[CalendarEvent]:
    today = utcnow().date()
    return (await get_events(session, space_id, today, today + timedelta(days=90)))[:limit]


def month_grid(year: int, month: int, events: list[CalendarEvent]) -> list[list[dict[str, Any]]]:
    """Weeks (Monday first) of days, each with the events that cover it."""
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append(
            [
                {
                    "date": day,
                    "in_month": day.month == month,
                    "events": [e for e in events if e.starts_on <= day <= e.ends_on],
                }
                for day in week
            ]
        )
    return weeks


def to_ics(title: str, space_id: int, events: list[CalendarEvent], host: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//TwinSpace//Calendar//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", title)
    for event in events:
        item = icalendar.Event()
        item.add("uid", f"twinspace-{space_id}-event-{event.id}@{host}")
        item.add("summary", event.title)
        item.add("dtstart", event.starts_on)
        item.add("dtend", event.ends_on + timedelta(days=1))  # all-day: the end is exclusive
        item.add("dtstamp", event.created_at)
        item.add("categories", [event.kind.upper()])
        if event.note:
            item.add("description", event.note)
        cal.add_component(item)
    return cal.to_ical()
