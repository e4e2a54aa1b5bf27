"""The meeting rules of the one policy, cell by cell, and the servers browsers are given:
STUN/TURN from TWINSPACE_ICE_SERVERS, the outside meeting server's unguessable room names."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from twinspace.errors import DomainError
from twinspace.permissions import (
    MeetingFacts,
    Role,
    SpaceFacts,
    Viewer,
    access_meeting_join,
    access_meeting_room,
    access_meeting_run,
    access_meeting_signal,
    may_invite_to_meeting,
    may_moderate_participant,
)
from twinspace.rooms.meeting.servers import external_room, external_url, ice_servers_for
from twinspace.settings import parse_ice_servers

OPEN, CLOSED = SpaceFacts(space_id=1), SpaceFacts(space_id=1, is_open=False)
ON = MeetingFacts(active=True)
SUPERVISED = MeetingFacts(active=True, teacher_present=True)


def refusal(check, role: Role, *args, **kwargs) -> str | None:
    try:
        check(Viewer(1, role), *args, **kwargs)
    except DomainError as err:
        return err.code
    return None


@pytest.mark.parametrize(
    ("role", "space_meeting", "teachers_meeting"),
    [
        (Role.TEACHER_ADMIN, None, None),
        (Role.TEACHER, None, None),
        (Role.PUPIL_ADMIN, None, "not_found"),
        (Role.PUPIL, None, "not_found"),
        (Role.VISITOR, None, "not_found"),
        (Role.PUBLIC, "not_found", "not_found"),
    ],
)
def test_who_sees_a_meeting_room(role, space_meeting, teachers_meeting) -> None:
    assert refusal(access_meeting_room, role, OPEN, MeetingFacts()) == space_meeting
    assert refusal(access_meeting_room, role, OPEN, MeetingFacts(kind="teachers")) == (
        teachers_meeting
    )


@pytest.mark.parametrize(
    ("role", "meeting", "expected"),
    [
        (Role.TEACHER, MeetingFacts(), "forbidden"),  # nothing on
        (Role.TEACHER, ON, None),
        (Role.TEACHER, MeetingFacts(active=True, locked=True), None),
        (Role.TEACHER, MeetingFacts(active=True, participants=6), "forbidden"),  # the mesh is full
        (Role.TEACHER, MeetingFacts(active=True, participants=6, external=True), None),
        (Role.PUPIL, ON, "unsupervised"),  # a pupil alone
        (Role.PUPIL_ADMIN, ON, "unsupervised"),
        (Role.PUPIL, SUPERVISED, None),
        (Role.PUPIL, MeetingFacts(active=True, teacher_present=True, locked=True), "locked"),
        (Role.PUPIL, MeetingFacts(active=True, teacher_present=True, removed=True), "forbidden"),
        (Role.VISITOR, SUPERVISED, "forbidden"),  # not invited
        (Role.VISITOR, MeetingFacts(active=True, invited=True), None),
        (Role.PUBLIC, SUPERVISED, "not_found"),
    ],
)
def test_who_joins(role, meeting, expected) -> None:
    assert refusal(access_meeting_join, role, OPEN, meeting) == expected


def test_a_closed_twinspace_has_no_meetings() -> None:
    assert refusal(access_meeting_join, Role.TEACHER_ADMIN, CLOSED, ON) == "forbidden"
    assert refusal(access_meeting_run, Role.TEACHER_ADMIN, CLOSED, ON) == "forbidden"


def test_who_runs_mutes_removes_invites() -> None:
    for role in Role:
        runs = role in (Role.TEACHER_ADMIN, Role.TEACHER)
        assert (refusal(access_meeting_run, role, OPEN, ON) is None) is runs
        assert may_invite_to_meeting(Viewer(1, role), OPEN) is (role is Role.TEACHER_ADMIN)
    teacher, admin = Viewer(1, Role.TEACHER), Viewer(1, Role.TEACHER_ADMIN)
    assert may_moderate_participant(teacher, OPEN, "pupil_member", "mute")
    assert not may_moderate_participant(teacher, OPEN, "teacher_member", "mute")
    assert may_moderate_participant(teacher, OPEN, "visitor", "remove")
    assert not may_moderate_participant(teacher, OPEN, "teacher_admin", "remove")
    assert may_moderate_participant(admin, OPEN, "teacher_admin", "remove")
    assert not may_moderate_participant(Viewer(1, Role.PUPIL_ADMIN), OPEN, "pupil_member", "mute")


def test_signalling_needs_both_ends_in_the_meeting() -> None:
    access_meeting_signal(sender_in=True, target_in=True)
    for sender_in, target_in in ((False, True), (True, False), (False, False)):
        with pytest.raises(DomainError) as caught:
            access_meeting_signal(sender_in=sender_in, target_in=target_in)
        assert caught.value.code == "not_found"


def test_ice_servers_and_turn_credentials() -> None:
    assert parse_ice_servers(None) == ()
    servers = parse_ice_servers(
        '[{"urls": "stun:stun.example.org"}, {"urls": ["turn:t.example.org"], "secret": "s3"},'
        ' {"urls": "turn:u.example.org", "username": "u", "credential": "c"}]'
    )
    stun, turn, static = ice_servers_for(servers, 42)
    assert stun == {"urls": "stun:stun.example.org"}
    assert static == {"urls": "turn:u.example.org", "username": "u", "credential": "c"}
    assert "secret" not in turn and turn["username"].endswith(":42")
    digest = hmac.new(b"s3", turn["username"].encode(), hashlib.sha1).digest()
    assert turn["credential"] == base64.b64encode(digest).decode()  # coturn use-auth-secret
    for bad in ("{", '"stun:x"', '[{"url": "stun:x"}]'):
        with pytest.raises(ValueError):
            parse_ice_servers(bad)


def test_outside_meeting_rooms_are_not_guessable() -> None:
    name = external_room("secret-a", 1, "space", 7)
    assert name.startswith("twinspace-") and len(name) == len("twinspace-") + 32
    assert name != external_room("secret-b", 1, "space", 7)  # another installation
    assert name != external_room("secret-a", 1, "space", 8)  # the next meeting
    assert name != external_room("secret-a", 1, "teachers", 7)
    assert external_url("https://meet.example.org/{room}", "secret-a", 1, "space", 7) == (
        f"https://meet.example.org/{name}"
    )
