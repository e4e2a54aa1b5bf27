"""Chat moderation in real browsers: the word filter holds a pupil's message until a teacher
approves it from the live moderation page; a teacher hides (and restores) a pupil's message
from the chat page's message actions while another pupil watches; screenshots of both pages."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.e2e.conftest import PHONE, log_in, new_page, wait_live
from tests.support import api_login
from twinspace.accounts.models import User
from twinspace.rooms.chat.actions import check_send_message, get_chat_room
from twinspace.spaces.queries import get_viewer

GENERAL = "/spaces/1/chat/general"
MODERATION = "/spaces/1/moderation"


def messages(page: Page):
    """Messages in the list, without the author's own "waiting for approval" lines."""
    return page.locator("#messages .message:not(.message--pending)")


def message_with(page: Page, text: str):
    return messages(page).filter(has=page.get_by_text(text, exact=True))


def pending_with(page: Page, text: str):
    return page.locator("#messages .message--pending").filter(
        has=page.get_by_text(text, exact=True)
    )


async def message_ids(page: Page) -> list[int]:
    ids = await messages(page).evaluate_all("nodes => nodes.map(n => Number(n.dataset.id))")
    assert ids == sorted(set(ids)), f"ids out of order or repeated: {ids}"
    return ids


async def wait_moderation_live(page: Page) -> None:
    await expect(page.locator("#moderation")).to_have_attribute("data-live", "true")


async def send(page: Page, text: str) -> None:
    await page.locator("#chat-text").fill(text)
    await page.locator("#chat-text").press("Enter")
    await expect(page.locator("#chat-text")).to_have_value("")  # cleared once acknowledged


async def open_actions(page: Page, text: str):
    """Open the actions of the message saying ``text``; returns the row of action buttons."""
    line = message_with(page, text)
    toggle = line.locator(".message__toggle")
    await line.hover()
    await expect(toggle).to_have_css("opacity", "1")
    await toggle.click()
    await expect(toggle).to_have_attribute("aria-expanded", "true")
    return line.locator(".message__menu")


async def test_word_filter_message_waits_for_a_teacher_then_appears_once(
    server: RunningServer, browser: Browser
) -> None:
    anne = await new_page(browser)
    await log_in(anne, server.url, "anne", MODERATION)
    await wait_moderation_live(anne)

    # The teacher adds a word through the page's own form (a normal POST and redirect).
    await anne.locator("#word-language").select_option("fr")
    await anne.locator("#word").fill("nul")
    await anne.get_by_role("button", name="Add", exact=True).click()
    await anne.wait_for_url(f"{server.url}{MODERATION}#words")
    await expect(anne.locator("#words .words li")).to_have_count(1)
    await expect(anne.locator("#words .words li")).to_contain_text("nul")
    await wait_moderation_live(anne)
    await expect(anne.locator("#held-count")).to_have_text("0")
    await expect(anne.locator("#held-empty")).to_be_visible()

    lea = await new_page(browser)
    tom = await new_page(browser)
    await log_in(lea, server.url, "lea")
    await log_in(tom, server.url, "tom")
    await wait_live(lea)
    await wait_live(tom)
    before = await message_ids(tom)

    text = "Ce projet est nul, on change de rivière ?"
    await send(lea, text)
    pending = pending_with(lea, text)
    await expect(pending).to_have_count(1)
    await expect(pending).to_contain_text("Waiting for a teacher's approval")
    await expect(message_with(lea, text)).to_have_count(0)

    # It slides into the teacher's queue live, counted and announced.
    held = anne.locator("#held-list .queue__item").filter(has_text=text)
    await expect(held).to_have_count(1)
    await expect(held.locator(".queue__author")).to_have_text("Léa")
    await expect(held.locator(".queue__room")).to_have_text("#general")
    await expect(anne.locator("#held-count")).to_have_text("1")
    await expect(anne.locator("#held-empty")).to_be_hidden()
    await expect(anne.locator("#moderation-live")).to_have_text(
        "1 new message waiting for approval."
    )
    await expect(message_with(tom, text)).to_have_count(0)  # nobody else sees it meanwhile

    await held.get_by_role("button", name="Approve", exact=True).click()
    await expect(held).to_have_count(0)
    await expect(anne.locator("#held-count")).to_have_text("0")
    await expect(anne.locator("#held-empty")).to_be_visible()
    await expect(anne.locator("#moderation-live")).to_have_text(
        "Message approved: it is now in the chat."
    )

    # The approved message reaches both pupils live, exactly once; the pending line is gone.
    for page in (lea, tom):
        await expect(message_with(page, text)).to_have_count(1)
        await expect(message_with(page, text).locator(".message__author")).to_have_text("Léa")
    await expect(pending_with(lea, text)).to_have_count(0)
    await expect(message_with(lea, text)).to_contain_class("message--mine")
    after = await message_ids(tom)
    assert after == [*before, after[-1]] and after[-1] > before[-1], (before, after)
    assert await message_ids(lea) == after

    # A reload shows it once as well (now rendered by the server), and the queue stays empty.
    await tom.reload()
    await wait_live(tom)
    await expect(message_with(tom, text)).to_have_count(1)
    await anne.reload()
    await wait_moderation_live(anne)
    await expect(anne.locator("#held-list .queue__item")).to_have_count(0)

    # A rejected message: its author's pending copy says so, live; nobody else ever sees it.
    second = "Encore nul, vraiment"
    await send(lea, second)
    await expect(pending_with(lea, second)).to_have_count(1)
    item = anne.locator("#held-list .queue__item").filter(has_text=second)
    await item.get_by_role("button", name="Reject").click()
    dialog = anne.get_by_role("dialog", name="Reject this message?")
    await dialog.get_by_role("button", name="Reject").click()
    await expect(item).to_have_count(0)
    rejected = lea.locator("#messages .message--rejected").filter(has_text=second)
    await expect(rejected).to_contain_text("A teacher did not approve this message")
    await expect(message_with(tom, second)).to_have_count(0)


