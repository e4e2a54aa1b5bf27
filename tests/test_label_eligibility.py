"""Every eligibility rule of the quality label, through the API: the reason is given when a
rule is not met, and starting an application is refused (403) with the same reason codes."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import func, select, update

from tests.label_helpers import SPACE, age_space, apply, set_project, start, status_of
from twinspace.label.models import LabelApplication
from twinspace.settings import Settings
from twinspace.spaces.models import Space


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, label_min_days=30)  # TWINSPACE_LABEL_MIN_DAYS=30


async def _count(server) -> int:
    async with server.runtime.db.read() as session:
        return await session.scalar(select(func.count()).select_from(LabelApplication))


async def _refused(client, *codes: str) -> None:
    answer = await start(client)
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"] == "forbidden"
    assert set(codes) <= set(answer.json()["reasons"])


async def test_founders_of_an_old_enough_european_project_may_apply(server, login):
    await age_space(server, 31)
    anne = await login("anne")
    status = await status_of(anne)
    assert status["eligible"] is True and status["reasons"] == []
    assert status["min_days"] == 30 and status["days_open"] == 31
    started = await start(anne)
    assert started.status_code == 201, started.text
    app = started.json()["application"]
    assert app["status"] == "draft" and app["country"] == "FR"
    again = await start(anne)  # the draft in progress, not a second application
    assert again.status_code == 200 and again.json()["application"]["id"] == app["id"]
    assert await _count(server) == 1


async def test_the_project_must_be_open_for_the_configured_number_of_days(server, login):
    await age_space(server, 29)
    anne = await login("anne")
    status = await status_of(anne)
    assert [r["code"] for r in status["reasons"]] == ["too_recent"]
    assert "30" in status["reasons"][0]["message"]
    await _refused(anne, "too_recent")
    assert await _count(server) == 0
    await age_space(server, 30)
    assert (await status_of(anne))["eligible"] is True


async def test_a_national_project_or_a_closed_twinspace_admits_no_application(server, login):
    await age_space(server, 90)
    await set_project(server, scope="national")
    jonas = await login("jonas")
    assert [r["code"] for r in (await status_of(jonas))["reasons"]] == ["not_european"]
    await _refused(jonas, "not_european")
    await set_project(server, scope="european")
    async with server.runtime.db.unit_of_work() as uow:
        await uow.session.execute(update(Space).where(Space.id == SPACE).values(status="closed"))
    assert [r["code"] for r in (await status_of(jonas))["reasons"]] == ["not_open"]
    await _refused(jonas, "not_open")
    assert await _count(server) == 0


async def test_only_founders_and_teachers_invited_into_the_project(server, login):
    await age_space(server, 90)
    anne = await login("anne")
    for username, scope in (("lucia", "project"), ("piotr", "space")):
        invited = await anne.post(
            f"/api/v1/spaces/{SPACE}/invitations",
            json={"username": username, "scope": scope, "role": "teacher_member"},
        )
        assert invited.status_code == 201, invited.text
        guest = await login(username)
        accepted = await guest.post(
            f"/api/v1/invitations/{invited.json()['invitation']['id']}/accept"
        )
        assert accepted.status_code == 200, accepted.text
    lucia, piotr, tina = await login("lucia"), await login("piotr"), await login("tina")
    assert (await status_of(lucia))["eligible"] is True  # invited into the project
    assert (await start(lucia)).status_code == 201
    for teacher in (piotr, tina):  # TwinSpace only; a member added without a project invitation
        assert [r["code"] for r in (await status_of(teacher))["reasons"]] == ["not_project_member"]
        await _refused(teacher, "not_project_member")
    assert await _count(server) == 1


async def test_pupils_and_visitors_cannot_apply(server, login):
    await age_space(server, 90)
    for username in ("lea", "paul"):
        client = await login(username)
        codes = [r["code"] for r in (await status_of(client))["reasons"]]
        assert codes == ["not_teacher", "not_project_member"]
        await _refused(client, "not_teacher")
    assert await _count(server) == 0


async def test_one_application_per_teacher_and_project_per_year(server, login):
    await age_space(server, 90)
    anne, jonas = await login("anne"), await login("jonas")
    sent = await apply(anne)
    assert sent["status"] == "submitted"
    status = await status_of(anne)
    assert [r["code"] for r in status["reasons"]] == ["already_applied"]
    assert status["application_id"] == sent["id"]
    await _refused(anne, "already_applied")
    assert (await status_of(jonas))["eligible"] is True  # the co-founder applies on their own
    assert await _count(server) == 1


async def test_outsiders_do_not_see_a_private_twinspace_label(server, login):
    nss = await login("nss-fr")  # not a member; the demo TwinSpace's Home is not public
    assert (await nss.get(f"/api/v1/spaces/{SPACE}/label")).status_code == 404
    assert (await start(nss)).status_code == 404
    assert (await nss.get("/api/v1/spaces/999/label")).status_code == 404
