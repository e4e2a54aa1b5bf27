"""Pupil accounts: a teacher pastes a list of names and gets usernames and passwords on a
printable page of slips. Passwords are readable words and numbers, shown once and stored
only as argon2 hashes; pupils cannot change them, a teacher can reset or replace them."""

from __future__ import annotations

import asyncio
import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from twinspace.accounts.auth import USERNAME_MAX
from twinspace.accounts.models import AuthSession, User, UserKind
from twinspace.accounts.passwords import PasswordService
from twinspace.db import UnitOfWork
from twinspace.errors import Invalid, NotFound
from twinspace.events import record_event
from twinspace.i18n import N_
from twinspace.permissions import PUPIL_ROLES, Role
from twinspace.spaces.models import Membership
from twinspace.spaces.names import members_room

MAX_AT_ONCE = 100
NAME_MAX = 60
CHOSEN_MIN, CHOSEN_MAX = 5, 8
# Short words that read the same in French and English, so a 10-year-old can type them.
WORDS = [
    "piano",
    "radio",
    "robot",
    "panda",
    "koala",
    "zebra",
    "tigre",
    "lotus",
    "mango",
    "melon",
    "kiwi",
    "lemon",
    "olive",
    "tango",
    "salsa",
    "video",
    "photo",
    "pizza",
    "pasta",
    "zoom",
    "cactus",
    "puma",
    "lama",
    "orca",
    "bison",
    "coco",
    "judo",
    "karate",
    "opera",
    "sonar",
    "laser",
    "bingo",
    "domino",
    "kayak",
    "canoe",
    "sushi",
    "tofu",
    "yoga",
    "gorille",
    "jaguar",
    "iguane",
    "banjo",
    "cobra",
    "condor",
    "dingo",
    "flamant",
    "gecko",
    "husky",
    "vanille",
    "papaya",
    "safari",
    "sirop",
    "totem",
]


@dataclass(frozen=True)
class Slip:
    user_id: int
    name: str
    username: str
    password: str
    renamed: bool = False  # numbered to tell two pupils of the same name apart


def parse_names(text: object) -> list[str]:
    """One name per line; blank lines are skipped; at least one and at most 100 names."""
    if not isinstance(text, str):
        raise Invalid(N_("Write the pupils' names, one per line."), field="names")
    names = [" ".join(line.split()) for line in text.splitlines()]
    names = [n for n in names if n]
    if not names:
        raise Invalid(N_("Write the pupils' names, one per line."), field="names")
    if len(names) > MAX_AT_ONCE:
        raise Invalid(
            N_("At most 100 pupils at once: split the list and send the rest afterwards."),
            field="names",
            count=len(names),
        )
    for name in names:
        if len(name) > NAME_MAX:
            raise Invalid(N_("A name is at most 60 characters."), field="names")
    return names


def username_stem(name: str) -> str:
    """ "Léa Dupont-Martin" -> "lea": readable, plain letters only."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    first = re.sub(r"[^a-z0-9]+", " ", ascii_name).split()
    return (first[0] if first else "pupil")[:20] or "pupil"


def generate_password() -> str:
    """Two words and two digits, e.g. "panda42lemon": easy to read off a slip."""
    return f"{secrets.choice(WORDS)}{secrets.randbelow(90) + 10}{secrets.choice(WORDS)}"


def check_chosen_password(value: object) -> str:
    if (
        not isinstance(value, str)
        or not CHOSEN_MIN <= len(value) <= CHOSEN_MAX
        or (any(ch.isspace() for ch in value))
    ):
        raise Invalid(
            N_("A password is a word of 5 to 8 characters, without spaces."), field="password"
        )
    return value


async def _free_usernames(uow: UnitOfWork, names: list[str]) -> list[str]:
    """Unique across the installation: the first name and a number, e.g. "lea.4821"."""
    taken: set[str] = set()
    chosen = []
    for name in names:
        stem = username_stem(name)
        for attempt in range(50):
            digits = 3 if attempt < 20 else 5
            candidate = f"{stem}.{secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1)}"
            if candidate in taken or len(candidate) > USERNAME_MAX:
                continue
            exists = await uow.session.scalar(select(User.id).where(User.username == candidate))
            if exists is None:
                break
        else:  # pragma: no cover - 50 collisions in a row
            raise Invalid(N_("Could not find a free username; try again."))
        taken.add(candidate)
        chosen.append(candidate)
    return chosen


@dataclass(frozen=True)
class NewPassword:
    plain: str  # printed once on the slip
    hashed: str  # the only thing stored


async def new_passwords(passwords: PasswordService, plains: list[str]) -> list[NewPassword]:
    """Hash before the write transaction opens: argon2 takes a while (64 MiB, a bounded
    number at once) and no writer should wait behind it."""
    hashes = await asyncio.gather(*(passwords.hash(p) for p in plains))
    return [NewPassword(p, h) for p, h in zip(plains, hashes, strict=True)]


async def prepare_pupils(
    passwords: PasswordService, names_text: object
) -> list[tuple[str, NewPassword]]:
    """Check the list of names and make each pupil's password (outside any transaction)."""
    names = parse_names(names_text)
    made = await new_passwords(passwords, [generate_password() for _ in names])
    return list(zip(names, made, strict=True))


