"""The role × room × action matrix, walked cell by cell: in the policy, over HTTP and
over sockets. EXPECTED restates SPEC.md §3 independently of twinspace/permissions.py."""

from __future__ import annotations

import itertools

import httpx
import pytest
from sqlalchemy import delete, select, update

from tests.conftest import ROLE_USERS, RunningServer
from tests.support import api_login
from twinspace.accounts.models import User
from twinspace.permissions import Action, Role, Room, SpaceFacts, allowed
from twinspace.spaces.models import Membership, Space

TA, TM, PA, PM, VI, PUB = (
    Role.TEACHER_ADMIN,
    Role.TEACHER,
    Role.PUPIL_ADMIN,
    Role.PUPIL,
    Role.VISITOR,
    Role.PUBLIC,
)
MEMBERS = {TA, TM, PA, PM, VI}
TEACHERS = {TA, TM}
PUPILS = {PA, PM}
IF_PUBLISHED = "public if published"
IF_VISITORS = "visitors if allowed"

# Who may do what (SPEC.md §3 "Rooms" and "Members, invitations, rights").
EXPECTED: dict[tuple[Room, Action], set[object]] = {
    # Home: all members read, the public only if published; teachers keep the journal.
    (Room.HOME, Action.READ): MEMBERS | {IF_PUBLISHED},
    (Room.HOME, Action.POST): TEACHERS,
    (Room.HOME, Action.COMMENT): TEACHERS | PUPILS,
    (Room.HOME, Action.UPLOAD): TEACHERS,
    (Room.HOME, Action.MANAGE_PAGES): {TA},
    (Room.HOME, Action.MODERATE): {TA},
    (Room.HOME, Action.PUBLISH): {TA},
    (Room.HOME, Action.MANAGE_MEMBERS): {TA},
    # Home-page services: teachers create pupil accounts and keep the calendar; every member
    # writes in the mailbox; pupils and teachers write on profile walls, visitors read them.
    (Room.HOME, Action.MANAGE_PUPILS): TEACHERS,
    (Room.HOME, Action.MESSAGE): MEMBERS,
    (Room.HOME, Action.WALL): TEACHERS | PUPILS,
    (Room.HOME, Action.CALENDAR): TEACHERS,
    # Project activities: pupil admins create pages and publish files; pupil members
    # reply and comment; visitors read; the public reads published pages only.
    (Room.ACTIVITIES, Action.READ): MEMBERS | {IF_PUBLISHED},
    (Room.ACTIVITIES, Action.POST): TEACHERS | {PA},
    (Room.ACTIVITIES, Action.COMMENT): TEACHERS | PUPILS,
    (Room.ACTIVITIES, Action.UPLOAD): TEACHERS | {PA},
    (Room.ACTIVITIES, Action.MANAGE_PAGES): {TA, PA},
    (Room.ACTIVITIES, Action.MODERATE): {TA},
    (Room.ACTIVITIES, Action.PUBLISH): {TA},
    (Room.ACTIVITIES, Action.MANAGE_MEMBERS): set(),
    (Room.ACTIVITIES, Action.MANAGE_PUPILS): set(),
    (Room.ACTIVITIES, Action.MESSAGE): set(),
    (Room.ACTIVITIES, Action.WALL): set(),
    (Room.ACTIVITIES, Action.CALENDAR): set(),
    # Teachers' room: teachers only, pupils never; never public.
    (Room.TEACHERS, Action.READ): TEACHERS,
    (Room.TEACHERS, Action.POST): TEACHERS,
    (Room.TEACHERS, Action.COMMENT): TEACHERS,
    (Room.TEACHERS, Action.UPLOAD): TEACHERS,
    (Room.TEACHERS, Action.MANAGE_PAGES): {TA},
    (Room.TEACHERS, Action.MODERATE): {TA},
    (Room.TEACHERS, Action.PUBLISH): set(),
    (Room.TEACHERS, Action.MANAGE_MEMBERS): set(),
    (Room.TEACHERS, Action.MANAGE_PUPILS): set(),
    (Room.TEACHERS, Action.MESSAGE): set(),
    (Room.TEACHERS, Action.WALL): set(),
    (Room.TEACHERS, Action.CALENDAR): set(),
    # Pupils' corner: pupils create and post; teachers read only; teacher admins moderate.
    (Room.PUPILS, Action.READ): TEACHERS | PUPILS,
    (Room.PUPILS, Action.POST): PUPILS,
    (Room.PUPILS, Action.COMMENT): PUPILS,
    (Room.PUPILS, Action.UPLOAD): {PA},
    (Room.PUPILS, Action.MANAGE_PAGES): {PA},
    (Room.PUPILS, Action.MODERATE): {TA},
    (Room.PUPILS, Action.PUBLISH): set(),
    (Room.PUPILS, Action.MANAGE_MEMBERS): set(),
    (Room.PUPILS, Action.MANAGE_PUPILS): set(),
    (Room.PUPILS, Action.MESSAGE): set(),
    (Room.PUPILS, Action.WALL): set(),
    (Room.PUPILS, Action.CALENDAR): set(),
    # Chat: all members; visitors only if the administrator allows it; teachers moderate.
    (Room.CHAT, Action.READ): TEACHERS | PUPILS | {IF_VISITORS},
    (Room.CHAT, Action.POST): TEACHERS | PUPILS | {IF_VISITORS},
    (Room.CHAT, Action.COMMENT): TEACHERS | PUPILS | {IF_VISITORS},
    (Room.CHAT, Action.UPLOAD): set(),
    (Room.CHAT, Action.MANAGE_PAGES): {TA},
    (Room.CHAT, Action.MODERATE): TEACHERS,
    (Room.CHAT, Action.PUBLISH): set(),
    (Room.CHAT, Action.MANAGE_MEMBERS): set(),
    (Room.CHAT, Action.MANAGE_PUPILS): set(),
    (Room.CHAT, Action.MESSAGE): set(),
    (Room.CHAT, Action.WALL): set(),
    (Room.CHAT, Action.CALENDAR): set(),
}


