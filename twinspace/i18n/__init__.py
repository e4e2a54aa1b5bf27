"""Translations: the French and English catalogues (compiled .mo in a wheel, the .po files of a
checkout compiled at start-up), plus plugins' own catalogues as fallbacks."""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from twinspace.resources import catalogue

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"
_EXTRA_DIRS: list[Path] = []  # plugins' own catalogues (<dir>/<locale>/LC_MESSAGES/messages.po)


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def _read(po: Path, locale: str) -> Translations:
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


def _ours(locale: str) -> Translations | None:
    mo = catalogue(locale, ".mo")  # compiled into the wheel at build time
    if mo.exists():
        with mo.open("rb") as handle:
            return Translations(fp=handle)
    po = catalogue(locale, ".po")  # a checkout: compiled here, at start-up
    return _read(po, locale) if po.exists() else None


def add_catalogue_dir(directory: Path) -> None:
    """Add a plugin's own catalogues (``<directory>/<locale>/LC_MESSAGES/messages.po``): its
    strings are translated like ours. Our own catalogue wins where both define a message."""
    if directory not in _EXTRA_DIRS:
        _EXTRA_DIRS.append(directory)
        translations.cache_clear()


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    if locale not in LOCALES:
        return _gettext.NullTranslations()
    found = _ours(locale)
    for directory in _EXTRA_DIRS:
        po = directory / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        if found is None:
            found = _read(po, locale)
        else:  # ours win on a clash; a plugin's message is looked up in its own catalogue
            found.add_fallback(_read(po, locale))
    return found if found is not None else _gettext.NullTranslations()


def gettext_for(locale: str) -> Callable[[str], str]:
    return translations(locale).gettext


def negotiate(query_lang: str | None, cookie_lang: str | None, accept_language: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LOCALES:
            return candidate  # type: ignore[return-value]
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LOCALES:
            return tag
    return DEFAULT_LOCALE
