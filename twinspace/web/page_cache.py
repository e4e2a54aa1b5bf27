"""Rendered pages kept per process, so that a page read again costs one statement instead
of its queries and templates.

A page is kept under everything it was rendered from:

- the content epoch, read in the same statement as the reader's session (``get_page_reader``,
  see ``twinspace/content_epoch.py``): any committed write to anything a page shows, in any
  process or CLI command, changes it, so a kept page is never older than the last write;
- who reads it (their account, their unread notifications), in which language and time
  zone, and the exact address (scheme, host, path and query) — what one reader is shown is
  never served to another;
- the clock: a page saying "just now" or "5 minutes ago" is kept only until that text
  would change (``watching_the_clock``), and no page is kept past the day (UTC) it was
  rendered on (Home's upcoming calendar events start from today).

What must differ between two answers is a placeholder in the kept page, filled in for
each answer: the CSP nonce and the mask of the CSRF token. Only ``200 text/html`` answers
to GET are kept; anything else (a redirect, an error, JSON) passes through unchanged.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from twinspace.i18n.formatting import current_reader, watching_the_clock
from twinspace.web.context import CSRF_SLOT, NONCE_SLOT, get_page_reader
from twinspace.web.csrf import mask_token

View = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class KeptPage:
    body: str
    status: int
    headers: tuple[tuple[bytes, bytes], ...]
    valid_until: datetime | None


class PageCache:
    """A bounded LRU of rendered pages (by total size of their text)."""

    def __init__(self, max_chars: int = 32 * 1024 * 1024) -> None:
        self.max_chars = max_chars
        self.pages: OrderedDict[tuple[Any, ...], KeptPage] = OrderedDict()
        self.chars = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple[Any, ...], now: datetime) -> KeptPage | None:
        page = self.pages.get(key)
        if page is None or (page.valid_until is not None and now >= page.valid_until):
            if page is not None:
                self._drop(key)
            self.misses += 1
            return None
        self.pages.move_to_end(key)
        self.hits += 1
        return page

    def put(self, key: tuple[Any, ...], page: KeptPage) -> None:
        if len(page.body) > self.max_chars // 8:  # also: a cache of size 0 keeps nothing
            return
        if key in self.pages:
            self._drop(key)
        self.pages[key] = page
        self.chars += len(page.body)
        while self.chars > self.max_chars:
            self._drop(next(iter(self.pages)))

    def _drop(self, key: tuple[Any, ...]) -> None:
        self.chars -= len(self.pages.pop(key).body)


def _filled(request: Request, body: str, csrf_token: str | None) -> bytes:
    body = body.replace(NONCE_SLOT, getattr(request.state, "csp_nonce", ""))
    if csrf_token is not None:
        body = body.replace(CSRF_SLOT, mask_token(csrf_token))
    return body.encode()


def _answer(
    request: Request, body: str, status: int, headers: Any, csrf_token: str | None
) -> Response:
    response = Response(_filled(request, body, csrf_token), status)
    response.raw_headers = [
        *(h for h in headers if h[0] != b"content-length"),
        (b"content-length", str(len(response.body)).encode()),
    ]
    return response


def cached_page(view: View) -> View:
    """Keep the HTML pages ``view`` renders (see the module's docstring)."""

    @functools.wraps(view)
    async def cached(request: Request) -> Response:
        if request.method != "GET":
            return await view(request)
        cache: PageCache = request.app.state.page_cache
        if cache.max_chars == 0:
            return await view(request)
        reader = await get_page_reader(request)
        now = datetime.now(UTC)
        key = (
            now.date(),
            view.__module__,
            view.__qualname__,
            request.url.scheme,
            request.headers.get("host", ""),
            request.url.path,
            request.url.query,
            getattr(request.state, "locale", ""),
            current_reader(),
            reader.user_id,
            reader.unread,
            reader.content_epoch,
        )
        csrf_token = reader.csrf_token
        kept = cache.get(key, now)
        if kept is not None:
            return _answer(request, kept.body, kept.status, kept.headers, csrf_token)
        request.state.filling_page_cache = True
        try:
            with watching_the_clock() as changes:
                response = await view(request)
        finally:
            request.state.filling_page_cache = False
        rendered = getattr(response, "body", None)
        if not isinstance(rendered, bytes | memoryview) or not response.headers.get(
            "content-type", ""
        ).startswith("text/html"):
            return response  # a redirect, JSON: nothing was rendered with placeholders
        body = bytes(rendered).decode(response.charset)
        if response.status_code == 200 and "set-cookie" not in response.headers:
            kept_headers = tuple(h for h in response.raw_headers if h[0] != b"content-length")
            cache.put(key, KeptPage(body, 200, kept_headers, min(changes, default=None)))
        return _answer(request, body, response.status_code, response.raw_headers, csrf_token)

    return cached
