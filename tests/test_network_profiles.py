"""Network profiles: a teacher edits photo, about me, languages, subjects and age groups;
everybody in the network sees them (page and API) with the teacher's published TwinSpaces;
the photo is re-encoded like gallery photos (no EXIF, at most 320 px); refusals change nothing."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.test_tool_gallery import jpeg, jpeg_with_exif
from twinspace.accounts.models import User
from twinspace.network.models import NetworkProfile


async def _uid(server: RunningServer, username: str) -> int:
    async with server.runtime.db.read() as session:
        return int(await session.scalar(select(User.id).where(User.username == username)))


async def test_profile_fields_and_public_projects(server: RunningServer, login) -> None:
    anne, jonas = await login("anne"), await login("jonas")
    anne_id = await _uid(server, "anne")
    empty = (await jonas.get(f"/api/v1/members/{anne_id}")).json()
    assert empty["profile"] == {
        "about": "",
        "languages": [],
        "subjects": [],
        "age_groups": [],
        "photo_url": None,
    }
    assert empty["public_projects"] == []
    wrong = await anne.patch("/api/v1/profile", json={"languages": ["xx"], "about": "Hi"})
    assert wrong.status_code == 400 and set(wrong.json()["fields"]) == {"languages"}
    async with server.runtime.db.read() as session:
        assert await session.get(NetworkProfile, anne_id) is None  # nothing half-written
    saved = await anne.patch(
        "/api/v1/profile",
        json={
            "about": "I teach history in Lyon.\nWe love letters.",
            "languages": ["fr", "en", "de"],
            "subjects": ["history", "geography"],
            "age_groups": ["12-15"],
        },
    )
    assert saved.status_code == 200, saved.text
    seen = (await jonas.get(f"/api/v1/members/{anne_id}")).json()["profile"]
    assert seen["languages"] == ["fr", "en", "de"] and seen["age_groups"] == ["12-15"]
    page = await jonas.get(f"/members/{anne_id}", headers={"Accept-Language": "en"})
    assert "I teach history in Lyon." in page.text and "Ages 12–15 (lower secondary)" in page.text
    assert "No published TwinSpace yet." in page.text
    published = await anne.post("/api/v1/spaces/1/publish", json={"public": True, "confirm": True})
    assert published.status_code == 200, published.text
    projects = (await jonas.get(f"/api/v1/members/{anne_id}")).json()["public_projects"]
    assert [p["space_id"] for p in projects] == [1] and projects[0]["url"] == "/spaces/1"
    assert 'href="/spaces/1"' in (await jonas.get(f"/members/{anne_id}")).text
    # the plain form (no JavaScript) keeps working, and clears what is unticked
    form = await anne.post(
        "/my-profile",
        data={"csrf_token": anne.headers["X-CSRF-Token"], "about": "Bonjour", "languages": "fr"},
    )
    assert form.status_code == 303 and form.headers["location"] == f"/members/{anne_id}"
    seen = (await jonas.get(f"/api/v1/members/{anne_id}")).json()["profile"]
    assert (seen["about"], seen["languages"], seen["subjects"]) == ("Bonjour", ["fr"], [])
    # officers have no network profile; pupils and visitors without institution: not found
    nss = await login("nss-fr")
    assert (await nss.patch("/api/v1/profile", json={"about": "x"})).status_code == 403
    lea = await login("lea")
    assert (await lea.get(f"/api/v1/members/{anne_id}")).status_code == 404


async def test_photo_is_re_encoded_without_metadata(server: RunningServer, login) -> None:
    anne, jonas = await login("anne"), await login("jonas")
    anne_id = await _uid(server, "anne")
    bad = await anne.post(
        "/api/v1/profile/photo", files={"file": ("me.jpg", b"<html>hello</html>", "image/jpeg")}
    )
    assert bad.status_code == 415
    assert (await jonas.get(f"/members/{anne_id}/photo")).status_code == 404
    up = await anne.post(
        "/api/v1/profile/photo", files={"file": ("me.jpg", jpeg_with_exif(), "image/jpeg")}
    )
    assert up.status_code == 201, up.text
    url = up.json()["photo_url"]
    assert url.startswith(f"/members/{anne_id}/photo?v=")
    got = await jonas.get(url)
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert b"SpyCam" not in got.content and b"secret comment" not in got.content
    image = Image.open(io.BytesIO(got.content))
    assert image.size == (160, 320)  # turned upright (EXIF orientation), at most 320 px
    assert not image.getexif()
    big = await anne.post(
        "/api/v1/profile/photo", files={"file": ("big.jpg", jpeg((2000, 1000)), "image/jpeg")}
    )
    again = await jonas.get(big.json()["photo_url"])
    assert max(Image.open(io.BytesIO(again.content)).size) == 320
    assert (await jonas.get(f"/api/v1/members/{anne_id}")).json()["profile"]["photo_url"] == (
        big.json()["photo_url"]
    )
    # the HTML form (token in the multipart body) then removal
    token = anne.headers.pop("X-CSRF-Token")
    form = await anne.post(
        "/my-profile/photo",
        data={"csrf_token": token},
        files={"file": ("x.png", b"not a picture", "image/png")},
    )
    assert form.status_code == 303 and "photo_error=unsupported_type" in form.headers["location"]
    removed = await anne.post("/my-profile/photo/remove", data={"csrf_token": token})
    assert removed.status_code == 303
    assert (await jonas.get(f"/members/{anne_id}/photo")).status_code == 404
    paul = await login("paul")
    assert (await paul.get(f"/members/{anne_id}/photo")).status_code == 404
