"""The notifications page and its JSON API."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from twinspace.errors import Invalid
from twinspace.i18n import N_, gettext_for
from twinspace.notifications import schemas as S
from twinspace.notifications.models import Notification
from twinspace.notifications.service import (
    PAGE_MAX,
    PAGE_SIZE,
    list_notifications,
    mark_read,
    notification_text,
    unread_count,
)
from twinspace.schema import declare
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    json_body,
    locale_of,
    render,
    require_user,
    runtime,
)


def _int_param(value: str | None, name: str, default: int | None) -> int | None:
    if value is None or value == "":
        return default
    if not value.isdecimal() or len(value) > 12:
        raise Invalid(N_("Page positions and sizes are positive whole numbers."), field=name)
    return int(value)


def _page_args(request: Request) -> tuple[int | None, int]:
    before = _int_param(request.query_params.get("before"), "before", None)
    limit = _int_param(request.query_params.get("limit"), "limit", PAGE_SIZE) or PAGE_SIZE
    return before, min(limit, PAGE_MAX)


def notification_json(note: Notification, gettext: Any) -> dict[str, Any]:
    return {
        "id": note.id,
        "kind": note.kind,
        "text": notification_text(note, gettext),
        "url": note.url,
        "read": note.read_at is not None,
        "at": note.created_at.isoformat(),
    }


def _ids(value: object) -> list[int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) > PAGE_MAX
        or not all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in value)
    ):
        raise Invalid(N_("ids must be a list of notification ids."), field="ids")
    return value


@declare("The caller's notifications, newest first", query=S.PageQuery, answer=S.NotificationsOut)
async def api_list(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    before, limit = _page_args(request)
    gettext = gettext_for(locale_of(request))
    async with runtime(request).db.read() as session:
        rows, more = await list_notifications(session, user.id, before=before, limit=limit)
        unread = await unread_count(session, user.id)
    return JSONResponse(
        {
            "notifications": [notification_json(n, gettext) for n in rows],
            "unread": unread,
            "more": more,
        }
    )


@declare("How many notifications the caller has not read", answer=S.UnreadOut)
async def api_unread(request: Request) -> JSONResponse:
    _, user = await require_user(request)
    async with runtime(request).db.read() as session:
        return JSONResponse({"unread": await unread_count(session, user.id)})


@declare("Mark notifications as read (some ids, or all)", body=S.MarkRead, answer=S.MarkedOut)
async def api_read(request: Request) -> JSONResponse:
    _, user = await check_api_write(request)
    body = await json_body(request)
    if body.get("all") is True:
        ids = None
    else:
        ids = _ids(body.get("ids"))
        if ids is None:
            raise Invalid(N_('Send "ids" or "all": true.'), field="ids")
    async with runtime(request).db.unit_of_work() as uow:
        unread = await mark_read(uow, user.id, ids)
    return JSONResponse({"ok": True, "unread": unread})


async def page(request: Request) -> Response:
    _, user = await require_user(request)
    before, limit = _page_args(request)
    gettext = gettext_for(locale_of(request))
    async with runtime(request).db.read() as session:
        rows, more = await list_notifications(session, user.id, before=before, limit=limit)
    items = [notification_json(n, gettext) for n in rows]
    return await render(
        request,
        "notifications.html",
        {"items": items, "more": more, "next_before": rows[-1].id if rows and more else None},
    )


async def page_read(request: Request) -> Response:
    _, user, form = await check_form_write(request)
    raw = form.get("id")
    ids = None if raw in (None, "") else [_int_param(str(raw), "id", None) or 0]
    async with runtime(request).db.unit_of_work() as uow:
        await mark_read(uow, user.id, ids)
    return RedirectResponse("/notifications", status_code=303)


routes = [
    Route("/notifications", page),
    Route("/notifications/read", page_read, methods=["POST"]),
    Route("/api/v1/notifications", api_list, methods=["GET"]),
    Route("/api/v1/notifications/unread", api_unread, methods=["GET"]),
    Route("/api/v1/notifications/read", api_read, methods=["POST"]),
]
