"""Browser fixtures for end-to-end tests: Debian's chromium driven by Playwright (async API)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.support import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
CHAT_PATH = "/spaces/1/chat/general"
HAVE_CHROMIUM = Path(CHROMIUM).exists()

# Waiting for the page (a selector, an attribute) gets 10 s; reconnecting passes its own timeout.
expect.set_options(timeout=10_000)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    assert HAVE_CHROMIUM, f"{CHROMIUM} is not installed (make test installs it)"
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()  # closes every context and page it opened


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ at the top of the repository (git-ignored), for screenshots."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


async def new_page(browser: Browser, **context_options) -> Page:
    """A page in a fresh browser context (its own cookies), desktop-sized and in English
    (the tests read English strings) unless told."""
    context_options.setdefault("viewport", DESKTOP)
    context_options.setdefault("locale", "en-GB")
    context = await browser.new_context(**context_options)
    context.set_default_timeout(15_000)
    return await context.new_page()


async def log_in(page: Page, base_url: str, username: str, next_path: str = CHAT_PATH) -> None:
    """Log in through the HTML form and land on ``next_path``."""
    await page.goto(f"{base_url}/login?next={next_path}")
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Log in", exact=True).click()
    await page.wait_for_url(f"{base_url}{next_path}")


async def wait_live(page: Page, timeout: float = 10_000) -> None:
    """The chat section says data-live="true" once its socket has joined the room."""
    section = page.locator(".chat__main")
    await expect(section).to_have_attribute("data-live", "true", timeout=timeout)


async def unsupervised(server, room: str = "general") -> None:
    """A teacher administrator chose to let pupils chat in ``room`` with no teacher present
    (rooms pupils enter start supervised): for tests about something else than supervision."""
    from sqlalchemy import update

    from twinspace.rooms.chat.models import ChatRoom

    async with server.runtime.db.unit_of_work() as uow:
        await uow.session.execute(
            update(ChatRoom).where(ChatRoom.name == room).values(supervision="none")
        )
