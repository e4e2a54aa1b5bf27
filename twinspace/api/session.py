"""/api/v1/session and /api/v1/me."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from twinspace.answers import Credentials, MeOut, SessionOut
from twinspace.schema import declare
from twinspace.web.context import check_api_write, check_origin, json_body, require_user
from twinspace.web.login import log_in, log_out, set_session_cookie, user_json


@declare(
    "Log in: answers the session cookie and the CSRF token",
    body=Credentials,
    answer=SessionOut,
    errors=(401, 403, 429),
    auth="none",
)
async def create_session(request: Request) -> JSONResponse:
    check_origin(request)
    body = await json_body(request)
    logged_in = await log_in(request, body.get("username"), body.get("password"))
    response = JSONResponse(
        {"ok": True, "user": user_json(logged_in.user), "csrf_token": logged_in.session.csrf_token}
    )
    set_session_cookie(request, response, logged_in.token)
    return response


@declare("Log out")
async def delete_session(request: Request) -> JSONResponse:
    await check_api_write(request)
    response = JSONResponse({"ok": True})
    await log_out(request, response)
    return response


@declare("Who is logged in (and the CSRF token)", answer=MeOut)
async def me(request: Request) -> JSONResponse:
    auth, user = await require_user(request)
    assert auth.session is not None
    return JSONResponse({**user_json(user), "csrf_token": auth.session.csrf_token})


routes = [
    Route("/api/v1/session", create_session, methods=["POST"]),
    Route("/api/v1/session", delete_session, methods=["DELETE"]),
    Route("/api/v1/me", me, methods=["GET"]),
]