def expected(
    role: Role, room: Room, action: Action, *, published: bool, visitors_chat: bool
) -> bool:
    who = EXPECTED[(room, action)]
    if role in who:
        return True
    if role is PUB and IF_PUBLISHED in who:
        return published
    if role is VI and IF_VISITORS in who:
        return visitors_chat
    return False


CELLS = list(itertools.product(Room, Action, Role))


def test_expected_table_covers_the_whole_matrix() -> None:
    assert set(EXPECTED) == set(itertools.product(Room, Action))


@pytest.mark.parametrize(("room", "action", "role"), CELLS, ids=lambda v: str(v))
@pytest.mark.parametrize("published", [False, True], ids=["private", "published"])
@pytest.mark.parametrize("visitors_chat", [False, True], ids=["no-visitor-chat", "visitor-chat"])
def test_policy_cell(
    room: Room, action: Action, role: Role, published: bool, visitors_chat: bool
) -> None:
    facts = SpaceFacts(space_id=1, is_open=True, visitors_may_chat=visitors_chat)
    assert allowed(role, room, action, facts, published=published) is expected(
        role, room, action, published=published, visitors_chat=visitors_chat
    )


@pytest.mark.parametrize(("room", "action", "role"), CELLS, ids=lambda v: str(v))
def test_closed_space_is_read_only(room: Room, action: Action, role: Role) -> None:
    closed = SpaceFacts(space_id=1, is_open=False)
    result = allowed(role, room, action, closed, published=True)
    if action is Action.READ:
        assert result is expected(role, room, action, published=True, visitors_chat=False)
    else:
        assert result is False


# --- HTTP: every cell through the real app -------------------------------------------------

ROLE_OF_USER = {
    "teacher_admin": TA,
    "teacher_member": TM,
    "pupil_admin": PA,
    "pupil_member": PM,
    "visitor": VI,
    "outsider": PUB,
    "anonymous": PUB,
}
ROOM_PAGES = {
    Room.HOME: "/spaces/1",
    Room.ACTIVITIES: "/spaces/1/activities",
    Room.TEACHERS: "/spaces/1/teachers",
    Room.PUPILS: "/spaces/1/pupils",
    Room.CHAT: "/spaces/1/chat/general",
}


async def _client_for(server: RunningServer, who: str) -> httpx.AsyncClient:
    username = ROLE_USERS[who]
    if username is None:
        return httpx.AsyncClient(base_url=server.url)
    return await api_login(server.url, username)


@pytest.mark.parametrize("who", list(ROLE_USERS))
@pytest.mark.parametrize("room", list(Room), ids=str)
async def test_http_access_cells(server: RunningServer, who: str, room: Room) -> None:
    role = ROLE_OF_USER[who]
    client = await _client_for(server, who)
    try:
        may_read = expected(role, room, Action.READ, published=False, visitors_chat=False)
        wrong = []
        for action in Action:
            response = await client.get(f"/api/v1/spaces/1/access/{room}/{action}")
            may = expected(role, room, action, published=False, visitors_chat=False)
            want = 200 if may else (403 if may_read else 404)
            if response.status_code != want:
                wrong.append((str(action), response.status_code, want))
        page = await client.get(ROOM_PAGES[room])
        # the demo publishes one activity page: the public sees the room's list of public pages
        page_readable = may_read or (room is Room.ACTIVITIES and role is PUB)
        assert page.status_code == (200 if page_readable else 404), page.status_code
    finally:
        await client.aclose()
    assert wrong == [], f"{who} in {room}: (action, got, wanted)"


