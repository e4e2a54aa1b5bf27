"""Registering as a teacher (eTwinner) or a platform member, then being logged in."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from twinspace.accounts.auth import LoggedIn, hash_token, normalise_username
from twinspace.accounts.mailer import is_email
from twinspace.accounts.models import AuthSession, Country, LoginAttempt, School, User, UserKind
from twinspace.accounts.password_policy import password_problem
from twinspace.accounts.passwords import PasswordService
from twinspace.accounts.schools import check_record_fields, get_school_by_number
from twinspace.db import Database, utcnow
from twinspace.errors import RateLimited
from twinspace.i18n import N_
from twinspace.network.forms import Fields, FormInvalid
from twinspace.network.members import member_text
from twinspace.network.models import MemberSearch
from twinspace.network.text import fold
from twinspace.settings import Settings

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
REGISTER_LIMIT = 10  # attempts per address and window (settings.login_window_seconds)


async def _throttle(db: Database, settings: Settings, address: str) -> None:
    key = f"register:{address}"
    since = utcnow() - timedelta(seconds=settings.login_window_seconds)
    async with db.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.key == key, LoginAttempt.at > since)
        )
    if int(count or 0) >= REGISTER_LIMIT:
        raise RateLimited(N_("Too many registrations from here. Wait a few minutes and try again."))
    async with db.unit_of_work() as uow:
        uow.session.add(LoginAttempt(key=key))


def _check_shape(body: Any) -> Fields:
    f = Fields(body)
    username = f.text("username", max_length=32)
    if username is not None:
        username = normalise_username(username)
        f.values["username"] = username
        if not USERNAME_RE.match(username):
            f.errors["username"] = N_(
                "Use 3 to 32 lower-case letters, digits, dots, dashes or underscores."
            )
    f.text("display_name", max_length=120)
    email = f.text("email", max_length=254)
    if email is not None:
        f.values["email"] = email = email.lower()
        if not is_email(email):
            f.errors["email"] = N_("Enter a valid e-mail address.")
    password = body.get("password")
    problem = password_problem(password, username)
    if problem:
        f.errors["password"] = problem
    else:
        f.values["password"] = password
    country = f.text("country", max_length=2)
    if country is not None:
        f.values["country"] = country.upper()
    institution = body.get("institution", "school")
    if institution not in ("school", "other"):
        f.errors["institution"] = N_("Choose from the list.")
    f.values["institution"] = institution
    school_id = body.get("school_id")
    if school_id not in (None, "", "new"):
        f.integer("school_id", low=1, high=2**31 - 1)
    else:
        f.values["school_id"] = None
        record, errors = check_record_fields(body, require_number=institution == "school")
        f.errors.update(errors)
        f.values["school_record"] = record
    return f


async def check_register(
    db: Database,
    passwords: PasswordService,
    settings: Settings,
    body: Any,
    address: str,
) -> LoggedIn:
    """Validate every field, create the member (and their school when new), log them in."""
    await _throttle(db, settings, address)
    f = _check_shape(body)
    v = f.values
    async with db.read() as session:
        country = await session.get(Country, v["country"]) if v.get("country") else None
        if v.get("country") and country is None:
            f.errors["country"] = N_("Unknown country: choose one from the list.")
        if v.get("school_id"):
            school = await session.get(School, v["school_id"])
            if school is None or (country is not None and school.country_code != country.code):
                f.errors["school_id"] = N_("Choose a school of your country, or add yours.")
        duplicates: dict[str, str] = {}
        if (
            "username" in v
            and "username" not in f.errors
            and await session.scalar(select(User.id).where(User.username == v["username"]))
        ):
            duplicates["username"] = N_("This username is taken. Choose another one.")
        if (
            "email" in v
            and "email" not in f.errors
            and await session.scalar(select(User.id).where(func.lower(User.email) == v["email"]))
        ):
            duplicates["email"] = N_("An account with this e-mail address exists already.")
    if f.errors or duplicates:
        raise FormInvalid({**f.errors, **duplicates}, conflict=not f.errors)
    assert country is not None
    password_hash = await passwords.hash(v["password"])
    eligible = country.eligible and v["institution"] == "school"
    token = secrets.token_urlsafe(32)
    try:
        async with db.unit_of_work() as uow:
            s = uow.session
            if v["school_id"]:
                school = await s.get(School, v["school_id"])
            else:
                school = await _find_or_add_school(uow, v["school_record"], country)
            user = User(
                username=v["username"],
                display_name=v["display_name"],
                email=v["email"],
                password_hash=password_hash,
                kind=(UserKind.TEACHER if eligible else UserKind.MEMBER).value,
                country_code=country.code,
                school_id=school.id if school else None,
            )
            s.add(user)
            await s.flush()
            s.add(MemberSearch(user_id=user.id, text=member_text(user, school, country)))
            auth = AuthSession(
                id=hash_token(token),
                user_id=user.id,
                csrf_token=secrets.token_urlsafe(32),
                expires_at=utcnow() + timedelta(days=settings.session_days),
                address=address[:64],
            )
            s.add(auth)
    except IntegrityError:  # someone took the username or added the school in the meantime
        async with db.read() as session:
            taken = await session.scalar(select(User.id).where(User.username == v["username"]))
        if taken is None:
            raise FormInvalid(
                {"school_number": N_("This school has just been added: send the form again.")},
                conflict=True,
            ) from None
        raise FormInvalid(
            {"username": N_("This username is taken. Choose another one.")}, conflict=True
        ) from None
    return LoggedIn(token=token, session=auth, user=user)


async def _find_or_add_school(uow, record: dict[str, Any], country: Country) -> School:
    """One school per national number within a country: registering with a known number
    joins that school. Without a number, the same name in the same city is the same school
    (unless that one has another number); a record's missing details are filled in."""
    s = uow.session
    number = record.get("national_number")
    known = await get_school_by_number(s, country.code, number)
    if known is not None:
        return known
    candidates = await s.scalars(select(School).where(School.country_code == country.code))
    for school in candidates:
        same = fold(school.name) == fold(record["name"]) and fold(school.city) == fold(
            record["city"]
        )
        if same and (school.national_number is None or not number):
            for column, value in record.items():
                if value and not getattr(school, column):
                    setattr(school, column, value)
            return school
    school = School(country_code=country.code, **record)
    s.add(school)
    await s.flush()
    return school
