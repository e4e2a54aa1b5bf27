"""Contact requests and contacts: only contacts can be chosen as co-founders."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import Database, UnitOfWork, utcnow
from twinspace.errors import Conflict, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.network.members import Member, get_member, get_members_by_id
from twinspace.network.models import Contact
from twinspace.network.notices import tell

MESSAGE_MAX = 1000


def pair_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def clean_message(raw: object) -> str:
    if raw is None:
        return ""
    if not isinstance(raw, str):
        raise Invalid(N_("The message must be text."))
    text = raw.replace("\r\n", "\n").strip()
    if len(text) > MESSAGE_MAX:
        raise Invalid(N_("The message is too long (at most 1000 characters)."))
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise Invalid(N_("The message contains characters that are not allowed."))
    return text


async def check_request_contact(
    db: Database, sender: User, target_id: object, message: object
) -> Contact:
    """Send a request in its own transaction; two people asking each other at the same
    moment meet the unique pair: the second one is told, not given a 500."""
    try:
        async with db.unit_of_work() as uow:
            return await do_request_contact(uow, sender, target_id, message)
    except IntegrityError:
        raise Conflict(
            N_("This member has sent you a request: answer it on your contacts page.")
        ) from None


async def get_pair(session: AsyncSession, a: int, b: int) -> Contact | None:
    return await session.scalar(select(Contact).where(Contact.pair == pair_key(a, b)))


async def are_contacts(session: AsyncSession, a: int, b: int) -> bool:
    row = await get_pair(session, a, b)
    return row is not None and row.status == "accepted"


async def do_request_contact(
    uow: UnitOfWork, sender: User, target_id: object, message: object
) -> Contact:
    if not isinstance(target_id, int) or isinstance(target_id, bool):
        raise Invalid(N_("Say whom you want to contact."))
    text = clean_message(message)
    target = await get_member(uow.session, target_id)
    if target is None:
        raise NotFound(N_("No such member."))
    if target.user.id == sender.id:
        raise Invalid(N_("You cannot send a contact request to yourself."))
    row = await get_pair(uow.session, sender.id, target_id)
    if row is not None and row.status == "accepted":
        raise Conflict(N_("You are contacts already."))
    if row is not None and row.status == "pending":
        if row.requester_id == sender.id:
            raise Conflict(N_("Your request is waiting for an answer."))
        raise Conflict(N_("This member has sent you a request: answer it on your contacts page."))
    if row is None:
        row = Contact(pair=pair_key(sender.id, target_id))
        uow.session.add(row)
    row.requester_id, row.addressee_id = sender.id, target_id
    row.message, row.status = text, "pending"
    row.created_at, row.responded_at = utcnow(), None
    await uow.session.flush()
    await tell(
        uow,
        target_id,
        "contact.request",
        N_("%(name)s sent you a contact request."),
        {"name": sender.display_name},
        "/contacts",
        sender.id,
    )
    return row


async def do_answer_request(uow: UnitOfWork, user: User, request_id: int, accept: bool) -> Contact:
    row = await uow.session.get(Contact, request_id, with_for_update=True)
    if row is None or row.addressee_id != user.id:
        raise NotFound(N_("No such contact request."))
    if row.status != "pending":
        raise Conflict(N_("This request has been answered already."))
    row.status = "accepted" if accept else "declined"
    row.responded_at = utcnow()
    if accept:
        await tell(
            uow,
            row.requester_id,
            "contact.accepted",
            N_("%(name)s accepted your contact request."),
            {"name": user.display_name},
            f"/members/{user.id}",
            user.id,
        )
    return row


async def do_remove_contact(uow: UnitOfWork, user: User, other_id: int) -> None:
    row = await get_pair(uow.session, user.id, other_id)
    if row is None or row.status != "accepted":
        raise NotFound(N_("This member is not one of your contacts."))
    await uow.session.delete(row)


async def do_cancel_request(uow: UnitOfWork, user: User, request_id: int) -> None:
    row = await uow.session.get(Contact, request_id)
    if row is None or row.requester_id != user.id or row.status != "pending":
        raise NotFound(N_("No such contact request."))
    await uow.session.delete(row)


@dataclass(frozen=True)
class ContactBook:
    contacts: list[Member]
    incoming: list[tuple[Contact, Member]]
    outgoing: list[tuple[Contact, Member]]


async def get_contact_book(session: AsyncSession, user_id: int) -> ContactBook:
    rows = list(
        await session.scalars(
            select(Contact)
            .where(
                or_(Contact.requester_id == user_id, Contact.addressee_id == user_id),
                Contact.status.in_(["pending", "accepted"]),
            )
            .order_by(Contact.created_at.desc())
        )
    )

    def other(row: Contact) -> int:
        return row.addressee_id if row.requester_id == user_id else row.requester_id

    people = await get_members_by_id(session, [other(r) for r in rows])
    book = ContactBook([], [], [])
    for row in rows:
        member = people.get(other(row))
        if member is None or not member.user.is_active:
            continue
        if row.status == "accepted":
            book.contacts.append(member)
        elif row.addressee_id == user_id:
            book.incoming.append((row, member))
        else:
            book.outgoing.append((row, member))
    book.contacts.sort(key=lambda m: m.user.display_name.casefold())
    return book


async def contact_state(session: AsyncSession, viewer_id: int, other_id: int) -> dict[str, object]:
    """none | contact | sent | received (with the request id) | self"""
    if viewer_id == other_id:
        return {"state": "self"}
    row = await get_pair(session, viewer_id, other_id)
    if row is None or row.status == "declined":
        return {"state": "none"}
    if row.status == "accepted":
        return {"state": "contact"}
    if row.requester_id == viewer_id:
        return {"state": "sent", "request_id": row.id}
    return {"state": "received", "request_id": row.id, "message": row.message}