async def prepare_password(passwords: PasswordService, chosen: object = None) -> NewPassword:
    """A new generated password, or the teacher's word of 5 to 8 characters."""
    plain = generate_password() if chosen in (None, "") else check_chosen_password(chosen)
    return (await new_passwords(passwords, [plain]))[0]


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def distinct_names(names: list[str], taken: set[str]) -> list[str]:
    """Names told apart from the TwinSpace's pupils and from each other: a second "Léa C."
    becomes "Léa C. (2)", so that lists, slips and mail recipients are never ambiguous."""
    seen = {_fold(n) for n in taken}
    result = []
    for name in names:
        chosen, number = name, 2
        while _fold(chosen) in seen:
            chosen, number = f"{name} ({number})", number + 1
        seen.add(_fold(chosen))
        result.append(chosen)
    return result


async def check_create_pupils(
    uow: UnitOfWork,
    space_id: int,
    actor: User,
    prepared: list[tuple[str, NewPassword]],
) -> list[Slip]:
    """Create one pupil account per name, each a pupil member of this TwinSpace."""
    usernames = await _free_usernames(uow, [name for name, _ in prepared])
    names = distinct_names(
        [name for name, _ in prepared],
        {p.display_name for p in await get_pupils(uow, space_id)},
    )
    slips = []
    for (typed, password), name, username in zip(prepared, names, usernames, strict=True):
        user = User(
            username=username,
            display_name=name,
            kind=UserKind.PUPIL.value,
            email=None,
            country_code=actor.country_code,
            school_id=actor.school_id,
            password_hash=password.hashed,
        )
        uow.session.add(user)
        await uow.session.flush()
        uow.session.add(Membership(space_id=space_id, user_id=user.id, role=Role.PUPIL.value))
        await record_event(
            uow,
            members_room(space_id),
            "member.joined",
            {"user_id": user.id, "name": name, "role": Role.PUPIL.value},
            actor_id=actor.id,
        )
        slips.append(Slip(user.id, name, username, password.plain, renamed=name != typed))
    return slips


async def get_pupil(uow: UnitOfWork, space_id: int, user_id: int) -> User:
    row = (
        await uow.session.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.space_id == space_id, User.id == user_id)
        )
    ).first()
    if row is None or row[0].kind != UserKind.PUPIL.value or Role(row[1]) not in PUPIL_ROLES:
        raise NotFound(N_("No such pupil."))
    return row[0]


async def do_set_pupil_password(
    uow: UnitOfWork, space_id: int, user_id: int, password: NewPassword
) -> tuple[Slip, list[str]]:
    """Give a pupil a new password (prepare_password); the pupil's open sessions end."""
    pupil = await get_pupil(uow, space_id, user_id)
    pupil.password_hash = password.hashed
    sessions = list(
        await uow.session.scalars(select(AuthSession).where(AuthSession.user_id == pupil.id))
    )
    for session in sessions:
        await uow.session.delete(session)
    slip = Slip(pupil.id, pupil.display_name, pupil.username, password.plain)
    return slip, [s.id for s in sessions]


async def get_pupils(uow: UnitOfWork, space_id: int) -> list[User]:
    return list(
        await uow.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.space_id == space_id,
                User.kind == UserKind.PUPIL.value,
            )
            .order_by(User.display_name)
        )
    )
