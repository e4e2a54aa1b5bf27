"""Per-request context set before any view runs: a CSP nonce, the reader's language
(``?lang=`` remembered in a cookie) and the security headers on every response."""

from __future__ import annotations

import contextlib
import secrets
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twinspace.accounts.cookies import LANG_COOKIE, ZONE_COOKIE
from twinspace.i18n import LOCALES, negotiate
from twinspace.i18n.formatting import start_reader


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp, *, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query_lang = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang", [None])[
            0
        ]
        jar: SimpleCookie = SimpleCookie()
        with contextlib.suppress(CookieError):
            jar.load(headers.get("cookie", ""))
        cookie_lang = jar[LANG_COOKIE].value if LANG_COOKIE in jar else None
        locale = negotiate(query_lang, cookie_lang, headers.get("accept-language"))
        nonce = secrets.token_urlsafe(16)
        state = scope.setdefault("state", {})
        state["locale"] = locale
        start_reader(locale, jar[ZONE_COOKIE].value if ZONE_COOKIE in jar else None)
        state["csp_nonce"] = nonce
        remember = query_lang in LOCALES and query_lang != cookie_lang
        secure = "; Secure" if self.secure_cookies else ""

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (
                        b"content-security-policy",
                        (
                            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
                            "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                            "form-action 'self'"
                        ).encode(),
                    ),
                ]
                if remember:
                    extra.append(
                        (
                            b"set-cookie",
                            (
                                f"{LANG_COOKIE}={query_lang}; Path=/; Max-Age=31536000; "
                                f"SameSite=Lax{secure}"
                            ).encode(),
                        )
                    )
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)
