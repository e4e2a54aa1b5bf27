"""The wiki in real browsers: a teacher and a pupil type into the same wiki page at the same
time and both end with the same text holding both inputs; each sees the other's name; the
teacher freezes the page and the pupil's editor turns read-only at once; the keyboard can
leave the text; without JavaScript the text is readable; what both type while the server
is down reaches everyone when it is back."""

from __future__ import annotations

import asyncio

from playwright.async_api import Page, expect

from tests.conftest import RunningServer, start_server, stop_server
from tests.e2e.conftest import log_in, new_page
from tests.support import api_login
from tests.wiki_helpers import make_wiki
from twinspace.settings import Settings
from twinspace.tools.wiki import crdt, store
from twinspace.tools.wiki.models import WikiPage


def wiki_path(ids: dict[str, int]) -> str:
    return f"/spaces/1/widgets/{ids['widget_id']}/wiki/{ids['page_id']}"


async def editable(page: Page) -> None:
    root = page.locator(".wiki-page")
    await expect(root).to_have_attribute("data-live", "true")
    await expect(root).to_have_attribute("data-editable", "true")


async def text_of(page: Page) -> str:
    return await page.locator("#wiki-text .ql-editor").inner_text()


async def test_two_browsers_type_together_and_end_with_the_same_text(
    server: RunningServer, browser, artifacts
) -> None:
    anne_http = await api_login(server.url, "anne")
    try:
        ids = await make_wiki(anne_http)
    finally:
        await anne_http.aclose()
    path = wiki_path(ids)
    anne, lea = await new_page(browser), await new_page(browser)
    problems: list[str] = []

    def console(message) -> None:  # the site has no favicon: the browser's own request 404s
        if message.type == "error" and "favicon.ico" not in str(message.location):
            problems.append(f"{message.text} {message.location}")

    for page in (anne, lea):
        page.on("console", console)
        page.on("pageerror", lambda e: problems.append(str(e)))
    await log_in(anne, server.url, "anne", path)
    await log_in(lea, server.url, "lea", path)
    await editable(anne)
    await editable(lea)

    # each sees the other here, by name
    await expect(anne.locator("#wiki-people")).to_contain_text("Léa")
    await expect(lea.locator("#wiki-people")).to_contain_text("Anne Moreau")

    anne_text = "The Rhône rises in the Alps."
    lea_text = "Der Rhein fließt nach Norden."
    await anne.locator("#wiki-text .ql-editor").click()
    await lea.locator("#wiki-text .ql-editor").click()
    # both type at the same time, a key at a time
    await asyncio.gather(
        anne.keyboard.type(anne_text, delay=15),
        lea.keyboard.type(lea_text, delay=15),
    )
    for page in (anne, lea):
        await expect(page.locator("#wiki-text .ql-editor")).to_contain_text(anne_text)
        await expect(page.locator("#wiki-text .ql-editor")).to_contain_text(lea_text)
    await expect(anne.locator("#wiki-saved")).to_have_text("All changes saved")
    await expect(lea.locator("#wiki-saved")).to_have_text("All changes saved")
    final = await text_of(anne)
    await expect(lea.locator("#wiki-text .ql-editor")).to_have_text(final)

    await anne.screenshot(path=artifacts / "wiki-two-browsers.png", full_page=True)

    # Escape leaves the text, so Tab goes on with the page
    await lea.keyboard.press("Escape")
    await expect(lea.locator("#wiki-help")).to_be_focused()

    # the teacher freezes the page: the pupil's editor is read-only at once
    await anne.get_by_role("button", name="Freeze: pupils can only read").click()
    await expect(lea.locator("#wiki-frozen-note")).to_be_visible()
    await expect(lea.locator(".wiki-page")).to_have_attribute("data-editable", "false")
    await expect(lea.locator("#wiki-text .ql-editor")).to_have_attribute("contenteditable", "false")
    await expect(anne.locator(".wiki-page")).to_have_attribute("data-editable", "true")

    assert problems == []  # no script error, nothing the content security policy refused

    # without JavaScript the stored text is there, readable
    context = await browser.new_context(java_script_enabled=False)
    plain = await context.new_page()
    await log_in(plain, server.url, "paul", path)
    body = plain.locator("#wiki-body")
    await expect(body).to_contain_text(anne_text)
    await expect(body).to_contain_text(lea_text)
    await context.close()


async def test_what_both_typed_while_the_server_was_down_reaches_everyone(
    settings: Settings, browser
) -> None:
    running = [await start_server(settings)]
    try:
        url = running[0].url
        port = int(url.rsplit(":", 1)[1])
        http = await api_login(url, "anne")
        try:
            ids = await make_wiki(http)
        finally:
            await http.aclose()
        path = wiki_path(ids)
        anne, lea = await new_page(browser), await new_page(browser)
        await log_in(anne, url, "anne", path)
        await log_in(lea, url, "lea", path)
        await editable(anne)
        await editable(lea)

        await stop_server(running[0])
        for page in (anne, lea):
            await expect(page.locator(".wiki-page")).to_have_attribute("data-live", "false")
        # both keep typing: nothing is lost
        await lea.locator("#wiki-text .ql-editor").click()
        await lea.keyboard.type("Léa typed this offline.")
        await anne.locator("#wiki-text .ql-editor").click()
        await anne.keyboard.type("Anne too.")
        await expect(lea.locator("#wiki-saved")).to_contain_text("Offline")

        running.append(await start_server(settings, port=port))
        for page in (anne, lea):  # socket.io's own backoff brings the pages back
            await expect(page.locator(".wiki-page")).to_have_attribute(
                "data-live", "true", timeout=30_000
            )
        for page in (anne, lea):
            editor = page.locator("#wiki-text .ql-editor")
            await expect(editor).to_contain_text("Léa typed this offline.")
            await expect(editor).to_contain_text("Anne too.")
            await expect(page.locator("#wiki-saved")).to_have_text("All changes saved")
        assert await text_of(anne) == await text_of(lea)
        async with running[-1].runtime.db.read() as session:
            page_row = await session.get(WikiPage, ids["page_id"])
            stored = crdt.plain_text(await store.load_document(session, page_row))
        assert stored.strip() == (await text_of(anne)).strip()
    finally:
        for server in running:
            await stop_server(server)
