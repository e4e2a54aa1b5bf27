"""HTTP like a well-kept site: compressed answers, hashed static files cached for a year,
private pages and JSON never stored, public pages revalidated with an ETag, and a CSRF
token that differs in every compressed page (BREACH) yet is accepted."""

from __future__ import annotations

import re

import httpx

from tests.conftest import RunningServer
from tests.support import api_login

GZIP = {"accept-encoding": "gzip"}


async def test_public_pages_are_compressed_and_revalidated_with_an_etag(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        for path in ("/", "/login", "/spaces/1/pages/1"):
            first = await http.get(path, headers=GZIP)
            assert first.status_code == 200
            assert first.headers["content-encoding"] == "gzip"
            assert first.headers["cache-control"] == "no-cache"
            assert "Cookie" in first.headers["vary"]
            etag = first.headers["etag"]
            again = await http.get(path, headers={**GZIP, "if-none-match": etag})
            assert again.status_code == 304, path
            assert again.content == b""
            stale = await http.get(path, headers={"if-none-match": 'W/"not-it"'})
            assert stale.status_code == 200 and stale.headers["etag"] == etag


async def test_a_public_page_changes_its_etag_when_its_content_changes(
    server: RunningServer,
) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        english = await http.get("/spaces/1/pages/1?lang=en")
        french = await http.get("/spaces/1/pages/1?lang=fr")
    assert english.headers["etag"] != french.headers["etag"]


async def test_private_pages_and_api_answers_are_never_stored(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    try:
        for path in ("/spaces/1", "/spaces/1/pages/2", "/api/v1/me", "/api/v1/spaces"):
            answer = await anne.get(path, headers=GZIP)
            assert answer.status_code == 200, path
            assert answer.headers["cache-control"] == "no-store", path
            assert "etag" not in answer.headers
        home = await anne.get("/spaces/1", headers=GZIP)
        assert home.headers["content-encoding"] == "gzip"
    finally:
        await anne.aclose()
    async with httpx.AsyncClient(base_url=server.url) as http:
        refused = await http.get("/api/v1/me")
        assert refused.status_code == 401
        assert refused.headers["cache-control"] == "no-store"


async def test_static_files_have_hashed_names_cached_for_a_year(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as http:
        page = (await http.get("/login")).text
        links = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
        assert any(link.endswith(".css") for link in links)
        assert any(link.endswith(".js") for link in links)
        for link in links:
            assert re.search(r"-[A-Z0-9]{8}\.\w+$", link), f"{link} has no content hash"
            answer = await http.get(link, headers=GZIP)
            assert answer.status_code == 200, link
            assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
            if link.endswith((".css", ".js")) and len(answer.content) >= 1024:
                # smaller files (the print sheet) are under GZipMiddleware's minimum_size
                assert answer.headers.get("content-encoding") == "gzip", link
        icon = await http.get("/favicon.ico")
        assert icon.status_code == 301
        assert (
            (await http.get(icon.headers["location"]))
            .headers["content-type"]
            .startswith("image/svg+xml")
        )


async def test_each_page_masks_the_csrf_token_differently_and_both_are_accepted(
    server: RunningServer,
) -> None:
    anne = await api_login(server.url, "anne")
    try:
        tokens = []
        for _ in range(2):
            page = (await anne.get("/spaces/1")).text
            tokens.append(re.search(r'data-csrf="([^"]+)"', page).group(1))
        assert tokens[0] != tokens[1]
        for token in tokens:
            answer = await anne.post(
                "/api/v1/spaces/1/calendar",
                json={"title": "Masked", "starts_on": "2027-01-10", "kind": "deadline"},
                headers={"x-csrf-token": token},
            )
            assert answer.status_code < 400, answer.text
        forged = tokens[0][:-1] + ("A" if tokens[0][-1] != "A" else "B")
        refused = await anne.post(
            "/api/v1/spaces/1/calendar",
            json={"title": "Forged", "starts_on": "2027-01-10", "kind": "deadline"},
            headers={"x-csrf-token": forged},
        )
        assert refused.status_code == 403
    finally:
        await anne.aclose()
