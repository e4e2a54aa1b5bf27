"""Invitations: into the project, into the TwinSpace only, as a visitor; eligibility, the
same-school rule, duplicates and non-members refused without changing anything; the invitee
is notified live and accepts or declines."""

from __future__ import annotations

from sqlalchemy import select, update

from tests.conftest import RunningServer
from tests.people_support import snapshot
from twinspace.accounts.models import School, User
from twinspace.people.models import Invitation
from twinspace.spaces.models import Membership, Space


async def _add_user(
    server: RunningServer, username: str, kind: str, country: str | None, school: str | None = None
) -> int:
    async with server.runtime.db.unit_of_work() as uow:
        school_id = None
        if school is not None:
            row = School(name=school, city="Madrid", country_code=country or "ES")
            uow.session.add(row)
            await uow.session.flush()
            school_id = row.id
        user = User(
            username=username,
            display_name=username.title(),
            kind=kind,
            country_code=country,
            school_id=school_id,
            password_hash=server.runtime.passwords.hash_sync("demo-pass"),
        )
        uow.session.add(user)
        await uow.session.flush()
        return user.id


async def test_invite_into_project_notifies_and_accept(
    server: RunningServer, login, connect_as
) -> None:
    carmen = await _add_user(server, "carmen", "teacher", "ES", "IES Cervantes")
    anne = await login("anne")
    found = await anne.get("/api/v1/spaces/1/invitations/candidates", params={"q": "cervantes"})
    assert [m["user_id"] for m in found.json()["members"]] == [carmen]
    assert found.json()["members"][0]["eligible"] is True
    live = await connect_as("carmen")
    sent = await anne.post(
        "/api/v1/spaces/1/invitations", json={"username": "carmen", "scope": "project"}
    )
    assert sent.status_code == 201, sent.text
    invitation = sent.json()["invitation"]
    assert (invitation["scope"], invitation["role"], invitation["status"]) == (
        "project",
        "teacher_member",
        "pending",
    )
    event = await live.wait_for(lambda e: e["type"] == "notification.new")
    assert event["room"] == f"user:{carmen}"
    client = await login("carmen")
    bell = (await client.get("/api/v1/notifications")).json()
    assert "invites you into the project" in str(bell)
    mine = (await client.get("/api/v1/invitations")).json()["invitations"]
    assert [i["id"] for i in mine] == [invitation["id"]]
    assert (await client.get("/spaces/1/invitation")).status_code == 200
    assert (await client.get("/api/v1/spaces/1/feed")).status_code == 404  # not a member yet
    accepted = await client.post(f"/api/v1/invitations/{invitation['id']}/accept")
    assert accepted.status_code == 200, accepted.text
    async with server.runtime.db.read() as session:
        role = await session.scalar(
            select(Membership.role).where(Membership.space_id == 1, Membership.user_id == carmen)
        )
        status = await session.scalar(select(Invitation.status).where(Invitation.user_id == carmen))
    assert (role, status) == ("teacher_member", "accepted")
    items = (await anne.get("/api/v1/spaces/1/feed")).json()["items"]
    assert items[0]["text"] == "Carmen joined the TwinSpace."
    again = await client.post(f"/api/v1/invitations/{invitation['id']}/accept")
    assert again.status_code == 404


async def test_visitor_and_space_only_invitations_and_decline(server: RunningServer, login) -> None:
    ken = await _add_user(server, "ken", "member", None)  # not eligible
    anne = await login("anne")
    found = (await anne.get("/api/v1/spaces/1/invitations/candidates", params={"q": "ken"})).json()
    assert found["members"][0]["eligible"] is False
    refused = await anne.post(
        "/api/v1/spaces/1/invitations", json={"user_id": ken, "scope": "project"}
    )
    assert refused.status_code == 400 and "not eligible" in refused.json()["message"]
    visitor = await anne.post(
        "/api/v1/spaces/1/invitations", json={"user_id": ken, "role": "visitor", "scope": "project"}
    )
    assert visitor.status_code == 201
    assert visitor.json()["invitation"]["scope"] == "space"  # a visitor is never in the project
    client = await login("ken")
    declined = await client.post(
        f"/api/v1/invitations/{visitor.json()['invitation']['id']}/decline"
    )
    assert declined.status_code == 200
    async with server.runtime.db.read() as session:
        assert await session.scalar(select(Membership.id).where(Membership.user_id == ken)) is None
    space_only = await anne.post("/api/v1/spaces/1/invitations", json={"user_id": ken})
    assert space_only.json()["invitation"]["scope"] == "space"


