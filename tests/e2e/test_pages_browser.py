"""Pages with applications in real browsers: a pupil builds a forum page that a classmate
answers while the teacher watches live, the teacher publishes it through the safety check,
the public reads it (pupils by first name only) and sees it close live when it goes private;
managers reorder pages and applications by drag and drop and from the keyboard, and confirm
removals in a dialog; live updates never interrupt someone typing; a page catches up after the
server restarts and works without JavaScript; and XSS payloads typed into every text field
never run anywhere."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.async_api import Browser, Dialog, Page, expect
from sqlalchemy import select

from tests.conftest import RunningServer, start_server, stop_server
from tests.e2e.conftest import PHONE, log_in, new_page
from tests.support import api_login
from twinspace.accounts.models import User
from twinspace.db import Database
from twinspace.pages.widgets import run_tool_command
from twinspace.settings import Settings

ACTIVITIES = "/spaces/1/activities"
PAGE_URL = re.compile(r".*/spaces/1/pages/(\d+)(#.*)?$")


def as_public_pupil(place: str) -> str:
    """A pupil as the public sees them: no name, only their school and country."""
    return f"A pupil of {place}"


def record_dialogs(page: Page, seen: list[str]) -> None:
    """Every alert/confirm/prompt the page opens is recorded (and dismissed)."""

    async def on_dialog(dialog: Dialog) -> None:
        seen.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    page.on("dialog", on_dialog)


async def wait_pages_live(page: Page) -> None:
    """The page list and applications say data-live="true" once their socket has joined."""
    await expect(page.locator(".pages")).to_have_attribute("data-live", "true")


async def announced(page: Page) -> None:
    """Live changes are announced together after a short pause: wait until that was said."""
    await expect(page.locator("#pages-announce")).not_to_have_attribute("data-pending", "true")


async def assert_no_sideways_scroll(page: Page) -> None:
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0, f"{page.url} scrolls sideways by {overflow}px on a phone"


async def mark_loaded(page: Page) -> None:
    """A flag on window that a reload (or a navigation) would wipe out."""
    await page.evaluate("window.__sameDocument = true")


async def still_same_document(page: Page) -> bool:
    return await page.evaluate("window.__sameDocument === true")


def widget(page: Page, kind: str):
    return page.locator(f"#widgets > article.widget--{kind}")


def topic(page: Page, title: str):
    return page.locator(".forum__topic").filter(has=page.locator(".forum__title", has_text=title))


def topic_summary(page: Page, title: str):
    return topic(page, title).locator(":scope > details > summary")


async def add_page_through_ui(page: Page, base_url: str, title: str) -> int:
    """Manage pages → New page title → Add the page (a plain form); returns the new page id."""
    manage = page.locator("details.manage").first
    if await manage.get_attribute("open") is None:
        await manage.locator("summary").click()
    await page.get_by_label("New page title").fill(title)
    await page.get_by_role("button", name="Add the page", exact=True).click()
    await page.wait_for_url(PAGE_URL)
    match = PAGE_URL.match(page.url)
    assert match, page.url
    await expect(page.locator("#page-title")).to_have_text(title)
    return int(match.group(1))


async def add_application(page: Page, label: str) -> None:
    """Add application → choose → Add to this page (sent through the API, no reload)."""
    await page.locator("details.add-app > summary").click()
    await page.locator(".tool-choice").filter(has_text=label).locator("input").check()
    await page.get_by_role("button", name="Add to this page", exact=True).click()


async def test_pupil_page_with_forum_is_answered_watched_published_and_closed_live(
    server: RunningServer, browser: Browser, artifacts: Path
) -> None:
    dialogs: list[str] = []
    pia = await new_page(browser)
    record_dialogs(pia, dialogs)
    await log_in(pia, server.url, "pia", ACTIVITIES)

    # The pupil administrator creates the page through the page's own form.
    title = "Animals of the Rhône"
    page_id = await add_page_through_ui(pia, server.url, title)
    path = f"/spaces/1/pages/{page_id}"
    await wait_pages_live(pia)
    await expect(pia.locator("#page-tree a[aria-current=page]")).to_have_text(title)

    # The teacher opens it now and keeps it open for the rest of the story.
    anne = await new_page(browser)
    record_dialogs(anne, dialogs)
    await log_in(anne, server.url, "anne", path)
    await wait_pages_live(anne)
    await mark_loaded(anne)
    await expect(anne.locator("#widgets > .empty")).to_contain_text("no applications yet")

    # Pia adds a Forum: it appears on her page without a reload, and on Anne's live.
    await mark_loaded(pia)
    await add_application(pia, "Forum")
    await expect(widget(pia, "forum")).to_have_count(1)
    await expect(widget(pia, "forum").locator(".widget__head h2")).to_be_focused()
    assert await still_same_document(pia)
    await expect(widget(anne, "forum")).to_have_count(1)
    await expect(anne.locator("#widgets > .empty")).to_have_count(0)
    await expect(anne.locator("#pages-announce")).to_have_text(
        "An application was added to this page."
    )

    # She starts a topic in it (sent through the API; the new topic takes the focus).
    forum = widget(pia, "forum")
    # the composer waits behind its button (calm pages), even in an empty forum
    await expect(forum.locator("details.forum__new")).not_to_have_attribute("open", "")
    await forum.locator("details.forum__new > summary").click()
    topic_title = "Which birds live near the water?"
    topic_text = "I saw a grey heron near the bridge. What did you see?"
    await forum.get_by_label("Title").fill(topic_title)
    await forum.get_by_label("Your message").fill(topic_text)
    await forum.get_by_role("button", name="Start the topic", exact=True).click()
    await expect(topic(pia, topic_title)).to_have_count(1)
    await expect(topic_summary(pia, topic_title)).to_be_focused()
    await expect(forum.locator(".widget__status")).to_have_text("Sent.")
    assert await still_same_document(pia)

    # Anne sees the topic arrive, opens it, and waits there.
    await expect(topic(anne, topic_title)).to_have_count(1)
    await expect(anne.locator("#pages-announce")).to_have_text("New topic in Forum.")
    await topic_summary(anne, topic_title).click()
    await expect(topic(anne, topic_title).locator(".forum__body")).to_be_visible()

    # Léa, a pupil member, opens the page and replies.
    lea = await new_page(browser)
    record_dialogs(lea, dialogs)
    await log_in(lea, server.url, "lea", path)
    await wait_pages_live(lea)
    await mark_loaded(lea)
    await expect(lea.locator("details.add-app")).to_have_count(0)  # not a page manager
    await expect(lea.locator(".widget__manage")).to_have_count(0)
    await topic_summary(lea, topic_title).click()
    reply = "We saw two ducks and a cormorant!"
    await topic(lea, topic_title).get_by_label("Your reply").fill(reply)
    await topic(lea, topic_title).get_by_role("button", name="Send the reply").click()
    lea_reply = topic(lea, topic_title).locator(".forum__reply .forum__text")
    await expect(lea_reply).to_have_text(reply)
    await expect(topic(lea, topic_title).get_by_label("Your reply")).to_have_value("")
    await expect(topic(lea, topic_title).locator(".forum__body")).to_be_visible()  # still open
    assert await still_same_document(lea)

    # ... and it appears on Anne's page, in the topic she kept open, without a reload.
    anne_topic = topic(anne, topic_title)
    await expect(anne_topic.locator(".forum__reply .forum__text")).to_have_text(reply)
    await expect(anne_topic.locator(".forum__reply strong")).to_have_text("Léa")
    await expect(anne_topic.locator(".forum__body")).to_be_visible()
    await expect(anne.locator("#pages-announce")).to_have_text("New reply in Forum.")
    assert await still_same_document(anne)
    await anne.screenshot(path=artifacts / "pages-anne-desktop.png", full_page=True)
    anne_phone = await new_page(
        browser,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        storage_state=await anne.context.storage_state(),
    )
    await anne_phone.goto(f"{server.url}{path}")
    await wait_pages_live(anne_phone)
    await anne_phone.locator("details.manage > summary").first.click()  # the widest form
    await topic_summary(anne_phone, topic_title).click()
    await anne_phone.screenshot(path=artifacts / "pages-anne-phone.png", full_page=True)
    await assert_no_sideways_scroll(anne_phone)
    await anne_phone.context.close()

    # Anne publishes it through the safety-check page.
    await anne.locator("details.manage--page > summary").click()
    await anne.get_by_role("link", name="Make public…").click()
    await anne.wait_for_url(f"{server.url}{path}/publish")
    await expect(anne.locator("h1")).to_have_text(f"Make “{title}” public?")
    await expect(anne.locator(".report")).to_contain_text(topic_text)
    publish = anne.get_by_role("button", name="Make it public", exact=True)
    await anne.get_by_label("I have checked: this page may be public.").check()
    await publish.click()
    await anne.wait_for_url(f"{server.url}{path}")
    await expect(anne.locator(".banner--public")).to_be_visible()
    await expect(anne.locator(".page-head .visibility--public")).to_have_text(
        "Public — anyone on the internet"
    )
    await wait_pages_live(anne)
    # Léa's page follows: the badge says the page is public now.
    await expect(lea.locator(".page-head .visibility--public")).to_be_visible()
    await expect(
        lea.locator(f'#page-tree [data-page-id="{page_id}"] .badge--public')
    ).to_be_visible()

    # Someone without an account reads it: pupils appear by first name only.
    public = await new_page(browser)
    record_dialogs(public, dialogs)
    await public.goto(f"{server.url}{path}")
    await wait_pages_live(public)
    await expect(public.locator("#page-title")).to_have_text(title)
    await expect(public.locator("details.manage, details.add-app, .widget__manage")).to_have_count(
        0
    )
    public_topic = topic(public, topic_title)
    await public_topic.locator(":scope > details > summary").click()
    await expect(public_topic.locator(".forum__body > .forum__text")).to_have_text(topic_text)
    await expect(public_topic.locator(".forum__reply .forum__text")).to_have_text(reply)
    # never a name or username: "A pupil of <school>, <country>"
    await expect(public_topic.locator(".forum__reply strong")).to_have_text(
        as_public_pupil("Collège Victor Hugo, France")
    )
    await expect(public_topic.locator(".forum__body > .hint")).to_contain_text("A pupil")
    shown = await public.locator(".pages").inner_html()
    for username in ("pia", "lea"):
        assert not re.search(rf"(?<![\w-]){username}(?![\w-])", shown), (
            f"the username {username!r} is visible to the public"
        )
    await expect(public.locator(".pages a[href*='/users/']")).to_have_count(0)
    await public.screenshot(path=artifacts / "pages-public-desktop.png", full_page=True)
    phone = await new_page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    await phone.goto(f"{server.url}{path}")
    await topic_summary(phone, topic_title).click()
    await phone.screenshot(path=artifacts / "pages-public-phone.png", full_page=True)
    await assert_no_sideways_scroll(phone)

    # Anne makes it private again: the public reader sees it close, live.
    await mark_loaded(public)
    await anne.locator("details.manage--page > summary").click()
    await anne.get_by_role("link", name="Make private…").click()
    await anne.get_by_role("button", name="Make it private", exact=True).click()
    await anne.wait_for_url(f"{server.url}{path}")
    await expect(anne.locator(".banner--public")).to_have_count(0)
    notice = public.locator(".page-gone h1")
    await expect(notice).to_have_text("This page is no longer public.")
    await expect(public.locator(".forum")).to_have_count(0)
    await expect(public.locator(".pages__list")).to_be_hidden()
    await expect(public.locator("#pages-announce")).to_have_text("This page is no longer public.")
    assert await still_same_document(public)
    # Members stay on it, live: Léa's badge goes back to "Members of this TwinSpace", and
    # her page joined the page's room again (closing it to the public closed it for all).
    await expect(lea.locator(".page-head .visibility")).to_have_text("Members of this TwinSpace")
    anne_api = await api_login(server.url, "anne")
    try:
        widget_id = await widget(lea, "forum").get_attribute("data-widget-id")
        topic_id = await topic(lea, topic_title).get_attribute("data-topic-id")
        answer = await anne_api.post(
            f"/api/v1/spaces/1/widgets/{widget_id}/reply.create",
            json={"topic_id": int(topic_id or 0), "text": "Well observed, both of you."},
        )
        assert answer.status_code == 200, answer.text
    finally:
        await anne_api.aclose()
    await expect(topic(lea, topic_title).locator(".forum__reply .forum__text")).to_have_text(
        [reply, "Well observed, both of you."]
    )
    assert await still_same_document(lea)
    assert dialogs == []


async def test_managers_reorder_by_drag_and_keyboard_and_confirm_removal(
    server: RunningServer, browser: Browser
) -> None:
    dialogs: list[str] = []
    anne = await new_page(browser)
    record_dialogs(anne, dialogs)
    await log_in(anne, server.url, "anne", ACTIVITIES)
    await wait_pages_live(anne)
    lea = await new_page(browser)
    record_dialogs(lea, dialogs)
    await log_in(lea, server.url, "lea", ACTIVITIES)
    await wait_pages_live(lea)
    await mark_loaded(anne)
    await mark_loaded(lea)
    await expect(lea.locator(".drag-handle")).to_have_count(0)  # pupils do not manage pages

    tree = anne.locator("#page-tree > li > a")
    lea_tree = lea.locator("#page-tree > li > a")
    await expect(tree).to_have_text(["Our two rivers", "River diary", "Results"])

    # From the keyboard: ↓ moves the page, the focus stays on its button, the list says so.
    await anne.get_by_role("button", name="Move down: Our two rivers").focus()
    await anne.keyboard.press("Enter")
    await expect(tree).to_have_text(["River diary", "Our two rivers", "Results"])
    await expect(anne.get_by_role("button", name="Move down: Our two rivers")).to_be_focused()
    await expect(anne.locator(".pages__status")).to_have_text("“Our two rivers” is now in place 2.")
    await expect(lea_tree).to_have_text(["River diary", "Our two rivers", "Results"])
    await expect(lea.locator("#pages-announce")).to_have_text("The list of pages changed.")

    # With the mouse: "Results" dragged above the first page.
    results = anne.locator("#page-tree > li").filter(has_text="Results")
    await results.locator(":scope > .drag-handle").drag_to(
        anne.locator("#page-tree > li").first, target_position={"x": 60, "y": 4}
    )
    await expect(tree).to_have_text(["Results", "River diary", "Our two rivers"])
    await expect(anne.locator(".pages__status")).to_have_text("“Results” is now in place 1.")
    await expect(lea_tree).to_have_text(["Results", "River diary", "Our two rivers"])

    # Applications on "Our two rivers": Blog dragged above Web content, then back by keyboard.
    await tree.filter(has_text="Our two rivers").click()
    await wait_pages_live(anne)
    await lea.get_by_role("link", name="Our two rivers").click()
    await wait_pages_live(lea)
    await mark_loaded(anne)
    await mark_loaded(lea)
    cards = anne.locator("#widgets > article .widget__head h2")
    lea_cards = lea.locator("#widgets > article .widget__head h2")
    await expect(cards).to_have_text(["Web content", "Blog"])
    await (
        widget(anne, "blog")
        .locator(".drag-handle")
        .drag_to(widget(anne, "webcontent"), target_position={"x": 200, "y": 4})
    )
    await expect(cards).to_have_text(["Blog", "Web content"])
    await expect(lea_cards).to_have_text(["Blog", "Web content"])
    await expect(widget(anne, "blog").locator(".widget__status")).to_have_text(
        "“Blog” is now in place 1."
    )
    await anne.get_by_role("button", name="Move down: Blog").focus()
    await anne.keyboard.press("Enter")
    await expect(cards).to_have_text(["Web content", "Blog"])
    await expect(anne.get_by_role("button", name="Move up: Blog")).to_be_focused()
    await expect(lea_cards).to_have_text(["Web content", "Blog"])
    await announced(lea)

    # Removing an application asks first; Escape keeps it, the dialog's button removes it.
    remove = widget(anne, "webcontent").get_by_role("button", name="Remove")
    await remove.focus()
    await anne.keyboard.press("Enter")
    dialog = anne.get_by_role("dialog", name="Remove this application and everything in it?")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    await anne.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)
    await expect(remove).to_be_focused()
    await expect(widget(anne, "webcontent")).to_have_count(1)
    await remove.click()
    await dialog.get_by_role("button", name="Remove").click()
    await expect(widget(anne, "webcontent")).to_have_count(0)
    await expect(widget(anne, "blog").locator(".widget__head h2")).to_be_focused()
    await expect(widget(lea, "webcontent")).to_have_count(0)
    await expect(lea.locator("#pages-announce")).to_have_text(
        "An application was removed from this page."
    )
    assert await still_same_document(anne) and await still_same_document(lea)
    assert dialogs == []


async def test_live_updates_never_interrupt_someone_typing(
    server: RunningServer, browser: Browser
) -> None:
    lea = await new_page(browser)
    await log_in(lea, server.url, "lea", ACTIVITIES)
    await lea.get_by_role("link", name="River diary").click()
    await wait_pages_live(lea)
    await mark_loaded(lea)
    forum = widget(lea, "forum")
    widget_id = await forum.get_attribute("data-widget-id")
    thread = lea.locator(".forum__topic").first
    topic_id = await thread.get_attribute("data-topic-id")
    await thread.locator(":scope > details > summary").click()
    replies = thread.locator(".forum__reply .forum__text")
    await expect(replies).to_have_text(["We saw a heron and two ducks."])

    draft = "We saw a kingfisher, it was bright blue and"
    box = thread.get_by_label("Your reply")
    await box.fill(draft)
    tom = await api_login(server.url, "tom")
    try:
        url = f"/api/v1/spaces/1/widgets/{widget_id}/reply.create"
        sent = await tom.post(url, json={"topic_id": int(topic_id or 0), "text": "A fish jumped!"})
        assert sent.status_code == 200, sent.text

        # Léa is typing: the forum stays as it is and offers the update instead.
        pill = forum.get_by_role("button", name="Forum was updated: show the changes")
        await expect(pill).to_be_visible()
        await expect(pill).to_have_text("Updated — refresh")
        await expect(replies).to_have_count(1)
        await expect(box).to_be_focused()
        await expect(box).to_have_value(draft)
        await box.press_sequentially(" fast.")

        # She takes it: the new reply is there, her text and the open topic too.
        await pill.click()
        await expect(replies).to_have_text(["We saw a heron and two ducks.", "A fish jumped!"])
        await expect(pill).to_have_count(0)
        await expect(thread.get_by_label("Your reply")).to_have_value(f"{draft} fast.")
        await thread.get_by_role("button", name="Send the reply").click()
        await expect(replies).to_have_count(3)
        await expect(replies.last).to_have_text(f"{draft} fast.")
        await expect(thread.get_by_label("Your reply")).to_have_value("")

        # Nothing typed now: the next reply slides straight in, no pill.
        sent = await tom.post(url, json={"topic_id": int(topic_id or 0), "text": "And a frog."})
        assert sent.status_code == 200, sent.text
        await expect(replies).to_have_count(4)
        await expect(replies.last).to_have_text("And a frog.")
        await expect(replies.last.locator("xpath=..")).to_contain_class("is-new")
        await expect(forum.locator(".widget__pill")).to_have_count(0)
        assert await still_same_document(lea)
    finally:
        await tom.aclose()

    # An error from the server is said in the form, and what was typed stays.
    await thread.get_by_label("Your reply").fill("   ")  # passes "required", not the server
    await thread.get_by_role("button", name="Send the reply").click()
    error = thread.locator(".forum__reply-form .form__error")
    await expect(error).to_have_text("A message is 1 to 10,000 characters.")
    await expect(thread.get_by_label("Your reply")).to_have_value("   ")
    await expect(replies).to_have_count(4)
    assert await still_same_document(lea)

    # The page is deleted while Léa reads it: she is told, with a way back to the room.
    anne = await api_login(server.url, "anne")
    try:
        page_id = await lea.locator(".pages").get_attribute("data-page-id")
        deleted = await anne.delete(f"/api/v1/spaces/1/pages/{page_id}")
        assert deleted.status_code == 200, deleted.text
    finally:
        await anne.aclose()
    await expect(lea.locator(".page-gone h1")).to_have_text("This page was deleted.")
    await expect(lea.locator(".forum")).to_have_count(0)
    await expect(lea.locator("#page-tree > li > a")).to_have_text(["Our two rivers", "Results"])
    await lea.get_by_role("link", name="Go to Project activities").click()
    await lea.wait_for_url(f"{server.url}{ACTIVITIES}")


# --- XSS ------------------------------------------------------------------------------------

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)">',
    "<body onload=alert(1)>",
    "{{7*7}}",
    "<a href=x onmouseover=alert(1)>hover</a>",
]
TEMPLATE = "{{7*7}}"
CSP_NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'")
# Every Content-Security-Policy violation (an inline script or handler that tried to run).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
});
"""
# Anything in the rendered content that could run script.
DANGEROUS = """scope => {
  const found = [];
  for (const el of scope.querySelectorAll("*")) {
    const tag = el.tagName.toLowerCase();
    if (["script", "iframe", "object", "embed", "frame"].includes(tag)
        && !(tag === "script" && el.type === "application/json")) found.push(tag);
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\s\\u0000-\\u001f]/g, "").toLowerCase();
      if (attr.name.toLowerCase().startsWith("on")) found.push(`${tag}[${attr.name}]`);
      if (["href", "src", "action", "formaction", "xlink:href"].includes(attr.name.toLowerCase())
          && value.startsWith("javascript:")) found.push(`${tag}[${attr.name}=${attr.value}]`);
    }
  }
  return found;
}"""
# The visible text without dates and times (a "49" there would be a minute, not 7*7).
TEXT_WITHOUT_TIMES = """scope => {
  const copy = scope.cloneNode(true);
  copy.querySelectorAll("time, script").forEach((n) => n.remove());
  return copy.textContent;
}"""


