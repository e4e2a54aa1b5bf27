"""Who helps in each country: NSS officers' opt-in contact cards and the ambassadors site
administrators list; read by the public help page, written with access checked here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.mailer import is_email
from twinspace.accounts.models import Country, User, UserKind
from twinspace.db import Database, utcnow
from twinspace.errors import Invalid, NotFound
from twinspace.help.models import Ambassador, NssContactCard
from twinspace.i18n import N_
from twinspace.permissions import access_nss_card, access_site_admin

PHONE_RE = re.compile(r"^\+?[0-9 ().-]{6,32}$")


class HelpInvalid(Invalid):
    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(N_("Some fields need your attention."))
        self.fields = fields


@dataclass
class CountryHelp:
    code: str
    name: str
    officers: list[tuple[User, NssContactCard]] = field(default_factory=list)
    ambassadors: list[Ambassador] = field(default_factory=list)


def _text(data: Mapping[str, Any], name: str, limit: int, errors: dict[str, str]) -> str:
    raw = data.get(name, "")
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        errors[name] = N_("This must be text.")
        return ""
    value = raw.replace("\r\n", "\n").strip()
    if any(ord(c) < 32 and c != "\n" for c in value):
        errors[name] = N_("This contains characters that are not allowed.")
    elif len(value) > limit:
        errors[name] = N_("This is too long.")
    return value


def _contact_fields(data: Mapping[str, Any], errors: dict[str, str]) -> dict[str, str]:
    email = _text(data, "email", 254, errors).lower()
    phone = " ".join(_text(data, "phone", 32, errors).split())
    note = _text(data, "note", 500, errors)
    if email and not is_email(email):
        errors["email"] = N_("Enter a valid e-mail address.")
    if phone and (not PHONE_RE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        errors["phone"] = N_("Enter a telephone number: digits, spaces and +.")
    return {"email": email, "phone": phone, "note": note}


def _flag(value: object) -> bool:
    return value in (True, "1", "on", "true", "yes")


async def get_card(session: AsyncSession, user_id: int) -> NssContactCard | None:
    return await session.get(NssContactCard, user_id)


async def check_save_card(db: Database, officer: User, data: Mapping[str, Any]) -> NssContactCard:
    """An NSS officer chooses what the public help page shows of them (nothing until listed)."""
    access_nss_card(officer.kind)
    errors: dict[str, str] = {}
    values = _contact_fields(data, errors)
    listed = _flag(data.get("listed"))
    if listed and not values["email"] and not values["phone"] and "email" not in errors:
        errors["email"] = N_("Give an e-mail address or a telephone number to be listed.")
    if errors:
        raise HelpInvalid(errors)
    async with db.unit_of_work() as uow:
        card = await uow.session.get(NssContactCard, officer.id, with_for_update=True)
        if card is None:
            card = NssContactCard(user_id=officer.id)
            uow.session.add(card)
        card.listed, card.updated_at = listed, utcnow()
        card.email, card.phone, card.note = values["email"], values["phone"], values["note"]
    return card


async def check_add_ambassador(db: Database, admin: User, data: Mapping[str, Any]) -> Ambassador:
    access_site_admin(admin.kind)
    errors: dict[str, str] = {}
    values = _contact_fields(data, errors)
    name = " ".join(_text(data, "name", 120, errors).split())
    region = " ".join(_text(data, "region", 120, errors).split())
    code = _text(data, "country", 2, errors).upper()
    if not name and "name" not in errors:
        errors["name"] = N_("This field is required.")
    if not values["email"] and "email" not in errors:
        errors["email"] = N_("This field is required.")
    async with db.read() as session:
        if not code or await session.get(Country, code) is None:
            errors["country"] = N_("Unknown country: choose one from the list.")
    if errors:
        raise HelpInvalid(errors)
    async with db.unit_of_work() as uow:
        ambassador = Ambassador(
            country_code=code,
            name=name,
            region=region,
            email=values["email"],
            note=values["note"],
        )
        uow.session.add(ambassador)
        await uow.session.flush()
    return ambassador


async def do_remove_ambassador(db: Database, admin: User, ambassador_id: int) -> None:
    access_site_admin(admin.kind)
    async with db.unit_of_work() as uow:
        ambassador = await uow.session.get(Ambassador, ambassador_id)
        if ambassador is None:
            raise NotFound(N_("No such ambassador."))
        await uow.session.delete(ambassador)


async def get_help_directory(
    session: AsyncSession, country_name, country: str | None = None
) -> list[CountryHelp]:
    """Countries with at least one listed NSS officer or ambassador, by name."""
    officers = select(User, NssContactCard).join(NssContactCard, NssContactCard.user_id == User.id)
    officers = officers.where(
        NssContactCard.listed.is_(True), User.is_active.is_(True), User.kind == UserKind.NSS.value
    )
    ambassadors = select(Ambassador)
    if country:
        officers = officers.where(User.country_code == country)
        ambassadors = ambassadors.where(Ambassador.country_code == country)
    by_code: dict[str, CountryHelp] = {}

    def entry(code: str) -> CountryHelp:
        if code not in by_code:
            by_code[code] = CountryHelp(code, country_name(code))
        return by_code[code]

    for user, card in (await session.execute(officers.order_by(User.display_name))).all():
        if user.country_code:
            entry(user.country_code).officers.append((user, card))
    for ambassador in await session.scalars(ambassadors.order_by(Ambassador.name)):
        entry(ambassador.country_code).ambassadors.append(ambassador)
    return sorted(by_code.values(), key=lambda c: c.name)


def directory_json(directory: list[CountryHelp]) -> list[dict[str, Any]]:
    return [
        {
            "country": c.code,
            "name": c.name,
            "nss": [
                {"name": u.display_name, "email": k.email, "phone": k.phone, "note": k.note}
                for u, k in c.officers
            ],
            "ambassadors": [
                {"id": a.id, "name": a.name, "region": a.region, "email": a.email, "note": a.note}
                for a in c.ambassadors
            ],
        }
        for c in directory
    ]
