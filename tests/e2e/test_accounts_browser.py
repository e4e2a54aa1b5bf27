"""A teacher who forgot her password, in a real browser, with a real SMTP server: from the
login page's link to logging in with the new password."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import RunningServer
from tests.e2e.conftest import new_page
from tests.mail_support import Inbox, link_in
from twinspace.settings import Settings


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    box = Inbox().start()
    try:
        yield box
    finally:
        box.stop()


@pytest.fixture
def settings(settings: Settings, inbox: Inbox) -> Settings:
    return dataclasses.replace(settings, smtp_url=inbox.url)


async def test_forgotten_password_from_the_login_page(
    server: RunningServer, browser: Browser, inbox: Inbox, artifacts: Path
):
    page = await new_page(browser)
    await page.goto(f"{server.url}/login")
    await page.get_by_role("link", name="Forgotten password?").click()
    await page.wait_for_url(f"{server.url}/forgot-password")
    await page.get_by_label("E-mail").fill("lucia@demo.invalid")
    await page.get_by_role("button", name="Send me a link").click()
    await expect(page.locator("#forgot-sent")).to_contain_text("we have sent it a link")
    link = link_in(await inbox.next())
    await page.goto(link)
    await page.get_by_label("New password").fill("leyendas-de-sevilla-7")
    await page.get_by_label("The same password again").fill("leyendas-de-sevilla-7")
    await page.screenshot(path=str(artifacts / "reset-password.png"))
    await page.get_by_role("button", name="Change my password").click()
    await expect(page.locator("#login-notice")).to_contain_text("logged out everywhere")
    await page.locator("#username").fill("lucia")
    await page.locator("#password").fill("leyendas-de-sevilla-7")
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_url(f"{server.url}/")
    await expect(page.locator(".me")).to_have_text("Lucía García")