async def watched_page(browser: Browser, dialogs: list[str], **options) -> Page:
    page = await new_page(browser, **options)
    record_dialogs(page, dialogs)
    await page.add_init_script(WATCH_CSP)
    return page


async def open_details(details) -> None:
    if await details.get_attribute("open") is None:
        await details.locator(":scope > summary").click()


async def check_page(page: Page, url: str, scope: str, *, literal: bool = True) -> None:
    """Load ``url``: a CSP with a nonce, nothing runnable in ``scope``, every link hovered,
    "{{7*7}}" shown as typed, and no CSP violation."""
    response = await page.goto(url)
    assert response is not None and response.status == 200, url
    csp = await response.header_value("content-security-policy") or ""
    match = CSP_NONCE.search(csp)
    assert match, f"no script nonce in the CSP of {url}: {csp!r}"
    assert "object-src 'none'" in csp and "base-uri 'none'" in csp, csp
    nonce = await page.evaluate("document.querySelector('script[type=module]').nonce")
    assert nonce == match.group(1), "the bundle's nonce is not the header's"
    if await page.locator(".pages").count():
        await wait_pages_live(page)
    elif await page.locator(".chat__main").count():
        await expect(page.locator(".chat__main")).to_have_attribute("data-live", "true")
    await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
    area = page.locator(scope)
    for link in await area.locator("a:visible").all():
        await link.hover()
    assert await area.evaluate(DANGEROUS) == [], f"runnable content on {url}"
    if literal:
        text = await area.evaluate(TEXT_WITHOUT_TIMES)
        assert TEMPLATE in text, f"{TEMPLATE} is not shown as typed on {url}"
        assert not re.search(r"(?<!\d)49(?!\d)", text), f"{TEMPLATE} was evaluated on {url}"
    assert await page.evaluate("window.__cspViolations") == [], url


