"""Rendered pages kept per process (twinspace/web/page_cache.py, issue #14): a page read
again costs one statement, and is still never older than the last write — made through
the app, or by another process (a CLI command) — nor meant for another reader, nor
saying "just now" a minute later; each answer has its own CSP nonce and CSRF mask."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update

from tests.conftest import RunningServer
from tests.support import StatementCounter, api_login
from tests.test_privacy import cli
from twinspace.db import utcnow
from twinspace.events import Event
from twinspace.settings import Settings

NONCE = re.compile(r'nonce="([^"]+)"')
CSRF = re.compile(r'data-csrf="([^"]+)"')


def without_per_answer_values(html: str) -> str:
    """The page without its nonce and its CSRF mask (the same in every form of a page)."""
    for pattern in (NONCE, CSRF):
        for value in set(pattern.findall(html)):
            html = html.replace(value, "")
    return html


async def _clock_text_changes_soon(server: RunningServer, margin: float = 5.0) -> bool:
    """Whether the page just kept says something like "17 minutes ago" that changes within
    ``margin`` seconds (the test database was seeded when the run began); if so, wait until
    it has changed, so that two reads cannot straddle that moment."""
    cache = server.server.config.app.starlette.state.page_cache
    until = next(reversed(cache.pages.values())).valid_until
    if until is None:
        return False
    left = (until - datetime.now(UTC)).total_seconds()
    if left > margin:
        return False
    await asyncio.sleep(max(left, 0) + 0.05)
    return True


async def test_a_page_read_again_costs_one_statement_with_a_fresh_nonce_and_csrf_mask(
    server: RunningServer,
) -> None:
    anne = await api_login(server.url, "anne")
    try:
        first = await anne.get("/spaces/1")
        if await _clock_text_changes_soon(server):  # e.g. "17 minutes ago" of the seed data
            first = await anne.get("/spaces/1")  # kept again, now valid for about a minute
        with StatementCounter(server.runtime.db) as counter:
            second = await anne.get("/spaces/1")
        assert first.status_code == second.status_code == 200
        assert counter.count == 1  # the session, its user, the bell and the content epoch
        assert without_per_answer_values(first.text) == without_per_answer_values(second.text)
        nonces = [set(NONCE.findall(answer.text)) for answer in (first, second)]
        assert all(len(found) == 1 for found in nonces) and nonces[0] != nonces[1]
        for answer, found in zip((first, second), nonces, strict=True):
            assert f"'nonce-{found.pop()}'" in answer.headers["content-security-policy"]
        masks = [CSRF.search(answer.text).group(1) for answer in (first, second)]
        assert masks[0] != masks[1]
        for mask in masks:  # the page kept for anne still carries a token her session accepts
            title = f"Page sent with mask {mask[:6]}"
            made = await anne.post(
                "/api/v1/spaces/1/rooms/activities/pages",
                json={"title": title},
                headers={"X-CSRF-Token": mask},
            )
            assert made.status_code == 201, made.text
    finally:
        await anne.aclose()


async def test_a_write_through_the_app_shows_on_the_next_read(server: RunningServer) -> None:
    anne = await api_login(server.url, "anne")
    try:
        before = await anne.get("/spaces/1")
        assert "Our weather diary" not in before.text
        made = await anne.post(
            "/api/v1/spaces/1/rooms/activities/pages", json={"title": "Our weather diary"}
        )
        assert made.status_code == 201, made.text
        after = await anne.get("/spaces/1")
        assert "Our weather diary" in after.text
    finally:
        await anne.aclose()


async def test_a_write_by_another_process_shows_on_the_next_read(
    server: RunningServer, settings: Settings
) -> None:
    anne = await api_login(server.url, "anne")
    try:
        before = await anne.get("/spaces/1")
        assert "Léa" in before.text
        done = await asyncio.to_thread(cli, settings, "privacy", "erase", "lea", "--yes")
        assert done.returncode == 0, done.stderr
        after = await anne.get("/spaces/1")
        assert "Léa" not in after.text
    finally:
        await anne.aclose()


async def test_each_reader_gets_the_page_rendered_for_them(server: RunningServer) -> None:
    anne, lea = await api_login(server.url, "anne"), await api_login(server.url, "lea")
    public = httpx.AsyncClient(base_url=server.url)
    try:
        assert 'href="/spaces/1/publish"' in (await anne.get("/spaces/1")).text
        assert 'href="/spaces/1/publish"' not in (await lea.get("/spaces/1")).text
        assert 'href="/spaces/1/publish"' in (await anne.get("/spaces/1")).text
        page = "/spaces/1/pages/1"
        member, outsider = (await lea.get(page)).text, (await public.get(page)).text
        assert "Léa" in member and "Léa" not in outsider  # pupils' names stay in the TwinSpace
        assert 'data-csrf=""' in outsider or "data-csrf" not in outsider
    finally:
        for client in (anne, lea, public):
            await client.aclose()


async def test_a_page_saying_just_now_is_not_kept_past_the_minute(
    server: RunningServer,
) -> None:
    anne = await api_login(server.url, "anne")
    try:
        made = await anne.post(
            "/api/v1/spaces/1/rooms/activities/pages", json={"title": "Minute page"}
        )
        assert made.status_code == 201, made.text
        almost_a_minute_ago = utcnow() - timedelta(seconds=58)
        async with server.runtime.db.unit_of_work() as uow:
            await uow.session.execute(
                update(Event)
                .where(Event.type == "page.added", Event.data["title"].as_string() == "Minute page")
                .values(created_at=almost_a_minute_ago)
            )
        item = re.compile(r"Minute page.*?</a>\s*<time[^>]*>([^<]+)</time>", re.S)
        first = item.search((await anne.get("/spaces/1")).text)
        assert first is not None and first.group(1) == "just now"
        await asyncio.sleep(max(0.0, 60.5 - (utcnow() - almost_a_minute_ago).total_seconds()))
        later = item.search((await anne.get("/spaces/1")).text)
        assert later is not None and later.group(1) == "1 minute ago"
    finally:
        await anne.aclose()


async def test_metrics_count_the_pages_served_from_the_cache(server: RunningServer) -> None:
    def figure(text: str, name: str) -> float:
        found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.M)
        assert found is not None, name
        return float(found.group(1))

    public = httpx.AsyncClient(base_url=server.url)
    try:
        assert (await public.get("/gallery?first")).status_code == 200
        await _clock_text_changes_soon(server)  # the three reads below fall within a minute
        before = (await public.get("/metrics")).text
        for _ in range(3):
            assert (await public.get("/gallery")).status_code == 200
        after = (await public.get("/metrics")).text
        hits = 'twinspace_page_cache_reads_total{outcome="hit"}'
        misses = 'twinspace_page_cache_reads_total{outcome="miss"}'
        assert figure(after, hits) - figure(before, hits) == 2
        assert figure(after, misses) - figure(before, misses) == 1
        assert figure(after, "twinspace_page_cache_characters") > 1000
    finally:
        await public.aclose()
