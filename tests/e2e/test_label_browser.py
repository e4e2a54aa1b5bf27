"""The quality label in a real browser: the draft is saved as the teacher types, the examples
as they are ticked; the evidence charts are drawn by the server."""

from __future__ import annotations

import dataclasses

import pytest
from playwright.async_api import expect

from tests.e2e.conftest import log_in, new_page
from twinspace.label.models import LabelApplication
from twinspace.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, label_min_days=0)


async def test_the_draft_is_saved_as_the_teacher_types(server, browser, artifacts):
    page = await new_page(browser)
    await log_in(page, server.url, "anne", next_path="/spaces/1/label")
    await page.get_by_role("button", name="Apply for the quality label").click()
    await page.wait_for_url(f"{server.url}/labels/*")
    app_id = int(page.url.rsplit("/", 1)[1])
    field = page.get_by_label("4. Creative use of ICT")
    await field.focus()
    await page.keyboard.type("Our pupils wrote the wiki together.")
    await expect(page.locator("[data-draft-status]")).to_have_text("Draft saved.")
    example = page.locator("input[name=examples]").first
    async with page.expect_response(
        lambda r: r.request.method == "PATCH" and "examples" in (r.request.post_data or "")
    ) as saved:
        await example.check()
    assert (await saved.value).status == 200
    async with server.runtime.db.read() as session:
        app = await session.get(LabelApplication, app_id)
    assert app.criteria["ict"] == "Our pupils wrote the wiki together."
    assert [e["key"] for e in app.examples] == [await example.get_attribute("value")]
    await expect(page.locator("svg.label-chart")).to_have_count(4)
    await page.screenshot(path=str(artifacts / "label-application.png"), full_page=True)
