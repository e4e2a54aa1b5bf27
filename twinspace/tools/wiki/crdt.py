"""The wiki's document with pycrdt: the browser's editor (Quill through y-quill) keeps the
text in a Y.Text named ``text``; formatting travels as attributes (Quill's delta).

Everything here is pure: bytes in, bytes or values out, no database."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from pycrdt import Doc, Text

TEXT = "text"  # the Y.Text the browser binds (frontend/src/wiki.js uses the same name)
Delta = list[tuple[Any, dict[str, Any] | None]]


class BadUpdate(ValueError):
    """Bytes that are not a CRDT update."""


def _text(doc: Doc) -> Text:
    return doc.get(TEXT, type=Text)


def load(parts: Iterable[bytes]) -> Doc:
    """A document from its snapshot and the updates after it (empty parts are skipped)."""
    doc: Doc = Doc()
    for part in parts:
        if part:
            doc.apply_update(part)
    _text(doc)
    return doc


def check_update(data: bytes) -> None:
    """Raise BadUpdate unless ``data`` decodes as an update (applied to a scratch document)."""
    try:
        Doc().apply_update(data)
    except BaseException as err:  # pycrdt raises ValueError; a panic in yrs is a BaseException
        if isinstance(err, KeyboardInterrupt | SystemExit):
            raise
        raise BadUpdate(str(err)) from None


def state_vector(doc: Doc) -> bytes:
    return doc.get_state()


def diff(doc: Doc, vector: bytes | None) -> bytes:
    """What a peer with state vector ``vector`` lacks (everything when None)."""
    try:
        return doc.get_update(vector) if vector else doc.get_update()
    except BaseException as err:
        if isinstance(err, KeyboardInterrupt | SystemExit):
            raise
        raise BadUpdate(str(err)) from None


def encode(doc: Doc) -> bytes:
    """The whole document as one update (deleted content garbage-collected)."""
    return doc.get_update()


def plain_text(doc: Doc) -> str:
    return str(_text(doc))


def delta(doc: Doc) -> Delta:
    return _text(doc).diff()


def text_update(text: str) -> bytes:
    """An update that writes plain text into an empty document (a new page's first text)."""
    doc: Doc = Doc()
    body = text if text.endswith("\n") else text + "\n"
    _text(doc).insert(0, body)
    return doc.get_update()


def replace(doc: Doc, content: Delta) -> bytes:
    """Make ``doc`` hold ``content`` (restoring a revision); returns the update that does it,
    which merges with whatever others type meanwhile."""
    before = doc.get_state()
    text = _text(doc)
    with doc.transaction():
        text.clear()
        for value, attrs in content:  # appended at the end: pycrdt counts in UTF-8 bytes
            if isinstance(value, str):
                text.insert(len(text), value, dict(attrs) if attrs else None)
            else:
                text.insert_embed(len(text), value, dict(attrs) if attrs else None)
    return doc.get_update(before)


# --- Awareness (cursors, names, colours): y-protocols' binary encoding ----------------------


def _read_uint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if pos >= len(data) or shift > 63:
            raise BadUpdate("truncated number")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos


def _write_uint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


AwarenessEntry = tuple[int, int, dict[str, Any] | None]  # client id, clock, state (None: gone)


def decode_awareness(data: bytes) -> list[AwarenessEntry]:
    count, pos = _read_uint(data, 0)
    entries: list[AwarenessEntry] = []
    for _ in range(count):
        client, pos = _read_uint(data, pos)
        clock, pos = _read_uint(data, pos)
        length, pos = _read_uint(data, pos)
        raw = data[pos : pos + length]
        if len(raw) != length:
            raise BadUpdate("truncated state")
        pos += length
        try:
            state = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BadUpdate("state is not JSON") from None
        if state is not None and not isinstance(state, dict):
            raise BadUpdate("state is not an object")
        entries.append((client, clock, state))
    if pos != len(data):
        raise BadUpdate("trailing bytes")
    return entries


def encode_awareness(entries: list[AwarenessEntry]) -> bytes:
    out = bytearray(_write_uint(len(entries)))
    for client, clock, state in entries:
        raw = json.dumps(state, separators=(",", ":")).encode("utf-8")
        out += _write_uint(client) + _write_uint(clock) + _write_uint(len(raw)) + raw
    return bytes(out)
