"""Exporting a person's data: one JSON document per component, their files, and an index."""

from __future__ import annotations

import html
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import LargeBinary, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import Base
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.personal_data import TableData
from twinspace.privacy.registry import components
from twinspace.storage import Storage


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return None
    return value


async def _rows(session: AsyncSession, table: Table, data: TableData, user_id: int) -> list[dict]:
    if not data.person_columns:
        return []
    shown = [
        c
        for c in table.columns
        if c.name not in data.secret and not isinstance(c.type, LargeBinary)
    ]
    condition = or_(*(table.c[column] == user_id for column in data.person_columns))
    result = await session.execute(select(*shown).where(condition))
    return [{c.name: _plain(row[i]) for i, c in enumerate(shown)} for row in result]


@dataclass
class ExportFile:
    name: str
    key: str | None = None  # in the file store
    data: bytes | None = None  # held in a row


async def _blobs(
    session: AsyncSession, table: Table, data: TableData, user_id: int
) -> list[ExportFile]:
    if not data.blobs or not data.owner:
        return []
    condition = or_(*(table.c[column] == user_id for column in data.owner))
    found = []
    for column in data.blobs:
        blobs = await session.scalars(select(table.c[column]).where(condition))
        for number, blob in enumerate(blobs, start=1):
            if blob:
                found.append(ExportFile(f"{table.name}-{column}-{number}", data=bytes(blob)))
    return found


async def collect(session: AsyncSession, user_id: int) -> tuple[dict[str, Any], list[ExportFile]]:
    """``({component: document}, [files])`` for the person."""
    if await session.get(User, user_id) is None:
        raise NotFound(N_("No such person."))
    documents: dict[str, Any] = {}
    files: list[ExportFile] = []
    tables = Base.metadata.tables
    for component in components():
        document: dict[str, Any] = {
            "component": component.name,
            "label": component.label,
            "tables": {},
        }
        for data in component.tables:
            rows = await _rows(session, tables[data.table], data, user_id)
            files += await _blobs(session, tables[data.table], data, user_id)
            if not rows:
                continue
            document["tables"][data.table] = {"purpose": data.purpose, "rows": rows}
            for column in data.files:
                files += [
                    ExportFile(str(row.get("name") or column), key=row[column])
                    for row in rows
                    if row.get(column)
                ]
        if document["tables"]:
            documents[component.name] = document
    return documents, files


def _file_name(component: str) -> str:
    return component.replace(":", "-")


def _index(username: str, documents: dict[str, Any], files: list[str]) -> str:
    items = "".join(
        f'<tr><td>{html.escape(d["label"])}</td><td><a href="{_file_name(name)}.json">'
        f"{_file_name(name)}.json</a></td><td>"
        + ", ".join(f"{html.escape(t)} ({len(v['rows'])})" for t, v in d["tables"].items())
        + "</td></tr>"
        for name, d in documents.items()
    )
    listed = "".join(f'<li><a href="{html.escape(f)}">{html.escape(f)}</a></li>' for f in files)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>TwinSpace data of {html.escape(username)}</title></head><body>"
        f"<h1>Personal data of {html.escape(username)}</h1>"
        "<p>Everything this TwinSpace installation holds about this person: one JSON file per "
        "part of the product (each row as stored), and the files they uploaded.</p>"
        "<table><thead><tr><th>Part</th><th>File</th><th>Tables (rows)</th></tr></thead>"
        f"<tbody>{items}</tbody></table>"
        f"<h2>Files</h2><ul>{listed or '<li>None</li>'}</ul></body></html>"
    )


def write_zip(
    path: Path,
    username: str,
    documents: dict[str, Any],
    files: list[tuple[str, str]],
    storage: Storage,
) -> None:
    names: list[str] = []
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, document in documents.items():
            archive.writestr(
                f"{_file_name(name)}.json", json.dumps(document, ensure_ascii=False, indent=2)
            )
        for number, item in enumerate(files, start=1):
            safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in item.name)[:80]
            member = f"files/{number:03d}-{safe}"
            if item.data is not None:
                archive.writestr(member, item.data)
            else:
                try:
                    with archive.open(member, "w") as out:
                        for chunk in storage.read(item.key or ""):
                            out.write(chunk)
                except FileNotFoundError:
                    continue
            names.append(member)
        archive.writestr("README.html", _index(username, documents, names))