async def test_reports_and_held_messages_resolved_live_by_any_teacher(
    server: RunningServer, browser: Browser
) -> None:
    """Reports slide in; an item settled by another teacher leaves at once; Hide (from a
    report) and Reject (after a confirmation) go over the socket and remove their items."""
    anne = await new_page(browser)
    await log_in(anne, server.url, "anne", MODERATION)
    await wait_moderation_live(anne)
    jonas = await api_login(server.url, "jonas")
    lea = await api_login(server.url, "lea")
    tom = await api_login(server.url, "tom")
    try:
        sent = []
        for text in ("First thing to report", "Second thing to report"):
            ack = (await lea.post(f"/api/v1{GENERAL}/messages", json={"text": text})).json()
            sent.append(ack["id"])
        history = (await tom.post(f"/api/v1{GENERAL}/history", json={})).json()["messages"]
        message_ids_by_seq = {m["id"]: m["message_id"] for m in history}
        reports = []
        for seq in sent:
            answer = await tom.post(
                f"/api/v1{GENERAL}/report",
                json={"message_id": message_ids_by_seq[seq], "reason": "not nice"},
            )
            reports.append(answer.json()["report_id"])

        items = anne.locator("#report-list .queue__item")
        await expect(items).to_have_count(2)
        await expect(anne.locator("#reports-count")).to_have_text("2")
        await expect(anne.locator("#moderation-live")).to_have_text("2 new reports.")
        await expect(items.first.locator(".queue__reporter")).to_have_text("reported by Tom")
        await expect(items.first.locator(".queue__reason")).to_have_text("Reason given: not nice")

        # Another teacher settles the first report: it leaves this page at once.
        dismissed = await jonas.post(
            f"/api/v1{GENERAL}/dismiss_report", json={"report_id": reports[0]}
        )
        assert dismissed.status_code == 200, dismissed.text
        await expect(items).to_have_count(1)
        await expect(items.first).to_contain_text("Second thing to report")
        await expect(anne.locator("#reports-count")).to_have_text("1")

        # Anne hides the second message from its report.
        await items.first.get_by_role("button", name="Hide message").click()
        await expect(items).to_have_count(0)
        await expect(anne.locator("#reports-empty")).to_be_visible()
        await expect(anne.locator("#moderation-live")).to_have_text("Message hidden.")
        shown = (await tom.post(f"/api/v1{GENERAL}/history", json={})).json()["messages"]
        assert "Second thing to report" not in [m["text"] for m in shown]

        # A held message: Reject asks first (Cancel keeps it), then removes it.
        await jonas.post(
            "/api/v1/spaces/1/moderation/words", json={"language": "en", "word": "dumb"}
        )
        held = await lea.post(f"/api/v1{GENERAL}/messages", json={"text": "a dumb idea"})
        assert held.json()["held"] is True, held.text
        item = anne.locator("#held-list .queue__item")
        await expect(item).to_have_count(1)
        await item.get_by_role("button", name="Reject").click()
        dialog = anne.get_by_role("dialog", name="Reject this message?")
        await expect(dialog).to_contain_text("Léa: “a dumb idea”")
        await dialog.get_by_role("button", name="Cancel").click()
        await expect(dialog).to_have_count(0)
        await expect(item).to_have_count(1)
        await item.get_by_role("button", name="Reject").click()
        await dialog.get_by_role("button", name="Reject").click()
        await expect(item).to_have_count(0)
        await expect(anne.locator("#held-empty")).to_be_visible()
        queue = (await jonas.get("/api/v1/spaces/1/moderation")).json()
        assert queue["held"] == [] and queue["reports"] == []
    finally:
        for client in (jonas, lea, tom):
            await client.aclose()


