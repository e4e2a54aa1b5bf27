"""The widget host: what rooms and tools both need to show or act on one widget — its page's
facts for the permission matrix, the widget context for one viewer, and loading a widget
with its page and TwinSpace. It names no room and no tool."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.pages.base import WidgetContext
from twinspace.pages.models import Page, Widget
from twinspace.permissions import PageFacts, Role, Room, Viewer
from twinspace.settings import Settings
from twinspace.spaces.anonymity import member_school_places, space_school_places
from twinspace.spaces.models import Membership, Space
from twinspace.spaces.queries import facts, get_viewer


def page_facts(page: Page) -> PageFacts:
    return PageFacts(
        room=Room(page.room),
        is_public=page.is_public,
        is_draft=page.is_draft,
        deleted=page.deleted_at is not None,
    )


def page_room(space_id: int, page_id: int) -> str:
    """A page's Socket.IO room: every live event of its widgets goes there."""
    return f"space:{space_id}:page:{page_id}"


@dataclass(frozen=True)
class WidgetScope:
    """What every widget shown or used in one request shares: the viewer's role in the
    TwinSpace and its schools (how its pupils are named to the public). Read once per
    request, from the database, and handed to each widget's context."""

    viewer: Viewer
    school_places: dict[int, str]
    people: dict[int, tuple[User, Role | None]] = field(default_factory=dict)  # already read


async def widget_scope(
    session: AsyncSession, user: User | None, space: Space, viewer: Viewer | None = None
) -> WidgetScope:
    """The request's scope; ``viewer``: the role the request has already read."""
    if viewer is None:
        viewer = await get_viewer(session, user, space.id)
    return WidgetScope(viewer, await space_school_places(session, space.id))


def members_scope(viewer: Viewer, members: list[Membership]) -> WidgetScope:
    """The scope of a page that has read every membership with its user, school and the
    school's country (``get_space_with_members``): no further statement."""
    return WidgetScope(
        viewer,
        member_school_places(members),
        {m.user_id: (m.user, Role(m.role)) for m in members},
    )


async def make_context(
    uow: UnitOfWork,
    user: User | None,
    space: Space,
    page: Page,
    widget: Widget,
    settings: Settings,
    *,
    gettext: Callable[[str], str] = lambda s: s,
    csrf_token: str = "",
    render_template: Callable[..., str] | None = None,
    scope: WidgetScope | None = None,
) -> WidgetContext:
    """A widget's context for one viewer; pages that show several widgets read ``scope``
    once (``widget_scope``) instead of once per widget."""
    if scope is None:
        scope = await widget_scope(uow.session, user, space)
    return WidgetContext(
        uow=uow,
        space=space,
        space_facts=facts(space),
        page=page,
        page_facts=page_facts(page),
        widget=widget,
        viewer=scope.viewer,
        user=user,
        settings=settings,
        now=utcnow(),
        gettext=gettext,
        csrf_token=csrf_token,
        render_template=render_template,
        school_places=dict(scope.school_places),
        known_people=scope.people,
    )


async def load_widget(uow: UnitOfWork, space_id: int, widget_id: int) -> tuple[Space, Page, Widget]:
    widget = await uow.session.get(Widget, widget_id)
    page = await uow.session.get(Page, widget.page_id) if widget else None
    space = await uow.session.get(Space, space_id)
    if widget is None or page is None or space is None or page.space_id != space_id:
        raise NotFound(N_("No such application."))
    return space, page, widget