async def texts_of(page: Page, selector: str) -> list[str]:
    return [t.strip() for t in await page.locator(selector).all_text_contents()]


async def test_xss_payloads_in_every_text_field_never_run(
    server: RunningServer, browser: Browser
) -> None:
    dialogs: list[str] = []
    anne = await watched_page(browser, dialogs)
    await log_in(anne, server.url, "anne", ACTIVITIES)

    # Page titles: one page per payload, through the "Manage pages" form.
    page_ids = [await add_page_through_ui(anne, server.url, p) for p in PAYLOADS]
    lab = f"/spaces/1/pages/{page_ids[0]}"
    template_page = f"/spaces/1/pages/{page_ids[PAYLOADS.index(TEMPLATE)]}"
    await anne.goto(f"{server.url}{lab}")
    await wait_pages_live(anne)
    for label, kind in (("Web content", "webcontent"), ("Blog", "blog"), ("Forum", "forum")):
        await add_application(anne, label)
        await expect(widget(anne, kind)).to_have_count(1)

    # Web content: each payload saved (and swapped in live), then all of them together.
    text = widget(anne, "webcontent")
    for html in [*PAYLOADS, "\n".join(PAYLOADS)]:
        edit = text.locator("details.widget-edit")
        await open_details(edit)
        await edit.locator("textarea").fill(html)
        await edit.get_by_role("button", name="Save", exact=True).click()
        await expect(text.locator("details.widget-edit")).not_to_have_attribute("open", "")
    await expect(text.locator(".rich")).to_contain_text(TEMPLATE)

    # Blog: posts (title and body), then comments on the newest post.
    blog = widget(anne, "blog")
    for n, payload in enumerate(PAYLOADS, start=1):
        await open_details(blog.locator("details.blog__new"))
        await blog.get_by_label("Title").first.fill(payload)
        # a body that is only a script is cleaned to nothing (and refused): add some words
        await blog.get_by_label("Your post").first.fill(f"Post {n}: {payload}")
        await blog.get_by_role("button", name="Publish the post").click()
        await expect(blog.locator(".blog__post")).to_have_count(n)
    newest = blog.locator(".blog__post").first
    for n, payload in enumerate(PAYLOADS, start=1):
        await open_details(newest.locator("details.blog__comment-box"))
        await newest.locator(".blog__comment-form textarea").fill(payload)
        await newest.get_by_role("button", name="Send the comment").click()
        await expect(newest.locator(".blog__comment")).to_have_count(n)

    # Forum: topics (title and text), then replies in one of them.
    forum = widget(anne, "forum")
    for n, payload in enumerate(PAYLOADS, start=1):
        await open_details(forum.locator("details.forum__new"))
        await forum.get_by_label("Title").first.fill(payload)
        await forum.get_by_label("Your message").first.fill(payload)
        await forum.get_by_role("button", name="Start the topic").click()
        await expect(forum.locator(".forum__topic")).to_have_count(n)
    topic_id = await forum.locator(".forum__topic").first.get_attribute("data-topic-id")
    thread = anne.locator(f"#forum-topic-{topic_id}")
    await open_details(thread.locator(":scope > details"))
    for n, payload in enumerate(PAYLOADS, start=1):
        await thread.locator(".forum__reply-form textarea").fill(payload)
        await thread.get_by_role("button", name="Send the reply").click()
        await expect(thread.locator(".forum__reply")).to_have_count(n)

    # The safety check before publishing shows the texts too; then the page goes public.
    await check_page(anne, f"{server.url}{lab}/publish", "main", literal=False)
    await anne.get_by_label("I have checked: this page may be public.").check()
    await anne.get_by_role("button", name="Make it public", exact=True).click()
    await anne.wait_for_url(f"{server.url}{lab}")

    # Chat: every payload as a message.
    await anne.goto(f"{server.url}/spaces/1/chat/general")
    await expect(anne.locator(".chat__main")).to_have_attribute("data-live", "true")
    for payload in PAYLOADS:
        await anne.locator("#chat-text").fill(payload)
        await anne.locator("#chat-text").press("Enter")
        await expect(anne.locator("#chat-text")).to_have_value("")
    await expect(anne.locator(".message__text").last).to_have_text(PAYLOADS[-1])

    # Read everything back: as the author, as a pupil member, and as the public.
    lea = await watched_page(browser, dialogs)
    await log_in(lea, server.url, "lea", lab)
    public = await watched_page(browser, dialogs)
    for page in (anne, lea, public):
        await check_page(page, f"{server.url}{lab}", ".pages")
        shown = {
            "page title": await texts_of(page, ".page-tree a"),
            "blog title": await texts_of(page, ".blog__title"),
            "blog comment": await texts_of(page, ".blog__comment-text"),
            "forum title": await texts_of(page, ".forum__title"),
            "forum text": await texts_of(page, ".forum__body > .forum__text"),
            "forum reply": await texts_of(page, ".forum__reply .forum__text"),
        }
        for field, texts in shown.items():
            if field == "page title" and page is public:
                continue  # the public sees only the published page in the list
            missing = [p for p in PAYLOADS if p not in texts]
            assert not missing, f"{field}: not shown as typed: {missing}"
        # the rich text keeps the harmless parts only: the links lost their scripts
        hover_links = page.locator(".rich a", has_text="hover")
        await expect(hover_links).to_have_count(2)  # in the web content and in a blog post
        for link in await hover_links.all():
            await expect(link).to_have_attribute("href", "x")
    for page in (anne, lea):
        await check_page(page, f"{server.url}{template_page}", ".pages")
        await expect(page.locator("#page-title")).to_have_text(TEMPLATE)
        await check_page(page, f"{server.url}/spaces/1/chat/general", "#messages")
        messages = await texts_of(page, ".message__text")
        assert [p for p in PAYLOADS if p not in messages] == []
        await check_page(page, f"{server.url}/spaces/1", "main", literal=False)
    assert dialogs == [], dialogs


