"""Pages and API for what goes by mail: a forgotten password and confirming an address."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from twinspace.accounts.cookies import SESSION_COOKIE
from twinspace.accounts.mailer import mail_configured
from twinspace.accounts.recovery import (
    WeakPassword,
    check_request_reset,
    check_reset_password,
    get_reset_user,
)
from twinspace.accounts.verification import check_resend_verification, check_verify_email
from twinspace.errors import DomainError, Invalid
from twinspace.i18n import N_, gettext_for
from twinspace.realtime.handlers import disconnect_sessions
from twinspace.web.context import (
    check_api_write,
    check_form_write,
    check_origin,
    client_address,
    json_body,
    locale_of,
    render,
    runtime,
    translate,
)
from twinspace.web.login import user_json

SENT = N_(
    "If an account with this address exists, we have sent it a link to choose a new password. "
    "The link works once, for one hour. Look in your spam folder too."
)
NO_MAILER = N_(
    "This installation cannot send e-mail yet: ask an administrator of this TwinSpace server "
    "to help you choose a new password."
)
NO_MAILER_VERIFY = N_(
    "This installation cannot send e-mail yet: ask an administrator of this TwinSpace server "
    "to confirm your address."
)
PUPILS = N_("Pupils: ask your teacher, who can give you a new password.")
CHANGED = N_(
    "Your password has been changed and you have been logged out everywhere. Log in with it."
)


def link_base(request: Request) -> str:
    """Links in mail point at the configured public address (TWINSPACE_PUBLIC_URL), else at
    the address this request came to."""
    configured = runtime(request).settings.public_url
    return configured or str(request.base_url).rstrip("/")


def _gettext(request: Request):
    return gettext_for(locale_of(request))


async def _forgot(request: Request, **context: object) -> Response:
    status = int(context.pop("status", 200))  # type: ignore[call-overload]
    base = {
        "mail_configured": mail_configured(runtime(request).settings),
        "email": "",
        "no_mailer": translate(request, NO_MAILER),
        "pupils": translate(request, PUPILS),
    }
    return await render(request, "account/forgot.html", {**base, **context}, status)


async def forgot_page(request: Request) -> Response:
    return await _forgot(request)


async def forgot_submit(request: Request) -> Response:
    rt = runtime(request)
    form = await request.form()
    email = str(form.get("email", ""))[:300]
    try:
        check_origin(request)
        await check_request_reset(
            rt.db,
            rt.settings,
            email,
            client_address(request),
            link_base(request),
            _gettext(request),
        )
    except DomainError as err:
        return await _forgot(
            request, email=email, error=translate(request, err.message), status=err.status
        )
    return await _forgot(request, email=email, sent=translate(request, SENT))


async def reset_page(request: Request) -> Response:
    rt = runtime(request)
    token = request.query_params.get("token", "")
    try:
        user = await get_reset_user(rt.db, rt.settings, token)
    except DomainError as err:
        return await _forgot(request, error=translate(request, err.message), status=err.status)
    return await render(request, "account/reset.html", {"token": token, "account": user})


async def reset_submit(request: Request) -> Response:
    rt = runtime(request)
    form = await request.form()
    token = str(form.get("token", ""))
    password, again = form.get("password", ""), form.get("password_again", "")
    try:
        check_origin(request)
        user = await get_reset_user(rt.db, rt.settings, token)
        if password != again:
            raise WeakPassword(N_("The two passwords are not the same."))
        _, ended = await check_reset_password(rt.db, rt.passwords, rt.settings, token, password)
    except WeakPassword as err:
        context = {"token": token, "account": user, "error": translate(request, err.message)}
        return await render(request, "account/reset.html", context, err.status)
    except DomainError as err:
        return await _forgot(request, error=translate(request, err.message), status=err.status)
    await disconnect_sessions(rt, ended)
    context = {"next": "/", "username": "", "notice": translate(request, CHANGED)}
    response = await render(request, "login.html", context)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def verify_page(request: Request) -> Response:
    rt = runtime(request)
    try:
        user = await check_verify_email(rt.db, rt.settings, request.query_params.get("token"))
    except DomainError as err:
        context = {"title": translate(request, N_("Confirm your e-mail address"))}
        return await render(
            request,
            "account/notice.html",
            {**context, "error": translate(request, err.message)},
            err.status,
        )
    message = translate(request, N_("Thank you: %(email)s is confirmed.")) % {"email": user.email}
    context = {"title": translate(request, N_("Address confirmed")), "message": message}
    return await render(request, "account/notice.html", context)


async def resend_submit(request: Request) -> Response:
    rt = runtime(request)
    _, user, _ = await check_form_write(request)
    title = translate(request, N_("Confirm your e-mail address"))
    try:
        await check_resend_verification(
            rt.db, rt.settings, user, link_base(request), _gettext(request)
        )
    except DomainError as err:
        context = {"title": title, "error": translate(request, err.message)}
        return await render(request, "account/notice.html", context, err.status)
    message = translate(
        request, N_("We have sent a new confirmation link to %(email)s. It works for seven days.")
    ) % {"email": user.email}
    if not mail_configured(rt.settings):
        message = translate(request, NO_MAILER_VERIFY)
    return await render(request, "account/notice.html", {"title": title, "message": message})


# --- JSON API ------------------------------------------------------------------------------


async def api_request_reset(request: Request) -> JSONResponse:
    check_origin(request)
    rt = runtime(request)
    body = await json_body(request)
    await check_request_reset(
        rt.db,
        rt.settings,
        body.get("email"),
        client_address(request),
        link_base(request),
        _gettext(request),
    )
    configured = mail_configured(rt.settings)
    message = translate(request, SENT if configured else NO_MAILER)
    return JSONResponse({"ok": True, "mail_configured": configured, "message": message}, 202)


async def api_confirm_reset(request: Request) -> JSONResponse:
    check_origin(request)
    rt = runtime(request)
    body = await json_body(request)
    try:
        _, ended = await check_reset_password(
            rt.db, rt.passwords, rt.settings, body.get("token"), body.get("password")
        )
    except WeakPassword as err:
        message = translate(request, err.message)
        return JSONResponse(
            {"ok": False, "error": err.code, "message": message, "fields": {"password": message}},
            err.status,
        )
    await disconnect_sessions(rt, ended)
    response = JSONResponse({"ok": True, "message": translate(request, CHANGED)})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def api_resend_verification(request: Request) -> JSONResponse:
    rt = runtime(request)
    _, user = await check_api_write(request)
    await check_resend_verification(rt.db, rt.settings, user, link_base(request), _gettext(request))
    return JSONResponse({"ok": True, "mail_configured": mail_configured(rt.settings)}, 202)


async def api_confirm_verification(request: Request) -> JSONResponse:
    check_origin(request)
    rt = runtime(request)
    body = await json_body(request)
    token = body.get("token")
    if not isinstance(token, str):
        raise Invalid(N_("The link is incomplete."))
    user = await check_verify_email(rt.db, rt.settings, token)
    return JSONResponse({"ok": True, "user": user_json(user)})


routes = [
    Route("/forgot-password", forgot_page, methods=["GET"]),
    Route("/forgot-password", forgot_submit, methods=["POST"]),
    Route("/reset-password", reset_page, methods=["GET"]),
    Route("/reset-password", reset_submit, methods=["POST"]),
    Route("/verify-email", verify_page, methods=["GET"]),
    Route("/verify-email/resend", resend_submit, methods=["POST"]),
    Route("/api/v1/password-reset", api_request_reset, methods=["POST"]),
    Route("/api/v1/password-reset/confirm", api_confirm_reset, methods=["POST"]),
    Route("/api/v1/email-verification", api_resend_verification, methods=["POST"]),
    Route("/api/v1/email-verification/confirm", api_confirm_verification, methods=["POST"]),
]
