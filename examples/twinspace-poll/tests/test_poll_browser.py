"""Voting live in real browsers: a pupil votes on the page a teacher has open; the teacher's
bar chart moves without a reload, the pupil sees their vote marked, and when the teacher
closes the poll the pupil's page says so live. Runs once, on SQLite (it tests pages)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import RunningServer
from tests.e2e.conftest import artifacts, browser, log_in, new_page  # noqa: F401 (fixtures)
from tests.support import api_login


@pytest.fixture(autouse=True)
def _sqlite_only(db_backend: str) -> None:
    if db_backend != "sqlite":
        pytest.skip("browser tests run once, on SQLite")


async def test_a_vote_reaches_the_teachers_chart_live(
    server: RunningServer,
    browser: Browser,  # noqa: F811
    artifacts: Path,  # noqa: F811
) -> None:
    anne = await api_login(server.url, "anne")
    page = (
        await anne.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": "Quiz"})
    ).json()
    widget = (
        await anne.post(
            f"/api/v1/spaces/1/pages/{page['id']}/widgets",
            json={
                "kind": "poll",
                "question": "Which river is longer?",
                "choices": ["The Rhône", "The Rhine"],
            },
        )
    ).json()
    await anne.aclose()
    path = f"/spaces/1/pages/{page['id']}"

    teacher = await new_page(browser)
    await log_in(teacher, server.url, "anne", path)
    pupil = await new_page(browser)
    await log_in(pupil, server.url, "lea", path)
    for tab in (teacher, pupil):
        await expect(tab.locator(".pages")).to_have_attribute("data-live", "true")
    bars = teacher.locator(f"#widget-{widget['id']} .poll__bar")
    await expect(bars.nth(1)).to_have_attribute("data-count", "0")

    await pupil.get_by_label("The Rhine").check()
    await pupil.get_by_role("button", name="Vote", exact=True).click()
    await expect(bars.nth(1)).to_have_attribute("data-count", "1")  # live, no reload
    await expect(teacher.locator(f"#widget-{widget['id']} figcaption")).to_have_text("1 vote")
    await expect(pupil.locator(".poll__bar--mine")).to_contain_text("The Rhine")
    await expect(pupil.get_by_role("button", name="Vote", exact=True)).to_have_count(0)

    await teacher.locator(f"#widget-{widget['id']} summary", has_text="Manage the poll").click()
    await teacher.get_by_role("button", name="Close the poll").click()
    await expect(pupil.locator(".poll__state")).to_have_text("This poll is closed.")
    await teacher.screenshot(path=str(artifacts / "poll-teacher.png"), full_page=True)
    await pupil.screenshot(path=str(artifacts / "poll-pupil.png"), full_page=True)
