"""Upload progress in a real browser: a teacher sends three photos to a page's gallery, sees a
progress row per file reach "Uploaded", and a colleague on the same page sees the three
thumbnails arrive live; the slideshow then steps from the first photo to the second."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from playwright.async_api import Browser, expect

from tests.conftest import RunningServer
from tests.e2e.conftest import log_in, new_page
from tests.support import api_login


def make_photos(folder: Path) -> list[Path]:
    """Three small generated pictures: two PNGs and a JPEG."""
    photos = []
    for index, (colour, suffix) in enumerate(
        [((200, 40, 40), "png"), ((40, 160, 60), "png"), ((40, 60, 200), "jpg")], start=1
    ):
        path = folder / f"photo-{index}.{suffix}"
        Image.new("RGB", (320, 240), colour).save(path)
        photos.append(path)
    return photos


async def gallery_page(base_url: str) -> int:
    anne = await api_login(base_url, "anne")
    try:
        page = await anne.post(
            "/api/v1/spaces/1/rooms/activities/pages", json={"title": "Our river photos"}
        )
        assert page.status_code == 201, page.text
        page_id = page.json()["id"]
        widget = await anne.post(
            f"/api/v1/spaces/1/pages/{page_id}/widgets", json={"kind": "gallery"}
        )
        assert widget.status_code == 201, widget.text
        return page_id
    finally:
        await anne.aclose()


async def test_photos_upload_with_progress_and_arrive_live(
    server: RunningServer, browser: Browser, tmp_path: Path
) -> None:
    page_id = await gallery_page(server.url)
    path = f"/spaces/1/pages/{page_id}"
    anne = await new_page(browser)
    await log_in(anne, server.url, "anne", path)
    jonas = await new_page(browser)
    await log_in(jonas, server.url, "jonas", path)
    for page in (anne, jonas):
        await expect(page.locator(".pages")).to_have_attribute("data-live", "true")
    await expect(jonas.locator(".gallery__grid img")).to_have_count(0)
    await jonas.evaluate("window.__sameDocument = true")  # a reload would wipe this out

    form = anne.locator("form.gallery__upload")
    await form.locator("input[type=file]").set_input_files(make_photos(tmp_path))
    await form.get_by_role("button", name="Upload", exact=True).click()

    rows = anne.locator(".gallery .uploads > li")
    await expect(rows).to_have_count(3)
    for index, name in enumerate(["photo-1.png", "photo-2.png", "photo-3.jpg"]):
        row = rows.nth(index)
        await expect(row.locator(".upload__name")).to_have_text(name)
        await expect(row).to_have_attribute("data-state", "done")
        await expect(row.locator(".upload__status")).to_have_text("Uploaded")
        await expect(row.locator("progress")).to_have_js_property("value", 100)
    assert "/photos" not in anne.url  # the page never left: the uploads went by XHR

    thumbs = jonas.locator(".gallery__grid img")
    await expect(thumbs).to_have_count(3)
    assert await jonas.evaluate("window.__sameDocument === true")

    await anne.locator(".gallery__grid a.gallery__thumb").first.click()
    await expect(anne.get_by_text("Photo 1 of 3")).to_be_visible()
    await anne.locator("a[data-slide=next]").click()
    await expect(anne.get_by_text("Photo 2 of 3")).to_be_visible()
