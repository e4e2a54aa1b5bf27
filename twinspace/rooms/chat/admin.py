"""Teacher administrators create and configure chat rooms and set how long chat is kept."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from twinspace.accounts.models import User
from twinspace.db import Database, UnitOfWork, utcnow
from twinspace.errors import Conflict, Invalid
from twinspace.events import Event, record_event
from twinspace.i18n import N_
from twinspace.permissions import Action
from twinspace.rooms.chat.context import ChatCall, ChatCommand
from twinspace.rooms.chat.models import ChatMessage, ChatRoom, ChatRoomMember, ModerationLog
from twinspace.rooms.chat.moderation import log
from twinspace.spaces.models import Membership, Space
from twinspace.spaces.names import home_room

ROOM_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
AUDIENCES = ("all", "teachers", "group")
SUPERVISIONS = ("none", "one_teacher", "each_school")
RETENTION_MAX_DAYS = 3650


def _choice(payload: dict[str, Any], key: str, choices: tuple[str, ...], default: str) -> str:
    value = payload.get(key, default)
    if value not in choices:
        raise Invalid(N_("Unknown value for a room setting."), field=key, choices=list(choices))
    return value


async def _set_group(uow: UnitOfWork, room: ChatRoom, members: object) -> None:
    if not isinstance(members, list) or not all(
        isinstance(m, int) and not isinstance(m, bool) for m in members
    ):
        raise Invalid(N_("'members' must be a list of member ids."))
    known = set(
        await uow.session.scalars(
            select(Membership.user_id).where(
                Membership.space_id == room.space_id, Membership.user_id.in_(members)
            )
        )
    )
    if known != set(members):
        raise Invalid(N_("Everyone in the group must be a member of this TwinSpace."))
    await uow.session.execute(delete(ChatRoomMember).where(ChatRoomMember.room_id == room.id))
    uow.session.add_all(ChatRoomMember(room_id=room.id, user_id=m) for m in known)


async def check_create_room(
    uow: UnitOfWork, space: Space, actor: User, payload: dict[str, Any]
) -> ChatRoom:
    name = payload.get("name")
    if not isinstance(name, str) or not ROOM_NAME.match(name):
        raise Invalid(N_("A room name is 1 to 40 lower-case letters, digits or dashes."))
    title = payload.get("title", name)
    if not isinstance(title, str) or not 1 <= len(title.strip()) <= 120:
        raise Invalid(N_("The title must be 1 to 120 characters."))
    exists = await uow.session.scalar(
        select(ChatRoom.id).where(ChatRoom.space_id == space.id, ChatRoom.name == name)
    )
    if exists is not None:
        raise Conflict(N_("A chat room with this name already exists."))
    audience = _choice(payload, "audience", AUDIENCES, "all")
    room = ChatRoom(
        space_id=space.id,
        name=name,
        title=title.strip(),
        audience=audience,
        supervision=_choice(
            payload,
            "supervision",
            SUPERVISIONS,
            "none" if audience == "teachers" else "one_teacher",
        ),
    )
    uow.session.add(room)
    await uow.session.flush()
    if audience == "group":
        await _set_group(uow, room, payload.get("members", []))
    uow.session.add(
        ModerationLog(
            space_id=space.id,
            actor_id=actor.id,
            action="room_created",
            room_id=room.id,
            detail=f"{name} ({audience})",
        )
    )
    await record_event(
        uow,
        home_room(space.id),
        "chat.room_created",
        {"name": name, "title": room.title},
        actor_id=actor.id,
    )
    return room


async def settings(call: ChatCall, payload: dict[str, Any]) -> dict[str, Any]:
    room, changed = call.room, []
    if "title" in payload:
        title = payload["title"]
        if not isinstance(title, str) or not 1 <= len(title.strip()) <= 120:
            raise Invalid(N_("The title must be 1 to 120 characters."))
        room.title = title.strip()
        changed.append("title")
    if "audience" in payload:
        room.audience = _choice(payload, "audience", AUDIENCES, room.audience)
        changed.append("audience")
    if "members" in payload:
        await _set_group(call.uow, room, payload["members"])
        changed.append("members")
    if "supervision" in payload:
        room.supervision = _choice(payload, "supervision", SUPERVISIONS, room.supervision)
        changed.append("supervision")
    if "edit_window_seconds" in payload:
        window = payload["edit_window_seconds"]
        if isinstance(window, bool) or not isinstance(window, int) or not 0 <= window <= 86400:
            raise Invalid(N_("'edit_window_seconds' must be between 0 and 86400."))
        room.edit_window_seconds = window
        changed.append("edit_window_seconds")
    if "archived" in payload:
        if not isinstance(payload["archived"], bool):
            raise Invalid(N_("'archived' must be true or false."))
        room.archived = payload["archived"]
        changed.append("archived")
    if not changed:
        raise Invalid(N_("Nothing to change."))
    log(call, "room_settings", detail=", ".join(changed))
    data = {
        key: getattr(room, key)
        for key in ("title", "audience", "supervision", "edit_window_seconds", "archived")
    }
    event = await record_event(
        call.uow, call.room_name, "chat.settings", data, actor_id=call.actor().id
    )
    return {"ok": True, "id": event.seq, **data}


ADMIN_COMMANDS: dict[str, ChatCommand] = {"settings": ChatCommand(Action.MANAGE_PAGES, settings)}


def check_retention_days(value: object) -> int | None:
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not 1 <= value <= RETENTION_MAX_DAYS
    ):
        raise Invalid(N_("Keep chat history for 1 to 3650 days, or for the project's lifetime."))
    return value


async def do_set_retention(uow: UnitOfWork, space: Space, actor_id: int, days: int | None) -> None:
    space.chat_retention_days = days
    detail = "project lifetime" if days is None else f"{days} days"
    uow.session.add(
        ModerationLog(space_id=space.id, actor_id=actor_id, action="retention_set", detail=detail)
    )


async def do_purge_chat_history(db: Database) -> int:
    """Delete chat messages (and their events) older than each TwinSpace's retention; log it."""
    purged_total = 0
    async with db.read() as session:
        spaces = list(
            await session.execute(
                select(Space.id, Space.chat_retention_days).where(
                    Space.chat_retention_days.is_not(None)
                )
            )
        )
    for space_id, days in spaces:
        cutoff = utcnow() - timedelta(days=days)
        async with db.unit_of_work() as uow:
            rooms = list(
                await uow.session.scalars(select(ChatRoom).where(ChatRoom.space_id == space_id))
            )
            if not rooms:
                continue
            room_ids = [r.id for r in rooms]
            names = [f"space:{space_id}:chat:{r.name}" for r in rooms]
            old = select(ChatMessage.id).where(
                ChatMessage.room_id.in_(room_ids), ChatMessage.created_at < cutoff
            )
            count = len(list(await uow.session.scalars(old)))
            await uow.session.execute(delete(ChatMessage).where(ChatMessage.id.in_(old)))
            await uow.session.execute(
                delete(Event).where(Event.room.in_(names), Event.created_at < cutoff)
            )
            uow.session.add(
                ModerationLog(
                    space_id=space_id,
                    actor_id=None,
                    action="retention_purge",
                    detail=f"{count} messages older than {days} days",
                )
            )
            purged_total += count
    return purged_total
