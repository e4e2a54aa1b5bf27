"""The browser assets: content-hashed names from the build's manifest, and their caching.

``frontend/build.mjs`` writes ``static/build/manifest.json`` (source → hashed file). Pages
link assets through :meth:`Assets.url`, so a new build changes every URL it changes and the
files themselves can be cached for a year."""

from __future__ import annotations

import json
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"  # unhashed files: ETag / Last-Modified


class Assets:
    def __init__(self, static_dir: Path) -> None:
        self.static_dir = static_dir
        try:
            raw = (static_dir / "build" / "manifest.json").read_text(encoding="utf-8")
            self.manifest: dict[str, str] = json.loads(raw)
        except (OSError, ValueError):
            self.manifest = {}

    @property
    def built(self) -> bool:
        return "src/app.js" in self.manifest

    def url(self, source: str) -> str:
        """``asset("static/css/base.css")`` → ``/static/build/base-Z6UKGFBZ.css`` once built,
        the unhashed file otherwise (a checkout before ``npm run build``)."""
        hashed = self.manifest.get(source)
        if hashed is not None:
            return f"/static/{hashed}"
        return "/" + source.removeprefix("frontend/")


class CachedStaticFiles(StaticFiles):
    """Static files with Cache-Control: hashed build outputs are immutable; anything else is
    revalidated (Starlette answers 304 from its ETag and Last-Modified)."""

    def file_response(
        self, full_path, stat_result, scope: Scope, status_code: int = 200
    ) -> Response:  # type: ignore[no-untyped-def]
        response = super().file_response(full_path, stat_result, scope, status_code)
        path = scope.get("path", "")
        response.headers["cache-control"] = (
            IMMUTABLE
            if "/build/" in f"/{path}" and not path.endswith("manifest.json")
            else REVALIDATE
        )
        return response


async def favicon(request: Request) -> Response:
    """Browsers ask for /favicon.ico whatever the page links: send them to the icon."""
    url = request.app.state.assets.url("static/img/favicon.svg")
    return RedirectResponse(
        url, status_code=301, headers={"cache-control": "public, max-age=86400"}
    )


routes = [Route("/favicon.ico", favicon, methods=["GET"])]
