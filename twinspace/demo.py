"""The demo installation of SPEC.md §5, created once and reused afterwards."""

from __future__ import annotations

from sqlalchemy import select

from twinspace.accounts.models import School, User, UserKind
from twinspace.accounts.passwords import PasswordService
from twinspace.db import Database
from twinspace.permissions import Role
from twinspace.rooms.chat.actions import check_send_message, do_create_chat_room
from twinspace.spaces.models import Membership, Space

DEMO_PASSWORD = "demo-pass"
DEMO_TITLE = "Rivers that connect us"

# username, display name, kind, country, school key, role in the demo TwinSpace
DEMO_PEOPLE = [
    ("anne", "Anne Moreau", UserKind.TEACHER, "FR", "fr", Role.TEACHER_ADMIN),
    ("jonas", "Jonas Becker", UserKind.TEACHER, "DE", "de", Role.TEACHER_ADMIN),
    ("lea", "Léa", UserKind.PUPIL, "FR", "fr", Role.PUPIL),
    ("tom", "Tom", UserKind.PUPIL, "DE", "de", Role.PUPIL),
    ("paul", "Paul Martin", UserKind.MEMBER, "FR", None, Role.VISITOR),
    ("nss-fr", "NSS France", UserKind.NSS, "FR", None, None),
    ("nss-de", "NSS Deutschland", UserKind.NSS, "DE", None, None),
]


async def ensure_demo(db: Database, passwords: PasswordService) -> bool:
    """Create the demo data unless it exists; returns True when it was created now."""
    async with db.read() as session:
        if await session.scalar(select(User.id).where(User.username == "anne")) is not None:
            return False
    hashed = passwords.hash_sync(DEMO_PASSWORD)
    async with db.unit_of_work() as uow:
        s = uow.session
        schools = {
            "fr": School(name="Collège Victor Hugo", city="Lyon", country_code="FR"),
            "de": School(name="Gesamtschule am Rhein", city="Köln", country_code="DE"),
        }
        s.add_all(schools.values())
        space = Space(
            title=DEMO_TITLE,
            description=("Pupils in Lyon and Köln study the Rhône and the Rhine together."),
            scope="european",
            status="open",
        )
        s.add(space)
        await s.flush()
        users: dict[str, User] = {}
        for username, name, kind, country, school, role in DEMO_PEOPLE:
            user = User(
                username=username,
                display_name=name,
                kind=kind.value,
                country_code=country,
                school_id=schools[school].id if school else None,
                password_hash=hashed,
                email=f"{username}@demo.invalid" if kind is UserKind.TEACHER else None,
            )
            s.add(user)
            await s.flush()
            users[username] = user
            if role is not None:
                s.add(Membership(space_id=space.id, user_id=user.id, role=role.value))
        general = await do_create_chat_room(uow, space.id, "general")
        general.title = "General"
        class_room = await do_create_chat_room(uow, space.id, "class")
        class_room.title, class_room.supervision = "Class chat (supervised)", "one_teacher"
        staff = await do_create_chat_room(uow, space.id, "staff")
        staff.title, staff.audience = "Teachers only", "teachers"
        await check_send_message(
            uow,
            general,
            users["anne"],
            Role.TEACHER_ADMIN,
            "Bienvenue ! Welcome to our TwinSpace chat.",
            2000,
        )
    return True
