"""The payloads and acknowledgements of the Socket.IO events (declared in protocol.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from twinspace.schema import Answer, Body

Room = Field(description="space:<id>:home|teachers|pupils|page:<page id>|chat:<name>...")


class RoomPayload(Body):
    room: str = Room


class Catchup(RoomPayload):
    after: int = Field(0, ge=0, description="the last event id the client applied")


class Left(Answer):
    ok: Literal[True]
    room: str


class EventOut(Answer):
    room: str
    id: int = Field(description="per room, from 1, gap-free, increasing in commit order")
    type: str = Field(description="chat.message, page.updated, blog.post_created...")
    data: dict[str, Any]
    at: str | None = None


class Join(RoomPayload):
    after: int | None = Field(
        None,
        ge=0,
        description="the last event id the client applied: the ack then also carries what "
        "it missed, as `catchup` would answer it",
    )


class Joined(Answer):
    ok: Literal[True]
    room: str
    last_id: int
    role: str
    events: list[EventOut] | None = Field(None, description="with `after`: the missed events")
    more: bool | None = Field(None, description="with `after`: call `catchup` for the rest")


class CaughtUp(Answer):
    ok: Literal[True]
    room: str
    events: list[EventOut]
    more: bool


class Ok(Answer):
    ok: Literal[True]


class ErrorAck(Answer):
    ok: Literal[False]
    error: str
    message: str
    retry_after: float | None = None
    until: str | None = None


class ChatSend(RoomPayload):
    text: str = Field(description="1 to 2,000 characters once trimmed")
    client_id: str | None = Field(None, description="1 to 64 characters: resending is safe")


class ChatSent(Answer):
    ok: Literal[True]
    id: int | None = None
    held: bool | None = None
    message_id: int | None = None


class ChatMessageRef(RoomPayload):
    message_id: int


class ChatEdit(ChatMessageRef):
    text: str


class ChatHistory(RoomPayload):
    before: int | None = None
    limit: int | None = Field(None, ge=1, le=100)


class ChatHistoryAck(Answer):
    ok: Literal[True]
    messages: list[dict[str, Any]]
    more: bool


class ChatReason(ChatMessageRef):
    reason: str | None = None


class ChatMute(RoomPayload):
    user_id: int
    minutes: int | None = Field(None, ge=1, le=10080)
    reason: str | None = None


class ChatUnmute(RoomPayload):
    user_id: int
    reason: str | None = None


class ChatLock(RoomPayload):
    locked: bool
    reason: str | None = None


class ChatSlowMode(RoomPayload):
    seconds: int = Field(ge=0, le=3600)


class ChatReport(RoomPayload):
    report_id: int
    reason: str | None = None


class ChatSettings(RoomPayload):
    title: str | None = None
    audience: Literal["all", "teachers", "group"] | None = None
    members: list[int] | None = None
    supervision: Literal["none", "one_teacher", "each_school"] | None = None
    edit_window_seconds: int | None = None
    archived: bool | None = None


class ToolCommand(Body):
    model_config = {"extra": "allow"}  # the command's own fields

    space_id: int
    widget_id: int
    command: str


class WikiPage(Body):
    space_id: int
    widget_id: int
    page_id: int = Field(description="the wiki page's id")


class WikiSync(WikiPage):
    state_vector: bytes = Field(b"", description="binary attachment; empty: everything")


class WikiSynced(Answer):
    ok: Literal[True]
    update: bytes
    state_vector: bytes
    frozen: bool
    may_edit: bool


class WikiUpdate(WikiPage):
    update: bytes = Field(description="a Yjs update (binary attachment), at most 64 KiB")
    catchup: bool | None = None


class WikiStored(Answer):
    ok: Literal[True]
    seq: int | None = None
    stored: bool


class WikiAwareness(WikiPage):
    update: bytes = Field(description="y-protocols awareness encoding, 1 to 4 clients")


class WikiRelayed(WikiPage):
    update: bytes
    seq: int | None = None


class PresenceOut(Answer):
    room: str
    users: list[dict[str, Any]] = Field(description='[{"id", "name", "role"}]')


class TypingOut(Answer):
    room: str
    user: dict[str, Any] = Field(description='{"id", "name"}')


class Empty(Answer):
    pass


# --- video meetings (meeting:*) ------------------------------------------------------------

MeetingKey = Field(description="space | teachers | chat:<chat room name>")


class MeetingRef(Body):
    space_id: int
    key: str = MeetingKey


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
