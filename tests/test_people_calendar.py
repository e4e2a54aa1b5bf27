"""The calendar: events with dates, a month view, an iCalendar export."""

from __future__ import annotations

from datetime import date

import icalendar

from tests.conftest import RunningServer
from tests.people_support import snapshot


async def test_add_events_month_view_and_ics(server: RunningServer, login) -> None:
    anne = await login("anne")
    added = await anne.post(
        "/api/v1/spaces/1/calendar",
        json={
            "kind": "holiday",
            "title": "Winter holidays in Lyon",
            "starts_on": "2026-12-19",
            "ends_on": "2027-01-04",
        },
    )
    assert added.status_code == 201, added.text
    deadline = await anne.post(
        "/api/v1/spaces/1/calendar",
        json={"kind": "deadline", "title": "Send the river data", "starts_on": "2026-12-10"},
    )
    assert deadline.json()["event"]["ends_on"] == "2026-12-10"
    lea = await login("lea")
    month = await lea.get("/spaces/1/calendar", params={"month": "2026-12"})
    assert month.status_code == 200
    assert "Winter holidays in Lyon" in month.text and "Send the river data" in month.text
    assert "Add an event" not in month.text  # pupils read the calendar
    january = await lea.get("/spaces/1/calendar", params={"month": "2027-01"})
    assert "Winter holidays in Lyon" in january.text and "Send the river data" not in january.text
    ics = await lea.get("/spaces/1/calendar.ics")
    assert ics.status_code == 200 and ics.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(ics.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert events["Winter holidays in Lyon"].decoded("dtstart") == date(2026, 12, 19)
    assert events["Winter holidays in Lyon"].decoded("dtend") == date(2027, 1, 5)  # exclusive
    assert events["Send the river data"].decoded("dtend") == date(2026, 12, 11)
    items = (await anne.get("/api/v1/spaces/1/feed")).json()["items"]
    assert items[0]["text"] == "Anne Moreau added to the calendar: Send the river data"
    event_id = added.json()["event"]["id"]
    assert (await anne.delete(f"/api/v1/spaces/1/calendar/{event_id}")).status_code == 200
    listed = (await lea.get("/api/v1/spaces/1/calendar")).json()["events"]
    titles = [e["title"] for e in listed]
    assert "Send the river data" in titles and "Winter holidays in Lyon" not in titles


async def test_calendar_refusals_change_nothing(server: RunningServer, login) -> None:
    anne = await login("anne")
    kept = await anne.post(
        "/api/v1/spaces/1/calendar",
        json={"kind": "meeting", "title": "Video call", "starts_on": "2026-12-03"},
    )
    before = await snapshot(server)
    good = {"kind": "meeting", "title": "Call", "starts_on": "2026-12-01"}
    for bad in (
        {**good, "kind": "party"},
        {**good, "title": ""},
        {**good, "starts_on": "01/12/2026"},
        {**good, "ends_on": "2026-11-30"},
        {**good, "ends_on": "2028-12-30"},
        {**good, "note": "x" * 1001},
    ):
        answer = await anne.post("/api/v1/spaces/1/calendar", json=bad)
        assert answer.status_code == 400, (bad, answer.text)
    for who, status in (("pia", 403), ("lea", 403), ("paul", 403), ("nss-fr", 404)):
        client = await login(who)
        assert (await client.post("/api/v1/spaces/1/calendar", json=good)).status_code == status
    tina = await login("tina")  # a teacher member deletes only her own events
    event_id = kept.json()["event"]["id"]
    assert (await tina.delete(f"/api/v1/spaces/1/calendar/{event_id}")).status_code == 403
    form = await anne.post(
        "/spaces/1/calendar",
        data={
            "csrf_token": anne.headers["X-CSRF-Token"],
            "kind": "meeting",
            "title": "Typed",
            "starts_on": "nope",
        },
    )
    assert form.status_code == 400 and "Typed" in form.text
    assert await snapshot(server) == before
