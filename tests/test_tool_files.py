"""The Document library through the real stack: streamed multipart uploads to the uvicorn
server, content sniffing, quotas and limits, downloads checked for every role, commands,
live events, the trash and its purge, and what is left on disk."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import re
import secrets
import time
import zipfile
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select, update

from tests.conftest import ROLE_USERS, RunningServer, start_server, stop_server
from tests.support import LiveClient, api_login
from twinspace.db import utcnow
from twinspace.files import StoredFile, sweep_orphans
from twinspace.settings import Settings
from twinspace.tools.files.library import purge_trash
from twinspace.tools.files.models import LibraryFile, LibraryFolder
from twinspace.tools.files.sniff import DOCX, ODT

JSON = {"Accept": "application/json"}
PDF_BYTES = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


async def _library(client: httpx.AsyncClient, room: str = "activities") -> tuple[int, int]:
    page = await client.post(f"/api/v1/spaces/1/rooms/{room}/pages", json={"title": "Documents"})
    assert page.status_code == 201, page.text
    widget = await client.post(
        f"/api/v1/spaces/1/pages/{page.json()['id']}/widgets", json={"kind": "files"}
    )
    assert widget.status_code == 201, widget.text
    return page.json()["id"], widget.json()["id"]


def _upload_url(widget_id: int) -> str:
    return f"/spaces/1/widgets/{widget_id}/files"


async def _upload(
    client: httpx.AsyncClient,
    widget_id: int,
    name: str,
    data: bytes,
    *,
    folder_id: int | None = None,
    declared: str = "application/octet-stream",
) -> httpx.Response:
    fields = {"folder_id": str(folder_id)} if folder_id else {}
    return await client.post(
        _upload_url(widget_id), files={"file": (name, data, declared)}, data=fields, headers=JSON
    )


async def _uploaded(client: httpx.AsyncClient, widget_id: int, name: str, data: bytes, **kw):
    response = await _upload(client, widget_id, name, data, **kw)
    assert response.status_code == 201, response.text
    return response.json()["file"]


def _cmd(widget_id: int, command: str) -> str:
    return f"/api/v1/spaces/1/widgets/{widget_id}/{command}"


async def _run(client: httpx.AsyncClient, widget_id: int, command: str, **payload) -> dict:
    response = await client.post(_cmd(widget_id, command), json=payload)
    assert response.status_code == 200, (command, response.text)
    return response.json()


def _stored_on_disk(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.media_dir.glob("??/*") if p.is_file())


def _temp_files(settings: Settings) -> list[Path]:
    return list((settings.media_dir / "tmp").glob("*"))


async def _count(server: RunningServer, model, *where) -> int:
    async with server.runtime.db.read() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def _joined(connect_as, username: str | None, page_id: int) -> LiveClient:
    live = await connect_as(username)
    ack = await live.call("join", {"room": f"space:1:page:{page_id}"})
    assert ack["ok"], ack
    return live


async def _event(live: LiveClient, type_: str) -> dict:
    envelope = await live.wait_for(lambda e: e["type"] == type_)
    assert "username" not in json.dumps(envelope)
    return envelope["data"]


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document><w:body>Bonjour</w:body></w:document>")
    return buffer.getvalue()


def _odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def _plain_zip(member: str = "index.html", data: bytes = HTML) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, data)
    return buffer.getvalue()


# --- Upload, list, download, live ------------------------------------------------------------


async def test_upload_list_download_live(server: RunningServer, login, connect_as):
    anne, lea = await login("anne"), await login("lea")
    page_id, widget_id = await _library(anne)
    watcher = await _joined(connect_as, "tom", page_id)

    empty = await anne.get(f"/spaces/1/pages/{page_id}")
    assert "No files yet — upload the first one." in empty.text
    assert f'data-upload-url="/spaces/1/widgets/{widget_id}/files"' in empty.text
    assert 'type="file" name="file" multiple' in empty.text
    assert f'id="library-{widget_id}-list"' in empty.text
    for_lea = await lea.get(f"/spaces/1/pages/{page_id}")
    assert "No files yet." in for_lea.text and "data-upload-url" not in for_lea.text

    file = await _uploaded(anne, widget_id, "Compte rendu.pdf", PDF_BYTES, declared="text/html")
    assert file["name"] == "Compte rendu.pdf" and file["mime"] == "application/pdf"
    assert file["size"] == len(PDF_BYTES) and file["folder_id"] is None
    assert file["uploader"]["name"] == "Anne Moreau"
    added = await _event(watcher, "library.file_added")
    assert added["widget_id"] == widget_id and added["file"]["id"] == file["id"]
    assert added["file"]["name"] == "Compte rendu.pdf" and added["file"]["kind"] == "pdf"

    folder = (await _run(anne, widget_id, "folder.create", name="Photos du fleuve"))["folder"]
    assert (await _event(watcher, "library.folder_created"))["folder"]["id"] == folder["id"]
    duplicate = await anne.post(_cmd(widget_id, "folder.create"), json={"name": "photos du FLEUVE"})
    assert duplicate.status_code == 409
    long_name = await anne.post(_cmd(widget_id, "folder.create"), json={"name": "x" * 121})
    assert long_name.status_code == 400
    inner = await _uploaded(anne, widget_id, "heron.png", PNG_BYTES, folder_id=folder["id"])
    assert inner["folder_id"] == folder["id"] and inner["mime"] == "image/png"
    again = await _uploaded(anne, widget_id, "heron.png", PNG_BYTES, folder_id=folder["id"])
    assert again["name"] == "heron (2).png"  # siblings never share a name

    listed = await _run(lea, widget_id, "list")
    assert [f["name"] for f in listed["folders"]] == ["Photos du fleuve"]
    assert [f["name"] for f in listed["files"]] == ["Compte rendu.pdf"]
    row = listed["files"][0]
    assert row["size_label"] == "2 KB" and row["type_label"] == "PDF document"
    assert row["uploader"]["name"] == "Anne Moreau" and row["may_change"] is False
    assert row["created_at"] and listed["may_upload"] is False
    inside = await _run(lea, widget_id, "list", folder_id=folder["id"])
    assert [f["name"] for f in inside["files"]] == ["heron (2).png", "heron.png"]
    assert inside["path"] == [{"id": folder["id"], "name": "Photos du fleuve"}]

    download = await lea.get(file["download_url"])
    assert download.status_code == 200 and download.content == PDF_BYTES
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "Compte%20rendu.pdf" in download.headers["content-disposition"]
    assert "nosniff" in download.headers["x-content-type-options"]
    assert "sandbox" in download.headers["content-security-policy"]

    await _run(anne, widget_id, "item.rename", file_id=file["id"], name="Rapport.pdf")
    assert (await _event(watcher, "library.item_renamed"))["name"] == "Rapport.pdf"
    await _run(anne, widget_id, "item.move", file_id=file["id"], to_folder_id=folder["id"])
    assert (await _event(watcher, "library.item_moved"))["folder_id"] == folder["id"]
    nested = await _run(anne, widget_id, "folder.create", name="2025", parent_id=folder["id"])
    cycle = await anne.post(
        _cmd(widget_id, "item.move"),
        json={"folder_id": folder["id"], "to_folder_id": nested["folder"]["id"]},
    )
    assert cycle.status_code == 400

    shown = (await lea.get(f"/spaces/1/pages/{page_id}")).text
    assert "Rapport.pdf" in shown and "Photos du fleuve" in shown and "Anne Moreau" in shown
    assert f'href="/spaces/1/files/{file["id"]}/download"' in shown
    assert "No files yet" not in shown and "item.delete" not in shown
    for_anne = (await anne.get(f"/spaces/1/pages/{page_id}")).text
    assert f'action="/spaces/1/widgets/{widget_id}/item.delete"' in for_anne

    # a plain HTML form (no JavaScript): token and folder in the form, sent back to the page
    form = await anne.post(
        _upload_url(widget_id),
        data={"csrf_token": anne.headers["X-CSRF-Token"], "folder_id": ""},
        files=[("file", ("a.txt", b"one\n", "text/plain")), ("file", ("b.csv", b"x,y\n", "x"))],
        headers={"X-CSRF-Token": "", "Accept": "text/html"},
    )
    assert form.status_code == 303, form.text
    assert form.headers["location"] == f"/spaces/1/pages/{page_id}#library-{widget_id}"
    names = [f["name"] for f in (await _run(lea, widget_id, "list"))["files"]]
    assert names == ["a.txt", "b.csv"]


async def test_commands_check_who_may_change_what(server: RunningServer, login):
    anne, tina, pia, lea = [await login(u) for u in ("anne", "tina", "pia", "lea")]
    _, widget_id = await _library(anne)
    teacher_file = await _uploaded(tina, widget_id, "tina.txt", b"teacher\n")
    pupil_file = await _uploaded(pia, widget_id, "pia.txt", b"pupil\n")
    pia_folder = (await _run(pia, widget_id, "folder.create", name="Pia"))["folder"]

    for client, command, payload in [
        (pia, "item.rename", {"file_id": teacher_file["id"], "name": "mine.txt"}),
        (pia, "item.delete", {"file_id": teacher_file["id"]}),
        (lea, "item.delete", {"file_id": pupil_file["id"]}),
        (lea, "folder.create", {"name": "Lea"}),
    ]:
        response = await client.post(_cmd(widget_id, command), json=payload)
        assert response.status_code == 403, (command, response.text)
    # a pupil admin changes a folder only while everything in it is theirs
    await _uploaded(tina, widget_id, "inside.txt", b"x\n", folder_id=pia_folder["id"])
    refused = await pia.post(_cmd(widget_id, "item.delete"), json={"folder_id": pia_folder["id"]})
    assert refused.status_code == 403
    await _run(pia, widget_id, "item.rename", file_id=pupil_file["id"], name="pia-2.txt")
    await _run(tina, widget_id, "item.rename", file_id=pupil_file["id"], name="pia-3.txt")
    await _run(anne, widget_id, "item.delete", folder_id=pia_folder["id"])
    await _run(pia, widget_id, "item.delete", file_id=pupil_file["id"])
    trash = await _run(pia, widget_id, "trash.list")
    assert [i["id"] for i in trash["items"]] == [pupil_file["id"]]  # only what pia may restore
    assert (await lea.post(_cmd(widget_id, "trash.list"), json={})).status_code == 403
    restored = await _run(pia, widget_id, "item.restore", file_id=pupil_file["id"])
    assert restored["file"]["name"] == "pia-3.txt"
    await _run(anne, widget_id, "item.restore", folder_id=pia_folder["id"])
    names = {f["name"] for f in (await _run(lea, widget_id, "list"))["folders"]}
    assert names == {"Pia"}

    # Pupils' corner: a teacher admin may not upload there, but moderates
    _, corner = await _library(pia, room="pupils")
    corner_file = await _uploaded(pia, corner, "corner.txt", b"ours\n")
    assert (await _upload(anne, corner, "t.txt", b"t\n")).status_code == 403
    await _run(anne, corner, "item.delete", file_id=corner_file["id"])


async def test_who_may_upload(server: RunningServer, login):
    anne = await login("anne")
    page_id, widget_id = await _library(anne)
    for username, status in [("lea", 403), ("paul", 403), ("nss-fr", 404)]:
        response = await _upload(await login(username), widget_id, "x.txt", b"hello\n")
        assert response.status_code == status, (username, response.text)
        assert response.json()["ok"] is False
    async with httpx.AsyncClient(base_url=server.url) as anonymous:
        response = await _upload(anonymous, widget_id, "x.txt", b"hello\n")
        assert response.status_code == 401
    for username in ("tina", "pia", "jonas"):
        await _uploaded(await login(username), widget_id, f"{username}.txt", b"hello\n")

    # CSRF: no token, a wrong one, or a token sent after the file are refused
    for headers, fields, files in [
        ({"X-CSRF-Token": ""}, {}, {"file": ("x.txt", b"x\n")}),
        ({"X-CSRF-Token": "wrong"}, {}, {"file": ("x.txt", b"x\n")}),
    ]:
        response = await anne.post(
            _upload_url(widget_id), headers={**headers, **JSON}, data=fields, files=files
        )
        assert response.status_code == 403 and response.json()["error"] == "csrf_failed"
    boundary = "b0undary"
    late = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\n'
        f'x\r\n--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f"{anne.headers['X-CSRF-Token']}\r\n--{boundary}--\r\n"
    ).encode()
    response = await anne.post(
        _upload_url(widget_id),
        content=late,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-CSRF-Token": "",
            **JSON,
        },
    )
    assert response.status_code == 403 and response.json()["error"] == "csrf_failed"
    assert await _count(server, LibraryFile, LibraryFile.widget_id == widget_id) == 3
    assert not _temp_files(server.runtime.settings)


# --- Content sniffing ------------------------------------------------------------------------


async def test_types_are_sniffed_from_the_bytes(server: RunningServer, login):
    anne = await login("anne")
    _, widget_id = await _library(anne)
    settings = server.runtime.settings

    refused = {
        "html renamed .png": ("holiday.png", HTML, "image/png"),
        "svg with a script": ("drawing.svg", SVG, "image/svg+xml"),
        "svg renamed .txt": ("drawing.txt", SVG, "text/plain"),
        "gif/html polyglot": ("pic.gif", b"GIF89a\x01\x00\x01\x00" + HTML, "image/gif"),
        "jpeg/html polyglot": ("pic.jpg", b"\xff\xd8\xff\xe0" + HTML, "image/jpeg"),
        "html in a text file": ("notes.txt", b"Notes\n" + HTML, "text/plain"),
        "a shell script": ("run.txt", b"#!/bin/sh\nrm -rf /\n", "text/plain"),
        "windows program": ("game.pdf", b"MZ\x90\x00" + b"\x00" * 200, "application/pdf"),
        "linux program": ("tool.mp3", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "audio/mpeg"),
        "a plain zip": ("site.docx", _plain_zip(), DOCX),
        "not UTF-8": ("latin1.txt", "Élève".encode("latin-1"), "text/plain"),
        "NUL bytes": ("data.csv", b"a,b\x00,c\n", "text/csv"),
        "empty": ("empty.txt", b"", "text/plain"),
    }
    for what, (name, data, declared) in refused.items():
        response = await _upload(anne, widget_id, name, data, declared=declared)
        assert response.status_code == 415, (what, response.text)
        assert response.json()["error"] == "unsupported_type", what
    assert await _count(server, LibraryFile, LibraryFile.widget_id == widget_id) == 0
    assert await _count(server, StoredFile) == 0
    assert not _stored_on_disk(settings) and not _temp_files(settings)

    accepted = {
        "report.docx": (_docx(), DOCX),
        "story.odt": (_odt(), ODT),
        "scores.csv": ("name,score\nLéa,12\n".encode(), "text/plain"),
        "clip.mp4": (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200, "video/mp4"),
        "song.mp3": (b"ID3\x03\x00\x00\x00" + b"\x00" * 200, "audio/mpeg"),
        "photo.webp": (b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"\x00" * 200, "image/webp"),
    }
    for name, (data, mime) in accepted.items():
        file = await _uploaded(anne, widget_id, name, data, declared="text/html")
        assert file["mime"] == mime, name

    # a PDF that is also a ZIP: stored as a PDF, only ever downloaded as an attachment
    # (refused outright when HTML shows in its first bytes)
    refused_polyglot = await _upload(anne, widget_id, "both.pdf", PDF_BYTES + _plain_zip())
    assert refused_polyglot.status_code == 415
    polyglot = PDF_BYTES + _plain_zip("notes.txt", b"hello")
    assert zipfile.is_zipfile(io.BytesIO(polyglot))
    file = await _uploaded(anne, widget_id, "both.html", polyglot, declared="text/html")
    assert file["mime"] == "application/pdf" and file["name"] == "both.html"
    download = await anne.get(file["download_url"])
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"].startswith("attachment;")
    assert "nosniff" in download.headers["x-content-type-options"]
    assert "text/html" not in download.headers["content-type"]


async def test_allow_list_setting_narrows_it(settings: Settings):
    narrow = dataclasses.replace(settings, allowed_upload_types=("application/pdf", "text/html"))
    running = await start_server(narrow)
    try:
        anne = await api_login(running.url, "anne")
        _, widget_id = await _library(anne)
        assert (await _upload(anne, widget_id, "a.pdf", PDF_BYTES)).status_code == 201
        assert (await _upload(anne, widget_id, "a.png", PNG_BYTES)).status_code == 415
        assert (await _upload(anne, widget_id, "a.html", HTML)).status_code == 415  # never
        await anne.aclose()
    finally:
        await stop_server(running)


async def test_a_path_as_file_name_is_only_a_name(server: RunningServer, login):
    anne = await login("anne")
    _, widget_id = await _library(anne)
    settings = server.runtime.settings
    file = await _uploaded(anne, widget_id, "../../etc/passwd", b"root:x:0:0\n")
    assert file["name"] == "passwd"
    windows = await _uploaded(anne, widget_id, "..\\..\\boot.ini", b"[boot]\n")
    assert windows["name"] == "boot.ini"
    async with server.runtime.db.read() as session:
        keys = set(await session.scalars(select(LibraryFile.storage_key)))
    on_disk = _stored_on_disk(settings)
    assert {p.name for p in on_disk} == keys
    for path in on_disk:
        assert re.fullmatch(r"[0-9a-f]{32}", path.name)
        assert path.resolve().is_relative_to(settings.media_dir.resolve())
    assert not (settings.var_dir / "etc").exists()
    assert not list(settings.var_dir.rglob("passwd"))
    download = await anne.get(file["download_url"])
    assert 'filename="passwd"' in download.headers["content-disposition"]
    rename = await anne.post(
        _cmd(widget_id, "item.rename"), json={"file_id": file["id"], "name": "../x"}
    )
    assert rename.status_code == 400


# --- Limits ----------------------------------------------------------------------------------


async def test_size_limit(settings: Settings):
    small = dataclasses.replace(settings, max_upload_bytes=100_000)
    running = await start_server(small)
    try:
        anne = await api_login(running.url, "anne")
        _, widget_id = await _library(anne)
        # over the limit while streaming (the declared size is within 4 files' worth)
        response = await _upload(anne, widget_id, "big.txt", b"a" * 150_000)
        assert response.status_code == 413 and response.json()["error"] == "too_large"
        # refused from the declared size, before the body is read
        response = await _upload(anne, widget_id, "huge.txt", b"a" * 600_000)
        assert response.status_code == 413 and response.json()["error"] == "too_large"
        assert (await _upload(anne, widget_id, "ok.txt", b"a" * 100_000)).status_code == 201
        await anne.aclose()
        assert not _temp_files(small)
        assert len(_stored_on_disk(small)) == 1
        async with running.runtime.db.read() as session:
            assert await session.scalar(select(func.count()).select_from(StoredFile)) == 1
            assert await session.scalar(select(func.count()).select_from(LibraryFile)) == 1
    finally:
        await stop_server(running)


async def test_space_quota(settings: Settings):
    tight = dataclasses.replace(settings, space_quota_bytes=50_000)
    running = await start_server(tight)
    try:
        anne = await api_login(running.url, "anne")
        _, widget_id = await _library(anne)
        assert (await _upload(anne, widget_id, "one.txt", b"a" * 30_000)).status_code == 201
        # the declared size fits, the real one does not
        response = await _upload(anne, widget_id, "two.txt", b"b" * 30_000)
        assert response.status_code == 413 and response.json()["error"] == "quota_exceeded"
        # the declared size alone is too much: refused before reading
        response = await _upload(anne, widget_id, "three.txt", b"c" * 90_000)
        assert response.status_code == 413 and response.json()["error"] == "quota_exceeded"
        await anne.aclose()
        assert len(_stored_on_disk(tight)) == 1 and not _temp_files(tight)
        async with running.runtime.db.read() as session:
            assert await session.scalar(select(func.count()).select_from(StoredFile)) == 1
    finally:
        await stop_server(running)


# --- Downloads: every role -------------------------------------------------------------------


async def test_download_permission_for_every_role(server: RunningServer, login):
    anne = await login("anne")
    page_id, widget_id = await _library(anne)
    file = await _uploaded(anne, widget_id, "plan.pdf", PDF_BYTES)
    url = file["download_url"]

    async def status(username: str | None, target: str = url) -> int:
        if username is None:
            async with httpx.AsyncClient(base_url=server.url) as anonymous:
                return (await anonymous.get(target)).status_code
        return (await (await login(username)).get(target)).status_code

    private = {role: await status(user) for role, user in ROLE_USERS.items()}
    assert private == {
        "teacher_admin": 200,
        "teacher_member": 200,
        "pupil_admin": 200,
        "pupil_member": 200,
        "visitor": 200,
        "outsider": 404,
        "anonymous": 404,
    }
    published = await anne.post(
        f"/api/v1/spaces/1/pages/{page_id}/publish", json={"public": True, "confirm": True}
    )
    assert published.status_code == 200
    assert {role: await status(user) for role, user in ROLE_USERS.items()} == dict.fromkeys(
        ROLE_USERS, 200
    )
    assert await status(None, f"/spaces/2/files/{file['id']}/download") == 404  # wrong space
    assert await status("anne", f"/spaces/1/files/{file['id'] + 999}/download") == 404

    # in the trash: gone for everyone, the public included
    await _run(anne, widget_id, "item.delete", file_id=file["id"])
    assert await status(None) == 404 and await status("anne") == 404

    # Teachers' room: teachers only; pupils and visitors are told it does not exist
    _, teachers = await _library(anne, room="teachers")
    secret = await _uploaded(anne, teachers, "marks.csv", b"lea,12\n")
    expected = {"anne": 200, "tina": 200, "pia": 404, "lea": 404, "paul": 404, "nss-fr": 404}
    for username, code in expected.items():
        assert await status(username, secret["download_url"]) == code, username


# --- Trash, purge, removing the application --------------------------------------------------


async def test_trash_purge_and_removal_leave_no_orphans(server: RunningServer, login):
    anne = await login("anne")
    _, widget_id = await _library(anne)
    settings, db, storage = server.runtime.settings, server.runtime.db, server.runtime.storage
    folder = (await _run(anne, widget_id, "folder.create", name="Old"))["folder"]
    in_folder = await _uploaded(anne, widget_id, "old.txt", b"old\n", folder_id=folder["id"])
    loose = await _uploaded(anne, widget_id, "loose.pdf", PDF_BYTES)
    kept = await _uploaded(anne, widget_id, "kept.png", PNG_BYTES)
    assert len(_stored_on_disk(settings)) == 3

    await _run(anne, widget_id, "item.delete", file_id=loose["id"])
    await _run(anne, widget_id, "item.delete", folder_id=folder["id"])
    trash = await _run(anne, widget_id, "trash.list")
    assert {(i["item_type"], i["id"]) for i in trash["items"]} == {
        ("file", loose["id"]),
        ("folder", folder["id"]),
    }
    assert (await anne.get(in_folder["download_url"])).status_code == 404  # its folder is gone
    listed = await _run(anne, widget_id, "list")
    assert [f["name"] for f in listed["files"]] == ["kept.png"] and listed["folders"] == []
    await _run(anne, widget_id, "item.restore", file_id=loose["id"])
    assert (await anne.get(loose["download_url"])).status_code == 200
    await _run(anne, widget_id, "item.delete", file_id=loose["id"])

    assert await purge_trash(db, storage) == 0  # not 30 days yet
    assert len(_stored_on_disk(settings)) == 3
    long_ago = utcnow() - timedelta(days=31)
    async with db.unit_of_work() as uow:
        for model in (LibraryFile, LibraryFolder):
            await uow.session.execute(
                update(model).where(model.deleted_at.is_not(None)).values(deleted_at=long_ago)
            )
    assert await purge_trash(db, storage) == 2  # the loose file and the one in the folder
    assert await _count(server, LibraryFolder, LibraryFolder.widget_id == widget_id) == 0
    async with db.read() as session:
        keys = set(await session.scalars(select(StoredFile.key)))
    assert keys == {p.name for p in _stored_on_disk(settings)}
    assert len(keys) == 1

    removed = await anne.delete(f"/api/v1/spaces/1/widgets/{widget_id}")
    assert removed.status_code == 200, removed.text
    assert await _count(server, StoredFile) == 0
    assert await _count(server, LibraryFile) == 0
    assert await sweep_orphans(db, storage, min_age_seconds=0) == 1  # the daily sweep
    assert _stored_on_disk(settings) == [] and not _temp_files(settings)
    assert kept["id"]


# --- Streaming: memory stays flat ------------------------------------------------------------


def _memory(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    return {
        key: int(re.search(rf"^{key}:\s+(\d+) kB", status, re.M).group(1)) * 1024
        for key in ("VmHWM", "VmRSS")
    }


def _server_pid(port: int) -> int:
    wanted = ["serve", "--port", str(port)]
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().decode().split("\0")
        except OSError:
            continue
        if "twinspace.cli" in argv and all(w in argv for w in wanted):
            return int(entry.name)
    raise AssertionError("server process not found")


async def test_streaming_200_mb_keeps_memory_flat(spawn_server, settings: Settings):
    size = 200 * 1024 * 1024
    url = spawn_server(TWINSPACE_MAX_UPLOAD_BYTES=str(size + 1024 * 1024))
    pid = _server_pid(int(url.rsplit(":", 1)[1]))
    anne = await api_login(url, "anne")
    anne.timeout = httpx.Timeout(300)
    try:
        _, widget_id = await _library(anne)
        assert (await _upload(anne, widget_id, "warm-up.txt", b"x" * 500_000)).status_code == 201
        before = _memory(pid)

        boundary = secrets.token_hex(12)
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        tail = f"\r\n--{boundary}--\r\n".encode()
        line = b"Les eleves mesurent le fleuve chaque semaine, 12.5 cm; 13.0 cm.\n"
        block = line * (1024 * 1024 // len(line)) + b"x" * (1024 * 1024 % len(line))

        async def body():
            yield head
            for _ in range(size // len(block)):
                yield block
            yield tail

        peak = before["VmRSS"]
        sampling = True

        async def sample() -> None:  # the peak high-water mark may predate the upload
            nonlocal peak
            while sampling:
                peak = max(peak, _memory(pid)["VmRSS"])
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        started = time.monotonic()
        try:
            response = await anne.post(
                _upload_url(widget_id),
                content=body(),
                headers={
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Content-Length": str(len(head) + size + len(tail)),
                    **JSON,
                },
            )
        finally:
            sampling = False
            await sampler
        seconds = time.monotonic() - started
        assert response.status_code == 201, response.text
        after = _memory(pid)
        peak = max(peak, after["VmRSS"])
        file = response.json()["file"]
        assert file["size"] == size and file["mime"] == "text/plain"
        growth = peak - before["VmRSS"]
        print(
            f"\nstreaming 200 MB in {seconds:.1f} s: RSS {before['VmRSS'] / 2**20:.1f} MB before, "
            f"{peak / 2**20:.1f} MB at most during the upload (growth {growth / 2**20:.1f} MB), "
            f"{after['VmRSS'] / 2**20:.1f} MB after; high-water mark "
            f"{before['VmHWM'] / 2**20:.1f} -> {after['VmHWM'] / 2**20:.1f} MB"
        )
        assert growth < 30 * 1024 * 1024
        assert after["VmHWM"] - before["VmHWM"] < 30 * 1024 * 1024
        stored = [p for p in (settings.var_dir / "media").glob("??/*") if p.stat().st_size == size]
        assert len(stored) == 1
    finally:
        await anne.aclose()


async def test_socket_commands_and_catch_up_forget_trashed_names(
    server: RunningServer, login, connect_as
):
    anne = await login("anne")
    page_id, widget_id = await _library(anne)
    kept = await _uploaded(anne, widget_id, "kept.txt", b"kept\n")
    gone = await _uploaded(anne, widget_id, "diary-of-lea.txt", b"secret\n")
    await _run(anne, widget_id, "item.rename", file_id=gone["id"], name="lea-diary.txt")
    await _run(anne, widget_id, "item.delete", file_id=gone["id"])

    tom = await _joined(connect_as, "tom", page_id)
    ack = await tom.call(
        "tool", {"space_id": 1, "widget_id": widget_id, "command": "list", "folder_id": None}
    )
    assert ack["ok"] and [f["name"] for f in ack["files"]] == ["kept.txt"]
    refused = await tom.call(
        "tool", {"space_id": 1, "widget_id": widget_id, "command": "folder.create", "name": "x"}
    )
    assert refused["ok"] is False and refused["error"] == "forbidden"

    caught = await tom.call("catchup", {"room": f"space:1:page:{page_id}", "after": 0})
    assert caught["ok"]
    text = json.dumps(caught["events"])
    assert "diary" not in text and "kept.txt" in text
    types = [e["type"] for e in caught["events"]]
    assert types.count("library.file_added") == 1 and "library.item_deleted" in types
    assert kept["id"]
