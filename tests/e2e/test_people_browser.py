"""Pupil accounts in real browsers: a teacher creates three pupil accounts, gets the slips
page (printable: only the slips are printed), a pupil logs in with a slip's credentials in a
second browser, writes on a wall, and the teacher sees it arrive live in Latest activities."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.conftest import RunningServer
from tests.e2e.conftest import log_in, new_page
from tests.support import api_login


async def test_slips_then_pupil_writes_on_a_wall_live(
    server: RunningServer, browser: Browser
) -> None:
    teacher = await new_page(browser)
    await log_in(teacher, server.url, "anne", "/spaces/1/pupil-accounts")
    await teacher.get_by_label("Pupils' names, one per line").fill("Zoé Martin\nHugo\nLéna")
    await teacher.get_by_role("button", name="Create accounts and print slips").click()
    slips = teacher.locator(".slip")
    await expect(slips).to_have_count(3)
    await expect(slips.nth(0).locator(".slip__name")).to_have_text("Zoé Martin")
    username = (await slips.nth(0).locator(".slip__username").inner_text()).strip()
    password = (await slips.nth(0).locator(".slip__password").inner_text()).strip()
    assert username.startswith("zoe.") and len(password) >= 8

    await teacher.emulate_media(media="print")  # what the printer gets: the slips only
    await expect(teacher.locator(".topbar")).to_be_hidden()
    await expect(teacher.get_by_role("button", name="Print")).to_be_hidden()
    await expect(slips.nth(2)).to_be_visible()
    pdf = await teacher.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    await teacher.emulate_media(media="screen")

    await teacher.goto(f"{server.url}/spaces/1")
    feed = teacher.locator(".feed")
    await expect(feed).to_have_attribute("data-joined", "true")
    await expect(feed.locator(".feed__item").first).to_contain_text("Léna joined the TwinSpace.")
    await teacher.evaluate("window.__sameDocument = true")  # a reload would wipe this out

    pupil = await new_page(browser)
    await pupil.goto(f"{server.url}/login?next=/spaces/1")
    await pupil.locator("#username").fill(username)
    await pupil.locator("#password").fill(password)
    await pupil.get_by_role("button", name="Log in", exact=True).click()
    await pupil.wait_for_url(f"{server.url}/spaces/1")
    await pupil.get_by_role("link", name="My profile").click()
    await pupil.get_by_label("Write on Zoé Martin's wall").fill("Hello from Lyon!")
    await pupil.get_by_role("button", name="Post on the wall").click()
    await expect(pupil.locator(".wall__text")).to_have_text("Hello from Lyon!")

    item = feed.locator(".feed__item").first
    await expect(item).to_contain_text("Zoé Martin wrote on the wall of Zoé Martin")
    await expect(item).to_contain_text("Hello from Lyon!")
    assert await teacher.evaluate("window.__sameDocument") is True


async def test_unread_mail_count_updates_live_on_home(
    server: RunningServer, browser: Browser
) -> None:
    teacher = await new_page(browser)
    await log_in(teacher, server.url, "anne", "/spaces/1")
    counter = teacher.locator(".people-links [data-unread-count]")
    await expect(counter).to_have_text("0")
    await expect(teacher.locator(".feed")).to_have_attribute("data-joined", "true")
    lea = await api_login(server.url, "lea")
    try:
        me = await (await teacher.context.request.get(f"{server.url}/api/v1/me")).json()
        sent = await lea.post(
            "/api/v1/spaces/1/mailbox",
            json={"to": [me["id"]], "subject": "Our river", "body": "Look at my photo!"},
        )
        assert sent.status_code == 201, sent.text
    finally:
        await lea.aclose()
    await expect(counter).to_have_text("1")
    await teacher.get_by_role("link", name="Mailbox").click()
    await teacher.get_by_role("link", name="Our river").click()
    await expect(teacher.get_by_text("Look at my photo!")).to_be_visible()
    await teacher.goto(f"{server.url}/spaces/1")
    await expect(counter).to_have_text("0")