async def test_moderation_page_works_without_javascript(
    server: RunningServer, browser: Browser
) -> None:
    anne = await new_page(browser, java_script_enabled=False)
    await log_in(anne, server.url, "anne", MODERATION)
    await anne.locator("#word").fill("boring")
    await anne.get_by_role("button", name="Add", exact=True).click()
    await anne.wait_for_url(f"{server.url}{MODERATION}#words")
    lea = await api_login(server.url, "lea")
    try:
        held = await lea.post(f"/api/v1{GENERAL}/messages", json={"text": "so boring"})
        assert held.json()["held"] is True, held.text
    finally:
        await lea.aclose()
    await anne.reload()
    item = anne.locator("#held-list .queue__item")
    await expect(item).to_have_count(1)
    # the server writes it in the reader's words without a script ("just now"; the full
    # date and time as its title)
    await expect(item.locator("time")).to_have_text("just now")
    await expect(item.locator("time")).to_have_attribute("title", re.compile(r", 2026, "))
    await item.get_by_role("button", name="Approve").click()  # a plain form POST
    await anne.wait_for_url(f"{server.url}{MODERATION}")
    await expect(anne.locator("#held-list .queue__item")).to_have_count(0)
    await expect(anne.locator("#held-empty")).to_be_visible()
    await anne.goto(f"{server.url}{GENERAL}")
    await expect(message_with(anne, "so boring")).to_have_count(1)


async def test_teacher_hides_a_message_from_the_chat_and_it_leaves_other_pupils_live(
    server: RunningServer, browser: Browser
) -> None:
    anne = await new_page(browser)
    lea = await new_page(browser)
    tom = await new_page(browser)
    for page, name in ((anne, "anne"), (lea, "lea"), (tom, "tom")):
        await log_in(page, server.url, name)
        await wait_live(page)

    unkind = "Tom's drawing of the river is ugly"
    kind = "But the bridge is nice"
    await send(lea, unkind)
    await send(lea, kind)
    for page in (anne, tom):
        await expect(message_with(page, kind)).to_have_count(1)
    ids_before = await message_ids(tom)

    # Keyboard: focusing a message's actions button shows it; Enter opens, Escape closes.
    toggle = message_with(anne, unkind).locator(".message__toggle")
    await toggle.focus()
    await expect(toggle).to_have_css("opacity", "1")
    await toggle.press("Enter")
    menu = message_with(anne, unkind).locator(".message__menu")
    await expect(menu.get_by_role("button", name="Report", exact=True)).to_be_focused()
    await expect(menu.get_by_role("button")).to_have_text(["Report", "Hide", "Mute author"])
    await anne.keyboard.press("Escape")
    await expect(menu).to_have_count(0)
    await expect(toggle).to_be_focused()

    # A pupil's own message offers edit and delete, someone else's only a report.
    own = await open_actions(lea, unkind)
    await expect(own.get_by_role("button")).to_have_text(["Edit", "Delete"])
    await lea.keyboard.press("Escape")
    other = await open_actions(tom, unkind)
    await expect(other.get_by_role("button")).to_have_text(["Report"])
    await tom.keyboard.press("Escape")

    # Mouse: hover, open the actions, Hide asks for a reason and confirmation.
    menu = await open_actions(anne, unkind)
    await menu.get_by_role("button", name="Hide", exact=True).click()
    dialog = anne.get_by_role("dialog", name="Hide this message?")
    await expect(dialog).to_be_visible()
    await dialog.get_by_label("Reason (kept in the moderation log)").fill("unkind to Tom")
    await dialog.get_by_role("button", name="Hide message", exact=True).click()
    await expect(dialog).to_have_count(0)

    # Gone from the other pupils (and the author) live; still there, marked, for the teacher.
    await expect(message_with(tom, unkind)).to_have_count(0)
    await expect(message_with(lea, unkind)).to_have_count(0)
    await expect(message_with(tom, kind)).to_have_count(1)
    hidden = message_with(anne, unkind)
    await expect(hidden).to_contain_class("message--hidden")
    await expect(hidden.locator(".message__status")).to_have_text("Hidden")
    await expect(anne.locator("#chat-status")).to_have_text("Message hidden.")
    await tom.reload()
    await wait_live(tom)
    await expect(message_with(tom, unkind)).to_have_count(0)
    await expect(message_with(tom, kind)).to_have_count(1)

    # A teacher who opens the page later still sees it, marked, in its place.
    await anne.reload()
    await wait_live(anne)
    hidden = message_with(anne, unkind)
    await expect(hidden.locator(".message__status")).to_have_text("Hidden")
    ids = await message_ids(anne)
    assert ids == ids_before, (ids, ids_before)

    # Restore puts it back in its place (by its id), live, for the pupils.
    menu = await open_actions(anne, unkind)
    await expect(menu.get_by_role("button")).to_have_text(["Restore", "Mute author"])
    await menu.get_by_role("button", name="Restore", exact=True).click()
    await expect(message_with(tom, unkind)).to_have_count(1)
    await expect(hidden).not_to_contain_class("message--hidden")
    assert await message_ids(tom) == ids_before


