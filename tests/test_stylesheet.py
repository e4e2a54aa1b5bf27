"""The one stylesheet stays well-formed when feature sections are merged into it: an
unclosed block (a lost "}" in a merge) silently disables every rule after it."""

from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[1] / "frontend" / "static" / "css" / "app.css"


def test_blocks_balance_and_sections_start_at_top_level() -> None:
    text = re.sub(
        r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), CSS.read_text(), flags=re.S
    )
    depth = 0
    for number, line in enumerate(text.splitlines(), 1):
        depth += line.count("{") - line.count("}")
        assert depth >= 0, f"app.css line {number}: '}}' without a block"
    assert depth == 0, "app.css: a block is never closed"
    raw = CSS.read_text().splitlines()
    depth = 0
    for number, line in enumerate(raw, 1):
        if line.startswith("/* =="):
            assert depth == 0, f"app.css line {number}: a section starts inside an open block"
        stripped = re.sub(r"/\*.*?\*/", "", line)
        depth += stripped.count("{") - stripped.count("}")
