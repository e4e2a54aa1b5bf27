"""A school's record (seed 002: postal address, national school number, phone, school e-mail,
head teacher's e-mail): checked field by field, one school per number within a country."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.mailer import is_email
from twinspace.accounts.models import School, User
from twinspace.db import Database
from twinspace.errors import Conflict, Invalid, NotFound
from twinspace.i18n import N_
from twinspace.permissions import access_school_record

NUMBER_RE = re.compile(r"^[A-Z0-9][A-Z0-9./-]{2,31}$")
PHONE_RE = re.compile(r"^\+?[0-9 ().-]{6,32}$")
# form field -> (column, max length)
RECORD_FIELDS = {
    "school_name": ("name", 200),
    "school_city": ("city", 120),
    "school_address": ("address", 300),
    "school_number": ("national_number", 32),
    "school_phone": ("phone", 32),
    "school_email": ("email", 254),
    "school_head_email": ("head_email", 254),
}


class SchoolInvalid(Invalid):
    """Some fields of a school record are wrong: ``fields`` maps form field -> N_ msgid."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(N_("Some fields need your attention."))
        self.fields = fields


def normalise_number(raw: str) -> str:
    return "".join(raw.split()).upper()


def check_record_fields(
    data: Mapping[str, Any], *, require_number: bool
) -> tuple[dict[str, str | None], dict[str, str]]:
    """Clean values by column name, and errors by form field."""
    values: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for field, (column, limit) in RECORD_FIELDS.items():
        raw = data.get(field, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            errors[field] = N_("This must be text.")
            continue
        text = raw.replace("\r\n", "\n").strip()
        if column != "address":
            text = " ".join(text.split())
        if any(ord(c) < 32 and c not in "\n" for c in text):
            errors[field] = N_("This contains characters that are not allowed.")
        elif len(text) > limit:
            errors[field] = N_("This is too long.")
        else:
            values[column] = text or None
    if "name" in values and not values["name"]:
        errors["school_name"] = N_("This field is required.")
    if "city" in values and not values["city"]:
        errors["school_city"] = N_("This field is required.")
    if "address" in values and not values["address"] and require_number:
        errors["school_address"] = N_("This field is required.")
    number = values.get("national_number")
    if number:
        values["national_number"] = number = normalise_number(number)
        if not NUMBER_RE.match(number):
            errors["school_number"] = N_(
                "Use the number your country gives the school: 3 to 32 letters and digits."
            )
    elif require_number and "school_number" not in errors:
        errors["school_number"] = N_("This field is required.")
    phone = values.get("phone")
    if phone and (not PHONE_RE.match(phone) or sum(c.isdigit() for c in phone) < 6):
        errors["school_phone"] = N_("Enter a telephone number: digits, spaces and +.")
    for field, column in (("school_email", "email"), ("school_head_email", "head_email")):
        address = values.get(column)
        if address:
            values[column] = address = address.lower()
            if not is_email(address):
                errors[field] = N_("Enter a valid e-mail address.")
    return values, errors


async def get_school_by_number(
    session: AsyncSession, country_code: str, number: str | None
) -> School | None:
    if not number:
        return None
    return await session.scalar(
        select(School).where(
            School.country_code == country_code, School.national_number == normalise_number(number)
        )
    )


def school_json(school: School, *, full: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": school.id,
        "name": school.name,
        "city": school.city,
        "country": school.country_code,
        "national_number": school.national_number,
    }
    if full:  # contact details: for the school's own members
        data.update(
            address=school.address,
            phone=school.phone,
            email=school.email,
            head_email=school.head_email,
        )
    return data


async def get_own_school(db: Database, user: User, school_id: int | None = None) -> School:
    target = school_id if school_id is not None else user.school_id
    access_school_record(user.kind, user.school_id, target)
    async with db.read() as session:
        school = await session.get(School, target)
    if school is None:
        raise NotFound(N_("No such school."))
    return school


async def check_update_school(db: Database, user: User, school_id: int, data: Any) -> School:
    """A member of the school corrects its record; a number another school of the country
    has is refused (ask to join that one instead)."""
    if not isinstance(data, Mapping):
        raise Invalid(N_("The request body must be a JSON object."))
    school = await get_own_school(db, user, school_id)
    current = {field: getattr(school, column) or "" for field, (column, _) in RECORD_FIELDS.items()}
    merged = {**current, **{k: v for k, v in data.items() if k in RECORD_FIELDS}}
    values, errors = check_record_fields(merged, require_number=bool(school.national_number))
    if errors:
        raise SchoolInvalid(errors)
    try:
        async with db.unit_of_work() as uow:
            row = await uow.session.get(School, school.id, with_for_update=True)
            assert row is not None
            other = await get_school_by_number(
                uow.session, row.country_code, values.get("national_number")
            )
            if other is not None and other.id != row.id:
                raise SchoolInvalid(
                    {"school_number": N_("Another school of your country has this number.")}
                )
            for column, value in values.items():
                setattr(row, column, value)
    except IntegrityError:
        raise Conflict(N_("Another school of your country has this number.")) from None
    return row
