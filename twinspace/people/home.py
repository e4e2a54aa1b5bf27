"""What Home shows members from the people features: links, unread mail, upcoming
calendar events, the project journal and the latest activities (live)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.i18n import gettext_for
from twinspace.people.calendar import upcoming
from twinspace.people.feed import feed_scope, get_feed
from twinspace.people.journal import render_journal
from twinspace.people.mailbox import unread_count
from twinspace.permissions import Action, Room
from twinspace.spaces.context import SpaceAccess
from twinspace.web.context import locale_of, runtime

HOME_FEED = 5  # the newest activities on Home (a calm page); /spaces/{id}/activity has all


async def home_extras(
    request: Request, uow: UnitOfWork, access: SpaceAccess, user: User | None
) -> dict[str, Any]:
    if not access.viewer.is_member or user is None:
        return {}
    rt = runtime(request)
    gettext = gettext_for(locale_of(request))
    scope = await feed_scope(uow, access)
    items, older = await get_feed(
        uow, access, user, rt.settings, gettext, limit=HOME_FEED, scope=scope
    )
    return {
        "people": {
            "items": items,
            "older": older,
            "feed_rooms": scope.rooms,
            "unread": await unread_count(uow.session, access.space.id, user.id),
            "upcoming": await upcoming(uow.session, access.space.id),
            "journal": await render_journal(request, uow, access, user),
            "may_journal": access.may(Room.HOME, Action.POST),
            "may_manage": access.may(Room.HOME, Action.MANAGE_MEMBERS),
            "may_pupils": access.may(Room.HOME, Action.MANAGE_PUPILS),
        }
    }