async def test_published_home_is_readable_by_the_public(server: RunningServer) -> None:
    async with server.runtime.db.unit_of_work() as uow:
        await uow.session.execute(update(Space).where(Space.id == 1).values(home_public=True))
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        assert (await anonymous.get("/spaces/1")).status_code == 200
        assert (await anonymous.get("/api/v1/spaces/1/access/home/read")).status_code == 200
        assert (await anonymous.get("/api/v1/spaces/1/access/home/post")).status_code == 403
        assert (await anonymous.get("/spaces/1/teachers")).status_code == 404
        members = (await anonymous.get("/api/v1/spaces/1/members")).json()["members"]
    roles = {m["role"] for m in members}
    assert roles and not roles & {"pupil_member", "pupil_admin"}  # pupils never shown publicly


async def test_unknown_space_and_private_space_answer_alike(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        private = await anonymous.get("/api/v1/spaces/1")
        missing = await anonymous.get("/api/v1/spaces/999")
    assert private.status_code == missing.status_code == 404
    assert private.json() == missing.json() | {"message": private.json()["message"]}


# --- Sockets: join (read) every room and chat:send (post) for every role --------------------

SOCKET_ROOMS = {
    Room.HOME: "space:1:home",
    Room.TEACHERS: "space:1:teachers",
    Room.PUPILS: "space:1:pupils",
    Room.CHAT: "space:1:chat:general",
}


def _socket_expectation(role: Role, room: Room, action: Action, visitors_chat: bool) -> str:
    if expected(role, room, action, published=False, visitors_chat=visitors_chat):
        return "ok"
    if expected(role, room, Action.READ, published=False, visitors_chat=visitors_chat):
        return "forbidden"
    return "not_found"


def _outcome(ack: dict) -> str:
    return "ok" if ack.get("ok") else ack["error"]


@pytest.mark.parametrize("visitors_chat", [False, True], ids=["no-visitor-chat", "visitor-chat"])
@pytest.mark.parametrize("who", list(ROLE_USERS))
async def test_socket_access_cells(
    server: RunningServer, connect_as, who: str, visitors_chat: bool
) -> None:
    if visitors_chat:
        async with server.runtime.db.unit_of_work() as uow:
            await uow.session.execute(
                update(Space).where(Space.id == 1).values(visitors_may_chat=True)
            )
    role = ROLE_OF_USER[who]
    client = await connect_as(ROLE_USERS[who])
    for room, name in SOCKET_ROOMS.items():
        join = await client.call("join", {"room": name})
        assert _outcome(join) == _socket_expectation(role, room, Action.READ, visitors_chat), (
            room,
            join,
        )
        caught = await client.call("catchup", {"room": name, "after": 0})
        assert _outcome(caught) == _outcome(join), (room, caught)
    supervisor = await connect_as("anne")  # rooms pupils enter are supervised: a teacher is here
    assert (await supervisor.call("join", {"room": SOCKET_ROOMS[Room.CHAT]}))["ok"]
    sent = await client.call(
        "chat:send", {"room": SOCKET_ROOMS[Room.CHAT], "text": f"hello from {who}"}
    )
    assert _outcome(sent) == _socket_expectation(role, Room.CHAT, Action.POST, visitors_chat), sent


async def test_joining_is_not_a_licence_to_write(server: RunningServer, connect_as) -> None:
    lea = await connect_as("lea")
    room = SOCKET_ROOMS[Room.CHAT]
    assert (await lea.call("join", {"room": room}))["ok"] is True
    async with server.runtime.db.unit_of_work() as uow:  # the TwinSpace is closed (archived)
        await uow.session.execute(update(Space).where(Space.id == 1).values(status="closed"))
    refused = await lea.call("chat:send", {"room": room, "text": "after closing"})
    assert refused["error"] == "forbidden"
    async with server.runtime.db.unit_of_work() as uow:  # reopened, but lea removed
        await uow.session.execute(update(Space).where(Space.id == 1).values(status="open"))
        lea_id = select(User.id).where(User.username == "lea").scalar_subquery()
        await uow.session.execute(delete(Membership).where(Membership.user_id == lea_id))
    gone = await lea.call("chat:send", {"room": room, "text": "after removal"})
    assert gone["error"] == "not_found"
