"""Receiving an upload: the multipart body is streamed to a temporary file as it arrives
(never held in memory), stopped with 413 as soon as it is larger than allowed, and the
temporary file is removed whatever happens unless the caller keeps it."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from twinspace.errors import DomainError, Invalid
from twinspace.i18n import N_

NAME_MAX = 200
FIELD_MAX = 4096


class TooLarge(DomainError):
    code, status = "too_large", 413


@dataclass
class Upload:
    path: Path  # a temporary file; removed on exit unless moved away
    filename: str  # for display only, never a path
    size: int = 0
    fields: dict[str, str] = field(default_factory=dict)


def clean_filename(raw: str) -> str:
    """A display name: no folders, no control characters, reasonable length."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C"
    )
    name = name.strip().lstrip(".") or "file"
    return name[:NAME_MAX]


@asynccontextmanager
async def receive_upload(request: Request, temp_dir: Path, max_bytes: int) -> AsyncIterator[Upload]:
    """Stream the request's single file part to ``temp_dir``; yields the Upload."""
    async with receive_uploads(request, temp_dir, max_bytes) as uploads:
        yield uploads[0]


@asynccontextmanager
async def receive_uploads(
    request: Request,
    temp_dir: Path,
    max_bytes: int,
    *,
    max_files: int = 1,
    max_total: int | None = None,
    before_file: Callable[[dict[str, str]], None] | None = None,
) -> AsyncIterator[list[Upload]]:
    """Stream up to ``max_files`` file parts to temporary files in ``temp_dir``; each is at
    most ``max_bytes``, all together at most ``max_total`` (default ``max_bytes``).
    ``before_file(fields)`` runs before the first byte of each file is written, with the
    form fields received so far (a CSRF token sent first, for example); it may raise.
    Every Upload shares one ``fields`` dict. All temporary files are removed on exit
    (those the caller moved away are already gone)."""
    total_max = max_bytes if max_total is None else max_total
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise Invalid(N_("Send the file as multipart/form-data."))
    declared = request.headers.get("content-length")
    if declared and declared.isdecimal() and int(declared) > total_max + 64 * 1024:
        raise TooLarge(N_("This file is larger than allowed."), max_bytes=max_bytes)
    fields: dict[str, str] = {}
    uploads: list[Upload] = []
    handles: list[BinaryIO] = []
    state: dict[str, object] = {
        "header_field": b"",
        "headers": {},
        "file": None,
        "field": "",
        "value": b"",
    }
    received = 0

    def on_part_begin() -> None:
        state.update(headers={}, file=None, field="", value=b"")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["header_field"] = bytes(state["header_field"]) + data[start:end]  # type: ignore[arg-type]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        headers = state["headers"]
        assert isinstance(headers, dict)
        key = bytes(state["header_field"]).lower()  # type: ignore[arg-type]
        headers[key] = headers.get(key, b"") + data[start:end]

    def on_header_end() -> None:
        state["header_field"] = b""

    def on_headers_finished() -> None:
        headers = state["headers"]
        assert isinstance(headers, dict)
        _, disposition = parse_options_header(headers.get(b"content-disposition", b""))
        state["field"] = disposition.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in disposition:
            if len(uploads) >= max_files:
                if max_files == 1:
                    raise Invalid(N_("Send one file per request."))
                raise Invalid(N_("Too many files at once."))
            if before_file is not None:
                before_file(fields)
            fd, name = tempfile.mkstemp(dir=temp_dir, prefix="up-")
            upload = Upload(path=Path(name), filename="file", fields=fields)
            uploads.append(upload)
            handles.append(os.fdopen(fd, "wb"))
            upload.filename = clean_filename(disposition[b"filename"].decode("utf-8", "replace"))
            state["file"] = upload

    def on_part_data(data: bytes, start: int, end: int) -> None:
        nonlocal received
        chunk = data[start:end]
        upload = state["file"]
        if isinstance(upload, Upload):
            upload.size += len(chunk)
            received += len(chunk)
            if upload.size > max_bytes or received > total_max:
                raise TooLarge(N_("This file is larger than allowed."), max_bytes=max_bytes)
            handles[-1].write(chunk)
        else:
            value = bytes(state["value"]) + chunk  # type: ignore[arg-type]
            if len(value) > FIELD_MAX:
                raise Invalid(N_("A form field is too long."))
            state["value"] = value

    def on_part_end() -> None:
        if state["file"] is None and state["field"]:
            fields[str(state["field"])] = bytes(state["value"]).decode("utf-8", "replace")  # type: ignore[arg-type]

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        try:
            async for chunk in request.stream():
                parser.write(chunk)
            parser.finalize()
        except ClientDisconnect:
            raise Invalid(N_("The upload was cancelled.")) from None
        except DomainError:
            raise
        except Exception:
            raise Invalid(N_("The upload could not be read.")) from None
        finally:
            for handle in handles:
                handle.close()
        if not uploads:
            raise Invalid(N_("No file was sent."))
        yield uploads
    finally:
        for upload in uploads:
            upload.path.unlink(missing_ok=True)  # moved away already when it was kept
