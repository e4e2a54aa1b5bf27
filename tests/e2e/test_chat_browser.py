"""The chat page in a real browser: live messages between two people, reconnecting after
the server restarts, posting without JavaScript, message times in the reader's zone, and
the outbox that keeps what is sent while offline."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from tests.conftest import RunningServer, start_server, stop_server
from tests.e2e.conftest import CHAT_PATH, PHONE, log_in, new_page, unsupervised, wait_live
from tests.e2e.test_interface_browser import Axe
from tests.support import api_login
from twinspace.accounts.models import User
from twinspace.db import Database
from twinspace.rooms.chat.actions import check_send_message, get_chat_room
from twinspace.settings import Settings
from twinspace.spaces.queries import get_viewer


def messages(page: Page):
    return page.locator("#messages .message")


def message_with(page: Page, text: str):
    """The list items whose text paragraph is exactly ``text``."""
    return messages(page).filter(has=page.get_by_text(text, exact=True))


async def message_ids(page: Page) -> list[int]:
    ids = await messages(page).evaluate_all("nodes => nodes.map(n => Number(n.dataset.id))")
    assert ids == sorted(set(ids)), f"ids out of order or repeated: {ids}"
    return ids


async def write_as(settings: Settings, username: str, texts: list[str]) -> None:
    """Post through the one write path (check_send_message) with no server running."""
    db = Database(settings.database_url)
    try:
        for text in texts:
            async with db.unit_of_work() as uow:
                author = await uow.session.scalar(select(User).where(User.username == username))
                assert author is not None
                room = await get_chat_room(uow.session, 1, "general")
                assert room is not None
                viewer = await get_viewer(uow.session, author, room.space_id)
                await check_send_message(uow, room, author, viewer.role, text, 2000)
    finally:
        await db.dispose()


async def test_teacher_and_pupil_chat_in_two_browsers(
    server: RunningServer, browser: Browser, artifacts: Path
) -> None:
    anne = await new_page(browser)
    lea = await new_page(browser)
    await log_in(anne, server.url, "anne")
    await log_in(lea, server.url, "lea")
    await wait_live(anne)
    await wait_live(lea)

    hello = "Bonjour Léa ! Did you measure the Rhône today?"
    await anne.locator("#chat-text").fill(hello)
    await anne.locator("#chat-text").press("Enter")
    await expect(message_with(lea, hello)).to_have_count(1)
    await expect(message_with(lea, hello).locator(".message__author")).to_have_text("Anne Moreau")
    await expect(message_with(anne, hello)).to_contain_class("message--new message--mine")
    await expect(anne.locator("#chat-text")).to_have_value("")  # cleared once acknowledged

    reply = "Yes: 14 °C at the Pont Wilson, Madame."
    await lea.locator("#chat-text").fill(reply)
    await lea.get_by_role("button", name="Send", exact=True).click()
    await expect(message_with(anne, reply)).to_have_count(1)
    await expect(message_with(anne, reply).locator(".message__author")).to_have_text("Léa")
    await expect(message_with(lea, reply)).to_have_count(1)
    await expect(message_with(anne, hello)).to_have_count(1)
    assert len(await message_ids(anne)) == len(await message_ids(lea)) == 3  # welcome + 2

    await lea.reload()
    await expect(messages(lea)).to_have_count(3)
    rendered = messages(lea).locator(".message__text")
    await expect(rendered.nth(1)).to_have_text(hello)
    await expect(rendered.nth(2)).to_have_text(reply)
    await expect(messages(lea).and_(lea.locator(".message--new"))).to_have_count(0)  # from HTML
    await expect(message_with(lea, reply)).to_contain_class("message--mine")
    await message_ids(lea)
    await wait_live(lea)

    await anne.screenshot(path=artifacts / "chat-desktop.png", animations="disabled")
    phone = await new_page(
        browser,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        storage_state=await anne.context.storage_state(),
    )
    await phone.goto(f"{server.url}{CHAT_PATH}")
    await wait_live(phone)
    await phone.screenshot(path=artifacts / "chat-phone.png", animations="disabled")
    await phone.screenshot(
        path=artifacts / "chat-phone-full.png", full_page=True, animations="disabled"
    )
    overflow = await phone.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0, f"the phone page scrolls sideways by {overflow}px"


async def test_page_reconnects_and_catches_up_after_restart(
    settings: Settings, browser: Browser
) -> None:
    running = [await start_server(settings)]
    try:
        url = running[0].url
        port = int(url.rsplit(":", 1)[1])
        lea = await new_page(browser)
        await log_in(lea, url, "lea")
        await wait_live(lea)
        before = await message_ids(lea)

        await stop_server(running[0])
        await expect(lea.locator(".chat__main")).to_have_attribute("data-live", "false")
        await expect(lea.locator("#connection")).to_have_text("Reconnecting…")
        await expect(lea.locator("#connection")).to_be_visible()

        missed = ["First, while you were away", "Second, while you were away"]
        await write_as(settings, "anne", missed)

        running.append(await start_server(settings, port=port))
        # socket.io's own backoff (at most ~5 s between tries) brings the page back.
        await wait_live(lea, timeout=30_000)
        bar = lea.locator("#connection")
        await expect(bar).to_have_text("Back online — 2 messages you missed.")
        await expect(bar).to_contain_class("connection--ok")
        for text in missed:
            await expect(message_with(lea, text)).to_have_count(1)
        assert await message_ids(lea) == [*before, before[-1] + 1, before[-1] + 2]

        # Still live on the new server: a message sent now arrives once, in order.
        anne = await api_login(url, "anne")
        try:
            sent = await anne.post(f"/api/v1{CHAT_PATH}/messages", json={"text": "Welcome back!"})
            assert sent.status_code == 201, sent.text
        finally:
            await anne.aclose()
        await expect(message_with(lea, "Welcome back!")).to_have_count(1)
        assert await message_ids(lea) == [*before, *range(before[-1] + 1, before[-1] + 4)]
    finally:
        for server in running:
            await stop_server(server)  # a stopped server's task is done: awaiting it is a no-op


async def test_chat_works_without_javascript(server: RunningServer, browser: Browser) -> None:
    await unsupervised(server)  # this test is not about supervision
    page = await new_page(browser, java_script_enabled=False)
    await log_in(page, server.url, "lea")
    await expect(page.locator(".chat__main")).not_to_have_attribute("data-live", "true")

    text = "Sent without JavaScript"
    await page.locator("#chat-text").fill(text)
    await page.get_by_role("button", name="Send", exact=True).click()
    await page.wait_for_url(f"{server.url}{CHAT_PATH}#composer")
    await expect(message_with(page, text)).to_have_count(1)
    await expect(message_with(page, text)).to_contain_class("message--mine")
    await expect(messages(page)).to_have_count(2)
    await expect(page.locator("#chat-text")).to_have_value("")


async def test_times_are_shown_in_the_readers_time_zone(
    server: RunningServer, browser: Browser
) -> None:
    """Live and server-rendered messages both show the reader's local time (here Paris),
    so a message's time does not change when the page is reloaded."""
    paris = ZoneInfo("Europe/Paris")
    page = await new_page(browser, timezone_id="Europe/Paris")
    await log_in(page, server.url, "anne")
    await wait_live(page)

    async def shown_and_expected(text: str) -> tuple[str, str]:
        """The message's full time (its title: "Dec 4, 2026, 6:45 PM") and the clock time
        it should contain in Paris; the words shown say how recent these messages are."""
        time = message_with(page, text).locator("time")
        await expect(time).to_have_text(re.compile(r"^(just now|\d+ minutes? ago)$"))
        at = datetime.fromisoformat(await time.get_attribute("datetime") or "")
        clock = at.astimezone(paris).strftime("%I:%M").lstrip("0")
        return await time.get_attribute("title") or "", clock

    text = "What time is it in Lyon?"
    await page.locator("#chat-text").fill(text)
    await page.locator("#chat-text").press("Enter")
    shown, expected = await shown_and_expected(text)
    assert expected in shown
    await page.reload()
    await wait_live(page)  # the script has run over the server-rendered list
    for line in (text, "Bienvenue ! Welcome to our TwinSpace chat."):
        shown, expected = await shown_and_expected(line)
        assert expected in shown, f"{line!r} shows {shown}, expected {expected} in Paris"


