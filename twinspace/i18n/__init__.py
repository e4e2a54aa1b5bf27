"""Translations: the French and English catalogues, read from their .po files at start-up."""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from twinspace.resources import catalogue

LOCALES = ("en", "fr")
DEFAULT_LOCALE = "en"


def N_(message: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    if locale not in LOCALES:
        return _gettext.NullTranslations()
    mo = catalogue(locale, ".mo")  # compiled into the wheel at build time
    if mo.exists():
        with mo.open("rb") as handle:
            return Translations(fp=handle)
    po = catalogue(locale, ".po")  # a checkout: compiled here, at start-up
    if not po.exists():
        return _gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer)


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
