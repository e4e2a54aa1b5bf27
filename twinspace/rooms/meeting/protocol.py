"""The payloads and acknowledgements of the ``meeting:*`` socket events (declared in
realtime/protocol.py, written out in docs/asyncapi.json)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from twinspace.api.schema import Answer, Body

Key = Field(description="space | teachers | chat:<chat room name>")


class MeetingRef(Body):
    space_id: int
    key: str = Key


class MeetingJoin(MeetingRef):
    dry_run: bool | None = Field(None, description="true: only ask whether one may join")


class MeetingLock(MeetingRef):
    locked: bool


class MeetingPerson(MeetingRef):
    user_id: int


class MeetingState(MeetingRef):
    muted: bool | None = None
    camera_off: bool | None = None
    sharing: bool | None = None
    hand_raised: bool | None = None


class MeetingSignal(MeetingRef):
    to: str = Field(description="the socket id of ONE participant of the same meeting")
    kind: Literal["offer", "answer", "ice"]
    description: dict[str, Any] | None = Field(
        None, description='offer/answer: {"type", "sdp"} (at most 30,000 characters)'
    )
    candidate: dict[str, Any] | None = Field(
        None, description='ice: {"candidate", "sdpMid", "sdpMLineIndex"}; null: no more'
    )


class Participant(Answer):
    sid: str
    user_id: int
    name: str
    role: str
    muted: bool
    camera_off: bool
    sharing: bool
    hand_raised: bool


class MeetingStatus(Answer):
    room: str = Field(description="space:<id>:meeting:<key>")
    active: bool
    locked: bool
    participants: list[Participant]


class MeetingWatched(MeetingStatus):
    ok: Literal[True]


class MeetingJoined(Answer):
    ok: Literal[True]
    dry_run: bool | None = None
    room: str | None = None
    sid: str | None = Field(None, description="the caller's socket id in the meeting")
    participants: list[Participant] | None = Field(
        None, description="the others: the newcomer sends each an offer"
    )
    ice_servers: list[dict[str, Any]] | None = Field(
        None, description="RTCPeerConnection iceServers (TURN credentials valid 12 hours)"
    )


class MeetingStarted(Answer):
    ok: Literal[True]
    room: str


class MeetingLocked(Answer):
    ok: Literal[True]
    locked: bool


class MeetingSignalled(Answer):
    room: str
    from_: str = Field(alias="from", description="the sender's socket id")
    kind: Literal["offer", "answer", "ice"]
    description: dict[str, Any] | None = None
    candidate: dict[str, Any] | None = None


class MeetingClosed(Answer):
    room: str
    reason: Literal["ended", "removed", "unsupervised"]


class MeetingNotice(Answer):
    room: str
    path: str | None = Field(None, description="meeting:invited: the meeting's page")
