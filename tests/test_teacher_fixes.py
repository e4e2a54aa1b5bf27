"""Small defects teachers met (issue 19): where the journal's forms land, the Members page's
title, two pupils of the same name, invitations in a single-school TwinSpace."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from tests.conftest import RunningServer
from twinspace.accounts.models import School, User
from twinspace.spaces.models import Space


async def test_journal_forms_send_the_teacher_back_home(server: RunningServer, login) -> None:
    anne = await login("anne")
    token = anne.headers["X-CSRF-Token"]
    widget = (await anne.get("/api/v1/spaces/1/journal")).json()["widget_id"]
    # the browser came from Project activities' address: the journal still lives on Home
    posted = await anne.post(
        f"/spaces/1/widgets/{widget}/post.create",
        data={"csrf_token": token, "title": "Week 2", "body": "Letters arrived."},
        headers={"Referer": f"{server.url}/spaces/1"},
    )
    assert posted.status_code == 303, posted.text
    assert posted.headers["location"] == "/spaces/1#journal"
    post_id = (await anne.get("/api/v1/spaces/1/feed")).json()["items"][0]["url"]
    assert post_id == "/spaces/1#journal"
    lea = await login("lea")
    posts = await lea.get("/spaces/1")
    found = re.search(r'name="post_id" value="(\d+)"', posts.text)
    assert found, "the journal shows a comment form to members"
    commented = await lea.post(
        f"/spaces/1/widgets/{widget}/comment.create",
        data={"csrf_token": lea.headers["X-CSRF-Token"], "post_id": found[1], "text": "Yes!"},
    )
    assert commented.status_code == 303
    assert commented.headers["location"] == "/spaces/1#journal"
    home = await lea.get(commented.headers["location"])
    assert "Yes!" in home.text


async def test_members_page_title_is_just_a_title(server: RunningServer, login) -> None:
    page = await (await login("anne")).get("/spaces/1/members")
    title = re.search(r"<title>(.*?)</title>", page.text, re.S)
    assert title and title[1].startswith("Members — ")
    assert "{" not in title[1] and "notSent" not in title[1]
    assert 'id="i18n"' in page.text  # the scripts' strings are still on the page, once
    assert page.text.count('id="i18n"') == 1


async def test_pupils_of_the_same_name_are_numbered(server: RunningServer, login) -> None:
    anne = await login("anne")
    first = await anne.post("/api/v1/spaces/1/pupils", json={"names": "Léa C.\nLéa C.\nZélie Q."})
    assert first.status_code == 201, first.text
    names = [(p["name"], p["renamed"]) for p in first.json()["pupils"]]
    assert names == [("Léa C.", False), ("Léa C. (2)", True), ("Zélie Q.", False)]
    again = await anne.post(
        "/spaces/1/pupil-accounts",
        data={"csrf_token": anne.headers["X-CSRF-Token"], "names": "léa  c."},
    )
    assert again.status_code == 200
    assert "Léa C. (3)" not in again.text and "léa c. (3)" in again.text
    assert 'id="renamed-note"' in again.text
    listing = await anne.get("/spaces/1/pupil-accounts")
    assert listing.text.count("Léa C. (2)") == 1


async def test_single_school_space_offers_only_what_it_accepts(
    server: RunningServer, login
) -> None:
    async with server.runtime.db.unit_of_work() as uow:
        school = School(name="IES Cervantes", city="Madrid", country_code="ES")
        uow.session.add(school)
        await uow.session.flush()
        uow.session.add(
            User(
                username="carmen",
                display_name="Carmen",
                kind="teacher",
                country_code="ES",
                school_id=school.id,
                password_hash="x",
            )
        )
    anne = await login("anne")
    page = await anne.get("/spaces/1/invitations", params={"q": "carm"})
    assert "Invite into the project" in page.text and 'id="single-school-note"' not in page.text
    async with server.runtime.db.unit_of_work() as uow:
        anne_school = await uow.session.scalar(
            select(User.school_id).where(User.username == "anne")
        )
        await uow.session.execute(
            update(Space).where(Space.id == 1).values(single_school_id=anne_school)
        )
    page = await anne.get("/spaces/1/invitations", params={"q": "carm"})
    assert page.status_code == 200 and 'id="single-school-note"' in page.text
    assert "Invite into the project" not in page.text
    assert "Invite into the TwinSpace only" not in page.text
    assert "Invite as a visitor" in page.text and "Another school: visitor only" in page.text
    found = (await anne.get("/api/v1/spaces/1/invitations/candidates", params={"q": "carm"})).json()
    assert [m["teacher_allowed"] for m in found["members"]] == [False]
