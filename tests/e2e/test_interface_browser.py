"""The interface in a real browser, grouped per page load to stay fast: every room on a
390 × 844 phone (compact header, the rooms in a menu, the chat's message box in view, a
screenshot each) with axe-core run over every page and open state (menus, dialogs, editors);
live and server-rendered times that agree; the chat list as one Tab stop; print styles; the
upload cap checked before sending; a forum reply reaching another pupil's open page."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from playwright.async_api import Browser, Page, expect

from tests.conftest import RunningServer, start_server, stop_server
from tests.e2e.conftest import log_in, new_page
from twinspace.settings import Settings

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
PHONE_390 = {"width": 390, "height": 844}
HEADER_MAX = 0.15 * PHONE_390["height"]  # 126.6 px
ROOMS = (
    "/spaces/1",
    "/spaces/1/activities",
    "/spaces/1/teachers",
    "/spaces/1/pupils",
    "/spaces/1/meeting",
)
CHAT = "/spaces/1/chat/general"
MEMBER_PAGES = (
    "/spaces/1/members",
    "/spaces/1/mailbox",
    "/spaces/1/mailbox/new",
    "/spaces/1/calendar",
    "/spaces/1/profile",
    "/spaces/1/moderation",
    "/spaces/1/chat-rooms",
    "/notifications",
    "/postings",
    "/people",
    "/projects",
    "/",
)
PUBLIC_PAGES = ("/", "/login", "/register", "/gallery")


class Axe:
    """axe-core (from npm, no CDN) run inside the page; every violation is kept, with where."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.runs = 0

    async def check(self, page: Page, state: str) -> None:
        if not await page.evaluate("typeof window.axe === 'object'"):
            await page.add_script_tag(path=str(AXE))
        found = await page.evaluate(
            """() => axe.run(document, {resultTypes: ["violations"]}).then((r) =>
                 r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ` +
                   v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")))"""
        )
        self.runs += 1
        self.violations += [f"{state} [{page.url}]: {v}" for v in found]

    def assert_clean(self) -> None:
        assert not self.violations, "axe-core found:\n" + "\n".join(self.violations)


async def phone_page(browser: Browser, **options) -> Page:
    return await new_page(
        browser,
        viewport=PHONE_390,
        is_mobile=True,
        has_touch=True,
        timezone_id="Europe/Warsaw",
        bypass_csp=True,  # axe-core is injected as a script the page's CSP would refuse
        **options,
    )


async def header_height(page: Page) -> float:
    return await page.evaluate("document.querySelector('.topbar').getBoundingClientRect().height")


async def visit(page: Page, url: str, axe: Axe, artifacts: Path | None = None) -> None:
    response = await page.goto(url)
    assert response is not None and response.status == 200, url
    height = await header_height(page)
    assert height <= HEADER_MAX, f"{url}: the header takes {height}px of 844"
    if artifacts is not None:
        name = re.sub(r"[^a-z0-9]+", "-", urlsplit(url).path.strip("/")) or "start"
        await page.screenshot(path=artifacts / f"phone-390-{name}.png")
    await axe.check(page, "page")


