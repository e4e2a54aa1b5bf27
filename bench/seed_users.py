"""Add benchmark accounts to the demo TwinSpace (id 1) of the database the ``TWINSPACE_*``
environment points at (bench/chat_fanout.py runs it against its own temporary directory,
after ``twinspace demo``):

- ``bench-pupil-NNN``: pupils (pupil_member), who read the chat;
- ``bench-teacher-NN``: teachers (teacher_member), who post; teachers are never held by
  the word filter or by supervision rules.

Prints the usernames made, as JSON: ``{"pupils": [...], "teachers": [...]}``.

TwinSpace's socket flood limit is per member (5 events/s, burst 20), so every sending
socket gets its own account, and reading sockets share an account only a few at a time.

    TWINSPACE_VAR_DIR=/tmp/x .venv/bin/python bench/seed_users.py --pupils 20 --teachers 5
"""

from __future__ import annotations

import argparse
import asyncio
import json

from sqlalchemy import select

from twinspace.accounts.models import School, User, UserKind
from twinspace.accounts.passwords import PasswordService
from twinspace.db import Database
from twinspace.permissions import Role
from twinspace.settings import Settings
from twinspace.spaces.models import Membership

PASSWORD = "demo-pass"
SPACE_ID = 1


def pupil_name(index: int) -> str:
    return f"bench-pupil-{index:03d}"


def teacher_name(index: int) -> str:
    return f"bench-teacher-{index:02d}"


async def seed(pupils: int, teachers: int) -> dict[str, list[str]]:
    settings = Settings.from_env()
    db = Database(settings.database_url)
    hashed = PasswordService().hash_sync(PASSWORD)  # one hash for all: seeding stays fast
    accounts = [(pupil_name(i), UserKind.PUPIL, Role.PUPIL) for i in range(pupils)] + [
        (teacher_name(i), UserKind.TEACHER, Role.TEACHER) for i in range(teachers)
    ]
    try:
        async with db.unit_of_work() as uow:
            schools = list(await uow.session.scalars(select(School).order_by(School.id)))
            for index, (username, kind, role) in enumerate(accounts):
                school = schools[index % len(schools)] if schools else None
                user = User(
                    username=username,
                    display_name=username.replace("-", " ").title(),
                    kind=kind.value,
                    country_code=school.country_code if school else None,
                    school_id=school.id if school else None,
                    password_hash=hashed,
                )
                uow.session.add(user)
                await uow.session.flush()
                uow.session.add(Membership(space_id=SPACE_ID, user_id=user.id, role=role.value))
    finally:
        await db.dispose()
    return {
        "pupils": [pupil_name(i) for i in range(pupils)],
        "teachers": [teacher_name(i) for i in range(teachers)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="add benchmark accounts to the demo TwinSpace")
    parser.add_argument("--pupils", type=int, required=True)
    parser.add_argument("--teachers", type=int, required=True)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(seed(args.pupils, args.teachers))))


if __name__ == "__main__":
    main()
