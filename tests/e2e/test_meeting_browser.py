"""Video meetings in real Chromium browsers with fake cameras and microphones: two, then
three browsers connect and each receives the others' audio and video (RTCPeerConnection
stats: bytes received grow); a teacher removes a pupil and the pupil's connections close."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.conftest import RunningServer
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, log_in, new_page

MEETING = "/spaces/1/meeting"
FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]

# bytes received from each peer, by kind (audio, video)
RECEIVED = """async () => {
  const out = {};
  for (const [sid, peer] of window.twinspaceMeeting.peers) {
    const row = {audio: 0, video: 0, tracks: peer.stream.getTracks().length};
    (await peer.pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp") row[r.kind] += r.bytesReceived || 0;
    });
    out[sid] = row;
  }
  return out;
}"""


@pytest.fixture
async def media_browser() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *FAKE_MEDIA]
        )
        try:
            yield browser
        finally:
            await browser.close()


async def enter(browser: Browser, server: RunningServer, username: str) -> Page:
    page = await new_page(browser)
    await log_in(page, server.url, username, MEETING)
    await expect(page.locator("#meeting")).to_have_attribute("data-live", "true")
    return page


async def join(page: Page) -> None:
    await page.get_by_role("button", name="Join with camera and microphone").click()
    await expect(page.locator("#meeting-controls")).to_be_visible()


async def receiving(page: Page, peers: int, timeout: float = 20) -> None:
    """Wait until the page receives audio and video from ``peers`` others, growing."""
    deadline = time.monotonic() + timeout
    first: dict | None = None
    while time.monotonic() < deadline:
        now = await page.evaluate(RECEIVED)
        if len(now) == peers and all(r["audio"] > 0 and r["video"] > 0 for r in now.values()):
            if first is None or set(first) != set(now):
                first = now
            elif all(
                now[sid]["video"] > first[sid]["video"] and now[sid]["audio"] > first[sid]["audio"]
                for sid in now
            ):
                assert all(r["tracks"] == 2 for r in now.values()), now
                return
        await asyncio.sleep(0.25)  # polling the stats, not waiting for a race
    raise AssertionError(f"{peers} peers not receiving: {await page.evaluate(RECEIVED)}")


async def test_two_then_three_browsers_then_a_pupil_removed(
    server: RunningServer, media_browser: Browser, artifacts: Path
) -> None:
    anne = await enter(media_browser, server, "anne")
    await anne.get_by_role("button", name="Start the meeting").click()
    await expect(anne.locator("#meeting-status")).to_have_text("A meeting is on.")
    await expect(anne.locator("#meeting")).to_have_attribute("data-live", "true")
    lea = await enter(media_browser, server, "lea")
    await lea.get_by_role("button", name="Join with camera and microphone").click()
    await expect(lea.locator("#meeting-error")).to_have_text(
        "Pupils can join only while a teacher is in the meeting."
    )  # a pupil alone is refused
    await expect(lea.locator("#meeting-controls")).to_be_hidden()
    await lea.screenshot(path=str(artifacts / "meeting-pupil-refused.png"))

    await join(anne)
    jonas = await enter(media_browser, server, "jonas")
    await join(jonas)
    await receiving(anne, 1)
    await receiving(jonas, 1)

    await join(lea)
    await expect(anne.locator("#meeting-announce")).to_have_text("Léa joined the meeting.")
    for page in (anne, jonas, lea):
        await receiving(page, 2)
    await anne.screenshot(path=str(artifacts / "meeting-three.png"))

    await lea.evaluate("window.pcs = [...window.twinspaceMeeting.peers.values()].map(p => p.pc)")
    anne.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
    await anne.get_by_role("button", name="Remove Léa").click()
    await expect(lea.locator("#meeting-error")).to_have_text(
        "A teacher removed you from this meeting."
    )
    states = await lea.evaluate("window.pcs.map(pc => pc.signalingState)")
    assert states == ["closed", "closed"]
    await expect(anne.locator("#meeting-people li")).to_have_count(2)
    await receiving(anne, 1)
    await receiving(jonas, 1)


async def test_a_browser_without_camera_or_microphone_says_so(
    server: RunningServer, browser: Browser
) -> None:
    """No fake devices and no automatic consent: the browser refuses, the page explains."""
    anne = await enter(browser, server, "anne")
    await anne.get_by_role("button", name="Start the meeting").click()
    await anne.get_by_role("button", name="Join with camera and microphone").click()
    await expect(anne.locator("#meeting-error")).to_contain_text(
        re.compile("did not allow the camera|No camera or microphone was found")
    )
    await expect(anne.locator("#meeting-controls")).to_be_hidden()
    await expect(anne.locator("#meeting-people li")).to_have_text(["Nobody yet."])
