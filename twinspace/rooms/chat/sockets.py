"""Chat over Socket.IO: ``chat:<command>`` events, presence ("who is here now") and typing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import DomainError, Invalid
from twinspace.i18n import N_
from twinspace.permissions import Action, Viewer, is_chat_moderator
from twinspace.realtime.dispatch import SocketFeature, access_room_name, register_feature
from twinspace.rooms.chat.dispatch import CHAT_COMMANDS, run_chat_command
from twinspace.rooms.chat.models import ChatPresence, ChatRoom
from twinspace.rooms.chat.presence import do_enter, do_leave, read_present
from twinspace.rooms.chat.presence_deltas import presence_deltas
from twinspace.rooms.chat.visibility import visible_chat_events
from twinspace.runtime import Runtime
from twinspace.spaces.names import RoomRef, chat_room_name, parse_room
from twinspace.spaces.queries import facts


async def emit_presence(rt: Runtime, room: ChatRoom, to: str | None = None) -> None:
    """The whole "who is here now" list: to one socket that just joined, or to the room
    (after the sockets of a stopped server were swept)."""
    users = await read_present(rt.db, room.id)
    name = chat_room_name(room.space_id, room.name)
    await rt.sio.emit("presence", {"room": name, "users": users}, to=to or name)


async def on_joined(rt: Runtime, sid: str, target: Any, user: User | None, viewer: Viewer) -> None:
    if target.chat is None or user is None:
        return
    async with rt.db.unit_of_work(bounded=False) as uow:  # presence must match the sockets
        await do_enter(uow.session, sid, target.chat, user, viewer.role)
    name = chat_room_name(target.chat.space_id, target.chat.name)
    presence_deltas(rt.sio, rt.db).welcome(target.chat.id, name, sid, user.id)


async def on_left(rt: Runtime, sid: str, room_ids: list[int] | None = None) -> None:
    """Forget this socket's presence (in some rooms, or all) and tell those rooms."""
    async with rt.db.unit_of_work(bounded=False) as uow:
        if room_ids is None:
            left = await do_leave(uow.session, sid)
        else:
            left = [
                pair for room_id in room_ids for pair in await do_leave(uow.session, sid, room_id)
            ]
        rooms = (
            {
                room.id: room
                for room in await uow.session.scalars(
                    select(ChatRoom).where(ChatRoom.id.in_({room_id for room_id, _ in left}))
                )
            }
            if left
            else {}
        )
    deltas = presence_deltas(rt.sio, rt.db)
    for room_id, user_id in left:
        room = rooms.get(room_id)
        if room is not None:  # (a room deleted meanwhile has nobody to tell)
            deltas.touched(room_id, chat_room_name(room.space_id, room.name), user_id)


async def recheck_room_audience(rt: Runtime, space_id: int, name: str) -> None:
    """After a room's audience or group changed, take out of it every socket whose member
    may no longer enter (on every process), so nothing more reaches them."""
    async with rt.db.read() as session:
        room = await session.scalar(
            select(ChatRoom).where(ChatRoom.space_id == space_id, ChatRoom.name == name)
        )
        if room is None:
            return
        rows = list(
            await session.execute(
                select(ChatPresence.sid, User)
                .join(User, User.id == ChatPresence.user_id)
                .where(ChatPresence.room_id == room.id)
            )
        )
        refused = []
        for sid, user in rows:
            try:
                await access_room_name(session, user, parse_room(chat_room_name(space_id, name)))
            except DomainError:
                refused.append(sid)
    for sid in refused:
        await rt.sio.leave_room(sid, chat_room_name(space_id, name))
    if refused:
        await on_left_many(rt, refused, room.id)


async def on_left_many(rt: Runtime, sids: list[str], room_id: int) -> None:
    for sid in sids:
        await on_left(rt, sid, [room_id])


