"""Erasing a person: their own rows go, their contributions stay as "Former member"."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import String, Table, cast, delete, or_, select, update

from twinspace.db import Base, UnitOfWork
from twinspace.errors import Invalid
from twinspace.i18n import N_
from twinspace.personal_data import TableData
from twinspace.privacy.former import FORMER_NAME, former_member_id
from twinspace.privacy.registry import declarations_by_table
from twinspace.privacy.scrub import scrub


@dataclass
class Erasure:
    deleted: dict[str, int] = field(default_factory=dict)  # table → rows deleted
    reattributed: dict[str, int] = field(default_factory=dict)  # table → rows kept, re-authored
    file_keys: list[str] = field(default_factory=list)  # stored files to remove after commit


async def do_erase_person(uow: UnitOfWork, user_id: int) -> Erasure:
    session = uow.session
    former_id = await former_member_id(session)
    if user_id == former_id:
        raise Invalid(N_("This account cannot be erased."))
    declared = declarations_by_table()
    tables = Base.metadata.tables
    erasure = Erasure()
    for name, datas in declared.items():
        table = tables[name]
        for data in datas:
            await _collect_files(session, table, data, user_id, erasure)
            await _reattribute(session, table, data, user_id, former_id, erasure)
            await _scrub_json(session, table, data, user_id, former_id)
    username = await session.scalar(
        select(tables["users"].c.username).where(tables["users"].c.id == user_id)
    )
    for name, datas in declared.items():
        for data in datas:
            for column in data.username_keyed:
                await _delete_keyed(session, tables[name], column, username or "", erasure)
    for table in reversed(Base.metadata.sorted_tables):  # children before their parents
        for data in declared.get(table.name, []):
            if data.owner:
                condition = or_(*(table.c[column] == user_id for column in data.owner))
                done = await session.execute(delete(table).where(condition))
                if done.rowcount:
                    erasure.deleted[table.name] = erasure.deleted.get(table.name, 0) + done.rowcount
    if erasure.file_keys and "stored_files" in tables:
        stored = tables["stored_files"]
        await session.execute(delete(stored).where(stored.c.key.in_(erasure.file_keys)))
    return erasure


async def _collect_files(session, table: Table, data: TableData, user_id: int, erasure: Erasure):  # type: ignore[no-untyped-def]
    if not data.files or not data.owner:
        return
    condition = or_(*(table.c[column] == user_id for column in data.owner))
    for column in data.files:
        keys = await session.scalars(select(table.c[column]).where(condition))
        erasure.file_keys.extend(key for key in keys if key)


async def _reattribute(  # type: ignore[no-untyped-def]
    session, table: Table, data: TableData, user_id: int, former_id: int, erasure: Erasure
) -> None:
    for column, texts in data.blank.items():
        await session.execute(
            update(table).where(table.c[column] == user_id).values(dict.fromkeys(texts, ""))
        )
    for column in data.attributed + data.cleared:
        done = await session.execute(
            update(table).where(table.c[column] == user_id).values({column: former_id})
        )
        if done.rowcount:
            erasure.reattributed[table.name] = (
                erasure.reattributed.get(table.name, 0) + done.rowcount
            )


async def _scrub_json(session, table: Table, data: TableData, user_id: int, former_id: int):  # type: ignore[no-untyped-def]
    key = list(table.primary_key.columns)
    for column in data.person_json:
        candidates = await session.execute(
            select(*key, table.c[column]).where(cast(table.c[column], String).like(f"%{user_id}%"))
        )
        for row in candidates:
            value = row[-1]
            cleaned = scrub(value, user_id, former_id, FORMER_NAME)
            if cleaned != value:
                where = [k == row[i] for i, k in enumerate(key)]
                await session.execute(update(table).where(*where).values({column: cleaned}))


async def _delete_keyed(session, table: Table, column: str, username: str, erasure: Erasure):  # type: ignore[no-untyped-def]
    if not username:
        return
    col = table.c[column]
    rows = await session.scalars(select(col).where(col.like(f"%{username}%")).distinct())
    keys = [key for key in rows if username in key.replace("|", ":").split(":")]
    if keys:
        done = await session.execute(delete(table).where(col.in_(keys)))
        erasure.deleted[table.name] = erasure.deleted.get(table.name, 0) + done.rowcount
