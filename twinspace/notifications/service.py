"""Send, list and mark notifications. Sending writes the row and records a
``notification.new`` event on ``user:<id>`` in the caller's unit of work, so the
bell updates only once the write that caused it is committed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.db import UnitOfWork, utcnow
from twinspace.events import record_event
from twinspace.notifications.models import Notification

PAGE_SIZE = 20
PAGE_MAX = 100


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


def _safe_url(url: str | None) -> str | None:
    if url and url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return url
    return None


def unread_column(user_id: int | ColumnElement[int]) -> ScalarSelect[int]:
    """How many notifications of a user are unread, as a column another query may carry."""
    return (
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .scalar_subquery()
    )


async def unread_count(session: AsyncSession, user_id: int) -> int:
    value = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return int(value or 0)


async def notify(
    uow: UnitOfWork,
    *,
    user_id: int,
    kind: str,
    message: str,
    params: dict[str, str | int] | None = None,
    url: str | None = None,
    actor_id: int | None = None,
) -> Notification:
    """Notify one user. ``message`` is an N_-marked msgid formatted with ``params``."""
    params = {key: value for key, value in (params or {}).items()}
    _ = message % params  # a format mistake fails here, in the sender, not on the bell
    note = Notification(
        user_id=user_id,
        kind=kind,
        message=message,
        params=params,
        url=_safe_url(url),
        actor_id=actor_id,
        created_at=utcnow(),
    )
    uow.session.add(note)
    await uow.session.flush()
    unread = await unread_count(uow.session, user_id)
    await record_event(
        uow,
        user_room(user_id),
        "notification.new",
        {"notification_id": note.id, "kind": kind, "unread": unread},
        actor_id=actor_id,
    )
    return note


async def list_notifications(
    session: AsyncSession, user_id: int, *, before: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Notification], bool]:
    """Newest first; ``more`` says whether older ones exist."""
    query = select(Notification).where(Notification.user_id == user_id)
    if before is not None:
        query = query.where(Notification.id < before)
    rows = list(await session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


async def mark_read(uow: UnitOfWork, user_id: int, ids: list[int] | None) -> int:
    """Mark some (or, with ``ids=None``, all) of the user's notifications read; returns
    how many are still unread and tells the user's other tabs."""
    statement = (
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if ids is not None:
        statement = statement.where(Notification.id.in_(ids))
    changed = (await uow.session.execute(statement)).rowcount
    unread = await unread_count(uow.session, user_id)
    if changed:
        await record_event(uow, user_room(user_id), "notification.read", {"unread": unread})
    return unread


def notification_text(note: Notification, gettext: Any) -> str:
    try:
        return gettext(note.message) % note.params
    except (KeyError, TypeError, ValueError):
        return gettext(note.message)
