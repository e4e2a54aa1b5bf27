"""Which stored chat events a reader may receive on catch-up: messages that were hidden,
deleted or are still held never reach anyone but moderators."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.rooms.chat.models import ChatMessage

CARRIES_TEXT = frozenset({"chat.message", "chat.edited", "chat.restored"})


async def visible_chat_events(
    session: AsyncSession, events: list[dict[str, Any]], *, moderator: bool
) -> list[dict[str, Any]]:
    ids = {e["data"].get("message_id") for e in events if e["type"] in CARRIES_TEXT}
    ids.discard(None)
    statuses: dict[int, str] = {}
    if ids:
        rows = await session.execute(
            select(ChatMessage.id, ChatMessage.status).where(ChatMessage.id.in_(ids))
        )
        statuses = {message_id: status for message_id, status in rows}
    shown = []
    for event in events:
        message_id = event["data"].get("message_id")
        if event["type"] in CARRIES_TEXT:
            status = statuses.get(message_id, "purged")
            if status != "visible":
                if not moderator or status == "purged":
                    continue
                event = {**event, "data": {**event["data"], "status": status}}
        shown.append(event)
    return shown
