"""Personal data in the person's hands: every component declares what it holds, a person's
data exports to a readable ZIP, and erasing a person leaves none of their names, usernames,
e-mail addresses, ids or files — while their contributions stay, as a former member's."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import LargeBinary, select

import twinspace.models  # noqa: F401  (every table)
from tests.conftest import RunningServer
from tests.support import api_login
from twinspace.accounts.models import User
from twinspace.db import Base
from twinspace.personal_data import refers_to_a_person, undeclared_columns
from twinspace.privacy.registry import declarations_by_table
from twinspace.settings import Settings


def test_every_column_about_a_person_or_holding_free_text_is_declared() -> None:
    declared = declarations_by_table()
    missing = {
        table.name: columns
        for table in Base.metadata.sorted_tables
        if (columns := undeclared_columns(table, declared.get(table.name, [])))
    }
    assert not missing, f"declare these in the component's privacy.py: {missing}"
    unknown = set(declared) - set(Base.metadata.tables)
    assert not unknown, f"declarations of tables that do not exist: {unknown}"


def cli(
    settings: Settings, *args: str, stdin: Any = subprocess.DEVNULL
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWINSPACE_")}
    env |= {
        "TWINSPACE_DATABASE_URL": settings.database_url,
        "TWINSPACE_MEDIA_DIR": str(settings.media_dir),
        "TWINSPACE_VAR_DIR": str(settings.var_dir),
        "TWINSPACE_SECRET_KEY": settings.secret_key,
    }
    return subprocess.run(
        [sys.executable, "-m", "twinspace.cli", *args],
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


async def person(server: RunningServer, username: str) -> User:
    async with server.runtime.db.read() as session:
        return await session.scalar(select(User).where(User.username == username))


async def jonas_uploads_a_photo(server: RunningServer) -> list[str]:
    jonas = await api_login(server.url, "jonas")
    try:
        page = await jonas.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": "Photos"})
        widget = await jonas.post(
            f"/api/v1/spaces/1/pages/{page.json()['id']}/widgets", json={"kind": "gallery"}
        )
        uploaded = await jonas.post(
            f"/spaces/1/widgets/{widget.json()['id']}/photos",
            files=[("file", ("rhine.jpg", jpeg(), "image/jpeg"))],
        )
        assert uploaded.status_code == 201, uploaded.text
    finally:
        await jonas.aclose()
    media = server.runtime.settings.media_dir
    return [p.name for p in media.glob("??/*") if p.is_file()]


async def every_value(server: RunningServer) -> list[tuple[str, str, Any]]:
    values = []
    async with server.runtime.db.read() as session:
        for table in Base.metadata.sorted_tables:
            for row in await session.execute(select(table)):
                for column, value in zip(table.columns, row, strict=True):
                    if isinstance(column.type, LargeBinary) and value is not None:
                        value = bytes(value).decode("utf-8", "replace")
                    values.append((table.name, column.name, value))
    return values


def mentions(value: Any, needles: list[str]) -> list[str]:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return [n for n in needles if re.search(rf"(?<![\w.]){re.escape(n)}(?![\w])", text)]


def person_refs(value: Any, user_id: int) -> bool:
    """A {"id": user_id, "name": ...} object or a user-id key naming the person."""
    if isinstance(value, dict):
        if value.get("id") == user_id and ("name" in value or "username" in value):
            return True
        if any(
            k.endswith("_id")
            and k != "id"
            and v == user_id
            and k in {"user_id", "author_id", "actor_id"}
            for k, v in value.items()
        ):
            return True
        return any(person_refs(v, user_id) for v in value.values())
    if isinstance(value, list):
        return any(person_refs(v, user_id) for v in value)
    return False


async def test_export_then_erase_a_pupil_and_a_teacher(
    server: RunningServer, settings: Settings, tmp_path: Path, connect_as
) -> None:
    stored_before = await jonas_uploads_a_photo(server)
    assert stored_before
    lea_socket = await connect_as("lea")
    assert (await lea_socket.call("join", {"room": "space:1:chat:general"}))["ok"]
    sent = await lea_socket.call("chat:send", {"room": "space:1:chat:general", "text": "Bonjour!"})
    assert sent["ok"], sent
    lea, jonas = await person(server, "lea"), await person(server, "jonas")

    # Export: a readable ZIP, one JSON per component, the person's files
    for username in ("lea", "jonas"):
        out = tmp_path / f"{username}.zip"
        done = cli(settings, "privacy", "export", username, "--out", str(out))
        assert done.returncode == 0, done.stderr
        with zipfile.ZipFile(out) as archive:
            names = archive.namelist()
            assert "README.html" in names and "accounts.json" in names
            account = json.loads(archive.read("accounts.json"))
            (user_row,) = account["tables"]["users"]["rows"]
            assert user_row["username"] == username and "password_hash" not in user_row
            index = archive.read("README.html").decode()
            assert "accounts.json" in index
            if username == "lea":
                blog = json.loads(archive.read("tool-blog.json"))
                texts = [r["text"] for r in blog["tables"]["tool_blog_comments"]["rows"]]
                assert "In Lyon it was 14 °C!" in texts
                chat = json.loads(archive.read("chat.json"))
                assert "Bonjour!" in [r["text"] for r in chat["tables"]["chat_messages"]["rows"]]
            else:
                photos = [n for n in names if n.startswith("files/")]
                assert len(photos) == 2  # the display copy and the thumbnail
                Image.open(io.BytesIO(archive.read(photos[0]))).verify()

    # Erase: refused without confirmation when nobody can answer, done with --yes
    refused = cli(settings, "privacy", "erase", "lea")
    assert refused.returncode != 0 and "--yes" in refused.stderr
    for username in ("lea", "jonas"):
        done = cli(settings, "privacy", "erase", username, "--yes")
        assert done.returncode == 0, done.stderr
        assert "Erased" in done.stdout

    needles = [lea.username, lea.display_name, jonas.username, jonas.display_name]
    needles += [e for e in (lea.email, jonas.email) if e]
    found = []
    for table, column, value in await every_value(server):
        if value is None:
            continue
        hits = mentions(value, needles)
        if hits:
            found.append((table, column, hits))
        col = Base.metadata.tables[table].c[column]
        if refers_to_a_person(col) and value in (lea.id, jonas.id):
            found.append((table, column, value))
        if isinstance(value, (dict, list)) and (
            person_refs(value, lea.id) or person_refs(value, jonas.id)
        ):
            found.append((table, column, "person reference"))
    assert not found, found

    media = settings.media_dir
    left = [p.name for p in media.glob("??/*") if p.is_file()]
    assert not set(stored_before) & set(left), "the erased teacher's photos are still stored"

    # Their contributions stay, as a former member's; they can no longer log in
    anne = await api_login(server.url, "anne")
    try:
        page = await anne.get("/spaces/1/pages/1")
        assert "In Lyon it was 14 °C!" in page.text and "Former member" in page.text
    finally:
        await anne.aclose()
    async with httpx.AsyncClient(base_url=server.url) as http:
        login = await http.post(
            "/api/v1/session", json={"username": "lea", "password": "demo-pass"}
        )
        assert login.status_code == 401


EXPORT_CELLS = [  # (actor, subject, export status, erase status)
    ("anne", "lea", 200, 400),  # a teacher admin of lea's TwinSpace (erase: wrong confirmation)
    ("tina", "lea", 200, 404),  # a teacher member may export a pupil's data, not erase it
    ("paul", "lea", 404, 404),  # a visitor learns nothing
    ("lea", "lea", 200, 403),  # a pupil exports their own data; their teacher erases
    ("lea", "anne", 404, 404),
    ("anne", "jonas", 404, 404),  # a fellow teacher's data is his own
    ("nss-fr", "anne", 404, 404),
]


async def test_who_may_export_and_erase_whose_data(server: RunningServer, login) -> None:
    ids = {name: (await person(server, name)).id for name in ("lea", "anne", "jonas")}
    for actor, subject, export_status, erase_status in EXPORT_CELLS:
        client = await login(actor)
        exported = await client.post(f"/api/v1/people/{ids[subject]}/data")
        assert exported.status_code == export_status, (actor, subject, exported.text)
        if export_status == 200:
            assert exported.headers["content-type"] == "application/zip"
            assert exported.headers["cache-control"] == "no-store"
            with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
                assert "README.html" in archive.namelist()
        erased = await client.post(
            f"/api/v1/people/{ids[subject]}/data/erase", json={"confirm": "not-the-name"}
        )
        assert erased.status_code == erase_status, (actor, subject, erased.text)
    assert (await person(server, "lea")) is not None


async def test_a_teacher_erases_their_own_account_and_is_logged_out(
    server: RunningServer, login
) -> None:
    tina = await login("tina")
    page = await tina.get("/account/data")
    assert page.status_code == 200 and "Erase the account" in page.text
    erased = await tina.post("/api/v1/me/data/erase", json={"confirm": "tina"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["ok"] is True
    assert (await tina.get("/api/v1/me")).status_code == 401
    assert await person(server, "tina") is None