def outbox(page: Page):
    return page.locator("#messages .message--outbox")


async def block_socket(page: Page) -> dict[str, bool]:
    """Keep ``page``'s Socket.IO connection from (re)connecting while ``blocked["on"]``
    (both transports), the rest of the network working; then let it through unchanged."""
    blocked = {"on": True}

    async def websocket(ws) -> None:
        if blocked["on"]:
            await ws.close()
        else:
            ws.connect_to_server()

    async def polling(route) -> None:
        if blocked["on"]:
            await route.abort()
        else:
            await route.fallback()

    await page.route_web_socket(re.compile(r"/socket\.io/"), websocket)
    await page.route(re.compile(r"/socket\.io/"), polling)
    return blocked


async def test_messages_sent_offline_wait_in_the_outbox_and_arrive_once(
    server: RunningServer, browser: Browser, artifacts: Path
) -> None:
    """Offline, Enter never leaves the page: the messages wait, marked, in the list and in
    sessionStorage (a reload keeps them); back online they go out in order, each once."""
    anne = await new_page(browser)
    lea = await new_page(browser)
    await log_in(anne, server.url, "anne")  # a teacher in the room: the pupil may write
    await log_in(lea, server.url, "lea")
    await wait_live(anne)
    await wait_live(lea)
    before = await message_ids(lea)

    await lea.context.set_offline(True)
    await expect(lea.locator(".chat__main")).to_have_attribute("data-live", "false")
    await expect(lea.locator("#connection")).to_have_text("Reconnecting…")
    texts = ["Written on the bus, first", "Written on the bus, second"]
    for text in texts:
        await lea.locator("#chat-text").fill(text)
        await lea.locator("#chat-text").press("Enter")
    await expect(outbox(lea)).to_have_count(2)
    assert lea.url == f"{server.url}{CHAT_PATH}"  # the form was not posted
    await expect(outbox(lea).locator(".message__text")).to_have_text(texts)
    await expect(outbox(lea).locator(".message__outbox")).to_have_text(["Waiting to send…"] * 2)
    await expect(outbox(lea).locator(".message__retry")).to_have_count(2)
    await expect(outbox(lea).locator(".message__retry").first).to_be_hidden()
    await expect(lea.locator("#chat-status")).to_have_text(
        "You are offline: your message will be sent when the connection is back."
    )
    await expect(lea.locator("#chat-text")).to_have_value("")
    await expect(lea.locator("#chat-text")).to_be_enabled()
    await lea.screenshot(path=artifacts / "chat-outbox.png", animations="disabled")

    # The network is back but the socket still cannot connect: a reload keeps the outbox.
    blocked = await block_socket(lea)
    await lea.context.set_offline(False)
    await lea.reload()
    await expect(outbox(lea).locator(".message__text")).to_have_text(texts)
    await expect(outbox(lea).locator(".message__outbox")).to_have_text(["Waiting to send…"] * 2)
    await expect(lea.locator(".chat__main")).not_to_have_attribute("data-live", "true")
    for text in texts:
        await expect(message_with(anne, text)).to_have_count(0)

    blocked["on"] = False  # socket.io's backoff tries again within a few seconds
    await wait_live(lea, timeout=30_000)
    await expect(outbox(lea)).to_have_count(0)
    for page in (lea, anne):
        for text in texts:
            await expect(message_with(page, text)).to_have_count(1)
        assert (await message_ids(page))[-2:] == [before[-1] + 1, before[-1] + 2]
        await expect(messages(page).locator(".message__text").last).to_have_text(texts[1])
    await expect(lea.locator("#chat-status")).to_have_text("2 waiting messages sent.")
    await expect(message_with(lea, texts[0])).to_contain_class("message--mine")
    assert await lea.evaluate("Object.keys(sessionStorage).length") == 0

    anne_api = await api_login(server.url, "anne")
    try:
        history = await anne_api.get(f"/api/v1{CHAT_PATH}/messages")
        assert history.status_code == 200, history.text
        sent = [m["text"] for m in history.json()["messages"] if m["text"] in texts]
        assert sent == texts
    finally:
        await anne_api.aclose()
    await lea.reload()
    await wait_live(lea)
    for text in texts:
        await expect(message_with(lea, text)).to_have_count(1)
    await expect(outbox(lea)).to_have_count(0)


