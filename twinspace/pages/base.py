"""What a tool is: a kind, a label, commands checked against the permission matrix,
a server-side render, and optionally its own routes and a publication report."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from markupsafe import Markup
from sqlalchemy import and_, select
from starlette.routing import BaseRoute

from twinspace.accounts.models import User, UserKind
from twinspace.db import Database, UnitOfWork
from twinspace.errors import Invalid
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.pages.models import Page, Widget
from twinspace.permissions import (
    PUPIL_ROLES,
    Action,
    PageFacts,
    Role,
    SpaceFacts,
    Viewer,
    allowed,
)
from twinspace.settings import Settings
from twinspace.spaces.anonymity import public_form, public_person, pupil_label
from twinspace.spaces.models import Membership, Space
from twinspace.storage import LocalStorage

if TYPE_CHECKING:
    from twinspace.runtime import Runtime


@dataclass
class WidgetContext:
    """Everything a tool may use to act on or show one widget, for one viewer."""

    uow: UnitOfWork
    space: Space
    space_facts: SpaceFacts
    page: Page
    page_facts: PageFacts
    widget: Widget
    viewer: Viewer
    user: User | None
    settings: Settings
    now: datetime
    gettext: Callable[[str], str] = field(default=lambda s: s)
    csrf_token: str = ""
    render_template: Callable[..., str] | None = None
    school_places: dict[int, str] = field(default_factory=dict)  # school id -> "name, country"
    # people the request has already read with their role here (``people`` reads the others)
    known_people: dict[int, tuple[User, Role | None]] = field(default_factory=dict)

    @property
    def session(self):  # noqa: ANN201 - an AsyncSession
        return self.uow.session

    @property
    def room_name(self) -> str:
        """The page's Socket.IO room: every live event of this widget goes there."""
        return f"space:{self.space.id}:page:{self.page.id}"

    def may(self, action: Action) -> bool:
        return allowed(
            self.viewer.role,
            self.page_facts.room,
            action,
            self.space_facts,
            published=self.page_facts.published,
        )

    def actor(self) -> User:
        assert self.user is not None  # commands that write are never allowed to the public
        return self.user

    def display_name(self, user: User, role: Role | str | None) -> str:
        """How a person is named to this viewer: to anyone who is not a member, a pupil is
        "A pupil of <school>, <country>" (``twinspace/spaces/anonymity.py``)."""
        if self.viewer.is_member or not self.is_pupil(user, role):
            return user.display_name
        return pupil_label(self.gettext, self.school_places.get(user.school_id or 0))

    @staticmethod
    def is_pupil(user: User, role: Role | str | None) -> bool:
        if role is not None:
            return Role(role) in PUPIL_ROLES
        return user.kind == UserKind.PUPIL.value

    def public_name(self, user: User, role: Role | str | None) -> str:
        """The name anyone in the page's room may see (live events reach public readers too)."""
        return dataclasses.replace(self, viewer=Viewer(None, Role.PUBLIC)).display_name(user, role)

    def person_json(self, user: User | None, role: Role | str | None) -> dict[str, Any]:
        """A person object ``{"id", "name"}`` for this viewer; a pupil to a non-member has
        no id (``{"id": null, "name": "A pupil of …", "pupil": true}``)."""
        if user is None:
            return {"id": None, "name": self.gettext(N_("Former member"))}
        if not self.viewer.is_member and self.is_pupil(user, role):
            return public_person(self.gettext, self.school_places.get(user.school_id or 0))
        return {"id": user.id, "name": user.display_name}

    async def public_form(self, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` with every pupil's person object in the public form."""
        return await public_form(self.session, self.space.id, data, self.gettext)

    async def people(self, ids: set[int | None]) -> dict[int, tuple[User, Role | None]]:
        """Users with their role in this TwinSpace. Someone who left keeps a pupil's
        privacy if they are a pupil."""
        wanted = {i for i in ids if i is not None}
        found: dict[int, tuple[User, Role | None]] = {
            i: self.known_people[i] for i in wanted if i in self.known_people
        }
        wanted -= set(found)
        if not wanted:
            return found
        rows = await self.session.execute(
            select(User, Membership.role)
            .outerjoin(
                Membership,
                and_(Membership.user_id == User.id, Membership.space_id == self.space.id),
            )
            .where(User.id.in_(wanted))
        )
        for user, role in rows:
            if role:
                found[user.id] = (user, Role(role))
            else:
                pupil = user.kind == UserKind.PUPIL.value
                found[user.id] = (user, Role.PUPIL if pupil else None)
        return found

    async def emit(self, type_: str, data: dict[str, Any]) -> None:
        """Store an event of this widget in the page's room; published after commit."""
        # The page's room may hold the public: live events never carry a pupil's identity;
        # members' pages re-render the widget for their own view (docs/realtime.md).
        public = await public_form(
            self.session, self.space.id, {"widget_id": self.widget.id, **data}, lambda s: s
        )
        await record_event(
            self.uow,
            self.room_name,
            type_,
            public,
            actor_id=self.user.id if self.user else None,
        )

    def render(self, template: str, **values: Any) -> Markup:
        assert self.render_template is not None
        return Markup(self.render_template(template, ctx=self, _=self.gettext, **values))  # noqa: S704


def payload_id(payload: dict[str, Any], key: str, *, required: bool = True) -> int | None:
    """An id (1 or more) from a command's payload, a JSON number or form text; an optional
    one may be absent or empty."""
    value = payload.get(key)
    if value in (None, "") and not required:
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Invalid(N_("A number is expected."), field=key)
    return value


ToolRun = Callable[[WidgetContext, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class ToolCommand:
    action: Action  # what the matrix must allow on the page before the command runs
    run: ToolRun


SocketRun = Callable[["Runtime", str, User | None, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class SocketEvent:
    """A socket event of a tool's own, beside the generic ``tool`` command: for traffic that
    is not one command in one transaction (a CRDT's binary updates, cursors). ``run(rt, sid,
    user, payload)`` checks the matrix itself and answers an ack. ``per_second``/``burst``
    give the event its own budget per member instead of the shared one of every event."""

    run: SocketRun
    per_second: float = 0.0
    burst: int = 0


@runtime_checkable
class Tool(Protocol):
    kind: str  # unique slug: "blog"
    label: str  # a msgid, translated where shown
    description: str
    commands: Mapping[str, ToolCommand]
    templates: Path | None  # a folder of Jinja templates, loaded as "<kind>/<file>"

    async def render(self, ctx: WidgetContext) -> Markup: ...

    def routes(self) -> list[BaseRoute]: ...

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, Any]]:
        """What would become visible to anyone if the page were published:
        ``[{"what": label, "text": plain text, "authors": [user ids], "consent": bool}]``
        (``authors`` who wrote it — the check lists every pupil contribution; ``consent``
        only for photos). The check also looks for pupils' names in the text."""
        ...

    async def on_added(self, ctx: WidgetContext, payload: dict[str, Any]) -> None: ...


class BaseTool:
    """Sensible defaults for the optional parts of a tool."""

    kind: str
    label: str
    description: str = ""
    commands: Mapping[str, ToolCommand] = {}
    templates: Path | None = None
    locales: Path | None = None  # own catalogues: <locales>/<fr|en>/LC_MESSAGES/messages.po

    async def render(self, ctx: WidgetContext) -> Markup:
        raise NotImplementedError  # every tool renders itself

    def routes(self) -> list[BaseRoute]:
        return []

    async def publication_report(self, ctx: WidgetContext) -> list[dict[str, Any]]:
        return []

    async def on_added(self, ctx: WidgetContext, payload: dict[str, Any]) -> None:
        return None

    async def maintenance(self, db: Database, storage: LocalStorage, now: datetime) -> None:
        """The daily job (optional; looked up with getattr, so not part of the Protocol):
        purge what the tool keeps for a while, e.g. a trash. Runs outside any request."""
        return None

    def socket_events(self) -> Mapping[str, SocketEvent]:
        """Socket events of the tool's own (optional; looked up with getattr)."""
        return {}

    async def socket_disconnected(self, rt: Runtime, sid: str) -> None:
        """A socket went away: forget what the tool kept for it (optional)."""
        return None

    async def visible_events(
        self, ctx: WidgetContext, events: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Catch-up filter: drop stored events whose content this viewer may no longer see
        (hidden or deleted since). Live delivery already happened; this guards replays."""
        return events
