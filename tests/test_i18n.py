"""Translations: the French catalogue is complete, the .pot matches the code, and the
reader's language (?lang=, the ts_lang cookie, Accept-Language) reaches pages and API errors."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from tests.conftest import RunningServer
from tests.support import api_login

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "twinspace" / "i18n"
POT = I18N / "messages.pot"
FR_PO = I18N / "locales" / "fr" / "LC_MESSAGES" / "messages.po"
EN_PO = I18N / "locales" / "en" / "LC_MESSAGES" / "messages.po"
# The same directories `make messages` skips while walking the tree.
IGNORE_DIRS = ".* __pycache__ node_modules var"

# printf-style placeholders (%(n)s, %s, %d …) and str.format ones ({n}); "%%" is not one.
PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa]|\{[^{}]*\}"
)


def load(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def texts(value: str | tuple[str, ...] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [v for v in value if v is not None]


def placeholders(value: str | tuple[str, ...] | None) -> list[str]:
    return sorted(p for text in texts(value) for p in PLACEHOLDER.findall(text))


def msgids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


# --- the catalogues -------------------------------------------------------------------------


def test_every_french_string_is_translated_with_the_same_placeholders() -> None:
    catalog = load(FR_PO, "fr")
    problems = []
    for message in catalog:
        if not message.id:
            continue  # the header
        label = texts(message.id)[0]
        if message.fuzzy:
            problems.append(f"fuzzy (check it, then remove the flag): {label!r}")
        if not texts(message.string) or not all(s.strip() for s in texts(message.string)):
            problems.append(f"untranslated: {label!r}")
        elif placeholders(message.id) != placeholders(message.string):
            problems.append(
                f"placeholders differ: {label!r} {placeholders(message.id)} "
                f"-> {message.string!r} {placeholders(message.string)}"
            )
    assert not problems, "French catalogue:\n" + "\n".join(problems)
    assert len(msgids(catalog)) > 50


def test_catalogues_hold_every_string_of_the_template() -> None:
    expected = msgids(load(POT))
    for path, locale in ((FR_PO, "fr"), (EN_PO, "en")):
        missing = expected - msgids(load(path, locale))
        assert not missing, f"{path.relative_to(ROOT)} lacks {sorted(missing)}: run `make messages`"


def pybabel() -> list[str]:
    script = Path(sys.executable).parent / "pybabel"
    if script.exists():
        return [str(script)]
    found = shutil.which("pybabel")
    return [found] if found else [sys.executable, "-m", "babel.messages.frontend"]


def test_template_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    """Re-extract like `make messages`: a string added to the code or a template, or one
    removed, fails here until the .pot (and so the catalogues) are regenerated."""
    fresh = tmp_path / "messages.pot"
    result = subprocess.run(
        [
            *pybabel(),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_",
            f"--ignore-dirs={IGNORE_DIRS}",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    extracted, committed = msgids(load(fresh)), msgids(load(POT))
    assert extracted, "nothing was extracted: is babel.cfg right?"
    new, gone = sorted(extracted - committed), sorted(committed - extracted)
    assert not new and not gone, (
        f"twinspace/i18n/messages.pot is out of date (run `make messages`, then translate):\n"
        f"  new strings: {new}\n  strings no longer used: {gone}"
    )


# --- the language of a request --------------------------------------------------------------


def page_lang(response: httpx.Response) -> str:
    match = re.search(r'<html lang="([a-z]+)"', response.text)
    assert match, response.text[:200]
    return match.group(1)


async def test_lang_query_switches_and_the_cookie_remembers_it(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get("/login?lang=fr")
        assert response.status_code == 200
        assert page_lang(response) == "fr"
        assert "<h1>Se connecter</h1>" in response.text
        assert "Mot de passe" in response.text and "Log in" not in response.text
        assert response.cookies.get("ts_lang") == "fr"
        assert "max-age=31536000" in response.headers["set-cookie"].lower()

        again = await client.get("/login")  # no ?lang: the cookie keeps French
        assert page_lang(again) == "fr"
        assert "<h1>Se connecter</h1>" in again.text
        assert "set-cookie" not in again.headers  # already remembered, not set again

        english = await client.get("/login?lang=en")
        assert page_lang(english) == "en"
        assert "<h1>Log in</h1>" in english.text and "Se connecter" not in english.text
        assert client.cookies.get("ts_lang") == "en"

        still = await client.get("/")
        assert page_lang(still) == "en"
        assert "Schools across Europe, working together live" in still.text


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        ("fr-FR,fr;q=0.9", "fr"),
        ("de-DE,fr;q=0.8,en;q=0.5", "fr"),
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        (None, "en"),
    ],
)
async def test_accept_language_sets_the_default(
    server: RunningServer, accept_language: str | None, expected: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language else {}
    async with httpx.AsyncClient(base_url=server.url, headers=headers) as client:
        response = await client.get("/login")
        assert page_lang(response) == expected
        title = {"fr": "<h1>Se connecter</h1>", "en": "<h1>Log in</h1>"}[expected]
        assert title in response.text
        assert "ts_lang" not in response.cookies  # only ?lang= is remembered

        chosen = await client.get("/login?lang=en" if expected == "fr" else "/login?lang=fr")
        assert page_lang(chosen) != expected  # the reader's choice beats the browser's


async def test_space_pages_use_the_etwinning_vocabulary(server: RunningServer) -> None:
    client = await api_login(server.url, "anne")
    try:
        response = await client.get("/spaces/1/chat/general?lang=fr")
        assert response.status_code == 200
        for label in ("Accueil", "Activités du projet", "Espace des enseignants"):
            assert f">{label}</a>" in response.text
        assert ">Coin des élèves</a>" in response.text and ">Chat</a>" in response.text
        assert ">Envoyer</button>" in response.text
        match = re.search(
            r'<script type="application/json" id="i18n">(.*?)</script>', response.text
        )
        assert match, "the chat page hands its strings to the script"
        strings = json.loads(html.unescape(match.group(1)))
        assert strings["newMessages"] == "%(n)s nouveaux messages ↓"  # the script fills %(n)s
        assert "%(n)s" in strings["backMissed"]

        home = await client.get("/spaces/1")
        assert "Enseignant administrateur" in home.text  # anne's role, still French (cookie)
    finally:
        await client.aclose()


async def test_api_errors_are_translated(server: RunningServer) -> None:
    wrong = {"username": "anne", "password": "not-the-password"}
    async with httpx.AsyncClient(base_url=server.url, cookies={"ts_lang": "fr"}) as client:
        response = await client.post("/api/v1/session", json=wrong)
        assert response.status_code == 401
        body = response.json()
        assert body["ok"] is False and body["error"] == "unauthorized"
        assert body["message"] == "Identifiant ou mot de passe incorrect."

        missing = await client.get("/api/v1/no-such-endpoint")
        assert missing.status_code == 404
        assert missing.json()["message"] == "Page introuvable."

    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post("/api/v1/session", json=wrong)
        assert response.status_code == 401
        assert response.json()["message"] == "Wrong username or password."


async def test_login_form_error_is_translated(server: RunningServer) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post(
            "/login?lang=fr", data={"username": "anne", "password": "nope", "next": "/"}
        )
        assert response.status_code == 401
        assert "Identifiant ou mot de passe incorrect." in html.unescape(response.text)
