"""Export and erase a person, by username: what the CLI and the pages call."""

from __future__ import annotations

import contextlib
from pathlib import Path

from sqlalchemy import select

from twinspace.accounts.models import AuthSession, User
from twinspace.db import Database
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.privacy.erase import Erasure, do_erase_person
from twinspace.privacy.export import collect, write_zip
from twinspace.storage import Storage


async def get_person_id(db: Database, username: str) -> int:
    async with db.read() as session:
        found = await session.scalar(select(User.id).where(User.username == username))
    if found is None:
        raise NotFound(N_("No such person."))
    return found


async def export_person(db: Database, storage: Storage, user_id: int, path: Path) -> Path:
    async with db.read() as session:
        username = await session.scalar(select(User.username).where(User.id == user_id))
        documents, files = await collect(session, user_id)
    write_zip(path, username or str(user_id), documents, files, storage)
    return path


async def erase_person(db: Database, storage: Storage, user_id: int) -> tuple[Erasure, list[str]]:
    """Erase in one transaction; then remove the person's stored files. Returns the erasure
    and the ids of the login sessions it ended (the caller disconnects their sockets)."""
    async with db.unit_of_work() as uow:
        sessions = list(
            await uow.session.scalars(select(AuthSession.id).where(AuthSession.user_id == user_id))
        )
        erasure = await do_erase_person(uow, user_id)
    for key in erasure.file_keys:
        with contextlib.suppress(FileNotFoundError):
            storage.delete(key)
    return erasure, sessions
