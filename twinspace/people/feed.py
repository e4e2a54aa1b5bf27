"""Latest activities: every addition and change by members, read back from the stored
events of the rooms the viewer may read, filtered like catch-up (each tool filters its own
events: hidden or deleted content never comes back), newest first, paginated."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import DomainError
from twinspace.events import Event, envelope
from twinspace.i18n import N_
from twinspace.pages.host import WidgetScope, page_facts
from twinspace.pages.models import Page
from twinspace.pages.widgets import visible_page_events
from twinspace.people.models import WallPost
from twinspace.permissions import Action, Room, access_page, allowed
from twinspace.settings import Settings
from twinspace.spaces.context import SpaceAccess
from twinspace.spaces.names import home_room, members_room

PAGE_SIZE = 20
# What each kind of event says, in the reader's language (params: actor, name, title, page).
FEED_TYPES: dict[str, str] = {
    "member.joined": N_("%(name)s joined the TwinSpace."),
    "member.removed": N_("%(actor)s removed a member."),
    "member.role_changed": N_("%(actor)s changed the role of %(name)s."),
    "profile.updated": N_("%(actor)s updated their profile."),
    "profile.photo_changed": N_("%(actor)s changed their photo."),
    "wall.posted": N_("%(actor)s wrote on the wall of %(name)s: “%(title)s”"),
    "calendar.added": N_("%(actor)s added to the calendar: %(title)s"),
    "page.added": N_("%(actor)s added the page “%(title)s”."),
    "widget.added": N_("%(actor)s added an application to “%(page)s”."),
    "blog.post_created": N_("%(actor)s wrote “%(title)s” on “%(page)s”."),
    "blog.comment_created": N_("%(actor)s commented on “%(page)s”."),
    "forum.topic_created": N_("%(actor)s started the topic “%(title)s” on “%(page)s”."),
    "forum.reply_created": N_("%(actor)s replied in a forum on “%(page)s”."),
    "library.file_added": N_("%(actor)s added a file on “%(page)s”."),
    "gallery.photos_added": N_("%(actor)s added photos on “%(page)s”."),
    "webcontent.saved": N_("%(actor)s changed the text of “%(page)s”."),
}
CHANNELS = {Room.ACTIVITIES: "activities", Room.TEACHERS: "teachers", Room.PUPILS: "pupils"}


@dataclass(frozen=True)
class FeedItem:
    id: int
    type: str
    text: str
    url: str
    at: str
    actor: str

    def json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class Scope:
    rooms: list[str]  # every room the viewer may read, to read back and to join live
    pages: dict[str, Page]  # page room -> page the viewer may read


async def feed_scope(
    uow: UnitOfWork, access: SpaceAccess, space_pages: list[Page] | None = None
) -> Scope:
    """``space_pages``: every page of the TwinSpace, when the request has read them."""
    space_id = access.space.id
    rooms = [members_room(space_id), home_room(space_id)]
    for room, kind in CHANNELS.items():
        if allowed(access.viewer.role, room, Action.READ, access.facts):
            rooms.append(f"space:{space_id}:{kind}")
    pages: dict[str, Page] = {}
    if space_pages is None:
        space_pages = list(await uow.session.scalars(select(Page).where(Page.space_id == space_id)))
    for page in space_pages:
        try:
            access_page(access.viewer, access.facts, page_facts(page), Action.READ)
        except DomainError:
            continue
        pages[f"space:{space_id}:page:{page.id}"] = page
    return Scope(rooms + list(pages), pages)


def _title(data: dict[str, Any]) -> str:
    for key in ("post", "topic"):
        if isinstance(data.get(key), dict):
            return str(data[key].get("title") or "")
    return str(data.get("title") or data.get("text") or "")[:120]


async def get_feed(
    uow: UnitOfWork,
    access: SpaceAccess,
    user: User | None,
    settings: Settings,
    gettext: Callable[[str], str],
    *,
    before: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
    scope: Scope | None = None,
    widgets: WidgetScope | None = None,
    names: dict[int, str] | None = None,
) -> tuple[list[FeedItem], int | None]:
    """A page of the feed, newest first, and the cursor of the next (older) page.
    ``widgets``: the request's widget scope; ``names``: display names it has read."""
    scope = scope or await feed_scope(uow, access)
    query = select(Event).where(Event.room.in_(scope.rooms), Event.type.in_(list(FEED_TYPES)))
    if before is not None:
        query = query.where(Event.id < before)
    if after is not None:
        query = query.where(Event.id > after)
    rows = list(await uow.session.scalars(query.order_by(Event.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    visible = await _visible(uow, access, user, settings, scope, rows, widgets)
    names = await _names(uow, rows, names or {})
    space_id = access.space.id
    items = []
    for event in rows:
        if event.id not in visible:
            continue
        data = event.data
        page = scope.pages.get(event.room)
        subject = data.get("profile_user_id") or data.get("user_id")
        params = {
            "actor": names.get(event.actor_id or 0, gettext("Someone")),
            "name": str(data.get("name") or names.get(subject or 0, "")),
            "title": _title(data),
            "page": page.title if page else "",
        }
        if page is not None and page.room == Room.HOME.value:
            url = f"/spaces/{space_id}#journal"
        elif page is not None:
            url = f"/spaces/{space_id}/pages/{page.id}"
        elif event.type == "page.added":
            url = f"/spaces/{space_id}/pages/{data.get('id')}"
        elif event.type == "calendar.added":
            url = f"/spaces/{space_id}/calendar"
        elif subject and event.type != "member.removed":
            url = f"/spaces/{space_id}/members/{subject}"
        else:
            url = f"/spaces/{space_id}/members"
        items.append(
            FeedItem(
                id=event.id,
                type=event.type,
                text=gettext(FEED_TYPES[event.type]) % params,
                url=url,
                at=event.created_at.isoformat(),
                actor=params["actor"],
            )
        )
    return items, (rows[-1].id if more and rows else None)


async def _names(uow: UnitOfWork, rows: list[Event], known: dict[int, str]) -> dict[int, str]:
    ids = {e.actor_id for e in rows} | {
        e.data.get("profile_user_id") or e.data.get("user_id") for e in rows
    }
    names = {i: known[i] for i in ids if isinstance(i, int) and i in known}
    wanted = [i for i in ids if isinstance(i, int) and i not in names]
    if not wanted:
        return names
    found = await uow.session.execute(select(User.id, User.display_name).where(User.id.in_(wanted)))
    return names | {uid: name for uid, name in found}


async def _visible(
    uow: UnitOfWork,
    access: SpaceAccess,
    user: User | None,
    settings: Settings,
    scope: Scope,
    rows: list[Event],
    widgets: WidgetScope | None = None,
) -> set[int]:
    """Ids of the events this viewer may see now (catch-up's rules, plus pages and wall
    messages deleted since)."""
    shown: set[int] = set()
    by_page: dict[str, list[Event]] = {}
    walls = {e.data.get("id") for e in rows if e.type == "wall.posted"} - {None}
    alive_walls = (
        set(await uow.session.scalars(select(WallPost.id).where(WallPost.id.in_(walls))))
        if walls
        else set()
    )
    readable_pages = {p.id for p in scope.pages.values()}
    for event in rows:
        if event.room in scope.pages:
            by_page.setdefault(event.room, []).append(event)
        elif event.type == "wall.posted":
            if event.data.get("id") in alive_walls:
                shown.add(event.id)
        elif event.type == "page.added":
            if event.data.get("id") in readable_pages:
                shown.add(event.id)
        else:
            shown.add(event.id)
    for room, events in by_page.items():
        envelopes = [envelope(e) | {"pk": e.id} for e in events]
        kept = await visible_page_events(
            uow, user, access.space, scope.pages[room], envelopes, settings, scope=widgets
        )
        shown.update(e["pk"] for e in kept)
    return shown
