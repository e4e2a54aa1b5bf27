"""Roles: a teacher administrator changes roles and removes members; the last administrator
stays; a change applies at once to open sockets, without reconnecting."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import RunningServer
from tests.people_support import snapshot, user_id
from twinspace.pages.models import Page, Widget
from twinspace.spaces.models import Membership


async def _role(server: RunningServer, username: str) -> str | None:
    uid = await user_id(server, username)
    async with server.runtime.db.read() as session:
        return await session.scalar(
            select(Membership.role).where(Membership.space_id == 1, Membership.user_id == uid)
        )


async def test_change_role_event_and_members_page(server: RunningServer, login, connect_as) -> None:
    anne = await login("anne")
    tina = await user_id(server, "tina")
    watcher = await connect_as("jonas")
    assert (await watcher.call("join", {"room": "space:1:members"}))["ok"] is True
    changed = await anne.patch(f"/api/v1/spaces/1/members/{tina}", json={"role": "teacher_admin"})
    assert changed.status_code == 200, changed.text
    assert await _role(server, "tina") == "teacher_admin"
    event = await watcher.wait_for(lambda e: e["type"] == "member.role_changed")
    assert event["room"] == "space:1:members"
    assert event["data"] == {"user_id": tina, "role": "teacher_admin"}
    page = await anne.get("/spaces/1/members")
    assert page.status_code == 200
    assert "Collège Victor Hugo" in page.text and "Change role" in page.text
    lea_page = await (await login("lea")).get("/spaces/1/members")
    assert lea_page.status_code == 200 and "Change role" not in lea_page.text


async def test_role_refusals_change_nothing(server: RunningServer, login) -> None:
    anne = await login("anne")
    ids = {name: await user_id(server, name) for name in ("anne", "jonas", "lea", "tina", "nss-fr")}
    # jonas steps down first, so anne is the last administrator
    assert (
        await anne.patch(
            f"/api/v1/spaces/1/members/{ids['jonas']}", json={"role": "teacher_member"}
        )
    ).status_code == 200
    before = await snapshot(server)
    cases = [
        (ids["anne"], {"role": "teacher_member"}, 409),  # the last administrator
        (ids["lea"], {"role": "teacher_admin"}, 400),  # a pupil is a pupil
        (ids["tina"], {"role": "pupil_admin"}, 400),  # a teacher is no pupil
        (ids["tina"], {"role": "public"}, 400),
        (ids["tina"], {"role": 3}, 400),
        (ids["nss-fr"], {"role": "visitor"}, 404),  # not a member
    ]
    for uid, body, status in cases:
        answer = await anne.patch(f"/api/v1/spaces/1/members/{uid}", json=body)
        assert answer.status_code == status, (uid, body, answer.text)
    removed = await anne.delete(f"/api/v1/spaces/1/members/{ids['anne']}")
    assert removed.status_code == 409
    for who, status in (("tina", 403), ("pia", 403), ("lea", 403), ("paul", 403), ("nss-fr", 404)):
        client = await login(who)
        answer = await client.patch(
            f"/api/v1/spaces/1/members/{ids['lea']}", json={"role": "pupil_admin"}
        )
        assert answer.status_code == status, who
    assert await snapshot(server) == before


async def test_remove_member_by_form(server: RunningServer, login) -> None:
    anne = await login("anne")
    tom = await user_id(server, "tom")
    answer = await anne.post(
        f"/spaces/1/members/{tom}/remove", data={"csrf_token": anne.headers["X-CSRF-Token"]}
    )
    assert answer.status_code == 303
    assert await _role(server, "tom") is None
    items = (await anne.get("/api/v1/spaces/1/feed")).json()["items"]
    assert items[0]["text"] == "Anne Moreau removed a member."


async def test_demoted_pupil_admin_is_refused_on_the_same_socket(
    server: RunningServer, login, connect_as
) -> None:
    async with server.runtime.db.read() as session:
        widget = await session.scalar(
            select(Widget.id)
            .join(Page, Page.id == Widget.page_id)
            .where(Page.room == "activities", Widget.kind == "blog")
        )
    pia = await connect_as("pia")
    post = {"space_id": 1, "widget_id": widget, "command": "post.create", "body": "Our river"}
    first = await pia.call("tool", {**post, "title": "Before"})
    assert first["ok"] is True, first
    anne = await login("anne")
    pia_id = await user_id(server, "pia")
    demoted = await anne.patch(f"/api/v1/spaces/1/members/{pia_id}", json={"role": "pupil_member"})
    assert demoted.status_code == 200
    second = await pia.call("tool", {**post, "title": "After"})  # the same socket, not reconnected
    assert second == {**second, "ok": False, "error": "forbidden"}
    pages = await (await login("pia")).post(
        "/api/v1/spaces/1/rooms/activities/pages", json={"title": "Mine"}
    )
    assert pages.status_code == 403


async def test_teacher_turned_visitor_leaves_teachers_rooms(
    server: RunningServer, login, connect_as
) -> None:
    tina_socket = await connect_as("tina")
    assert (await tina_socket.call("join", {"room": "space:1:teachers"}))["ok"] is True
    anne = await login("anne")
    tina = await user_id(server, "tina")
    assert (
        await anne.patch(f"/api/v1/spaces/1/members/{tina}", json={"role": "visitor"})
    ).status_code == 200
    # a page added in the Teachers' room no longer reaches her socket
    added = await anne.post("/api/v1/spaces/1/rooms/teachers/pages", json={"title": "Secret plan"})
    assert added.status_code == 201
    jonas = await connect_as("jonas")
    await jonas.call("join", {"room": "space:1:teachers"})
    await anne.post("/api/v1/spaces/1/rooms/teachers/pages", json={"title": "Second plan"})
    await jonas.wait_for(lambda e: e["data"].get("title") == "Second plan")
    assert not [e for e in tina_socket.events if e["room"] == "space:1:teachers"]
    refused = await tina_socket.call("join", {"room": "space:1:teachers"})
    assert refused["error"] == "not_found"


async def test_removed_member_leaves_page_rooms_too(
    server: RunningServer, login, connect_as
) -> None:
    async with server.runtime.db.read() as session:
        page_id, widget = (
            await session.execute(
                select(Page.id, Widget.id)
                .join(Widget, Widget.page_id == Page.id)
                .where(Page.room == "activities", Widget.kind == "blog")
            )
        ).first()
    room = f"space:1:page:{page_id}"
    tom = await connect_as("tom")
    assert (await tom.call("join", {"room": room}))["ok"] is True
    anne = await login("anne")
    assert (
        await anne.delete(f"/api/v1/spaces/1/members/{await user_id(server, 'tom')}")
    ).status_code == 200
    watcher = await connect_as("jonas")
    await watcher.call("join", {"room": room})
    await anne.post(
        f"/api/v1/spaces/1/widgets/{widget}/post.create", json={"title": "After Tom", "body": "x"}
    )
    await watcher.wait_for(lambda e: e["type"] == "blog.post_created")
    assert not [e for e in tom.events if e["room"] == room]