async def test_pupil_sees_why_she_cannot_write(server: RunningServer, browser: Browser) -> None:
    """The composer says it in words: muted (until a local time), slow mode (seconds to wait),
    a locked room (composer disabled, then enabled again)."""
    anne_api = await api_login(server.url, "anne")
    try:
        lea = await new_page(browser, timezone_id="Europe/Paris")
        await log_in(lea, server.url, "lea")
        await wait_live(lea)
        lea_id = await lea.locator(".chat__main").get_attribute("data-me-id")

        muted = await anne_api.post(
            f"/api/v1{GENERAL}/mute", json={"user_id": int(lea_id or 0), "minutes": 15}
        )
        assert muted.status_code == 200, muted.text
        error = lea.locator("#composer-error")
        await expect(error).to_contain_text("A teacher has muted you in this room until")
        await lea.locator("#chat-text").fill("Can I still talk?")
        await lea.locator("#chat-text").press("Enter")
        await expect(error).to_contain_text("A teacher has muted you in this room.")
        await expect(error).to_contain_text("You can write again at ")
        await expect(lea.locator("#chat-text")).to_have_value("Can I still talk?")  # kept
        unmuted = await anne_api.post(
            f"/api/v1{GENERAL}/unmute", json={"user_id": int(lea_id or 0)}
        )
        assert unmuted.status_code == 200, unmuted.text
        await expect(error).to_be_empty()

        assert (await anne_api.post(f"/api/v1{GENERAL}/slow_mode", json={"seconds": 60})).is_success
        await expect(lea.locator("#slow-notice")).to_have_text(
            "Slow mode: one message every 60 seconds for each person."
        )
        await send(lea, "First one")
        await lea.locator("#chat-text").fill("Second one")
        await lea.locator("#chat-text").press("Enter")
        await expect(error).to_contain_text("Slow mode is on")
        await expect(error).to_contain_text("seconds.")
        assert (await anne_api.post(f"/api/v1{GENERAL}/slow_mode", json={"seconds": 0})).is_success
        await expect(lea.locator("#slow-notice")).to_be_hidden()

        assert (await anne_api.post(f"/api/v1{GENERAL}/lock", json={"locked": True})).is_success
        await expect(lea.locator("#locked-notice")).to_be_visible()
        await expect(lea.locator("#chat-text")).to_be_disabled()
        assert (await anne_api.post(f"/api/v1{GENERAL}/lock", json={"locked": False})).is_success
        await expect(lea.locator("#locked-notice")).to_be_hidden()
        await expect(lea.locator("#chat-text")).to_be_enabled()
    finally:
        await anne_api.aclose()