# --- reconnecting, and no JavaScript at all ----------------------------------------------------


async def reply_as(settings: Settings, username: str, widget_id: int, topic_id: int, text: str):
    """Reply through the forum's own command, straight in the database (no server running)."""
    db = Database(settings.database_url)
    try:
        async with db.unit_of_work() as uow:
            author = await uow.session.scalar(select(User).where(User.username == username))
            assert author is not None
            payload = {"topic_id": topic_id, "text": text}
            await run_tool_command(uow, author, 1, widget_id, "reply.create", payload, settings)
    finally:
        await db.dispose()


async def test_page_catches_up_after_the_server_restarts(
    settings: Settings, browser: Browser
) -> None:
    running = [await start_server(settings)]
    try:
        url = running[0].url
        port = int(url.rsplit(":", 1)[1])
        lea = await new_page(browser)
        await log_in(lea, url, "lea", ACTIVITIES)
        await lea.get_by_role("link", name="River diary").click()
        await wait_pages_live(lea)
        await mark_loaded(lea)
        forum = widget(lea, "forum")
        widget_id = int(await forum.get_attribute("data-widget-id") or 0)
        thread = lea.locator(".forum__topic").first
        topic_id = int(await thread.get_attribute("data-topic-id") or 0)
        await thread.locator(":scope > details > summary").click()
        replies = thread.locator(".forum__reply .forum__text")
        await expect(replies).to_have_count(1)

        await stop_server(running[0])
        await expect(lea.locator(".pages")).to_have_attribute("data-live", "false")
        await expect(lea.locator("#connection")).to_have_text("Reconnecting…")
        await reply_as(settings, "tom", widget_id, topic_id, "Written while you were away")

        running.append(await start_server(settings, port=port))
        # socket.io's own backoff (at most ~5 s between tries) brings the page back.
        await expect(lea.locator(".pages")).to_have_attribute("data-live", "true", timeout=30_000)
        await expect(lea.locator("#connection")).to_have_text("Back online — 1 change you missed.")
        await expect(replies).to_have_text(
            ["We saw a heron and two ducks.", "Written while you were away"]
        )
        await expect(thread.locator(".forum__body")).to_be_visible()  # still open
        assert await still_same_document(lea)
    finally:
        for server in running:
            await stop_server(server)


