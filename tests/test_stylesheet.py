"""The stylesheets are appended to by every feature: an unclosed block would silently swallow
every rule after it (a merged @media block once hid the print styles of the pupil slips).
They are split by area (base.css on every page, chat.css, pages.css, … on the pages that link
them, print.css last): each must stand on its own, and every area sheet must be linked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from twinspace.settings import FRONTEND_DIR

CSS_DIR = FRONTEND_DIR / "static" / "css"
SHEETS = sorted(CSS_DIR.glob("*.css"))
TEMPLATES = [
    *(FRONTEND_DIR / "templates").rglob("*.html"),
    *(FRONTEND_DIR.parent / "twinspace").rglob("templates/*.html"),
]


def test_the_stylesheets_are_split_by_area() -> None:
    names = {sheet.name for sheet in SHEETS}
    assert {"base.css", "print.css", "chat.css", "pages.css"} <= names, names
    assert not (CSS_DIR / "app.css").exists(), "app.css was split into base.css and area sheets"


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda path: path.name)
def test_every_css_block_is_closed_where_it_opens(sheet: Path) -> None:
    css = sheet.read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments
    css = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', css)  # strings
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"{sheet.name} line {number} closes a block that is not open"
        if line.startswith(("@media", ".", "#", "*", ":root", "html", "body")) and "{" in line:
            assert depth - (line.count("{") - line.count("}")) == 0, (
                f"{sheet.name} line {number} starts a top-level rule inside an unclosed block"
            )
    assert depth == 0, f"{sheet.name} ends inside an unclosed block"


def test_every_area_sheet_is_linked_by_a_template() -> None:
    """A sheet nobody links is dead weight or, worse, styles a page that lost them."""
    linked = set()
    for template in TEMPLATES:
        linked |= set(re.findall(r"asset\('static/css/([\w-]+\.css)'\)", template.read_text()))
    assert {sheet.name for sheet in SHEETS} == linked
