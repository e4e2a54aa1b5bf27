"""What every view needs: the runtime, who is asking, CSRF/Origin checks, JSON bodies
and template rendering with the reader's language."""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy import Select, bindparam, select
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from twinspace.accounts.auth import SessionUserRead, session_id_of, session_is_live
from twinspace.accounts.cookies import SESSION_COOKIE
from twinspace.accounts.models import AuthSession, User
from twinspace.content_epoch import content_epoch_column
from twinspace.errors import Forbidden, Invalid, Unauthorized
from twinspace.i18n import N_, gettext_for, translations
from twinspace.i18n.formatting import current_reader, set_reader
from twinspace.notifications.service import unread_column
from twinspace.payloads import TooDeep, check_payload
from twinspace.payloads import loads as json_loads
from twinspace.runtime import Runtime
from twinspace.schema import check_body
from twinspace.web.csrf import mask_token, token_matches

JSON_BODY_MAX = 256 * 1024  # a blog post of 100,000 characters fits
# Placeholders of a page rendered for the page cache (twinspace/web/page_cache.py): each
# answer gets its own CSP nonce and its own mask of the CSRF token. Random per process, so
# that no content can contain them; letters and digits only, which no escaping changes.
NONCE_SLOT = "nonce" + secrets.token_hex(16)
CSRF_SLOT = "csrf" + secrets.token_hex(16)


class CsrfFailed(Forbidden):
    code = "csrf_failed"


@dataclass(frozen=True)
class RequestAuth:
    session: AuthSession | None
    user: User | None
    unread: int = 0  # the user's unread notifications (the bell in the page's header)


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime


_SESSION_USER_UNREAD = SessionUserRead.with_columns(unread_column(User.id))


async def get_auth(request: Request) -> RequestAuth:
    cached = getattr(request.state, "auth", None)
    if cached is not None:
        return cached
    auth = RequestAuth(None, None)
    session_id = session_id_of(request.cookies.get(SESSION_COOKIE))
    if session_id is not None:  # one statement: the session, its user and the bell's count
        found = await _SESSION_USER_UNREAD(runtime(request).db, session_id)
        if found is not None:
            session, user, (unread,) = found
            auth = RequestAuth(session, user, int(unread or 0))
    if auth.user is not None and auth.user.time_zone:
        set_reader(zone=auth.user.time_zone)
    request.state.auth = auth
    return auth


@dataclass(frozen=True)
class PageReader:
    """Who reads a page, as the page cache needs it: without loading the account."""

    user_id: int | None
    csrf_token: str | None
    unread: int
    content_epoch: int


@functools.cache
def _reader_statement() -> Select[tuple[Any, ...]]:
    return (
        select(
            AuthSession.expires_at,
            AuthSession.csrf_token,
            User.id,
            User.is_active,
            User.time_zone,
            unread_column(User.id),
            content_epoch_column(),
        )
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.id == bindparam("session_id"))
    )


@functools.cache
def _public_epoch_statement() -> Select[tuple[Any, ...]]:
    return select(content_epoch_column())


async def get_page_reader(request: Request) -> PageReader:
    """``get_auth``'s answer in one Core statement (no ORM objects) with the content epoch;
    a reader whose session is missing, expired or disabled reads as the public."""
    db = runtime(request).db
    session_id = session_id_of(request.cookies.get(SESSION_COOKIE))
    if session_id is not None:
        found = await db.statement_rows(_reader_statement(), {"session_id": session_id})
        if found:
            expires_at, csrf_token, user_id, is_active, time_zone, unread, epoch = found[0]
            if session_is_live(expires_at, is_active):
                if time_zone:
                    set_reader(zone=time_zone)
                return PageReader(user_id, csrf_token, int(unread or 0), int(epoch or 0))
    epoch = (await db.statement_rows(_public_epoch_statement()))[0][0]
    return PageReader(None, None, 0, int(epoch or 0))


async def require_user(request: Request) -> tuple[RequestAuth, User]:
    auth = await get_auth(request)
    if auth.user is None:
        raise Unauthorized(N_("Log in first."))
    return auth, auth.user


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def check_origin(request: Request) -> None:
    """Refuse unsafe requests whose Origin (or Referer) is another site."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise CsrfFailed(N_("This request came from another site."))
        return
    parts = urlsplit(origin)
    source = f"{parts.scheme}://{parts.netloc}"
    allowed = {f"{request.url.scheme}://{request.headers.get('host', '')}"}
    allowed.update(runtime(request).settings.allowed_origins)
    if source not in allowed:
        raise CsrfFailed(N_("This request came from another site."))


def check_csrf(request: Request, auth: RequestAuth, token: str | None) -> None:
    check_origin(request)
    if auth.session is None:
        raise Unauthorized(N_("Log in first."))
    if not token_matches(token, auth.session.csrf_token):
        raise CsrfFailed(
            N_("The security token is missing or out of date. Reload the page and try again.")
        )


async def check_api_write(request: Request) -> tuple[RequestAuth, User]:
    auth, user = await require_user(request)
    check_csrf(request, auth, request.headers.get("x-csrf-token"))
    return auth, user


async def check_form_write(request: Request) -> tuple[RequestAuth, User, Any]:
    auth, user = await require_user(request)
    form = await request.form()
    token = form.get("csrf_token")
    check_csrf(request, auth, token if isinstance(token, str) else None)
    return auth, user, form


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > JSON_BODY_MAX:
        raise Invalid(N_("The request body is too large."))
    try:
        body = json_loads(raw or b"null")
    except TooDeep:
        raise Invalid(N_("The data is nested too deeply.")) from None
    except (ValueError, UnicodeDecodeError):
        raise Invalid(N_("The request body must be JSON.")) from None
    if not isinstance(body, dict):
        raise Invalid(N_("The request body must be a JSON object."))
    check_payload(body)  # no 30-digit id, NUL or lone surrogate reaches the database
    check_body(request.scope.get("endpoint"), request.method, body)  # the route's declared schema
    return body


def locale_of(request: Request) -> str:
    return getattr(request.state, "locale", "en")


def translate(request: Request, message: str) -> str:
    return gettext_for(locale_of(request))(message)


def language_href(request: Request, code: str) -> str:
    """This page in another language: the same path and query, with ``lang`` replaced."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    return "?" + urlencode([*query, ("lang", code)])


async def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    auth = await get_auth(request)
    locale = locale_of(request)
    filling_cache = getattr(request.state, "filling_page_cache", False)
    base = {
        "_": gettext_for(locale),
        "locale": locale,
        # a page rendered for the cache holds placeholders, filled in for each answer
        "csp_nonce": NONCE_SLOT if filling_cache else getattr(request.state, "csp_nonce", ""),
        "user": auth.user,
        "csrf_token": (CSRF_SLOT if filling_cache else mask_token(auth.session.csrf_token))
        if auth.session
        else "",
        "assets_built": request.app.state.assets.built,
        "unread_notifications": auth.unread,
        "mail_verification": bool(runtime(request).settings.smtp_url),
        "ngettext": translations(locale).ngettext,
        "reader": current_reader(),
        "lang_href": lambda code: language_href(request, code),
        "max_upload_bytes": runtime(request).settings.max_upload_bytes,
    }
    base.update(context or {})
    return templates.TemplateResponse(request, template, base, status_code=status_code)