async def test_every_room_on_a_phone_with_axe_over_every_page_and_open_state(
    server: RunningServer, browser: Browser, artifacts: Path
) -> None:
    axe = Axe()
    # Public pages, not logged in: gallery and registration in the header, axe on each.
    visitor = await phone_page(browser)
    for url in PUBLIC_PAGES:
        await visit(visitor, server.url + url, axe, artifacts)
    await visitor.locator("#menu-button").click()
    await expect(visitor.locator("#site-menu")).to_be_visible()
    await expect(visitor.get_by_role("link", name="Published TwinSpaces")).to_be_visible()
    await expect(visitor.get_by_role("link", name="Register")).to_be_visible()
    await axe.check(visitor, "public menu open")
    await visitor.context.close()

    anne = await phone_page(browser)
    await log_in(anne, server.url, "anne", "/spaces/1")
    # the login form sent the browser's zone: times are now shown in Warsaw's
    await expect(anne.locator("html")).to_have_attribute("data-tz", "Europe/Warsaw")

    for url in ROOMS:
        await visit(anne, server.url + url, axe, artifacts)
    # The rooms wait in a menu behind a disclosure button.
    menu, button = anne.locator("#site-menu"), anne.locator("#menu-button")
    await expect(menu).to_be_hidden()
    await expect(button).to_have_attribute("aria-expanded", "false")
    await button.click()
    await expect(button).to_have_attribute("aria-expanded", "true")
    rooms = anne.get_by_role("navigation", name="Rooms")
    await expect(rooms.get_by_role("link")).to_have_count(6)
    await expect(rooms.get_by_role("link", name="Chat")).to_be_visible()
    await expect(rooms.get_by_role("link", name="Meeting")).to_be_visible()
    await axe.check(anne, "site menu open")
    await anne.keyboard.press("Escape")
    await expect(menu).to_be_hidden()
    await expect(button).to_be_focused()

    # The chat: the message box in view without scrolling, the page itself does not scroll.
    await visit(anne, server.url + CHAT, axe, artifacts)
    box = await anne.locator("#chat-text").bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE_390["height"], box
    assert await anne.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"), (
        "the chat page scrolls"
    )
    # open states: a message's actions, then the confirmation dialog
    await anne.locator(".message").first.locator(".message__toggle").click()
    await expect(anne.locator(".message__menu")).to_be_visible()
    await axe.check(anne, "chat message actions open")
    await anne.locator(".message__menu").get_by_role("button", name="Delete").click()
    await expect(anne.locator("dialog[open]")).to_be_visible()
    await axe.check(anne, "chat confirmation dialog open")
    await anne.keyboard.press("Escape")
    await expect(anne.locator("dialog[open]")).to_have_count(0)

    for url in MEMBER_PAGES:
        await visit(anne, server.url + url, axe, artifacts)

    # Every page of every room, with its composers, comment boxes and "more" opened.
    page_links: list[str] = []
    wiki_url: str | None = None
    for room in ROOMS[1:]:
        await anne.goto(server.url + room)
        page_links += await anne.locator("#page-list a[href*='/pages/']").evaluate_all(
            "(links) => links.map((a) => a.getAttribute('href'))"
        )
    assert len(page_links) >= 5, page_links
    for url in dict.fromkeys(page_links):
        await visit(anne, server.url + url, axe, artifacts)
        closed = anne.locator(
            "#widgets details.blog__new:not([open]) > summary, "
            "#widgets details.forum__new:not([open]) > summary, "
            "#widgets details.composer-box:not([open]) > summary, "
            "#widgets details.more:not([open]) > summary, "
            "#widgets .forum__topic > details:not([open]) > summary"
        )
        opened = 0
        while await closed.count() and opened < 8:
            await closed.first.click()
            opened += 1
        if opened:
            await axe.check(anne, f"{opened} composers and threads open")
        wiki_link = anne.locator("#widgets .widget--wiki a[href*='/wiki/']").first
        if await wiki_link.count():
            wiki_url = await wiki_link.get_attribute("href")
    # the wiki's live editor
    assert wiki_url
    await anne.goto(server.url + wiki_url)
    await expect(anne.locator(".ql-editor")).to_be_visible()
    await axe.check(anne, "wiki editor")

    # Printing shows the content only: no buttons and no forms.
    await anne.goto(server.url + page_links[0])
    await anne.emulate_media(media="print")
    printed = await anne.evaluate(
        """() => [...document.querySelectorAll("button, form, .button, .topbar")]
                 .filter((el) => el.getClientRects().length > 0).length"""
    )
    assert printed == 0, f"{printed} buttons/forms would be printed"
    await anne.emulate_media(media="screen")

    assert axe.runs >= 30, axe.runs
    axe.assert_clean()


