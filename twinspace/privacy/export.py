"""Exporting a person's data: one JSON document per component, their files, and an index."""

from __future__ import annotations

import html
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import LargeBinary, Table, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from twinspace.accounts.models import User
from twinspace.db import Base
from twinspace.errors import NotFound
from twinspace.i18n import N_
from twinspace.privacy.declarations import TableData
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


async def collect(
    session: AsyncSession, user_id: int
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """``({component: document}, [(file key, file name)])`` for the person."""
    if await session.get(User, user_id) is None:
        raise NotFound(N_("No such person."))
    documents: dict[str, Any] = {}
    files: list[tuple[str, str]] = []
    tables = Base.metadata.tables
    for component in components():
        document: dict[str, Any] = {
            "component": component.name,
            "label": component.label,
            "tables": {},
        }
        for data in component.tables:
            rows = await _rows(session, tables[data.table], data, user_id)
            if not rows:
                continue
            document["tables"][data.table] = {"purpose": data.purpose, "rows": rows}
            for column in data.files:
                files += [
                    (row[column], str(row.get("name") or column)) for row in rows if row.get(column)
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
        for key, label in files:
            safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in label)[:80]
            member = f"files/{key}-{safe}"
            try:
                with archive.open(member, "w") as out:
                    for chunk in storage.read(key):
                        out.write(chunk)
            except FileNotFoundError:
                continue
            names.append(member)
        archive.writestr("README.html", _index(username, documents, names))