async def test_a_reply_sent_offline_stays_on_the_page_to_send_again(
    server: RunningServer, browser: Browser
) -> None:
    """Offline, the reply form is never posted the ordinary way (an error page would lose the
    text): it says so, keeps the text, and says when it can be sent again."""
    lea = await new_page(browser)
    await log_in(lea, server.url, "lea", ACTIVITIES)
    await lea.get_by_role("link", name="River diary").click()
    await wait_pages_live(lea)
    await mark_loaded(lea)
    page_url = lea.url
    thread = lea.locator(".forum__topic").first
    await thread.locator(":scope > details > summary").click()
    replies = thread.locator(".forum__reply .forum__text")
    await expect(replies).to_have_count(1)

    await lea.context.set_offline(True)
    await expect(lea.locator(".pages")).to_have_attribute("data-live", "false")
    text = "Typed on the train, in a tunnel"
    box = thread.get_by_label("Your reply")
    await box.fill(text)
    await thread.get_by_role("button", name="Send the reply").click()
    error = thread.locator(".forum__reply-form .form__error")
    await expect(error).to_have_text(
        "Not sent: you are offline. What you wrote is kept here: "
        "send it again when the connection is back."
    )
    await expect(box).to_have_value(text)
    assert lea.url == page_url and await still_same_document(lea)

    await lea.context.set_offline(False)
    # socket.io's own backoff (at most ~5 s between tries) brings the page back.
    await expect(lea.locator(".pages")).to_have_attribute("data-live", "true", timeout=30_000)
    await expect(error).to_have_text("The connection is back: you can send it now.")
    await thread.get_by_role("button", name="Send the reply").click()
    await expect(replies).to_have_text(["We saw a heron and two ducks.", text])
    await expect(thread.get_by_label("Your reply")).to_have_value("")
    await expect(error).to_have_count(0)
    assert await still_same_document(lea)