async def test_older_messages_load_above_without_moving_the_reader(
    server: RunningServer, browser: Browser
) -> None:
    async with server.runtime.db.unit_of_work() as uow:
        tom = await uow.session.scalar(select(User).where(User.username == "tom"))
        assert tom is not None
        room = await get_chat_room(uow.session, 1, "general")
        assert room is not None
        viewer = await get_viewer(uow.session, tom, 1)
        for n in range(1, 61):
            await check_send_message(uow, room, tom, viewer.role, f"Measure number {n}", 2000)

    lea = await new_page(browser)
    await log_in(lea, server.url, "lea")
    await wait_live(lea)
    await expect(messages(lea)).to_have_count(50)  # the page renders the latest 50
    older = lea.get_by_role("button", name="Load older messages")
    await expect(older).to_be_visible()

    # The reader scrolls up to the oldest message shown, where the button is.
    oldest = message_with(lea, "Measure number 11")
    await lea.locator("#messages").evaluate("list => list.scrollTop = 0")
    top_before = (await oldest.bounding_box() or {})["y"]

    await older.click()
    await expect(messages(lea)).to_have_count(61)  # welcome + 60
    await expect(message_with(lea, "Bienvenue ! Welcome to our TwinSpace chat.")).to_have_count(1)
    await expect(lea.locator("#messages-start")).to_have_text(
        "This is the beginning of the conversation."
    )  # nothing older left
    await expect(lea.locator("#chat-status")).to_have_text("11 older messages loaded.")
    # What the reader was looking at has not moved; the older messages are above it.
    top_after = (await oldest.bounding_box() or {})["y"]
    assert abs(top_after - top_before) < 2, (top_before, top_after)
    assert await lea.locator("#messages").evaluate("list => list.scrollTop") > 0
    ids = await message_ids(lea)
    assert ids == list(range(ids[0], ids[0] + 61)), ids


async def test_screenshots_of_message_actions_and_moderation_queue(
    server: RunningServer, browser: Browser, artifacts: Path
) -> None:
    """Desktop and phone pictures of the teacher's chat (actions open) and of the queue."""
    anne_api = await api_login(server.url, "anne")
    lea_api = await api_login(server.url, "lea")
    tom_api = await api_login(server.url, "tom")
    try:
        assert (
            await anne_api.post(
                "/api/v1/spaces/1/moderation/words", json={"language": "en", "word": "stupid"}
            )
        ).status_code == 201
        for client, text in (
            (tom_api, "We measured 14 °C at the bridge this morning!"),
            (lea_api, "Our river is colder. Can we compare graphs on Friday?"),
            (tom_api, "Yes! I will bring the thermometer photos."),
        ):
            sent = await client.post(f"/api/v1{GENERAL}/messages", json={"text": text})
            assert sent.status_code == 201, sent.text
        held = await lea_api.post(
            f"/api/v1{GENERAL}/messages", json={"text": "This stupid graph does not work"}
        )
        assert held.json().get("held") is True, held.text
        history = (await tom_api.post(f"/api/v1{GENERAL}/history", json={})).json()
        target = next(m for m in history["messages"] if m["text"].startswith("Our river"))
        reported = await tom_api.post(
            f"/api/v1{GENERAL}/report",
            json={"message_id": target["message_id"], "reason": "She wrote in the wrong room"},
        )
        assert reported.status_code == 200, reported.text
    finally:
        for client in (anne_api, lea_api, tom_api):
            await client.aclose()

    for label, options in (
        ("desktop", {}),
        ("phone", {"viewport": PHONE, "is_mobile": True, "has_touch": True}),
    ):
        page = await new_page(browser, **options)
        await log_in(page, server.url, "anne")
        await wait_live(page)
        menu = await open_actions(page, "Our river is colder. Can we compare graphs on Friday?")
        await expect(menu.get_by_role("button")).to_have_text(["Report", "Hide", "Mute author"])
        await page.screenshot(
            path=artifacts / f"moderation-chat-{label}.png", animations="disabled"
        )
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0, f"the {label} chat page scrolls sideways by {overflow}px"

        await page.goto(f"{server.url}{MODERATION}")
        await wait_moderation_live(page)
        await expect(page.locator("#held-list .queue__item")).to_have_count(1)
        await expect(page.locator("#report-list .queue__item")).to_have_count(1)
        await page.screenshot(
            path=artifacts / f"moderation-queue-{label}.png", full_page=True, animations="disabled"
        )
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0, f"the {label} moderation page scrolls sideways by {overflow}px"
        await page.context.close()
