"""The notification bell in a real browser: the count rises live, the page lists the
notification in the reader's language, and marking it read clears the bell."""

from __future__ import annotations

from playwright.async_api import expect
from sqlalchemy import select

from tests.e2e.conftest import log_in, new_page
from twinspace.accounts.models import User
from twinspace.i18n import N_
from twinspace.notifications.service import notify


async def test_bell_counts_live_and_clears_when_read(server, browser, artifacts):
    page = await new_page(browser)
    await log_in(page, server.url, "tina", next_path="/")  # the demo gives her no notification
    bell = page.locator("#bell")
    await expect(bell).to_have_attribute("data-live", "true")
    await expect(page.locator(".bell__count")).to_be_hidden()

    async with server.runtime.db.unit_of_work() as uow:
        anne = await uow.session.scalar(select(User).where(User.username == "tina"))
        await notify(
            uow,
            user_id=anne.id,
            kind="test",
            message=N_("%(name)s is muted until %(time)s."),
            params={"name": "Jonas", "time": "10:00"},
            url="/spaces/1",
        )
    await expect(page.locator(".bell__count")).to_have_text("1")
    await expect(bell).to_have_attribute("aria-label", "Notifications: 1 unread")
    await expect(page.locator("#bell-status")).to_have_text("Notifications: 1 unread")
    await page.screenshot(path=str(artifacts / "notifications-bell.png"))

    await bell.click()
    await page.wait_for_url(f"{server.url}/notifications")
    await expect(page.get_by_role("link", name="Jonas is muted until 10:00.")).to_be_visible()
    await page.get_by_role("button", name="Mark all as read").click()
    await page.wait_for_url(f"{server.url}/notifications")
    await expect(page.locator(".bell__count")).to_be_hidden()
    await expect(page.locator(".notification--unread")).to_have_count(0)