async def test_a_refused_outbox_message_can_be_discarded_or_tried_again(
    server: RunningServer, browser: Browser, artifacts: Path
) -> None:
    """A refusal (here: the room was locked meanwhile) shows on the waiting message with
    keyboard-reachable Try again / Discard; the next message waits behind it, in order."""
    anne = await new_page(browser)
    lea = await new_page(browser, bypass_csp=True)  # axe-core is injected as a script
    await log_in(anne, server.url, "anne")
    await log_in(lea, server.url, "lea")
    await wait_live(anne)
    await wait_live(lea)

    await lea.context.set_offline(True)
    await expect(lea.locator(".chat__main")).to_have_attribute("data-live", "false")
    texts = ["Not wanted after all", "Still wanted"]
    for text in texts:
        await lea.locator("#chat-text").fill(text)
        await lea.locator("#chat-text").press("Enter")
    await expect(outbox(lea)).to_have_count(2)

    await anne.locator("#lock-button").click()
    await expect(anne.locator("#lock-button")).to_have_text("Unlock the room")
    await lea.context.set_offline(False)
    await wait_live(lea, timeout=30_000)
    first, second = outbox(lea).nth(0), outbox(lea).nth(1)
    locked = "Not sent: This room is locked: you can read it but not write in it."
    await expect(first.locator(".message__outbox")).to_have_text(locked)
    await expect(first).to_contain_class("message--failed")
    await expect(second.locator(".message__outbox")).to_have_text("Waiting to send…")
    await expect(lea.locator("#chat-status")).to_have_text(locked)
    await lea.screenshot(path=artifacts / "chat-outbox-refused.png", animations="disabled")
    axe = Axe()
    await axe.check(lea, "chat outbox with a refused message")
    axe.assert_clean()

    # Discard, from the keyboard: the second message is tried next (and refused too).
    await first.get_by_role("button", name="Discard").focus()
    await lea.keyboard.press("Enter")
    await expect(outbox(lea)).to_have_count(1)
    await expect(outbox(lea).locator(".message__text")).to_have_text(texts[1])
    await expect(outbox(lea).locator(".message__outbox")).to_have_text(locked)

    await anne.locator("#lock-button").click()
    await expect(anne.locator("#lock-button")).to_have_text("Lock the room")
    await outbox(lea).get_by_role("button", name="Try again").focus()
    await lea.keyboard.press("Enter")
    await expect(outbox(lea)).to_have_count(0)
    for page in (lea, anne):
        await expect(message_with(page, texts[1])).to_have_count(1)
        await expect(message_with(page, texts[0])).to_have_count(0)
        await message_ids(page)
    assert lea.url == f"{server.url}{CHAT_PATH}"
