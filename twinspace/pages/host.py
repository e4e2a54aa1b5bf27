"""The widget host: what rooms and tools both need to show or act on one widget — its page's
facts for the permission matrix, the widget context for one viewer, and loading a widget
with its page and TwinSpace. It names no room and no tool."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from twinspace.accounts.models import School, User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.pages.base import WidgetContext
from twinspace.pages.models import Page, Widget
from twinspace.permissions import PageFacts, Room
from twinspace.settings import Settings
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
) -> WidgetContext:
    viewer = await get_viewer(uow.session, user, space.id)
    schools = await uow.session.execute(
        select(School.id, School.name)
        .join(User, User.school_id == School.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.space_id == space.id)
    )
    initials = {
        school_id: f"{name.strip()[:1].upper()}." for school_id, name in schools if name.strip()
    }
    return WidgetContext(
        uow=uow,
        space=space,
        space_facts=facts(space),
        page=page,
        page_facts=page_facts(page),
        widget=widget,
        viewer=viewer,
        user=user,
        settings=settings,
        now=utcnow(),
        gettext=gettext,
        csrf_token=csrf_token,
        render_template=render_template,
        school_initials=initials,
    )


async def load_widget(uow: UnitOfWork, space_id: int, widget_id: int) -> tuple[Space, Page, Widget]:
    widget = await uow.session.get(Widget, widget_id)
    page = await uow.session.get(Page, widget.page_id) if widget else None
    space = await uow.session.get(Space, space_id)
    if widget is None or page is None or space is None or page.space_id != space_id:
        raise NotFound(N_("No such application."))
    return space, page, widget
