"""The Socket.IO protocol as data: every event a client may send (its payload and its
acknowledgement) and every event the server emits, declared here and written out as an
AsyncAPI 3.0 document (``twinspace schema asyncapi`` → docs/asyncapi.json; a test checks that
the file, these declarations and the handlers the server registers agree).

A new socket event: add its payload and ack models to protocol_schemas.py and one
``client_event(...)`` (or ``server_event(...)``) line below; then regenerate the file.
docs/realtime.md stays the narrative guide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter

from twinspace.realtime import protocol_schemas as meeting
from twinspace.realtime.protocol_schemas import (
    Catchup,
    CaughtUp,
    ChatEdit,
    ChatHistory,
    ChatHistoryAck,
    ChatLock,
    ChatMessageRef,
    ChatMute,
    ChatReason,
    ChatReport,
    ChatSend,
    ChatSent,
    ChatSettings,
    ChatSlowMode,
    ChatUnmute,
    Empty,
    ErrorAck,
    EventOut,
    Join,
    Joined,
    Left,
    Ok,
    PresenceOut,
    RoomPayload,
    ToolCommand,
    TypingOut,
    WikiAwareness,
    WikiRelayed,
    WikiStored,
    WikiSync,
    WikiSynced,
    WikiUpdate,
)

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


def declared_payload(name: str) -> type[BaseModel] | None:
    """The model a client event's payload is checked against, if it has one."""
    event = CLIENT_EVENTS.get(name)
    payload = event.payload if event is not None else None
    return payload if isinstance(payload, type) and issubclass(payload, BaseModel) else None


def server_event(name: str, summary: str, payload: Any) -> None:
    SERVER_EVENTS[name] = SocketMessage(name, summary, payload, sent_by="server")


# --- the events ---------------------------------------------------------------------------

client_event("join", "Subscribe to a room the caller may read", Join, Joined)
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
client_event(
    "meeting:watch", "Follow a meeting room's state", meeting.MeetingRef, meeting.MeetingWatched
)
client_event(
    "meeting:start", "Start the meeting (teachers)", meeting.MeetingRef, meeting.MeetingStarted
)
client_event("meeting:end", "End the meeting for everyone (teachers)", meeting.MeetingRef, Ok)
client_event(
    "meeting:lock",
    "Lock or unlock the meeting (teachers)",
    meeting.MeetingLock,
    meeting.MeetingLocked,
)
client_event(
    "meeting:join",
    "Enter the meeting (or only ask, dry_run)",
    meeting.MeetingJoin,
    meeting.MeetingJoined,
    "locked",
    "unsupervised",
)
client_event("meeting:leave", "Leave the meeting", meeting.MeetingRef, Ok)
client_event("meeting:state", "Microphone, camera, screen, hand", meeting.MeetingState, Ok)
client_event(
    "meeting:signal",
    "Relay an offer, answer or ICE candidate to ONE participant",
    meeting.MeetingSignal,
    Ok,
)
client_event("meeting:mute", "Mute a pupil's microphone (teachers)", meeting.MeetingPerson, Ok)
client_event("meeting:remove", "Remove a participant (teachers)", meeting.MeetingPerson, Ok)
client_event(
    "meeting:invite", "Invite a visitor (teacher administrators)", meeting.MeetingPerson, Ok
)

server_event("event", "A stored event of a room the socket joined", EventOut)
server_event("presence", "Who is in a chat room now (not stored)", PresenceOut)
server_event("typing", "Someone is typing in a chat room (not stored)", TypingOut)
server_event("resync", "Events may have been missed: catch up every room", Empty)
server_event("wiki:update", "A wiki update from someone else", WikiRelayed)
server_event("wiki:awareness", "Cursors of the others on a wiki page", WikiRelayed)
server_event("meeting:status", "A meeting's state and who is in it", meeting.MeetingStatus)
server_event(
    "meeting:signal", "An offer, answer or ICE candidate for this socket", meeting.MeetingSignalled
)
server_event(
    "meeting:closed",
    "This socket is out of the meeting (ended, removed, no teacher)",
    meeting.MeetingClosed,
)
server_event("meeting:muted", "A teacher muted this socket's microphone", meeting.MeetingNotice)
server_event(
    "meeting:invited", "A teacher administrator invited this visitor", meeting.MeetingNotice
)


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
