"""The Socket.IO protocol as data: every event a client may send (its payload and its
acknowledgement) and every event the server emits, declared here and written out as an
AsyncAPI 3.0 document (``twinspace schema asyncapi`` → docs/asyncapi.json; a test checks that
the file, these declarations and the handlers the server registers agree).

A new socket event: add its payload and ack models and one ``client_event(...)`` (or
``server_event(...)``) line below. docs/realtime.md stays the narrative guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from twinspace.api.schema import Answer, Body

REF = "#/components/schemas/{model}"
SCHEMA_FORMAT = "application/schema+json;version=draft-2020-12"
COMMON_ERRORS = ("invalid", "not_found", "forbidden", "unauthorized", "rate_limited", "busy")


@dataclass(frozen=True)
class SocketMessage:
    name: str
    summary: str
    payload: Any
    ack: Any = None  # client events only: the acknowledgement when it succeeds
    errors: tuple[str, ...] = ()
    sent_by: Literal["client", "server"] = "client"


CLIENT_EVENTS: dict[str, SocketMessage] = {}
SERVER_EVENTS: dict[str, SocketMessage] = {}


def client_event(name: str, summary: str, payload: Any, ack: Any, *errors: str) -> None:
    CLIENT_EVENTS[name] = SocketMessage(name, summary, payload, ack, COMMON_ERRORS + errors)


def server_event(name: str, summary: str, payload: Any) -> None:
    SERVER_EVENTS[name] = SocketMessage(name, summary, payload, sent_by="server")


# --- payloads and acks --------------------------------------------------------------------

Room = Field(description="space:<id>:home|teachers|pupils|page:<page id>|chat:<name>...")


class RoomPayload(Body):
    room: str = Room


class Catchup(RoomPayload):
    after: int = Field(0, ge=0, description="the last event id the client applied")


class Joined(Answer):
    ok: Literal[True]
    room: str
    last_id: int
    role: str


class Left(Answer):
    ok: Literal[True]
    room: str


class EventOut(Answer):
    room: str
    id: int = Field(description="per room, from 1, gap-free, increasing in commit order")
    type: str = Field(description="chat.message, page.updated, blog.post_created...")
    data: dict[str, Any]
    at: str | None = None


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


# --- the events ---------------------------------------------------------------------------

client_event("join", "Subscribe to a room the caller may read", RoomPayload, Joined)
client_event("leave", "Unsubscribe from a room", RoomPayload, Left)
client_event("catchup", "Every event of a room after an id, oldest first", Catchup, CaughtUp)
client_event(
    "chat:send",
    "Send a chat message: acknowledged once stored",
    ChatSend,
    ChatSent,
    "muted",
    "locked",
    "slow_mode",
    "unsupervised",
)
client_event("chat:edit", "Edit one's own message (within the window)", ChatEdit, Ok)
client_event("chat:delete", "Delete one's own message (within the window)", ChatMessageRef, Ok)
client_event("chat:history", "Older messages of a chat room", ChatHistory, ChatHistoryAck)
client_event("chat:report", "Report a message to the teachers", ChatReason, Ok)
client_event("chat:typing", "Tell the room one is typing (not stored)", RoomPayload, Ok)
client_event("chat:hide", "Hide a message (teachers)", ChatReason, Ok)
client_event("chat:restore", "Restore a hidden message (teachers)", ChatReason, Ok)
client_event("chat:mute", "Mute a member in the room (teachers)", ChatMute, Ok)
client_event("chat:unmute", "Unmute a member (teachers)", ChatUnmute, Ok)
client_event("chat:lock", "Lock or unlock the room (teachers)", ChatLock, Ok)
client_event("chat:slow_mode", "Set slow mode (teachers)", ChatSlowMode, Ok)
client_event("chat:approve", "Let a held message into the room (teachers)", ChatMessageRef, Ok)
client_event("chat:reject", "Refuse a held message (teachers)", ChatMessageRef, Ok)
client_event("chat:dismiss_report", "Close a report (teachers)", ChatReport, Ok)
client_event("chat:settings", "Change the room's settings (administrators)", ChatSettings, Ok)
client_event(
    "tool",
    "Run an application's command (as POST .../widgets/{id}/{command})",
    ToolCommand,
    dict[str, Any],
    "conflict",
    "too_large",
)
client_event("wiki:sync", "What the caller lacks of a wiki page", WikiSync, WikiSynced)
client_event(
    "wiki:update", "Store and relay a wiki update", WikiUpdate, WikiStored, "locked", "too_large"
)
client_event("wiki:awareness", "Relay cursors (members only; not stored)", WikiAwareness, Ok)

server_event("event", "A stored event of a room the socket joined", EventOut)
server_event("presence", "Who is in a chat room now (not stored)", PresenceOut)
server_event("typing", "Someone is typing in a chat room (not stored)", TypingOut)
server_event("resync", "Events may have been missed: catch up every room", Empty)
server_event("wiki:update", "A wiki update from someone else", WikiRelayed)
server_event("wiki:awareness", "Cursors of the others on a wiki page", WikiRelayed)


# --- the AsyncAPI document ----------------------------------------------------------------


def _key(name: str, suffix: str = "") -> str:
    return name.replace(":", ".") + suffix


class _Schemas:
    def __init__(self) -> None:
        self.named: dict[str, Any] = {}

    def payload(self, kind: Any) -> dict[str, Any]:
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            schema = kind.model_json_schema(ref_template=REF)
            self.named.update(schema.pop("$defs", {}))
            self.named[kind.__name__] = schema
            schema = {"$ref": REF.format(model=kind.__name__)}
        else:
            schema = TypeAdapter(kind).json_schema(ref_template=REF)
        return {"schemaFormat": SCHEMA_FORMAT, "schema": schema}


def build_asyncapi(version: str) -> dict[str, Any]:
    schemas = _Schemas()
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    channel = {"$ref": "#/channels/socket"}
    for event in CLIENT_EVENTS.values():
        key = _key(event.name)
        messages[key] = {
            "name": event.name,
            "summary": event.summary,
            "payload": schemas.payload(event.payload),
        }
        messages[_key(event.name, ".ack")] = {
            "name": f"{event.name} ack",
            "summary": "{ok: true, ...} or {ok: false, error, message}; error codes: "
            + ", ".join(event.errors),
            "payload": {
                "schemaFormat": SCHEMA_FORMAT,
                "schema": {
                    "oneOf": [
                        schemas.payload(event.ack)["schema"],
                        schemas.payload(ErrorAck)["schema"],
                    ]
                },
            },
        }
        operations[_key(event.name, ".send")] = {
            "action": "receive",  # the server receives it
            "channel": channel,
            "summary": event.summary,
            "messages": [{"$ref": f"#/channels/socket/messages/{key}"}],
            "reply": {
                "channel": channel,
                "messages": [{"$ref": f"#/channels/socket/messages/{key}.ack"}],
            },
        }
    for event in SERVER_EVENTS.values():
        key = _key(event.name, ".emitted")
        messages[key] = {
            "name": event.name,
            "summary": event.summary,
            "payload": schemas.payload(event.payload),
        }
        operations[key] = {
            "action": "send",  # the server sends it
            "channel": channel,
            "summary": event.summary,
            "messages": [{"$ref": f"#/channels/socket/messages/{key}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "TwinSpace real-time protocol",
            "version": version,
            "description": (
                "Socket.IO (protocol v5) on /socket.io/, authenticated by the session cookie "
                "(anonymous sockets may join public rooms only). Every client event is sent "
                "with an acknowledgement callback; its answer is the event's reply. The "
                "narrative guide is docs/realtime.md."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "twinspace": {
                "host": "localhost:8000",
                "protocol": "ws",
                "pathname": "/socket.io/",
                "description": "any TwinSpace server (Socket.IO over WebSocket or polling)",
            }
        },
        "channels": {
            "socket": {
                "address": "/socket.io/",
                "messages": {key: {"$ref": f"#/components/messages/{key}"} for key in messages},
            }
        },
        "operations": operations,
        "components": {"messages": messages, "schemas": dict(sorted(schemas.named.items()))},
    }