async def test_bad_invitations_change_nothing(server: RunningServer, login) -> None:
    carmen = await _add_user(server, "carmen", "teacher", "ES", "IES Cervantes")
    anne = await login("anne")
    assert (
        await anne.post("/api/v1/spaces/1/invitations", json={"user_id": carmen})
    ).status_code == 201
    before = await snapshot(server)
    lea = (await (await login("lea")).get("/api/v1/me")).json()["id"]
    cases = [
        ({"user_id": carmen}, 409),  # a duplicate invitation
        ({"username": "nobody-here"}, 404),  # not a platform member
        ({"user_id": lea}, 404),  # pupils are not invited
        ({"username": "nss-fr"}, 404),  # nor NSS officers
        ({"username": "jonas"}, 409),  # already a member
        ({"user_id": carmen, "scope": "everywhere"}, 400),
        ({"user_id": carmen, "role": "teacher_admin"}, 400),
        ({}, 404),
    ]
    for body, status in cases:
        answer = await anne.post("/api/v1/spaces/1/invitations", json=body)
        assert answer.status_code == status, (body, answer.text)
        assert answer.json()["message"]
    for who, status in (("tina", 403), ("lea", 403), ("paul", 403), ("nss-fr", 404)):
        client = await login(who)
        answer = await client.post("/api/v1/spaces/1/invitations", json={"username": "ken"})
        assert answer.status_code == status, who
    outsider = await login("nss-fr")  # somebody else's invitation is nobody's business
    pending = (await anne.get("/api/v1/spaces/1/invitations")).json()["invitations"]
    assert (
        await outsider.post(f"/api/v1/invitations/{pending[0]['id']}/accept")
    ).status_code == 404
    assert await snapshot(server) == before


async def test_same_school_project_refuses_other_schools(server: RunningServer, login) -> None:
    carmen = await _add_user(server, "carmen", "teacher", "ES", "IES Cervantes")
    async with server.runtime.db.unit_of_work() as uow:
        anne_school = await uow.session.scalar(
            select(User.school_id).where(User.username == "anne")
        )
        await uow.session.execute(
            update(Space).where(Space.id == 1).values(single_school_id=anne_school)
        )
        colleague = User(
            username="claire",
            display_name="Claire",
            kind="teacher",
            country_code="FR",
            school_id=anne_school,
            password_hash="x",
        )
        uow.session.add(colleague)
    anne = await login("anne")
    before = await snapshot(server)
    refused = await anne.post("/api/v1/spaces/1/invitations", json={"user_id": carmen})
    assert refused.status_code == 403 and "one school" in refused.json()["message"]
    assert await snapshot(server) == before
    same = await anne.post("/api/v1/spaces/1/invitations", json={"username": "claire"})
    assert same.status_code == 201
    visitor = await anne.post(
        "/api/v1/spaces/1/invitations", json={"user_id": carmen, "role": "visitor"}
    )
    assert visitor.status_code == 201  # a visitor is not a teacher of the project


async def test_invitation_pages(server: RunningServer, login) -> None:
    await _add_user(server, "carmen", "teacher", "ES", "IES Cervantes")
    anne = await login("anne")
    page = await anne.get("/spaces/1/invitations", params={"q": "carm"})
    assert (
        page.status_code == 200 and "Carmen" in page.text and "Invite into the project" in page.text
    )
    token = anne.headers["X-CSRF-Token"]
    sent = await anne.post(
        "/spaces/1/invitations", data={"csrf_token": token, "username": "carmen", "scope": "space"}
    )
    assert sent.status_code == 200 and "Invitation sent." in sent.text
    dup = await anne.post(
        "/spaces/1/invitations", data={"csrf_token": token, "username": "carmen", "scope": "space"}
    )
    assert dup.status_code == 400 and "already been invited" in dup.text
    carmen = await login("carmen")
    answer = await carmen.get("/spaces/1/invitation")
    assert answer.status_code == 200 and "into the TwinSpace only" in answer.text
    assert (await (await login("tina")).get("/spaces/1/invitations")).status_code == 404
