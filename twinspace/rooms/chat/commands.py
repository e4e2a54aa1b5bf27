"""Chat commands members use: send, edit, delete, history, report.

Each runs inside one unit of work after ``load_chat_call`` checked the matrix; the
same command serves the socket event ``chat:<name>`` and ``POST .../chat/<room>/<name>``.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from twinspace.accounts.models import User
from twinspace.errors import Forbidden, Invalid
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.permissions import PUPIL_ROLES, Action, PostingState, access_chat_post
from twinspace.rooms.chat.actions import check_send_message, clean_text, message_data
from twinspace.rooms.chat.context import ChatCall, ChatCommand
from twinspace.rooms.chat.models import (
    ChatMessage,
    ChatMessageEdit,
    ChatMute,
    ChatReport,
    WordFilter,
)
from twinspace.rooms.chat.presence import is_supervised

HISTORY_MAX = 100
REASON_MAX = 500


def clean_reason(payload: dict[str, Any]) -> str:
    reason = payload.get("reason", "")
    if not isinstance(reason, str) or len(reason) > REASON_MAX:
        raise Invalid(N_("The reason must be text of at most 500 characters."))
    return reason.strip()


async def posting_state(call: ChatCall) -> PostingState:
    session, user = call.uow.session, call.actor()
    muted_until = await session.scalar(
        select(func.max(ChatMute.until)).where(
            ChatMute.room_id == call.room.id, ChatMute.user_id == user.id
        )
    )
    last = await session.scalar(
        select(func.max(ChatMessage.created_at)).where(
            ChatMessage.room_id == call.room.id, ChatMessage.author_id == user.id
        )
    )
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=call.now.tzinfo)
    if muted_until is not None and muted_until.tzinfo is None:
        muted_until = muted_until.replace(tzinfo=call.now.tzinfo)
    return PostingState(
        muted_until=muted_until,
        seconds_since_last_post=(call.now - last).total_seconds() if last else None,
        supervised=await is_supervised(session, call.room),
    )


async def matches_word_filter(call: ChatCall, text: str) -> bool:
    words = list(
        await call.uow.session.scalars(
            select(WordFilter.word).where(WordFilter.space_id == call.space.id)
        )
    )
    lowered = text.casefold()
    return any(re.search(rf"(?<!\w){re.escape(w.casefold())}(?!\w)", lowered) for w in words)


CLIENT_ID_MAX = 64


def clean_client_id(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= CLIENT_ID_MAX:
        raise Invalid(N_("'client_id' must be a text of 1 to 64 characters."))
    return value


def sent_ack(message: ChatMessage) -> dict[str, Any]:
    if message.status == "held" or message.event_seq == 0:
        return {"ok": True, "held": True, "message_id": message.id}
    return {"ok": True, "id": message.event_seq}


async def send(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    user = call.actor()
    text = clean_text(payload.get("text"), call.settings.chat_text_max)
    client_id = clean_client_id(payload.get("client_id"))
    if client_id is not None:  # sent again after a lost ack: answer as the first time
        earlier = await call.uow.session.scalar(
            select(ChatMessage).where(
                ChatMessage.author_id == user.id, ChatMessage.client_id == client_id
            )
        )
        if earlier is not None:
            return sent_ack(earlier)
    access_chat_post(
        call.viewer, call.space_facts, call.room_facts, await posting_state(call), call.now
    )
    if call.viewer.role in PUPIL_ROLES and await matches_word_filter(call, text):
        held = ChatMessage(
            room_id=call.room.id,
            author_id=user.id,
            text=text,
            event_seq=0,
            status="held",
            created_at=call.now,
            client_id=client_id,
        )
        call.uow.session.add(held)
        await call.uow.session.flush()
        await record_event(
            call.uow,
            call.moderation_room,
            "chat.held",
            {**message_data(held, user, call.viewer.role), "chat_room": call.room.name},
            actor_id=user.id,
        )
        return {"ok": True, "held": True, "message_id": held.id}
    event = await check_send_message(
        call.uow,
        call.room,
        user,
        call.viewer.role,
        text,
        call.settings.chat_text_max,
        client_id=client_id,
    )
    return {"ok": True, "id": event.seq}


async def _own_message_in_window(call: ChatCall, payload: dict[str, Any]) -> ChatMessage:
    message = await call.message(payload)
    if message.author_id != call.actor().id or message.status != "visible":
        raise Forbidden(N_("You can only change your own messages."))
    created = message.created_at
    if call.now - created > timedelta(seconds=call.room.edit_window_seconds):
        raise Forbidden(N_("This message can no longer be changed."))
    return message


async def edit(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    message = await _own_message_in_window(call, payload)
    text = clean_text(payload.get("text"), call.settings.chat_text_max)
    call.uow.session.add(
        ChatMessageEdit(message_id=message.id, previous_text=message.text, edited_at=call.now)
    )
    message.text, message.edited_at = text, call.now
    event = await record_event(
        call.uow,
        call.room_name,
        "chat.edited",
        {
            "message_id": message.id,
            "seq": message.event_seq,
            "text": text,
            "edited_at": call.now.isoformat(),
        },
        actor_id=call.actor().id,
    )
    return {"ok": True, "id": event.seq}


async def delete(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    message = await _own_message_in_window(call, payload)
    message.status = "deleted"
    event = await record_event(
        call.uow,
        call.room_name,
        "chat.deleted",
        {"message_id": message.id, "seq": message.event_seq},
        actor_id=call.actor().id,
    )
    return {"ok": True, "id": event.seq}


async def history(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    before = payload.get("before")
    if before is not None and (
        isinstance(before, bool) or not isinstance(before, int) or before < 1
    ):
        raise Invalid(N_("'before' must be a whole number, 1 or more."))
    limit = payload.get("limit", 50)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= HISTORY_MAX:
        raise Invalid(N_("'limit' must be between 1 and 100."))
    statuses = ["visible", "hidden"] if call.is_moderator else ["visible"]
    query = (
        select(ChatMessage, User)
        .join(User, User.id == ChatMessage.author_id)
        .where(
            ChatMessage.room_id == call.room.id,
            ChatMessage.status.in_(statuses),
            ChatMessage.event_seq > 0,
        )
    )
    if before is not None:
        query = query.where(ChatMessage.event_seq < before)
    rows = list(
        await call.uow.session.execute(
            query.order_by(ChatMessage.event_seq.desc()).limit(limit + 1)
        )
    )
    messages = [
        {
            "id": m.event_seq,
            "message_id": m.id,
            "text": m.text,
            "status": m.status,
            "author": {"id": u.id, "username": u.username, "name": u.display_name},
            "at": m.created_at.isoformat(),
            "edited_at": m.edited_at.isoformat() if m.edited_at else None,
        }
        for m, u in rows[:limit]
    ]
    return {"ok": True, "messages": list(reversed(messages)), "more": len(rows) > limit}


async def report(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    message = await call.message(payload)
    if message.status != "visible":
        raise Invalid(N_("This message cannot be reported."))
    reporter = call.actor()
    entry = ChatReport(
        space_id=call.space.id,
        message_id=message.id,
        reporter_id=reporter.id,
        reason=clean_reason(payload),
        created_at=call.now,
    )
    call.uow.session.add(entry)
    await call.uow.session.flush()
    author = await call.uow.session.get(User, message.author_id)
    assert author is not None
    await record_event(
        call.uow,
        call.moderation_room,
        "chat.report",
        {
            "report_id": entry.id,
            "chat_room": call.room.name,
            "message_id": message.id,
            "text": message.text,
            "author": {"id": author.id, "name": author.display_name},
            "reporter": {"id": reporter.id, "name": reporter.display_name},
            "reason": entry.reason,
        },
        actor_id=reporter.id,
    )
    return {"ok": True, "report_id": entry.id}


MEMBER_COMMANDS: dict[str, ChatCommand] = {
    "send": ChatCommand(Action.POST, send),
    "edit": ChatCommand(Action.POST, edit),
    "delete": ChatCommand(Action.POST, delete),
    "history": ChatCommand(Action.READ, history),
    "report": ChatCommand(Action.READ, report),
}
