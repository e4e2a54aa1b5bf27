"""What the chat room does when something happens elsewhere (``twinspace/domain.py``)."""

from __future__ import annotations

from twinspace.db import UnitOfWork
from twinspace.domain import SpaceOpened, subscribe
from twinspace.rooms.chat.actions import do_create_chat_room


async def create_general_room(uow: UnitOfWork, event: SpaceOpened) -> None:
    """Every new TwinSpace opens with its "general" chat room."""
    general = await do_create_chat_room(uow, event.space_id, "general")
    general.title = "General"


def register() -> None:
    subscribe(SpaceOpened, "chat.general_room", create_general_room)
