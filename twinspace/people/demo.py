"""Demo data of the people features: calendar events, a journal entry, profiles of anne and lea."""

from __future__ import annotations

from datetime import timedelta

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.pages.widgets import run_tool_command
from twinspace.people.calendar import check_add_event
from twinspace.people.journal import check_start_journal
from twinspace.people.models import MemberProfile
from twinspace.settings import Settings
from twinspace.spaces.models import Space


async def demo_people(
    uow: UnitOfWork, space: Space, users: dict[str, User], settings: Settings | None
) -> None:
    today = utcnow().date()
    for kind, title, start, days, who in (
        ("meeting", "Video call between the two classes", 3, 0, "anne"),
        ("deadline", "Send the first river measurements", 10, 0, "jonas"),
        ("holiday", "School holidays in Köln", 24, 13, "jonas"),
        ("unavailability", "Anne away on a training course", 17, 1, "anne"),
    ):
        await check_add_event(
            uow,
            space.id,
            users[who].id,
            {
                "kind": kind,
                "title": title,
                "starts_on": (today + timedelta(days=start)).isoformat(),
                "ends_on": (today + timedelta(days=start + days)).isoformat(),
            },
        )
    _, widget = await check_start_journal(uow, space, users["anne"], settings, "Project journal")
    await run_tool_command(
        uow,
        users["anne"],
        space.id,
        widget.id,
        "post.create",
        {
            "title": "Week 1: getting to know each other",
            "body": "Both classes introduced themselves with a short video. Next: the first "
            "measurements of the Rhône and the Rhine.",
        },
        settings,
    )
    uow.session.add_all(
        [
            MemberProfile(
                user_id=users["anne"].id,
                interests="Geography, rivers, European projects",
                hobbies="Hiking along the Rhône, photography",
                favourite_food="Quenelles",
            ),
            MemberProfile(
                user_id=users["lea"].id,
                interests="Animals, drawing",
                hobbies="Swimming, playing the guitar",
                favourite_food="Crêpes",
            ),
        ]
    )