async def test_live_times_match_the_server_and_the_chat_is_one_tab_stop(
    server: RunningServer, browser: Browser
) -> None:
    anne = await new_page(browser, timezone_id="Europe/Warsaw")
    await log_in(anne, server.url, "anne", CHAT)
    await expect(anne.locator(".chat__main")).to_have_attribute("data-live", "true")
    await anne.locator("#chat-text").fill("Water at 11 °C this morning.")
    await anne.locator("#chat-text").press("Enter")
    mine = anne.locator(".message", has_text="Water at 11 °C this morning.")
    live_time = mine.locator("time.message__time")
    await expect(live_time).to_have_text("just now")
    live = await live_time.evaluate("(t) => [t.dateTime, t.title]")
    await anne.reload()
    served = await mine.locator("time.message__time").evaluate(
        "(t) => [t.dateTime, t.title, t.textContent]"
    )
    # the server wrote the same words and the same full date as the live item had
    assert served[2] == "just now"
    assert served[1] == live[1] and re.match(r"^[A-Z][a-z]{2} \d{1,2}, 2026, ", served[1])
    assert served[0][:19] == live[0][:19]

    # Keyboard: the messages are one stop; the message box is one Tab after them.
    await anne.locator("#messages").focus()
    await anne.keyboard.press("Tab")
    await expect(anne.locator("#chat-text")).to_be_focused()
    await anne.keyboard.press("Shift+Tab")
    await expect(anne.locator("#messages")).to_be_focused()
    await anne.keyboard.press("ArrowUp")
    await expect(mine).to_be_focused()
    await anne.keyboard.press("Enter")
    await expect(mine.locator(".message__menu")).to_be_visible()
    await anne.keyboard.press("Escape")
    await expect(mine.locator(".message__menu")).to_have_count(0)
    tab_stops = anne.locator("#messages [tabindex='0'], #messages button:not([tabindex])")
    assert await tab_stops.count() == 0


async def test_forum_reply_reaches_another_pupil_and_big_files_are_not_sent(
    browser: Browser, settings: Settings
) -> None:
    server = await start_server(replace(settings, max_upload_bytes=1000))
    try:
        tom = await new_page(browser)
        await log_in(tom, server.url, "tom", "/spaces/1/activities")
        await tom.get_by_role("link", name="River diary").click()
        await expect(tom.locator(".pages")).to_have_attribute("data-live", "true")
        diary = tom.url
        topic = tom.locator(".forum__topic", has_text="What lives in your river?")
        await topic.locator(":scope > details > summary").click()

        lea = await new_page(browser)
        await log_in(lea, server.url, "lea", diary.removeprefix(server.url))
        await expect(lea.locator(".pages")).to_have_attribute("data-live", "true")
        lea_topic = lea.locator(".forum__topic", has_text="What lives in your river?")
        await lea_topic.locator(":scope > details > summary").click()
        await lea_topic.get_by_label("Your reply").fill("A kingfisher, blue as the sea!")
        await lea_topic.get_by_role("button", name="Send the reply").click()
        # Tom's open page shows it without a reload, in the topic he kept open
        await expect(topic.locator(".forum__text", has_text="A kingfisher")).to_be_visible()

        # The upload cap (1 KB here) is checked before anything is sent.
        sent: list[str] = []
        lea.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
        await lea.goto(f"{server.url}/spaces/1/profile")
        field = lea.locator("#photo")
        await field.set_input_files(
            files=[{"name": "big.png", "mimeType": "image/png", "buffer": b"\x89PNG" * 1000}]
        )
        error = lea.locator(".upload-error")
        await expect(error).to_have_text(
            "“big.png” is larger than 1 KB: it was not sent. Choose a smaller file."
        )
        await expect(field).to_have_attribute("aria-invalid", "true")
        await lea.get_by_role("button", name="Upload the photo").click()
        await expect(error).to_be_visible()
        assert not [u for u in sent if u.endswith("/profile/photo")], sent
        # a file within the cap clears the message
        await field.set_input_files(
            files=[{"name": "small.png", "mimeType": "image/png", "buffer": b"\x89PNG"}]
        )
        await expect(error).to_have_count(0)
    finally:
        await stop_server(server)
