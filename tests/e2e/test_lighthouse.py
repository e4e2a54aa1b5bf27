"""Lighthouse (frontend/'s npm devDependency) with Debian's chromium over a handful of
representative pages, public and logged in, with its default mobile emulation and its desktop
preset: performance ≥ 95 and best practices 100 on each.

Lighthouse drives a chromium this test starts with a remote-debugging port. The logged-in pages
get the session cookie in the browser's own cookie jar (Lighthouse keeps cookies between
runs): a Cookie passed with ``--extra-headers`` is lost as soon as the page script sets a
cookie of its own (the time zone), and the page's later requests then arrive logged out."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from playwright.async_api import async_playwright

from tests.conftest import RunningServer
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.support import api_login, free_port
from twinspace.settings import FRONTEND_DIR

LIGHTHOUSE = FRONTEND_DIR / "node_modules" / ".bin" / "lighthouse"
PUBLIC = ("/", "/login", "/spaces/1/pages/1")  # start page, a form, a public page with tools
LOGGED_IN = ("/spaces/1", "/spaces/1/chat/general")  # Home (live feed), the chat (socket)
PRESETS = ("mobile", "desktop")
MIN_PERFORMANCE = 95


async def start_chromium(profile: Path) -> tuple[asyncio.subprocess.Process, int]:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        *CHROMIUM_ARGS,
        "--headless=new",
        f"--remote-debugging-port={port}",
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                await client.get(f"http://127.0.0.1:{port}/json/version")
                return process, port
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    process.terminate()
    raise AssertionError("chromium did not open its debugging port")


async def lighthouse(url: str, port: int, preset: str) -> dict:
    args = [
        url,
        f"--port={port}",
        "--only-categories=performance,best-practices",
        "--output=json",
        "--output-path=stdout",
        "--quiet",
    ]
    if preset == "desktop":
        args.append("--preset=desktop")
    process = await asyncio.create_subprocess_exec(
        str(LIGHTHOUSE),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()[-2000:]
    return json.loads(out)


def scores(report: dict) -> tuple[int, int]:
    categories = report["categories"]
    return (
        round(categories["performance"]["score"] * 100),
        round(categories["best-practices"]["score"] * 100),
    )


def verdict(report: dict, label: str) -> list[str]:
    """What falls short, with the audits that cost points (empty when the page passes)."""
    performance, practices = scores(report)
    if performance >= MIN_PERFORMANCE and practices == 100:
        return []
    failing = [
        f"{audit['id']} {audit.get('displayValue', '')}".strip()
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    return [f"{label}: performance {performance}, best practices {practices}; {failing}"]


async def test_lighthouse_performance_and_best_practices(
    server: RunningServer, tmp_path: Path
) -> None:
    assert LIGHTHOUSE.exists(), "npm ci in frontend/ installs Lighthouse (make setup does)"
    chromium, port = await start_chromium(tmp_path / "profile")
    problems: list[str] = []
    try:
        for user, paths in ((None, PUBLIC), ("anne", LOGGED_IN)):
            if user is not None:
                client = await api_login(server.url, user)
                token = client.cookies["ts_session"]
                await client.aclose()
                async with async_playwright() as p:
                    browser = await p.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                    cookie = {"name": "ts_session", "value": token, "url": server.url}
                    await browser.contexts[0].add_cookies([cookie])
                    await browser.close()  # disconnects; the browser and its cookie stay
            for path in paths:
                for preset in PRESETS:
                    report = await lighthouse(server.url + path, port, preset)
                    final = urlsplit(report["finalDisplayedUrl"]).path
                    assert final == path, f"{path} ended on {final} (logged out?)"
                    label = f"{path} as {user or 'visitor'} ({preset})"
                    print(label, scores(report))  # shown with -s, and on failure
                    problems += verdict(report, label)
    finally:
        chromium.terminate()
        await chromium.wait()
    assert not problems, "\n".join(problems)