async def test_pages_work_without_javascript(server: RunningServer, browser: Browser) -> None:
    lea = await new_page(browser, java_script_enabled=False)
    await log_in(lea, server.url, "lea", ACTIVITIES)
    await lea.get_by_role("link", name="River diary").click()
    await expect(lea.locator(".pages")).not_to_have_attribute("data-live", "true")
    thread = lea.locator(".forum__topic").first
    await thread.locator(":scope > details > summary").click()
    await thread.get_by_label("Your reply").fill("Sent without JavaScript")
    await thread.get_by_role("button", name="Send the reply").click()
    await lea.wait_for_load_state()
    thread = lea.locator(".forum__topic").first
    await thread.locator(":scope > details > summary").click()
    await expect(thread.locator(".forum__reply .forum__text")).to_have_text(
        ["We saw a heron and two ducks.", "Sent without JavaScript"]
    )
    # a form that asks first in a dialog with JavaScript simply submits without it
    await thread.locator(".forum__reply").last.get_by_role("button", name="Delete").click()
    await lea.wait_for_load_state()
    thread = lea.locator(".forum__topic").first
    await thread.locator(":scope > details > summary").click()
    await expect(thread.locator(".forum__reply .forum__text")).to_have_text(
        ["We saw a heron and two ducks."]
    )
