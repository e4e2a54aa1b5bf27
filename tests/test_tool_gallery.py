"""The Image gallery through the real stack: multipart uploads over HTTP, Pillow checks and
re-encoding, the file store and its rows, image routes under the permission matrix and the
consent rule, live events, and the server-rendered widget and slideshow."""

from __future__ import annotations

import dataclasses
import io
import json
import struct
import warnings
import zlib
from pathlib import Path

import httpx
import pytest
from PIL import ExifTags, Image
from sqlalchemy import func, select

from tests.conftest import ROLE_USERS, RunningServer
from tests.support import LiveClient
from twinspace.files import StoredFile, sweep_orphans
from twinspace.images import UnsupportedImage, process_image
from twinspace.tools.gallery.models import GalleryAlbum, GalleryPhoto

MEMBERS = ("teacher_admin", "teacher_member", "pupil_admin", "pupil_member", "visitor")


# --- Pictures made here ----------------------------------------------------------------------


def jpeg(size: tuple[int, int] = (800, 600), color=(30, 120, 200), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG", **save)
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    """400×200 pixels, with a camera, an orientation (turn 90°) and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.Model] = "Model X"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (45.0, 45.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (4.0, 50.0, 0.0),
    }
    data = jpeg((400, 200), exif=exif, comment=b"secret comment")
    assert b"SpyCam" in data and Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)
    return data


def transparent_png() -> bytes:
    image = Image.new("RGBA", (100, 80), (255, 0, 0, 0))
    image.paste((0, 200, 0, 255), (20, 20, 80, 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A real, valid PNG of ``width``×``height`` black pixels: a few kilobytes on disk,
    width×height bytes once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    squeeze = zlib.compressobj(9)
    row = b"\0" * (width + 1)  # filter byte + grey pixels
    parts = [squeeze.compress(row) for _ in range(height)]
    idat = b"".join(parts) + squeeze.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


HTML_AS_JPEG = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


# --- Helpers ---------------------------------------------------------------------------------


async def _gallery(client: httpx.AsyncClient, room: str = "activities") -> tuple[int, int]:
    page = await client.post(f"/api/v1/spaces/1/rooms/{room}/pages", json={"title": "Photos"})
    assert page.status_code == 201, page.text
    widget = await client.post(
        f"/api/v1/spaces/1/pages/{page.json()['id']}/widgets", json={"kind": "gallery"}
    )
    assert widget.status_code == 201, widget.text
    return page.json()["id"], widget.json()["id"]


def _upload_url(widget_id: int) -> str:
    return f"/spaces/1/widgets/{widget_id}/photos"


def _cmd(widget_id: int, command: str) -> str:
    return f"/api/v1/spaces/1/widgets/{widget_id}/{command}"


async def _upload(
    client: httpx.AsyncClient,
    widget_id: int,
    *pictures: tuple[str, bytes, str],
    **fields: str,
) -> httpx.Response:
    files = [("file", picture) for picture in pictures or [("photo.jpg", jpeg(), "image/jpeg")]]
    return await client.post(_upload_url(widget_id), files=files, data=fields)


async def _photo(client: httpx.AsyncClient, widget_id: int, **fields: str) -> dict:
    response = await _upload(client, widget_id, **fields)
    assert response.status_code == 201, response.text
    return response.json()["photos"][0]


async def _joined(connect_as, username: str | None, page_id: int) -> LiveClient:
    live = await connect_as(username)
    ack = await live.call("join", {"room": f"space:1:page:{page_id}"})
    assert ack["ok"], ack
    return live


def _stored_on_disk(server: RunningServer) -> list[Path]:
    media = server.runtime.settings.media_dir
    return [p for p in media.glob("??/*") if p.is_file()]


def _temporary(server: RunningServer) -> list[Path]:
    return list(server.runtime.storage.temp_dir().iterdir())


async def _count(server: RunningServer, model, *where) -> int:
    async with server.runtime.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where))


def _image(response: httpx.Response) -> Image.Image:
    return Image.open(io.BytesIO(response.content))


# --- Tests -----------------------------------------------------------------------------------


async def test_upload_serves_thumbnail_and_display_live(server: RunningServer, login, connect_as):
    anne, tom = await login("anne"), await login("tom")
    page_id, widget_id = await _gallery(anne)
    watcher = await _joined(connect_as, "tom", page_id)

    response = await _upload(
        anne, widget_id, ("big.jpg", jpeg((2400, 1800)), "image/jpeg"), caption="The river"
    )
    assert response.status_code == 201, response.text
    photo = response.json()["photos"][0]
    assert photo["caption"] == "The river" and photo["consent"] is False
    assert photo["uploader"]["name"] == "Anne Moreau"
    assert (photo["width"], photo["height"]) == (1600, 1200)

    added = (await watcher.wait_for(lambda e: e["type"] == "gallery.photos_added"))["data"]
    assert added["widget_id"] == widget_id and added["photo_ids"] == [photo["id"]]
    assert added["photos"] == []  # no consent recorded: the room may include the public

    for size, longest in (("thumb", 320), ("display", 1600)):
        served = await tom.get(f"/spaces/1/photos/{photo['id']}/{size}")
        assert served.status_code == 200, served.text
        assert served.headers["content-type"] == "image/jpeg"
        assert served.headers["content-disposition"].startswith("inline")
        # (the app's middleware adds its own nosniff and CSP: every CSP given is enforced)
        assert set(served.headers.get_list("x-content-type-options")) == {"nosniff"}
        assert any("sandbox" in csp for csp in served.headers.get_list("content-security-policy"))
        image = _image(served)
        assert image.format == "JPEG" and max(image.size) == longest
        again = await tom.get(
            f"/spaces/1/photos/{photo['id']}/{size}",
            headers={"if-none-match": served.headers["etag"]},
        )
        assert again.status_code == 304
    assert (await tom.get(f"/spaces/1/photos/{photo['id']}/original")).status_code == 404

    async with server.runtime.db.read() as session:
        rows = list(await session.scalars(select(StoredFile)))
        stored = await session.get(GalleryPhoto, photo["id"])
    assert {r.key for r in rows} == {stored.display_key, stored.thumb_key}
    assert all(r.widget_id == widget_id and r.space_id == 1 for r in rows)
    assert len(_stored_on_disk(server)) == 2 and _temporary(server) == []

    html = (await tom.get(f"/spaces/1/pages/{page_id}")).text
    assert f'src="/spaces/1/photos/{photo["id"]}/thumb"' in html and 'alt="The river"' in html
    assert f'href="/spaces/1/widgets/{widget_id}/slideshow/{photo["id"]}"' in html
    assert "data-upload-url" not in html  # a pupil member does not upload
    html = (await anne.get(f"/spaces/1/pages/{page_id}")).text
    assert f'data-upload-url="/spaces/1/widgets/{widget_id}/photos"' in html
    assert 'type="file" accept="image/*" multiple' in html
    assert f'id="gallery-{widget_id}-album-none"' in html
    assert f'action="/spaces/1/widgets/{widget_id}/photo.consent"' in html


async def test_metadata_is_stripped_and_orientation_applied(server: RunningServer, login):
    anne = await login("anne")
    _, widget_id = await _gallery(anne)
    photo = await _photo_from(anne, widget_id, ("gps.jpg", jpeg_with_exif(), "image/jpeg"))
    assert (photo["width"], photo["height"]) == (200, 400)  # turned as the camera said
    for size in ("display", "thumb"):
        served = await anne.get(f"/spaces/1/photos/{photo['id']}/{size}")
        assert served.status_code == 200
        image = _image(served)
        assert not image.getexif() and not image.getexif().get_ifd(0x8825)
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"Exif" not in served.content and b"SpyCam" not in served.content
        assert b"secret comment" not in served.content
        assert image.height > image.width

    # HTML after a real JPEG: the picture is kept, the rest is not
    polyglot = jpeg((64, 64)) + HTML_AS_JPEG
    photo = await _photo_from(anne, widget_id, ("mixed.jpg", polyglot, "image/jpeg"))
    served = await anne.get(f"/spaces/1/photos/{photo['id']}/display")
    assert b"<script" not in served.content and b"<html" not in served.content

    # transparency stays, as PNG
    photo = await _photo_from(anne, widget_id, ("logo.png", transparent_png(), "image/png"))
    served = await anne.get(f"/spaces/1/photos/{photo['id']}/thumb")
    assert served.headers["content-type"] == "image/png"
    image = _image(served)
    assert image.mode == "RGBA" and image.getchannel("A").getextrema() == (0, 255)


async def _photo_from(client, widget_id, picture, **fields) -> dict:
    response = await _upload(client, widget_id, picture, **fields)
    assert response.status_code == 201, response.text
    return response.json()["photos"][0]


@pytest.mark.filterwarnings("error::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("name", "data", "mime"),
    [
        ("bomb.png", png_bomb(12_000, 12_000), "image/png"),  # 144 MP: Pillow's own error
        ("bomb2.png", png_bomb(7_000, 7_000), "image/png"),  # 49 MP: above our 40 MP limit
        ("page.jpg", HTML_AS_JPEG, "image/jpeg"),
        ("drawing.svg", SVG_WITH_SCRIPT, "image/svg+xml"),
        ("drawing.jpg", SVG_WITH_SCRIPT, "image/jpeg"),
        ("cut.jpg", jpeg((640, 480))[:300], "image/jpeg"),  # truncated
        ("doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "a/b"),
    ],
)
async def test_what_is_not_a_usable_picture_is_refused(
    server: RunningServer, login, name: str, data: bytes, mime: str
):
    anne = await login("anne")
    _, widget_id = await _gallery(anne)
    assert len(data) < 200_000  # bombs are small files
    response = await _upload(anne, widget_id, (name, data, mime))
    assert response.status_code == 415, response.text
    body = response.json()
    assert body["error"] == "unsupported_type" and body["filename"] == name
    assert body["message"]
    # one bad file in a batch: nothing of the batch is kept
    response = await _upload(
        anne, widget_id, ("good.jpg", jpeg(), "image/jpeg"), (name, data, mime)
    )
    assert response.status_code == 415
    assert await _count(server, GalleryPhoto) == 0
    assert await _count(server, StoredFile) == 0
    assert _stored_on_disk(server) == [] and _temporary(server) == []


async def test_image_routes_follow_the_page_and_the_consent(server: RunningServer, login):
    anne = await login("anne")
    page_id, widget_id = await _gallery(anne)
    hidden = await _photo(anne, widget_id, caption="Léa at the lake")
    agreed = await _photo(anne, widget_id, caption="The lake")
    response = await anne.post(
        _cmd(widget_id, "photo.consent"), json={"photo_id": agreed["id"], "consent": True}
    )
    assert response.status_code == 200 and response.json()["consent"] is True
    clients = {role: await login(ROLE_USERS[role]) for role in (*MEMBERS, "outsider")}
    public = httpx.AsyncClient(base_url=server.url)
    clients["anonymous"] = public
    try:

        async def status(role: str, photo: dict, size: str = "thumb") -> int:
            return (await clients[role].get(f"/spaces/1/photos/{photo['id']}/{size}")).status_code

        for role in clients:  # a private page
            expected = 200 if role in MEMBERS else 404
            for photo in (hidden, agreed):
                for size in ("thumb", "display"):
                    assert await status(role, photo, size) == expected, (role, photo, size)
        assert (await public.get(f"/spaces/2/photos/{agreed['id']}/thumb")).status_code == 404
        assert (await anne.get(f"/spaces/2/photos/{agreed['id']}/thumb")).status_code == 404

        check = await anne.get(f"/api/v1/spaces/1/pages/{page_id}/publication-check")
        items = [i for i in check.json()["items"] if i.get("tool") == "gallery"]
        assert [i["text"] for i in items] == ["Léa at the lake", "The lake"]
        assert "without consent" in items[0]["what"] and "without" not in items[1]["what"]
        assert "Léa" in check.json()["pupil_names"]
        published = await anne.post(
            f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
        )
        assert published.status_code == 200

        for role in clients:  # a published page: the public sees consented photos only
            assert await status(role, agreed) == 200, role
            assert await status(role, hidden) == (200 if role in MEMBERS else 404), role
            assert await status(role, hidden, "display") == (200 if role in MEMBERS else 404)
        for role in ("anonymous", "outsider"):
            html = (await clients[role].get(f"/spaces/1/pages/{page_id}")).text
            assert f"/photos/{agreed['id']}/thumb" in html
            assert f"/photos/{hidden['id']}/" not in html and "Léa at the lake" not in html
            assert "No consent recorded" not in html and "photo.consent" not in html
            assert "data-upload-url" not in html
            listed = await clients[role].post(_cmd(widget_id, "list"), json={})
            assert listed.status_code == 200, listed.text
            assert [p["id"] for p in listed.json()["photos"]] == [agreed["id"]]
            assert "Léa at the lake" not in listed.text
            slides = f"/spaces/1/widgets/{widget_id}/slideshow"
            assert (await clients[role].get(f"{slides}/{hidden['id']}")).status_code == 404
            slide = await clients[role].get(f"{slides}/{agreed['id']}")
            assert slide.status_code == 200 and "Photo 1 of 1" in slide.text
        member_html = (await clients["pupil_member"].get(f"/spaces/1/pages/{page_id}")).text
        assert f"/photos/{hidden['id']}/thumb" in member_html
        assert "No consent recorded" in member_html

        withdrawn = await anne.post(
            _cmd(widget_id, "photo.consent"), json={"photo_id": agreed["id"], "consent": False}
        )
        assert withdrawn.status_code == 200
        assert await status("anonymous", agreed) == 404  # checked on every request
        assert await status("pupil_member", agreed) == 200
    finally:
        await public.aclose()


async def test_who_may_upload_and_change_photos(server: RunningServer, login):
    anne, tina, pia, lea, paul, outsider = [
        await login(u) for u in ("anne", "tina", "pia", "lea", "paul", "nss-fr")
    ]
    page_id, widget_id = await _gallery(anne)
    for client, expected in ((lea, 403), (paul, 403), (outsider, 404)):
        response = await _upload(client, widget_id)
        assert response.status_code == expected, response.text
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        assert (await _upload(anonymous, widget_id)).status_code == 401
    assert await _count(server, StoredFile) == 0 and _temporary(server) == []

    teachers = await _photo(anne, widget_id, caption="By Anne")
    pupils = await _photo(pia, widget_id, caption="By Pia")
    response = await pia.post(
        _cmd(widget_id, "photo.caption"), json={"photo_id": pupils["id"], "caption": "Mine"}
    )
    assert response.status_code == 200 and response.json()["photo"]["caption"] == "Mine"
    for client, command, payload in [
        (pia, "photo.caption", {"photo_id": teachers["id"], "caption": "not mine"}),
        (pia, "photo.delete", {"photo_id": teachers["id"]}),
        (pia, "photo.move", {"photo_id": teachers["id"], "position": 1}),
        (pia, "photo.consent", {"photo_id": pupils["id"], "consent": True}),
        (tina, "photo.consent", {"photo_id": pupils["id"], "consent": True}),
        (lea, "photo.caption", {"photo_id": pupils["id"], "caption": "x"}),
        (lea, "album.create", {"title": "Lea's"}),
        (paul, "photo.delete", {"photo_id": pupils["id"]}),
    ]:
        response = await client.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 403, (command, response.text)
    response = await tina.post(  # a teacher who uploads looks after every photo
        _cmd(widget_id, "photo.caption"), json={"photo_id": pupils["id"], "caption": "Pia's"}
    )
    assert response.status_code == 200
    response = await anne.post(
        _cmd(widget_id, "photo.consent"), json={"photo_id": pupils["id"], "consent": "true"}
    )
    assert response.status_code == 200

    album = await pia.post(_cmd(widget_id, "album.create"), json={"title": "Pia's trip"})
    assert album.status_code == 200, album.text
    album_id = album.json()["album"]["id"]
    moved = await anne.post(
        _cmd(widget_id, "photo.move"), json={"photo_id": teachers["id"], "album_id": album_id}
    )
    assert moved.status_code == 200 and moved.json()["order"] == [teachers["id"]]
    refused = await pia.post(_cmd(widget_id, "album.delete"), json={"album_id": album_id})
    assert refused.status_code == 403  # it holds a photo of someone else
    renamed = await pia.post(
        _cmd(widget_id, "album.rename"), json={"album_id": album_id, "title": "Our trip"}
    )
    assert renamed.status_code == 200
    refused = await pia.post(
        _cmd(widget_id, "album.rename"), json={"album_id": album_id, "title": "x" * 121}
    )
    assert refused.status_code == 400
    refused = await _upload(pia, widget_id, album_id="999999")
    assert refused.status_code == 404

    # CSRF: neither header nor field
    async with httpx.AsyncClient(base_url=server.url, cookies=anne.cookies) as bare:
        response = await bare.post(
            _upload_url(widget_id), files=[("file", ("a.jpg", jpeg(), "image/jpeg"))]
        )
        assert response.status_code == 403
        response = await bare.post(
            _upload_url(widget_id),
            files=[("file", ("a.jpg", jpeg(), "image/jpeg"))],
            data={"csrf_token": "forged"},
        )
        assert response.status_code == 403
    assert await _count(server, GalleryPhoto) == 2 and len(_stored_on_disk(server)) == 4


async def test_plain_form_upload_and_slideshow_without_javascript(server: RunningServer, login):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _gallery(anne)
    html = (await anne.get(f"/spaces/1/pages/{page_id}")).text
    assert "No photos yet — add the first ones." in html
    assert "No photos yet." in (await lea.get(f"/spaces/1/pages/{page_id}")).text
    created = await anne.post(_cmd(widget_id, "album.create"), json={"title": "Spring"})
    album_id = created.json()["album"]["id"]

    async with httpx.AsyncClient(base_url=server.url, cookies=anne.cookies) as browser:
        response = await browser.post(
            _upload_url(widget_id),
            data={
                "csrf_token": anne.headers["X-CSRF-Token"],
                "album_id": str(album_id),
                "caption": "",
            },
            files=[
                ("file", (f"p{n}.jpg", jpeg(color=(n * 40, 80, 80)), "image/jpeg"))
                for n in range(3)
            ],
            headers={"accept": "text/html"},
        )
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"/spaces/1/pages/{page_id}#widget-{widget_id}"
        refused = await browser.post(
            _upload_url(widget_id),
            data={"csrf_token": anne.headers["X-CSRF-Token"]},
            files=[("file", ("page.jpg", HTML_AS_JPEG, "image/jpeg"))],
            headers={"accept": "text/html"},
        )
        assert refused.status_code == 415 and "page.jpg" in refused.text
        assert f'href="/spaces/1/pages/{page_id}"' in refused.text

    async with server.runtime.db.read() as session:
        ids = list(
            await session.scalars(
                select(GalleryPhoto.id)
                .where(GalleryPhoto.album_id == album_id)
                .order_by(GalleryPhoto.position)
            )
        )
    assert len(ids) == 3
    html = (await lea.get(f"/spaces/1/pages/{page_id}")).text
    assert f'id="gallery-{widget_id}-album-{album_id}"' in html
    assert 'alt="Photo 1"' in html and 'alt="Photo 3"' in html  # no caption: a number

    slides = f"/spaces/1/widgets/{widget_id}/slideshow"
    first = await lea.get(f"{slides}/{ids[0]}")
    assert first.status_code == 200
    assert "Photo 1 of 3" in first.text and "Spring" in first.text
    assert f'href="{slides}/{ids[1]}" rel="next"' in first.text and 'rel="prev"' not in first.text
    assert (
        f'src="/spaces/1/photos/{ids[0]}/display"' in first.text and 'alt="Photo 1"' in first.text
    )
    assert f'href="/spaces/1/pages/{page_id}#gallery-photo-{ids[0]}"' in first.text
    last = await lea.get(f"{slides}/{ids[2]}")
    assert f'href="{slides}/{ids[1]}" rel="prev"' in last.text and 'rel="next"' not in last.text

    # moving by form: "place" counts from 1
    moved = await anne.post(
        f"/spaces/1/widgets/{widget_id}/photo.move",
        data={
            "csrf_token": anne.headers["X-CSRF-Token"],
            "photo_id": str(ids[2]),
            "album_id": str(album_id),
            "place": "1",
        },
        headers={"referer": f"{server.url}/spaces/1/pages/{page_id}"},
    )
    assert moved.status_code == 303, moved.text
    first = await lea.get(f"{slides}/{ids[2]}")
    assert "Photo 1 of 3" in first.text
    other_widget = (await _gallery(anne))[1]
    assert (
        await lea.get(f"/spaces/1/widgets/{other_widget}/slideshow/{ids[0]}")
    ).status_code == 404


async def test_deleting_leaves_no_rows_and_no_files(server: RunningServer, login, connect_as):
    anne = await login("anne")
    page_id, widget_id = await _gallery(anne)
    watcher = await _joined(connect_as, "lea", page_id)
    album = await anne.post(_cmd(widget_id, "album.create"), json={"title": "Trip"})
    album_id = album.json()["album"]["id"]
    loose = await _photo(anne, widget_id)
    in_album = [await _photo(anne, widget_id, album_id=str(album_id)) for _ in range(2)]
    assert len(_stored_on_disk(server)) == 6

    deleted = await anne.post(_cmd(widget_id, "photo.delete"), json={"photo_id": loose["id"]})
    assert deleted.status_code == 200
    event = await watcher.wait_for(lambda e: e["type"] == "gallery.photo_deleted")
    assert event["data"]["photo_id"] == loose["id"]
    assert len(_stored_on_disk(server)) == 4 and await _count(server, StoredFile) == 4
    assert (await anne.get(f"/spaces/1/photos/{loose['id']}/thumb")).status_code == 404

    deleted = await anne.post(_cmd(widget_id, "album.delete"), json={"album_id": album_id})
    assert deleted.status_code == 200
    assert sorted(deleted.json()["photo_ids"]) == sorted(p["id"] for p in in_album)
    assert _stored_on_disk(server) == [] and await _count(server, StoredFile) == 0
    assert await _count(server, GalleryPhoto) == 0 and await _count(server, GalleryAlbum) == 0

    # removing the whole application: its rows go with it, its files with the orphan sweep
    await _photo(anne, widget_id)
    await _photo(anne, widget_id)
    removed = await anne.delete(f"/api/v1/spaces/1/widgets/{widget_id}")
    assert removed.status_code == 200, removed.text
    assert await _count(server, GalleryPhoto) == 0 and await _count(server, StoredFile) == 0
    swept = await sweep_orphans(server.runtime.db, server.runtime.storage, min_age_seconds=0)
    assert swept == 4
    assert _stored_on_disk(server) == [] and _temporary(server) == []


async def test_input_limits_and_moves(server: RunningServer, login):
    anne = await login("anne")
    page_id, widget_id = await _gallery(anne)
    photos = [await _photo(anne, widget_id) for _ in range(3)]
    for command, payload in [
        ("album.create", {"title": ""}),
        ("album.create", {"title": "x" * 121}),
        ("photo.caption", {"photo_id": photos[0]["id"], "caption": "x" * 501}),
        ("photo.caption", {"photo_id": photos[0]["id"], "caption": 42}),
        ("photo.caption", {"photo_id": "abc", "caption": "x"}),
        ("photo.move", {"photo_id": photos[0]["id"]}),
        ("photo.move", {"photo_id": photos[0]["id"], "position": -1}),
        ("photo.consent", {"photo_id": photos[0]["id"], "consent": "maybe"}),
    ]:
        response = await anne.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 400, (command, payload, response.text)
    response = await _upload(anne, widget_id, caption="x" * 501)
    assert response.status_code == 400
    response = await anne.post(
        _cmd(widget_id, "photo.caption"),
        json={"photo_id": photos[0]["id"], "caption": "  <b>Bold</b>\nline  "},
    )
    assert response.json()["photo"]["caption"] == "<b>Bold</b> line"
    moved = await anne.post(
        _cmd(widget_id, "photo.move"), json={"photo_id": photos[2]["id"], "position": 0}
    )
    assert moved.json()["order"] == [photos[2]["id"], photos[0]["id"], photos[1]["id"]]
    listed = (await anne.post(_cmd(widget_id, "list"), json={})).json()
    assert [p["id"] for p in listed["photos"]] == moved.json()["order"]
    html = (await anne.get(f"/spaces/1/pages/{page_id}")).text
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt; line" in html
    too_many = await _upload(
        anne, widget_id, *[(f"{n}.jpg", jpeg((8, 8)), "image/jpeg") for n in range(21)]
    )
    assert too_many.status_code == 400 and await _count(server, GalleryPhoto) == 3
    assert _temporary(server) == []


async def test_events_carry_only_what_the_public_may_see(server: RunningServer, login, connect_as):
    anne = await login("anne")
    page_id, widget_id = await _gallery(anne)
    published = await anne.post(
        f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
    )
    assert published.status_code == 200
    public = await _joined(connect_as, None, page_id)
    photo = await _photo(anne, widget_id, caption="Léa smiling")
    added = await public.wait_for(lambda e: e["type"] == "gallery.photos_added")
    assert "Léa smiling" not in json.dumps(added) and added["data"]["photos"] == []
    await anne.post(
        _cmd(widget_id, "photo.caption"), json={"photo_id": photo["id"], "caption": "Léa again"}
    )
    updated = await public.wait_for(lambda e: e["type"] == "gallery.photo_updated")
    assert "photo" not in updated["data"] and "Léa again" not in json.dumps(updated)
    await anne.post(
        _cmd(widget_id, "photo.consent"), json={"photo_id": photo["id"], "consent": True}
    )
    consented = await public.wait_for(lambda e: e["type"] == "gallery.consent_changed")
    assert consented["data"]["photo"]["caption"] == "Léa again"
    assert consented["data"]["photo"]["thumb"]["url"] == f"/spaces/1/photos/{photo['id']}/thumb"
    with_consent = await _photo(anne, widget_id, consent="yes")  # a teacher admin may say so
    assert with_consent["consent"] is True
    batch = await public.wait_for(
        lambda e: e["type"] == "gallery.photos_added" and e["data"]["photos"]
    )
    assert batch["data"]["photos"][0]["id"] == with_consent["id"]


async def test_catch_up_forgets_withdrawn_consent(server: RunningServer, login, connect_as):
    anne = await login("anne")
    page_id, widget_id = await _gallery(anne)
    await anne.post(
        f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
    )
    photo = await _photo(anne, widget_id, caption="Tom on the bus", consent="yes")
    gone = await _photo(anne, widget_id, caption="Deleted later", consent="yes")
    await anne.post(_cmd(widget_id, "photo.delete"), json={"photo_id": gone["id"]})
    room = f"space:1:page:{page_id}"
    public = await connect_as(None)
    replayed = str((await public.call("catchup", {"room": room, "after": 0}))["events"])
    assert "Tom on the bus" in replayed and "Deleted later" not in replayed
    await anne.post(
        _cmd(widget_id, "photo.consent"), json={"photo_id": photo["id"], "consent": False}
    )
    caught = await public.call("catchup", {"room": room, "after": 0})
    assert caught["ok"] and "Tom on the bus" not in str(caught["events"])
    member = await connect_as("lea")
    assert "Tom on the bus" in str(await member.call("catchup", {"room": room, "after": 0}))


async def test_quota_and_size_limits_leave_nothing_behind(server: RunningServer, login):
    anne = await login("anne")
    _, widget_id = await _gallery(anne)
    settings = server.runtime.settings
    noisy = Image.effect_noise((1200, 900), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=95)
    picture = ("noise.jpg", buffer.getvalue(), "image/jpeg")

    server.runtime.settings = dataclasses.replace(settings, space_quota_bytes=20_000)
    response = await _upload(anne, widget_id, picture)
    assert response.status_code == 413 and response.json()["error"] == "quota_exceeded"
    server.runtime.settings = dataclasses.replace(settings, max_upload_bytes=50_000)
    response = await _upload(anne, widget_id, picture)
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    server.runtime.settings = settings
    assert await _count(server, GalleryPhoto) == 0 and await _count(server, StoredFile) == 0
    assert _stored_on_disk(server) == [] and _temporary(server) == []
    assert (await _upload(anne, widget_id, picture)).status_code == 201


async def test_pupils_corner_pupil_admins_upload_teacher_admins_moderate(
    server: RunningServer, login
):
    anne, tina, pia, lea = [await login(u) for u in ("anne", "tina", "pia", "lea")]
    page_id, widget_id = await _gallery(pia, room="pupils")
    photo = await _photo(pia, widget_id, caption="Our club")
    assert (await _upload(tina, widget_id)).status_code == 403  # teachers read only here
    assert (await _upload(lea, widget_id)).status_code == 403
    assert (await tina.get(f"/spaces/1/photos/{photo['id']}/thumb")).status_code == 200
    refused = await tina.post(_cmd(widget_id, "photo.delete"), json={"photo_id": photo["id"]})
    assert refused.status_code == 403
    html = (await anne.get(f"/spaces/1/pages/{page_id}")).text
    assert "data-upload-url" not in html and "photo.delete" in html  # moderates, no upload
    deleted = await anne.post(_cmd(widget_id, "photo.delete"), json={"photo_id": photo["id"]})
    assert deleted.status_code == 200
    assert _stored_on_disk(server) == []


def test_the_pixel_limit_holds_without_the_warning_filter(tmp_path: Path):
    """Test runners and embedders may reset warning filters: the size check still refuses."""
    source = tmp_path / "bomb.png"
    source.write_bytes(png_bomb(7_000, 7_000))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(UnsupportedImage) as refused:
            process_image(source, tmp_path, "bomb.png")
    assert refused.value.status == 415 and refused.value.details["filename"] == "bomb.png"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.png"]
