"""The mailbox: internal messages between members of one TwinSpace, to one or several;
inbox and sent; unread counts reach the recipients' open pages live (room ``user:<id>``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import UnitOfWork, utcnow
from twinspace.errors import Invalid, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.people.common import text_field
from twinspace.people.models import MailMessage, MailRecipient
from twinspace.permissions import may_write_to
from twinspace.spaces.models import Membership

SUBJECT_MAX = 200
BODY_MAX = 10_000
MAX_RECIPIENTS = 200
PAGE_SIZE = 50


async def member_roles(session: AsyncSession, space_id: int) -> dict[int, str]:
    rows = await session.execute(
        select(Membership.user_id, Membership.role).where(Membership.space_id == space_id)
    )
    return {uid: role for uid, role in rows}


def parse_recipients(value: object) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if isinstance(value, str):
        value = [value]
    ids: list[int] = []
    if isinstance(value, list):
        for item in value:
            if isinstance(item, str) and item.isdecimal():
                item = int(item)
            if not isinstance(item, int) or isinstance(item, bool) or item < 1:
                ids = []
                break
            ids.append(item)
    ids = list(dict.fromkeys(ids))
    if not ids or len(ids) > MAX_RECIPIENTS:
        raise Invalid(N_("Choose at least one member to write to."), field="to")
    return ids


async def unread_count(session: AsyncSession, space_id: int, user_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(MailRecipient)
        .join(MailMessage, MailMessage.id == MailRecipient.message_id)
        .where(
            MailMessage.space_id == space_id,
            MailRecipient.user_id == user_id,
            MailRecipient.read_at.is_(None),
        )
    )
    return int(count or 0)


async def _tell(uow: UnitOfWork, space_id: int, user_id: int, type_: str, **data: Any) -> None:
    unread = await unread_count(uow.session, space_id, user_id)
    await record_event(
        uow, f"user:{user_id}", type_, {"space_id": space_id, "unread": unread, **data}
    )


async def check_send_message(
    uow: UnitOfWork, space_id: int, sender: User, to: object, subject: object, body: object
) -> MailMessage:
    recipients = parse_recipients(to)
    subject = text_field(subject, SUBJECT_MAX, N_("A subject is 1 to 200 characters."))
    body = text_field(body, BODY_MAX, N_("A message is 1 to 10,000 characters."))
    roles = await member_roles(uow.session, space_id)
    if not set(recipients) <= set(roles):
        raise Invalid(N_("You can write only to members of this TwinSpace."), field="to")
    if not all(may_write_to(roles.get(sender.id), roles[uid]) for uid in recipients):
        raise Invalid(
            N_("Pupils and visitors do not exchange private messages: write to a teacher."),
            field="to",
        )
    message = MailMessage(
        space_id=space_id, sender_id=sender.id, subject=subject, body=body, created_at=utcnow()
    )
    uow.session.add(message)
    await uow.session.flush()
    uow.session.add_all(MailRecipient(message_id=message.id, user_id=uid) for uid in recipients)
    await uow.session.flush()
    for uid in recipients:
        await _tell(
            uow, space_id, uid, "mail.new", message_id=message.id, sender=sender.display_name
        )
    return message


async def get_message(
    session: AsyncSession, space_id: int, user_id: int, message_id: int
) -> tuple[MailMessage, User, list[User]]:
    """A message its sender or one of its recipients reads; nobody else knows it exists."""
    message = await session.get(MailMessage, message_id)
    if message is None or message.space_id != space_id:
        raise NotFound(N_("No such message."))
    recipients = list(
        await session.scalars(
            select(User)
            .join(MailRecipient, MailRecipient.user_id == User.id)
            .where(MailRecipient.message_id == message.id)
            .order_by(User.display_name)
        )
    )
    if user_id != message.sender_id and user_id not in {u.id for u in recipients}:
        raise NotFound(N_("No such message."))
    sender = await session.get(User, message.sender_id)
    assert sender is not None
    return message, sender, recipients


async def do_mark_read(uow: UnitOfWork, space_id: int, user_id: int, message_id: int) -> None:
    row = await uow.session.get(MailRecipient, (message_id, user_id))
    if row is not None and row.read_at is None:
        row.read_at = utcnow()
        await uow.session.flush()
        await _tell(uow, space_id, user_id, "mail.read", message_id=message_id)


async def get_box(
    session: AsyncSession, space_id: int, user_id: int, box: str
) -> list[dict[str, Any]]:
    if box == "sent":
        rows = await session.execute(
            select(MailMessage, User)
            .join(User, User.id == MailMessage.sender_id)
            .where(MailMessage.space_id == space_id, MailMessage.sender_id == user_id)
            .order_by(MailMessage.id.desc())
            .limit(PAGE_SIZE)
        )
        return [_summary(m, u, read=True) for m, u in rows]
    rows = await session.execute(
        select(MailMessage, User, MailRecipient.read_at)
        .join(MailRecipient, MailRecipient.message_id == MailMessage.id)
        .join(User, User.id == MailMessage.sender_id)
        .where(MailMessage.space_id == space_id, MailRecipient.user_id == user_id)
        .order_by(MailMessage.id.desc())
        .limit(PAGE_SIZE)
    )
    return [_summary(m, u, read=read_at is not None) for m, u, read_at in rows]


def _summary(message: MailMessage, sender: User, *, read: bool) -> dict[str, Any]:
    return {
        "id": message.id,
        "subject": message.subject,
        "sender_id": sender.id,
        "sender": sender.display_name,
        "at": message.created_at.isoformat(),
        "read": read,
    }
