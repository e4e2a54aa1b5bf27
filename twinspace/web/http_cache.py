"""Cache-Control for dynamic answers, and ETag/304 for public pages.

- An answer that already says how to cache it (static files, downloads) is left alone.
- Anything under ``/api/`` and every answer to a logged-in reader (a session cookie was sent)
  is ``no-store``: a shared school computer keeps no private page or JSON.
- A public page (anonymous GET, 200, HTML) gets ``no-cache`` and a strong ETag of its body —
  the per-answer CSP nonce left out — so a browser or proxy revalidates and gets a 304.
"""

from __future__ import annotations

import hashlib
from http.cookies import SimpleCookie

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from twinspace.accounts.cookies import SESSION_COOKIE

NO_STORE = "no-store"
PUBLIC_REVALIDATE = "no-cache"


def _has_session(headers: Headers) -> bool:
    raw = headers.get("cookie")
    if not raw or SESSION_COOKIE not in raw:
        return False
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed cookie header: treat the reader as private anyway
        return True
    return SESSION_COOKIE in jar


def _etag(body: bytes, nonce: str | None) -> str:
    if nonce:
        body = body.replace(nonce.encode(), b"")
    return 'W/"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


class HttpCacheMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_headers = Headers(scope=scope)
        private = scope["path"].startswith("/api/") or _has_session(request_headers)
        if private or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, self._stamp(send, NO_STORE if private else None))
            return
        await self._public(scope, receive, send, request_headers)

    @staticmethod
    def _stamp(send: Send, value: str | None) -> Send:
        async def stamped(message: Message) -> None:
            if value and message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "cache-control" not in headers:
                    headers["cache-control"] = value
            await send(message)

        return stamped

    async def _public(
        self, scope: Scope, receive: Receive, send: Send, request_headers: Headers
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        buffering = False

        async def buffered(message: Message) -> None:
            nonlocal start, buffering
            if message["type"] == "http.response.start":
                headers = Headers(raw=message.get("headers", []))
                buffering = (
                    message["status"] == 200
                    and "cache-control" not in headers
                    and headers.get("content-type", "").startswith("text/html")
                )
                if not buffering:
                    await send(message)
                    return
                start = message
                return
            if not buffering or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            etag = _etag(body, scope.get("state", {}).get("csp_nonce"))
            headers = MutableHeaders(scope=start)
            headers["cache-control"] = PUBLIC_REVALIDATE
            headers.add_vary_header("Cookie")
            headers.add_vary_header("Accept-Language")
            headers["etag"] = etag
            if etag in {t.strip() for t in request_headers.get("if-none-match", "").split(",")}:
                del headers["content-length"]
                start["status"] = 304
                await send(start)
                await send({"type": "http.response.body", "body": b""})
                return
            headers["content-length"] = str(len(body))
            await send(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)
