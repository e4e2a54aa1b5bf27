"""The indexed router (twinspace/web/routing.py) picks the same route as Starlette's loop
over every route, for every route of the app and its near misses."""

from __future__ import annotations

import re

import pytest
from starlette.routing import BaseRoute, Match, Router

from twinspace.app import create_app
from twinspace.settings import Settings
from twinspace.web.routing import IndexedRouter

SAMPLES = {"int": "7", "path": "a/b.txt", "str": "x", "float": "1.5"}
PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_]+))?}")


def sample(path: str) -> str:
    return PARAM.sub(lambda m: SAMPLES.get(m.group(2) or "str", "x"), path)


def first_full(routes: list[BaseRoute], path: str, method: str) -> BaseRoute | None:
    scope = {"type": "http", "path": path, "root_path": "", "method": method}
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return route
    return None


@pytest.fixture
def router(settings: Settings) -> Router:
    router = create_app(settings).starlette.router
    assert isinstance(router, IndexedRouter)
    return router


def test_the_indexed_router_chooses_the_route_starlette_would(router: IndexedRouter) -> None:
    paths = {"/", "/nope", "/spaces/7/nope", "/static/nope.css", "/api/v1/nope"}
    for route in router.routes:
        path = getattr(route, "path", None)
        if path is None:
            continue
        example = sample(path) or "/"
        paths |= {example, example + "/", example.rstrip("/") + "x", example + "/more"}
    assert len(paths) > 400
    for path in sorted(paths):
        for method in ("GET", "POST", "DELETE"):
            expected = first_full(router.routes, path, method)
            chosen = first_full(router.candidates(path), path, method)
            assert chosen is expected, (method, path, chosen, expected)
