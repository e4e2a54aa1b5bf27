"""The long "The project" step keeps every word: typed text is saved as it is typed (the
status says "Saved"), comes back after a reload before "Next step", and on another device."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, expect

from tests.conftest import RunningServer
from tests.e2e.conftest import log_in, new_page

LONG = (
    "Pupils write to their partners every week about their town's river.\n"
    "Each class keeps a shared diary, then both compare what they found."
)


async def test_typed_text_survives_a_reload_and_another_device(
    server: RunningServer, browser: Browser, artifacts: Path
) -> None:
    url = server.url
    page = await new_page(browser)
    await log_in(page, url, "anne", "/projects/new")
    await page.get_by_role("button", name="Start (or resume my draft)").click()
    await page.wait_for_url("**/form/school")
    details = page.url.replace("/form/school", "/form/details")
    await page.goto(details)
    status = page.locator("[data-autosave-status]")
    await page.get_by_label("Objectives").press_sequentially("Discover each other's rivers.")
    await page.get_by_label("Expected results").fill(LONG)
    await page.get_by_label("Pupils' age from").fill("9")
    await expect(status).to_have_text("Saved")
    await page.screenshot(path=str(artifacts / "project-form-saved.png"))
    await page.reload()  # before "Next step"
    await expect(page.get_by_label("Objectives")).to_have_value("Discover each other's rivers.")
    await expect(page.get_by_label("Expected results")).to_have_value(LONG)
    await expect(page.get_by_label("Pupils' age from")).to_have_value("9")
    # another device (a fresh browser context: nothing restored by the browser itself)
    other = await new_page(browser)
    await log_in(other, url, "anne", details.removeprefix(url))
    await expect(other.get_by_label("Expected results")).to_have_value(LONG)
    # a wrong value says so, and what was typed elsewhere is still saved
    await other.get_by_label("Number of pupils").fill("5000")
    await expect(other.locator("[data-autosave-status]")).to_contain_text("Not saved")
    await other.get_by_label("Working procedure").fill("Letters, then a video call.")
    await other.get_by_label("Number of pupils").fill("48")
    await expect(other.locator("[data-autosave-status]")).to_have_text("Saved")
    await page.reload()
    await expect(page.get_by_label("Working procedure")).to_have_value(
        "Letters, then a video call."
    )
    await expect(page.get_by_label("Number of pupils")).to_have_value("48")
    # the preview shows what is still missing, each with a link to its field
    await page.goto(details.replace("/form/details", "/form/preview"))
    missing = page.locator("#missing")
    await expect(missing).to_contain_text("Give the project a title.")
    await expect(missing).not_to_contain_text("Objectives")
