"""Chat commands for teachers: hide, restore, mute, lock, slow mode, approve held messages,
dismiss reports. Every one writes an append-only moderation log row in its transaction."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from twinspace.accounts.models import User
from twinspace.errors import Invalid, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.permissions import Action, Role, Viewer, is_chat_moderator, role_from_membership
from twinspace.rooms.chat.actions import message_data
from twinspace.rooms.chat.commands import clean_reason
from twinspace.rooms.chat.context import ChatCall, ChatCommand
from twinspace.rooms.chat.models import ChatMessage, ChatMute, ChatReport, ModerationLog
from twinspace.spaces.models import Membership

MUTE_MINUTES_MAX = 7 * 24 * 60
SLOW_MODE_MAX = 3600


def log(call: ChatCall, action: str, **fields: Any) -> None:
    call.uow.session.add(
        ModerationLog(
            space_id=call.space.id,
            actor_id=call.actor().id,
            action=action,
            room_id=call.room.id,
            created_at=call.now,
            **fields,
        )
    )


async def _resolve_reports(call: ChatCall, message: ChatMessage) -> None:
    await call.uow.session.execute(
        update(ChatReport)
        .where(ChatReport.message_id == message.id, ChatReport.status == "open")
        .values(status="resolved", resolved_by=call.actor().id)
    )


async def _queue_changed(call: ChatCall, kind: str, **data: Any) -> None:
    await record_event(
        call.uow,
        call.moderation_room,
        "moderation.resolved",
        {"kind": kind, **data},
        actor_id=call.actor().id,
    )


async def _author_of(call: ChatCall, message: ChatMessage) -> tuple[User, Role]:
    author = await call.uow.session.get(User, message.author_id)
    assert author is not None
    role = await call.uow.session.scalar(
        select(Membership.role).where(
            Membership.space_id == call.space.id, Membership.user_id == author.id
        )
    )
    return author, role_from_membership(role)


async def hide(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    message = await call.message(payload)
    if message.status != "visible":
        raise Invalid(N_("Only a visible message can be hidden."))
    reason = clean_reason(payload)
    message.status = "hidden"
    log(
        call,
        "hide",
        message_id=message.id,
        target_user_id=message.author_id,
        reason=reason,
        prior_content=message.text,
    )
    await _resolve_reports(call, message)
    event = await record_event(
        call.uow,
        call.room_name,
        "chat.hidden",
        {"message_id": message.id, "seq": message.event_seq},
        actor_id=call.actor().id,
    )
    await _queue_changed(call, "message", message_id=message.id)
    return {"ok": True, "id": event.seq}


async def restore(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    message = await call.message(payload)
    if message.status != "hidden":
        raise Invalid(N_("Only a hidden message can be restored."))
    message.status = "visible"
    author, role = await _author_of(call, message)
    log(
        call,
        "restore",
        message_id=message.id,
        target_user_id=author.id,
        reason=clean_reason(payload),
        prior_content=message.text,
    )
    event = await record_event(
        call.uow,
        call.room_name,
        "chat.restored",
        {
            **message_data(message, author, role),
            "seq": message.event_seq,
            "at": message.created_at.isoformat(),
        },
        actor_id=call.actor().id,
    )
    return {"ok": True, "id": event.seq}


async def _member(call: ChatCall, payload: dict[str, Any]) -> tuple[User, Role]:
    user_id = payload.get("user_id")
    if isinstance(user_id, bool) or not isinstance(user_id, int):
        raise Invalid(N_("'user_id' must be a number."))
    row = (
        await call.uow.session.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.space_id == call.space.id, User.id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound(N_("No such member."))
    return row[0], role_from_membership(row[1])


async def mute(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    target, role = await _member(call, payload)
    minutes = payload.get("minutes")
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int)
        or not 1 <= minutes <= MUTE_MINUTES_MAX
    ):
        raise Invalid(N_("'minutes' must be between 1 and 10080 (one week)."))
    if is_chat_moderator(Viewer(target.id, role), call.space_facts):
        raise Invalid(N_("Teachers cannot be muted."))
    until = call.now + timedelta(minutes=minutes)
    reason = clean_reason(payload)
    call.uow.session.add(
        ChatMute(room_id=call.room.id, user_id=target.id, until=until, created_by=call.actor().id)
    )
    log(call, "mute", target_user_id=target.id, reason=reason, detail=f"until {until.isoformat()}")
    await record_event(
        call.uow,
        f"user:{target.id}",
        "chat.muted",
        {"chat_room": call.room_name, "until": until.isoformat(), "reason": reason},
    )
    return {"ok": True, "user_id": target.id, "until": until.isoformat()}


async def unmute(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    target, _ = await _member(call, payload)
    await call.uow.session.execute(
        update(ChatMute)
        .where(
            ChatMute.room_id == call.room.id,
            ChatMute.user_id == target.id,
            ChatMute.until > call.now,
        )
        .values(until=call.now)
    )
    log(call, "unmute", target_user_id=target.id, reason=clean_reason(payload))
    await record_event(call.uow, f"user:{target.id}", "chat.unmuted", {"chat_room": call.room_name})
    return {"ok": True, "user_id": target.id}


async def lock(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    locked = payload.get("locked", True)
    if not isinstance(locked, bool):
        raise Invalid(N_("'locked' must be true or false."))
    call.room.locked = locked
    log(call, "lock" if locked else "unlock", reason=clean_reason(payload))
    event = await record_event(
        call.uow, call.room_name, "chat.locked", {"locked": locked}, actor_id=call.actor().id
    )
    return {"ok": True, "id": event.seq}


async def slow_mode(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    seconds = payload.get("seconds")
    if (
        isinstance(seconds, bool)
        or not isinstance(seconds, int)
        or not 0 <= seconds <= SLOW_MODE_MAX
    ):
        raise Invalid(N_("'seconds' must be between 0 and 3600."))
    call.room.slow_mode_seconds = seconds
    log(call, "slow_mode", detail=f"{seconds} s")
    event = await record_event(
        call.uow, call.room_name, "chat.slow_mode", {"seconds": seconds}, actor_id=call.actor().id
    )
    return {"ok": True, "id": event.seq}


async def approve(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    message = await call.message(payload)
    if message.status != "held":
        raise Invalid(N_("This message is not waiting for approval."))
    author, role = await _author_of(call, message)
    message.status = "visible"
    event = await record_event(
        call.uow,
        call.room_name,
        "chat.message",
        message_data(message, author, role),
        actor_id=author.id,
    )
    message.event_seq = event.seq
    log(
        call, "approve", message_id=message.id, target_user_id=author.id, prior_content=message.text
    )
    await _queue_changed(call, "held", message_id=message.id, outcome="approved")
    return {"ok": True, "id": event.seq}


async def reject(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    message = await call.message(payload)
    if message.status != "held":
        raise Invalid(N_("This message is not waiting for approval."))
    message.status = "rejected"
    reason = clean_reason(payload)
    log(
        call,
        "reject",
        message_id=message.id,
        target_user_id=message.author_id,
        reason=reason,
        prior_content=message.text,
    )
    await _queue_changed(call, "held", message_id=message.id, outcome="rejected")
    if message.author_id is not None:  # the author's pending copy says so, live
        await record_event(
            call.uow,
            f"user:{message.author_id}",
            "chat.rejected",
            {"chat_room": call.room_name, "message_id": message.id, "reason": reason},
        )
    return {"ok": True}


async def dismiss_report(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    report_id = payload.get("report_id")
    if isinstance(report_id, bool) or not isinstance(report_id, int):
        raise Invalid(N_("'report_id' must be a number."))
    entry = await call.uow.session.get(ChatReport, report_id)
    if entry is None or entry.space_id != call.space.id or entry.status != "open":
        raise NotFound(N_("No such open report."))
    entry.status, entry.resolved_by = "resolved", call.actor().id
    log(call, "dismiss_report", message_id=entry.message_id, reason=clean_reason(payload))
    await _queue_changed(call, "report", report_id=entry.id, outcome="dismissed")
    return {"ok": True}


MODERATOR_COMMANDS: dict[str, ChatCommand] = {
    "hide": ChatCommand(Action.MODERATE, hide),
    "restore": ChatCommand(Action.MODERATE, restore),
    "mute": ChatCommand(Action.MODERATE, mute),
    "unmute": ChatCommand(Action.MODERATE, unmute),
    "lock": ChatCommand(Action.MODERATE, lock),
    "slow_mode": ChatCommand(Action.MODERATE, slow_mode),
    "approve": ChatCommand(Action.MODERATE, approve),
    "reject": ChatCommand(Action.MODERATE, reject),
    "dismiss_report": ChatCommand(Action.MODERATE, dismiss_report),
}
