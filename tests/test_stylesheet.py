"""The stylesheet is appended to by every feature: an unclosed block would silently swallow
every rule after it (a merged @media block once hid the print styles of the pupil slips)."""

from __future__ import annotations

import re

from twinspace.settings import FRONTEND_DIR


def test_every_css_block_is_closed_where_it_opens():
    css = (FRONTEND_DIR / "static" / "css" / "app.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)  # comments
    css = re.sub(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'', '""', css)  # strings
    depth = 0
    for number, line in enumerate(css.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"app.css line {number} closes a block that is not open"
        if line.startswith(("@media", ".", "#", "*", ":root", "html", "body")) and "{" in line:
            assert depth - (line.count("{") - line.count("}")) == 0, (
                f"app.css line {number} starts a top-level rule inside an unclosed block"
            )
    assert depth == 0