def register_chat_sockets(rt: Runtime, on: Callable[[str], Callable]) -> None:
    def command_handler(command: str):
        async def handle(
            sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
        ) -> dict[str, Any]:
            ref = parse_room(data.get("room"))
            if ref.kind != "chat" or ref.key is None:
                raise Invalid(N_("This is not a chat room."))
            result = await run_chat_command(
                rt.db, rt.settings, user, ref.space_id, ref.key, command, data
            )
            if command == "settings":
                await recheck_room_audience(rt, ref.space_id, ref.key)
            return result

        return handle

    for command in CHAT_COMMANDS:
        on(f"chat:{command}")(command_handler(command))

    @on("chat:typing")
    async def typing(
        sid: str, state: dict[str, Any], user: User | None, data: dict[str, Any]
    ) -> dict[str, Any]:
        ref = parse_room(data.get("room"))
        if ref.kind != "chat":
            raise Invalid(N_("This is not a chat room."))
        async with rt.db.brief_read() as session:
            await access_room_name(session, user, ref, Action.POST)
        assert user is not None
        await rt.sio.emit(
            "typing",
            {"room": ref.name, "user": {"id": user.id, "name": user.display_name}},
            to=ref.name,
            skip_sid=sid,
        )
        return {"ok": True}


async def _left(rt: Runtime, sid: str, refs: list[RoomRef] | None) -> None:
    """Leave, eviction (some rooms) or disconnect (``None``: every room)."""
    if refs is None:
        await on_left(rt, sid)
        return
    chat_refs = [ref for ref in refs if ref.kind == "chat" and ref.key]
    if not chat_refs:
        return
    async with rt.db.brief_read() as session:
        room_ids = list(
            await session.scalars(
                select(ChatRoom.id).where(
                    ChatRoom.space_id == chat_refs[0].space_id,
                    ChatRoom.name.in_([ref.key for ref in chat_refs]),
                )
            )
        )
    if room_ids:
        await on_left(rt, sid, room_ids)


async def _catchup(
    rt: Runtime,
    session: AsyncSession,
    user: User | None,
    target: Any,
    viewer: Viewer,
    events: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    if target.chat is None:
        return events
    moderator = is_chat_moderator(viewer, facts(target.space))
    return await visible_chat_events(session, events, moderator=moderator)


async def _space_rooms(session: AsyncSession, space_id: int) -> list[str]:
    names = await session.scalars(select(ChatRoom.name).where(ChatRoom.space_id == space_id))
    return [chat_room_name(space_id, name) for name in names]  # archived ones too


async def _sockets_gone(rt: Runtime, uow: UnitOfWork, sid_pattern: str):  # noqa: ANN202
    """A dead server node's presence rows go; once committed, those rooms hear who is here."""
    room_ids = set(
        await uow.session.scalars(
            select(ChatPresence.room_id).where(ChatPresence.sid.like(sid_pattern))
        )
    )
    await uow.session.execute(delete(ChatPresence).where(ChatPresence.sid.like(sid_pattern)))
    rooms = (
        list(await uow.session.scalars(select(ChatRoom).where(ChatRoom.id.in_(room_ids))))
        if room_ids
        else []
    )

    async def tell_rooms() -> None:
        for room in rooms:
            await emit_presence(rt, room)

    return tell_rooms


async def _sockets_back(rt: Runtime, sid: str, user: User | None, rooms: list[str]) -> None:
    """This node was swept while paused: the socket's presence in its chat rooms comes back
    (it may read them: checked already), and those rooms hear it."""
    if user is None:
        return
    for name in rooms:
        try:
            ref = parse_room(name)
        except DomainError:
            continue
        if ref.kind != "chat" or not ref.key:
            continue
        async with rt.db.read() as session:
            target, viewer = await access_room_name(session, user, ref)
        if target.chat is None:
            continue
        async with rt.db.unit_of_work(bounded=False) as uow:
            await do_enter(uow.session, sid, target.chat, user, viewer.role)
        presence_deltas(rt.sio, rt.db).touched(target.chat.id, name, user.id)


def register() -> None:
    register_feature(
        SocketFeature(
            name="chat",
            socket_events=register_chat_sockets,
            joined=on_joined,
            left=_left,
            catchup=_catchup,
            space_rooms=_space_rooms,
            sockets_gone=_sockets_gone,
            sockets_back=_sockets_back,
        )
    )
