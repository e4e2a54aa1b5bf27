"""Setting and clearing the session cookie, shared by the HTML form and the JSON API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from twinspace.accounts.auth import LoggedIn, check_login, do_end_session
from twinspace.accounts.cookies import SESSION_COOKIE
from twinspace.accounts.models import User
from twinspace.realtime.handlers import disconnect_sessions
from twinspace.web.context import client_address, get_auth, runtime


def user_json(user: User) -> dict[str, object]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "kind": user.kind,
        "country": user.country_code,
        "email": user.email,
        "email_verified": user.email_verified_at is not None,
    }


async def log_in(request: Request, username: object, password: object) -> LoggedIn:
    rt = runtime(request)
    logged_in = await check_login(
        rt.db, rt.passwords, rt.settings, username, password, client_address(request)
    )
    previous = await get_auth(request)
    if previous.session is not None:  # a new id at every login
        await do_end_session(rt.db, previous.session.id)
        await disconnect_sessions(rt, [previous.session.id])
    return logged_in


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    rt = runtime(request)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=rt.settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=rt.settings.secure_cookies or request.url.scheme == "https",
        path="/",
    )


async def log_out(request: Request, response: Response) -> None:
    rt = runtime(request)
    auth = await get_auth(request)
    if auth.session is not None:
        await do_end_session(rt.db, auth.session.id)
        await disconnect_sessions(rt, [auth.session.id])
    response.delete_cookie(SESSION_COOKIE, path="/")
