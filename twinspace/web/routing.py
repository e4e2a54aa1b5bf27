"""Starlette's router, trying only the routes that can match the request's first path
segment.

Starlette tries every route's regular expression in order until one matches; with the
few hundred routes of TwinSpace that was a sixth of the time of a page served from the page
cache. Here the routes are grouped by the literal first segment of their path ("spaces",
"api", "static"); a route whose first segment is a parameter (or that has no path) is in
every group. Each group keeps the routes' order, so the first route that matches — and the
first partial match that answers 405 — is the same as with Starlette's loop.
"""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Router
from starlette.types import Receive, Scope, Send

_WILDCARD = None


def _first_segment(path: str) -> str | None:
    segment = path.split("/", 2)[1] if path.startswith("/") else None
    if segment is None or "{" in segment:
        return _WILDCARD
    return segment


def index_routes(router: Router) -> None:
    """Make a Starlette application's router (``app.router``) an ``IndexedRouter``, with
    everything Starlette gave it (routes, lifespan, middleware) unchanged."""
    if router.middleware_stack != router.app:
        raise ValueError("a router with middleware of its own is not indexed")
    router.__class__ = IndexedRouter
    router.middleware_stack = router.app  # the bound method of the new class


class IndexedRouter(Router):
    _index_of: tuple[int, int] | None = None
    _groups: dict[str | None, list[BaseRoute]]

    def candidates(self, path: str) -> list[BaseRoute]:
        built_for = (id(self.routes), len(self.routes))
        if self._index_of != built_for:  # routes added since: group them again
            self._groups = self._group(self.routes)
            self._index_of = built_for
        groups = self._groups
        return groups.get(_first_segment(path), groups[_WILDCARD])

    @staticmethod
    def _group(routes: list[BaseRoute]) -> dict[str | None, list[BaseRoute]]:
        firsts = [_first_segment(getattr(route, "path", "") or "") for route in routes]
        groups: dict[str | None, list[BaseRoute]] = {_WILDCARD: []}
        for key in set(firsts) - {_WILDCARD}:
            groups[key] = []
        for route, first in zip(routes, firsts, strict=True):
            for key, members in groups.items():
                if first is _WILDCARD or first == key:
                    members.append(route)
        return groups

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.redirect_slashes is False:
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL:
                break  # Starlette's loop answers it (405): rare, so no need to be fast
        await super().app(scope, receive, send)
