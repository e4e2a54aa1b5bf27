"""Latest activities: the full paginated page, the HTML fragment live updates fetch, the API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from twinspace.db import UnitOfWork
from twinspace.errors import Invalid
from twinspace.i18n import N_, gettext_for
from twinspace.people import schemas as S
from twinspace.people.common import member_access
from twinspace.people.feed import PAGE_SIZE, get_feed
from twinspace.permissions import Room
from twinspace.schema import declare
from twinspace.web.context import get_auth, locale_of, render, runtime
from twinspace.web.shell import shell_context


def _cursor(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    if not raw.isdecimal() or len(raw) > 12:
        raise Invalid(N_("'before' and 'after' must be whole numbers."))
    return int(raw)


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit", str(PAGE_SIZE))
    if not raw.isdecimal() or not 1 <= int(raw) <= 100:
        raise Invalid(N_("'limit' must be between 1 and 100."))
    return int(raw)


async def _load(request: Request):  # noqa: ANN202
    auth = await get_auth(request)
    rt = runtime(request)
    async with rt.db.read() as session:
        access = await member_access(session, auth.user, request.path_params["space_id"])
        items, older = await get_feed(
            UnitOfWork(session),
            access,
            auth.user,
            rt.settings,
            gettext_for(locale_of(request)),
            before=_cursor(request, "before"),
            after=_cursor(request, "after"),
            limit=_limit(request),
        )
    return access, items, older


async def activity_page(request: Request) -> Response:
    access, items, older = await _load(request)
    if request.query_params.get("fragment") == "items":
        return await render(request, "people/_feed_items.html", {"items": items})
    context = {**shell_context(access, Room.HOME), "items": items, "older": older}
    return await render(request, "people/activity.html", context)


@declare(
    "The TwinSpace's activity feed, newest first",
    query=S.FeedQuery,
    answer=S.FeedOut,
    auth="public",
)
async def api_feed(request: Request) -> JSONResponse:
    _, items, older = await _load(request)
    return JSONResponse({"items": [i.json() for i in items], "before": older})


routes = [
    Route("/spaces/{space_id:int}/activity", activity_page, methods=["GET"]),
    Route("/api/v1/spaces/{space_id:int}/feed", api_feed, methods=["GET"]),
]
