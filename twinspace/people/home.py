"""What Home shows members from the people features: links, unread mail, upcoming
calendar events, the project journal and the latest activities (live)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.i18n import gettext_for
from twinspace.pages.host import WidgetScope
from twinspace.pages.models import Page, Widget
from twinspace.people.calendar import upcoming
from twinspace.people.feed import feed_scope, get_feed
from twinspace.people.journal import render_journal
from twinspace.people.mailbox import unread_count
from twinspace.permissions import Action, Room
from twinspace.spaces.context import SpaceAccess
from twinspace.web.context import locale_of, runtime

HOME_FEED = 5  # the newest activities on Home (a calm page); /spaces/{id}/activity has all


async def home_extras(
    request: Request,
    uow: UnitOfWork,
    access: SpaceAccess,
    user: User | None,
    *,
    space_pages: list[tuple[Page, list[Widget]]] | None = None,
    widgets: WidgetScope | None = None,
) -> dict[str, Any]:
    """``space_pages``, ``widgets``: what Home has read (every page of the TwinSpace with
    its widgets; the widget scope, with its members)."""
    if not access.viewer.is_member or user is None:
        return {}
    rt = runtime(request)
    gettext = gettext_for(locale_of(request))
    pages = None if space_pages is None else [page for page, _ in space_pages]
    scope = await feed_scope(uow, access, pages)
    names = {} if widgets is None else {i: u.display_name for i, (u, _) in widgets.people.items()}
    items, older = await get_feed(
        uow,
        access,
        user,
        rt.settings,
        gettext,
        limit=HOME_FEED,
        scope=scope,
        widgets=widgets,
        names=names,
    )
    return {
        "people": {
            "items": items,
            "older": older,
            "feed_rooms": scope.rooms,
            "unread": await unread_count(uow.session, access.space.id, user.id),
            "upcoming": await upcoming(uow.session, access.space.id),
            "journal": await render_journal(
                request, uow, access, user, space_pages=space_pages, scope=widgets
            ),
            "may_journal": access.may(Room.HOME, Action.POST),
            "may_manage": access.may(Room.HOME, Action.MANAGE_MEMBERS),
            "may_pupils": access.may(Room.HOME, Action.MANAGE_PUPILS),
        }
    }
