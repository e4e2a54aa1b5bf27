"""What an uploaded file really is, from its bytes only (never its name or the type the
browser declared), and whether the Document library accepts it.

Only types that no browser runs as a page of ours are accepted; HTML, SVG, scripts,
executables and anything unknown are refused. A file that starts like an image or a PDF
but carries HTML within its first bytes (a polyglot) is refused too; whatever is accepted
is stored with its sniffed type and always downloaded as an attachment with nosniff.
"""

from __future__ import annotations

import codecs
import logging
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path

import filetype

from twinspace.errors import DomainError
from twinspace.i18n import N_

log = logging.getLogger(__name__)
HEAD = 8192  # what the signature checks look at
CHUNK = 64 * 1024
XML_MAX = 1024 * 1024  # the largest [Content_Types].xml or mimetype member we read

PDF = "application/pdf"
PNG, JPEG, GIF, WEBP = "image/png", "image/jpeg", "image/gif", "image/webp"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
MP3, MP4 = "audio/mpeg", "video/mp4"
TEXT = "text/plain"

# mime -> (kind, label): the kind is a language-neutral slug, the label a msgid
KNOWN_TYPES: dict[str, tuple[str, str]] = {
    PDF: ("pdf", N_("PDF document")),
    PNG: ("image", N_("PNG image")),
    JPEG: ("image", N_("JPEG image")),
    GIF: ("image", N_("GIF image")),
    WEBP: ("image", N_("WebP image")),
    ODT: ("document", N_("OpenDocument text")),
    DOCX: ("document", N_("Word document")),
    ODS: ("spreadsheet", N_("OpenDocument spreadsheet")),
    XLSX: ("spreadsheet", N_("Excel spreadsheet")),
    ODP: ("presentation", N_("OpenDocument presentation")),
    PPTX: ("presentation", N_("PowerPoint presentation")),
    MP3: ("audio", N_("MP3 audio")),
    MP4: ("video", N_("MP4 video")),
    TEXT: ("text", N_("Text file")),
}
ALLOWED_TYPES: frozenset[str] = frozenset(KNOWN_TYPES)  # the built-in allow-list

_ODF = {ODT, ODS, ODP}
_OOXML_MAIN = {  # the content type of the main part, in [Content_Types].xml
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}
_ZIP_GUESSES = {"application/zip", ODT, ODS, ODP, DOCX, XLSX, PPTX}
_SIMPLE = {PDF, PNG, JPEG, GIF, WEBP, MP3, MP4}
# Markup a browser could run if it ever took the file for HTML or SVG. In text any tag
# counts; in binary files only long, unmistakable ones (short ones occur by chance).
_MARKUP_TEXT = re.compile(
    rb"<(?:!doctype|html|head|body|script|svg|iframe|frame|frameset|object|embed|meta|link"
    rb"|style|img|a|form|base|math|\?xml|xsl|template|title)[\s/>:]",
    re.IGNORECASE,
)
_MARKUP_BINARY = re.compile(
    rb"<(?:!doctype|html|head|body|script|svg|iframe|object|embed|meta)[\s/>:]",
    re.IGNORECASE,
)
_SCRIPT_START = re.compile(
    rb"^\s*(?:#!|<\?php|<%|@echo|(?:function|var|let|const|import)\s|\(function|"
    rb"[\"']use strict[\"'])"
)


class UnsupportedType(DomainError):
    code, status = "unsupported_type", 415


def _refuse() -> UnsupportedType:
    return UnsupportedType(
        N_(
            "This type of file cannot be shared here. Send a PDF, a picture (PNG, JPEG, GIF, "
            "WebP), an office document, an MP3, an MP4 or a plain text file."
        )
    )


def allowed_types(configured: Iterable[str] = ()) -> frozenset[str]:
    """The allow-list in force: a setting may narrow the built-in one, never widen it
    (a type we cannot check safely, such as text/html, is ignored)."""
    wanted = {t.strip().lower() for t in configured if t.strip()}
    if not wanted:
        return ALLOWED_TYPES
    unknown = wanted - ALLOWED_TYPES
    if unknown:
        log.warning("ignoring upload types that cannot be accepted safely: %s", sorted(unknown))
    return frozenset(wanted & ALLOWED_TYPES)


def type_of(mime: str) -> tuple[str, str]:
    return KNOWN_TYPES.get(mime, ("other", N_("File")))


def _zip_type(path: Path) -> str | None:
    """An OpenDocument or Office Open XML file, from the zip's own description of itself."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 200:
                    with archive.open(info) as member:
                        mime = member.read(200).decode("ascii", "replace").strip()
                    return mime if mime in _ODF else None
            if "[Content_Types].xml" in names:
                info = archive.getinfo("[Content_Types].xml")
                if info.file_size > XML_MAX:
                    return None
                with archive.open(info) as member:
                    xml = member.read(XML_MAX).decode("utf-8", "replace")
                found = {
                    mime
                    for main, mime in _OOXML_MAIN.items()
                    if f'ContentType="{main}"' in xml or f"ContentType='{main}'" in xml
                }
                return found.pop() if len(found) == 1 else None
    except (zipfile.BadZipFile, OSError, EOFError, KeyError, RuntimeError, ValueError):
        return None
    return None


def _is_text(path: Path, head: bytes) -> bool:
    """Valid UTF-8 without NUL bytes, that does not look like markup or a script."""
    if _SCRIPT_START.search(head.removeprefix(codecs.BOM_UTF8)):
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    tail = b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                if b"\x00" in chunk or _MARKUP_TEXT.search(tail + chunk):
                    return False
                decoder.decode(chunk)
                tail = chunk[-32:]
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff(path: Path, allowed: frozenset[str] = ALLOWED_TYPES) -> str:
    """The MIME type of the file at ``path``, from its bytes; UnsupportedType otherwise.
    Reads the whole file only for plain text (streamed, never held in memory)."""
    with path.open("rb") as handle:
        head = handle.read(HEAD)
    if not head:
        raise _refuse()
    guessed = filetype.guess_mime(head)
    mime: str | None
    if guessed in _ZIP_GUESSES or head.startswith(b"PK\x03\x04"):
        mime = _zip_type(path) if head.startswith(b"PK\x03\x04") else None
    elif guessed in _SIMPLE:
        # a polyglot: a real image, PDF or media file has no HTML in its first bytes
        mime = None if _MARKUP_BINARY.search(head) else guessed
    elif guessed is None:
        mime = TEXT if _is_text(path, head) else None
    else:
        mime = None  # executables, archives, fonts, SVG…: never
    if mime is None or mime not in allowed:
        raise _refuse()
    return mime
