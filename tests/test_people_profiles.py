"""Profiles and walls; pupils' profile data is visible to their TwinSpace's members only:
never to the public (even on a published Home), never to members of other TwinSpaces,
never in any public API response or page."""

from __future__ import annotations

import io

import httpx
from PIL import Image
from sqlalchemy import select

from tests.conftest import RunningServer
from tests.people_support import snapshot, user_id
from twinspace.accounts.models import User
from twinspace.spaces.models import Membership, Space

SECRET = "Pancakes with maple syrup"


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


async def test_profile_edit_photo_and_wall(server: RunningServer, login) -> None:
    lea = await login("lea")
    lea_id = await user_id(server, "lea")
    saved = await lea.put(
        "/api/v1/spaces/1/profile", json={"hobbies": "Swimming", "favourite_food": SECRET}
    )
    assert saved.status_code == 200, saved.text
    photo = await lea.post(
        "/api/v1/spaces/1/profile/photo", files={"file": ("me.png", _png(1200, 900), "image/png")}
    )
    assert photo.status_code == 201, photo.text
    jonas = await login("jonas")
    profile = (await jonas.get(f"/api/v1/spaces/1/members/{lea_id}/profile")).json()
    assert (profile["hobbies"], profile["favourite_food"]) == ("Swimming", SECRET)
    picture = await jonas.get(profile["photo_url"])
    assert (
        picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    )  # re-encoded
    assert max(Image.open(io.BytesIO(picture.content)).size) <= 320  # resized
    wall = await jonas.post(f"/api/v1/spaces/1/members/{lea_id}/wall", json={"text": "Bravo Léa!"})
    assert wall.status_code == 201
    page = await jonas.get(f"/spaces/1/members/{lea_id}")
    assert page.status_code == 200 and SECRET in page.text and "Bravo Léa!" in page.text
    # visitors read walls but do not write on them
    paul = await login("paul")
    assert (await paul.get(f"/spaces/1/members/{lea_id}")).status_code == 200
    before = await snapshot(server)
    assert (
        await paul.post(f"/api/v1/spaces/1/members/{lea_id}/wall", json={"text": "Hi"})
    ).status_code == 403
    for body in ({"text": ""}, {"text": "x" * 501}, {"text": 5}):
        assert (
            await jonas.post(f"/api/v1/spaces/1/members/{lea_id}/wall", json=body)
        ).status_code == 400
    assert (
        await jonas.post("/api/v1/spaces/1/members/99999/wall", json={"text": "Hi"})
    ).status_code == 404
    assert (
        await lea.put("/api/v1/spaces/1/profile", json={"hobbies": "x" * 501})
    ).status_code == 400
    assert (await lea.put("/api/v1/spaces/1/profile", json={})).status_code == 400
    not_a_picture = await lea.post(
        "/api/v1/spaces/1/profile/photo", files={"file": ("me.png", b"<html>", "image/png")}
    )
    assert not_a_picture.status_code == 415
    # somebody else's wall message: only its author, the wall's owner or a moderator removes it
    post_id = wall.json()["post"]["id"]
    assert (
        await (await login("tom")).delete(f"/api/v1/spaces/1/wall/{post_id}")
    ).status_code == 403
    assert await snapshot(server) == before
    assert (await lea.delete(f"/api/v1/spaces/1/wall/{post_id}")).status_code == 200


async def _second_space(server: RunningServer) -> None:
    """Another TwinSpace, with its own teacher (otto) and jonas in both."""
    async with server.runtime.db.unit_of_work() as uow:
        other = Space(title="Another project", description="", scope="european", status="open")
        uow.session.add(other)
        await uow.session.flush()
        teacher = User(
            username="otto",
            display_name="Otto",
            kind="teacher",
            country_code="DE",
            password_hash=server.runtime.passwords.hash_sync("demo-pass"),
        )
        uow.session.add(teacher)
        await uow.session.flush()
        uow.session.add(Membership(space_id=other.id, user_id=teacher.id, role="teacher_admin"))
        jonas = await uow.session.scalar(select(User.id).where(User.username == "jonas"))
        uow.session.add(Membership(space_id=other.id, user_id=jonas, role="teacher_admin"))


async def test_pupil_profile_never_leaves_the_twinspace(server: RunningServer, login) -> None:
    lea = await login("lea")
    lea_id = await user_id(server, "lea")
    await lea.put("/api/v1/spaces/1/profile", json={"favourite_food": SECRET})
    await lea.post(
        "/api/v1/spaces/1/profile/photo", files={"file": ("me.png", _png(64, 64), "image/png")}
    )
    anne = await login("anne")
    published = await anne.post("/api/v1/spaces/1/publish", json={"public": True, "confirm": True})
    assert published.status_code == 200
    await _second_space(server)
    otto = await login("otto")  # a teacher of another TwinSpace
    outsider = await login("nss-fr")
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        for client in (anonymous, outsider, otto):
            for url in (
                f"/spaces/1/members/{lea_id}",
                f"/spaces/1/members/{lea_id}/photo",
                f"/api/v1/spaces/1/members/{lea_id}/profile",
                "/spaces/1/members",
                "/api/v1/spaces/1/feed",
                "/spaces/1/activity",
                "/spaces/1/calendar",
                "/spaces/1/calendar.ics",
                "/api/v1/spaces/1/calendar",
            ):
                answer = await client.get(url)
                assert answer.status_code == 404, (url, answer.status_code)
                assert SECRET not in answer.text and "Léa" not in answer.text
            # public pages and API of the published TwinSpace never name her
            for url in ("/spaces/1", "/api/v1/spaces/1/members", "/gallery", "/api/v1/gallery"):
                answer = await client.get(url)
                assert answer.status_code == 200, url
                assert SECRET not in answer.text and "Léa" not in answer.text, url
                assert f"/members/{lea_id}" not in answer.text
            # the other TwinSpace's id does not open TwinSpace 1's pupils either
            assert (await client.get(f"/spaces/2/members/{lea_id}")).status_code == 404
    jonas = await login("jonas")  # a member of both sees her only through TwinSpace 1
    assert (await jonas.get(f"/spaces/1/members/{lea_id}")).status_code == 200
    assert (await jonas.get(f"/spaces/2/members/{lea_id}")).status_code == 404
    assert (await jonas.get(f"/api/v1/spaces/2/members/{lea_id}/profile")).status_code == 404
