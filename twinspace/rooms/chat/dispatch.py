"""One entry point for every chat command, shared by sockets (``chat:<command>``) and HTTP."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from twinspace.accounts.models import User
from twinspace.db import Database
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.rooms.chat.admin import ADMIN_COMMANDS
from twinspace.rooms.chat.commands import MEMBER_COMMANDS
from twinspace.rooms.chat.context import ChatCommand, load_chat_call
from twinspace.rooms.chat.moderation import MODERATOR_COMMANDS
from twinspace.rooms.chat.send import NeedsFullPath, earlier_ack_or_none, lean_send
from twinspace.settings import Settings

CHAT_COMMANDS: dict[str, ChatCommand] = {**MEMBER_COMMANDS, **MODERATOR_COMMANDS, **ADMIN_COMMANDS}


async def run_chat_command(
    db: Database,
    settings: Settings,
    user: User | None,
    space_id: int,
    room_name: str,
    command: str,
    payload: dict[str, Any],
) -> dict[str, Any]:
    """Check the matrix for the command's action, run it, commit; events go out after commit."""
    spec = CHAT_COMMANDS.get(command)
    if spec is None:
        raise NotFound(N_("No such chat command."))
    if command == "send":
        try:
            return await lean_send(db, settings, user, space_id, room_name, payload)
        except NeedsFullPath:
            pass  # held by the word filter: the general command stores it for moderation
    try:
        async with db.unit_of_work(bounded=True) as uow:  # under overload: `busy` at once
            call = await load_chat_call(uow, user, space_id, room_name, settings, spec.action)
            return await spec.run(call, payload)
    except IntegrityError:
        # a resend that raced its first attempt (both looked, neither found the other):
        # the first one's row won the unique index, so answer with the first one's ack
        client_id = payload.get("client_id")
        if command == "send" and user is not None and isinstance(client_id, str):
            earlier = await earlier_ack_or_none(db, user.id, client_id)
            if earlier is not None:
                return earlier
        raise
