"""What teachers see on the moderation page: held messages, open reports, mutes, the word
filter and the audit trail; and the word-filter writes."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork
from twinspace.errors import Conflict, Invalid, NotFound
from twinspace.i18n import LOCALES, N_
from twinspace.rooms.chat.models import (
    ChatMessage,
    ChatMute,
    ChatReport,
    ChatRoom,
    ModerationLog,
    WordFilter,
)

WORD_MAX = 64


async def get_held(session: AsyncSession, space_id: int) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(ChatMessage, ChatRoom.name, User.display_name)
        .join(ChatRoom, ChatRoom.id == ChatMessage.room_id)
        .join(User, User.id == ChatMessage.author_id)
        .where(ChatRoom.space_id == space_id, ChatMessage.status == "held")
        .order_by(ChatMessage.id)
    )
    return [
        {
            "message_id": m.id,
            "chat_room": room,
            "text": m.text,
            "author": name,
            "at": m.created_at.isoformat(),
        }
        for m, room, name in rows
    ]


async def get_open_reports(session: AsyncSession, space_id: int) -> list[dict[str, Any]]:
    author, reporter = aliased(User), aliased(User)
    rows = await session.execute(
        select(ChatReport, ChatMessage, ChatRoom.name, author.display_name, reporter.display_name)
        .join(ChatMessage, ChatMessage.id == ChatReport.message_id)
        .join(ChatRoom, ChatRoom.id == ChatMessage.room_id)
        .join(author, author.id == ChatMessage.author_id)
        .join(reporter, reporter.id == ChatReport.reporter_id)
        .where(ChatReport.space_id == space_id, ChatReport.status == "open")
        .order_by(ChatReport.id)
    )
    return [
        {
            "report_id": r.id,
            "message_id": m.id,
            "chat_room": room,
            "text": m.text,
            "author": a,
            "reporter": rep,
            "reason": r.reason,
            "at": r.created_at.isoformat(),
        }
        for r, m, room, a, rep in rows
    ]


async def get_mutes(session: AsyncSession, space_id: int, now: datetime) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(ChatMute, ChatRoom.name, User.display_name)
        .join(ChatRoom, ChatRoom.id == ChatMute.room_id)
        .join(User, User.id == ChatMute.user_id)
        .where(ChatRoom.space_id == space_id, ChatMute.until > now)
        .order_by(ChatMute.until)
    )
    return [
        {"user_id": m.user_id, "name": name, "chat_room": room, "until": m.until.isoformat()}
        for m, room, name in rows
    ]


async def get_words(session: AsyncSession, space_id: int) -> list[dict[str, Any]]:
    rows = await session.scalars(
        select(WordFilter)
        .where(WordFilter.space_id == space_id)
        .order_by(WordFilter.language, WordFilter.word)
    )
    return [{"id": w.id, "language": w.language, "word": w.word} for w in rows]


async def check_add_word(
    uow: UnitOfWork, space_id: int, actor_id: int, language: object, word: object
) -> WordFilter:
    if language not in LOCALES:
        raise Invalid(N_("Choose a language for the word."), choices=list(LOCALES))
    if not isinstance(word, str) or not 1 <= len(word.strip()) <= WORD_MAX:
        raise Invalid(N_("A filtered word is 1 to 64 characters."))
    word = word.strip().casefold()
    exists = await uow.session.scalar(
        select(WordFilter.id).where(
            WordFilter.space_id == space_id,
            WordFilter.language == language,
            WordFilter.word == word,
        )
    )
    if exists is not None:
        raise Conflict(N_("This word is already in the filter."))
    entry = WordFilter(space_id=space_id, language=str(language), word=word)
    uow.session.add(entry)
    uow.session.add(
        ModerationLog(
            space_id=space_id, actor_id=actor_id, action="word_added", detail=f"{language}: {word}"
        )
    )
    await uow.session.flush()
    return entry


async def do_remove_word(uow: UnitOfWork, space_id: int, actor_id: int, word_id: int) -> None:
    entry = await uow.session.get(WordFilter, word_id)
    if entry is None or entry.space_id != space_id:
        raise NotFound(N_("No such word."))
    uow.session.add(
        ModerationLog(
            space_id=space_id,
            actor_id=actor_id,
            action="word_removed",
            detail=f"{entry.language}: {entry.word}",
        )
    )
    await uow.session.delete(entry)


LOG_COLUMNS = (
    "id",
    "at",
    "actor",
    "action",
    "room",
    "target_user_id",
    "message_id",
    "reason",
    "prior_content",
    "detail",
)


async def get_log(
    session: AsyncSession, space_id: int, *, before: int | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    query = (
        select(ModerationLog, User.display_name, ChatRoom.name)
        .outerjoin(User, User.id == ModerationLog.actor_id)
        .outerjoin(ChatRoom, ChatRoom.id == ModerationLog.room_id)
        .where(ModerationLog.space_id == space_id)
    )
    if before is not None:
        query = query.where(ModerationLog.id < before)
    rows = await session.execute(query.order_by(ModerationLog.id.desc()).limit(limit))
    return [
        {
            "id": e.id,
            "at": e.created_at.isoformat(),
            "actor": actor or "system",
            "action": e.action,
            "room": room or "",
            "target_user_id": e.target_user_id,
            "message_id": e.message_id,
            "reason": e.reason,
            "prior_content": e.prior_content,
            "detail": e.detail,
        }
        for e, actor, room in rows
    ]


def log_as_csv(entries: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=LOG_COLUMNS)
    writer.writeheader()
    for entry in entries:
        # a cell starting with = + - @ is a formula in spreadsheets: neutralise it
        writer.writerow(
            {
                k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v)
                for k, v in entry.items()
            }
        )
    return buffer.getvalue()
