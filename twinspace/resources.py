"""Where the server finds its templates, static assets and translations.

An installed wheel carries them as package data (``twinspace/_frontend/``, compiled .mo
catalogues), found through ``importlib.resources``; a checkout (``make setup``, an editable
install) has none there and uses the checkout's ``frontend/`` and .po catalogues in place.
This module is the one place that decides (setup.py does the copying at build time).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

CHECKOUT_FRONTEND = Path(__file__).resolve().parent.parent / "frontend"


def _on_disk(resource: object) -> Path:
    # a wheel installs as files, so the package's resources are a real directory
    return Path(str(resource))


@cache
def frontend_dir() -> Path:
    """The folder holding ``templates/`` and ``static/``: the package's own copy when the
    wheel installed one, else the checkout's ``frontend/``."""
    packaged = _on_disk(files("twinspace") / "_frontend")
    if (packaged / "templates").is_dir():
        return packaged
    return CHECKOUT_FRONTEND


def is_packaged() -> bool:
    return frontend_dir() != CHECKOUT_FRONTEND


def catalogue(locale: str, suffix: str) -> Path:
    """``locales/<locale>/LC_MESSAGES/messages<suffix>`` of the i18n package."""
    folder = files("twinspace.i18n") / "locales" / locale / "LC_MESSAGES"
    return _on_disk(folder) / f"messages{suffix}"
