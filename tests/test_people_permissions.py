"""Every people action through its real endpoint, for every role: the matrix cell by cell
(the same cells test_permissions.py checks in the policy), members-only reads included."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import ROLE_USERS, RunningServer
from tests.people_support import user_id
from tests.support import api_login
from twinspace.people.journal import get_journal

TA, TM, PA, PM, VI = "teacher_admin", "teacher_member", "pupil_admin", "pupil_member", "visitor"
MEMBERS = {TA, TM, PA, PM, VI}
# action -> who may (SPEC.md §3): the people rows of the matrix, restated
MAY = {
    "manage_members": {TA},
    "manage_pupils": {TA, TM},
    "message": MEMBERS,
    "wall": {TA, TM, PA, PM},
    "calendar": {TA, TM},
    "journal": {TA, TM},  # Home's POST
    "own_profile": MEMBERS,  # one's own profile and photo: every member
    "read": MEMBERS,  # profiles, members page, mailbox, calendar, feed: members only
}


async def _calls(server: RunningServer) -> dict[str, list[tuple[str, str, dict | None]]]:
    anne, lea = await user_id(server, "anne"), await user_id(server, "lea")
    async with server.runtime.db.read() as session:
        journal = (await get_journal(session, 1))[1].id
    return {
        "manage_members": [
            ("PATCH", f"/api/v1/spaces/1/members/{lea}", {"role": "pupil_member"}),
            ("GET", "/api/v1/spaces/1/invitations", None),
        ],
        "manage_pupils": [
            ("POST", "/api/v1/spaces/1/pupils", {"names": "Eve"}),
            ("POST", f"/api/v1/spaces/1/pupils/{lea}/password", {"password": "rivers"}),
        ],
        "message": [
            ("POST", "/api/v1/spaces/1/mailbox", {"to": [anne], "subject": "S", "body": "B"})
        ],
        "wall": [("POST", f"/api/v1/spaces/1/members/{anne}/wall", {"text": "Hello"})],
        "calendar": [
            (
                "POST",
                "/api/v1/spaces/1/calendar",
                {"kind": "meeting", "title": "Call", "starts_on": "2026-12-01"},
            )
        ],
        "journal": [
            ("POST", f"/api/v1/spaces/1/widgets/{journal}/post.create", {"title": "T", "body": "B"})
        ],
        "own_profile": [("PUT", "/api/v1/spaces/1/profile", {"hobbies": "Rivers"})],
        "read": [
            ("GET", "/api/v1/spaces/1/feed", None),
            ("GET", "/api/v1/spaces/1/mailbox", None),
            ("GET", "/api/v1/spaces/1/calendar", None),
            ("GET", f"/api/v1/spaces/1/members/{lea}/profile", None),
            ("GET", "/spaces/1/members", None),
            ("GET", "/spaces/1/calendar.ics", None),
        ],
    }


@pytest.mark.parametrize("who", list(ROLE_USERS))
async def test_people_actions_cell_by_cell(server: RunningServer, who: str) -> None:
    username = ROLE_USERS[who]
    client = (
        await api_login(server.url, username)
        if username
        else httpx.AsyncClient(base_url=server.url)
    )
    wrong = []
    try:
        for action, calls in (await _calls(server)).items():
            for method, url, body in calls:
                answer = await client.request(method, url, json=body)
                if who in MAY[action]:
                    want = {200, 201}
                elif who in MEMBERS:  # opening an area they may not see: not there (404)
                    want = {404} if method == "GET" else {403}
                elif username is None and "/widgets/" in url:
                    want = {404}  # the tools' API answers anonymous writes like unknown ones
                elif username is None and (method != "GET" or "mailbox" in url):
                    want = {401}  # log in first (a personal mailbox has no public form)
                else:
                    want = {404}  # outsiders are told there is nothing here
                if answer.status_code not in want:
                    wrong.append((action, method, url, answer.status_code, sorted(want)))
    finally:
        await client.aclose()
    assert wrong == [], f"{who}: (action, method, url, got, wanted)"
