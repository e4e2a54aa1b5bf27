"""Who is asking, for network views: a logged-in teacher, platform member, officer or admin."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from twinspace.accounts.models import User
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.network.forms import FormInvalid
from twinspace.permissions import access_network, access_reach_out
from twinspace.web.context import (
    check_api_write,
    locale_of,
    require_user,
    runtime,
    translate,
)


async def network_reader(request: Request) -> User:
    _, user = await require_user(request)
    access_network(user.kind, user.school_id is not None)
    return user


async def network_writer(request: Request) -> User:
    _, user = await check_api_write(request)
    access_network(user.kind, user.school_id is not None)
    return user


def reach_out(request: Request, user: User) -> None:
    """Publishing and contact requests wait for a confirmed address (see access_reach_out)."""
    mail_on = bool(runtime(request).settings.smtp_url)
    access_reach_out(user.kind, bool(user.email), user.email_verified_at is not None, mail_on)


def form_error_json(request: Request, err: FormInvalid) -> JSONResponse:
    return JSONResponse(
        {
            "ok": False,
            "error": err.code,
            "message": translate(request, err.message),
            "fields": {k: translate(request, v) for k, v in err.fields.items()},
        },
        err.status,
    )


def api(view: Callable[[Request], Awaitable[Response]]) -> Callable[[Request], Awaitable[Response]]:
    """Field errors answer with {"fields": {name: message}} in the reader's language."""

    @wraps(view)
    async def wrapped(request: Request) -> Response:
        try:
            return await view(request)
        except FormInvalid as err:
            return form_error_json(request, err)

    return wrapped


def lang(request: Request) -> str:
    return locale_of(request)


def path_choice(request: Request, name: str, options: tuple[str, ...]) -> str:
    value = request.path_params[name]
    if value not in options:
        raise NotFound(N_("Page not found."))
    return value
