"""A wiki document shown as HTML without JavaScript, and two versions compared.

The document is Quill's delta (text with attributes; a line's format sits on its newline).
Only known formats become tags, every text is escaped, links keep safe schemes only, and the
result goes through the same nh3 allow-list as every rich text (twinspace.richtext)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from markupsafe import Markup, escape

from twinspace.richtext import sanitize
from twinspace.tools.wiki.crdt import Delta

WIKI_LINK = re.compile(r"\[\[([^\[\]\n]{1,200})\]\]")
SAFE_URL = re.compile(r"^(https?://|mailto:)", re.I)
INLINE = (  # attribute, tag; applied innermost first
    ("code", "code"),
    ("bold", "strong"),
    ("italic", "em"),
    ("underline", "u"),
    ("strike", "s"),
)
HEADERS = {1: "h2", 2: "h3", 3: "h4"}  # the page title is the h1
LinkFor = Callable[[str], str | None]  # a wiki page title -> its address, if it exists


def _inline(text: str, attrs: dict[str, Any], link_for: LinkFor) -> str:
    parts: list[str] = []
    last = 0
    for match in WIKI_LINK.finditer(text):
        parts.append(str(escape(text[last : match.start()])))
        title = match.group(1).strip()
        url = link_for(title)
        if url:
            parts.append(f'<a href="{escape(url)}">{escape(title)}</a>')
        else:
            parts.append(str(escape(match.group(0))))
        last = match.end()
    parts.append(str(escape(text[last:])))
    html = "".join(parts)
    for attribute, tag in INLINE:
        if attrs.get(attribute):
            html = f"<{tag}>{html}</{tag}>"
    script = attrs.get("script")
    if script in ("sub", "super"):
        tag = "sub" if script == "sub" else "sup"
        html = f"<{tag}>{html}</{tag}>"
    link = attrs.get("link")
    if isinstance(link, str) and SAFE_URL.match(link.strip()):
        html = f'<a href="{escape(link.strip())}">{html}</a>'
    return html


def _lines(content: Delta, link_for: LinkFor) -> list[tuple[str, dict[str, Any]]]:
    """(inline HTML, the line's attributes) for every line."""
    lines: list[tuple[str, dict[str, Any]]] = []
    current: list[str] = []
    for value, attrs in content:
        attrs = attrs or {}
        if not isinstance(value, str):
            continue  # embeds (images, formulas) are not part of the wiki's formats
        pieces = value.split("\n")
        for index, piece in enumerate(pieces):
            if piece:
                current.append(_inline(piece, attrs, link_for))
            if index < len(pieces) - 1:  # a newline ends the line, carrying its format
                lines.append(("".join(current), attrs))
                current = []
    if current:
        lines.append(("".join(current), {}))
    return lines


def _block(attrs: dict[str, Any]) -> str:
    if attrs.get("code-block"):
        return "code"
    if attrs.get("blockquote"):
        return "quote"
    if attrs.get("list") in ("ordered", "bullet", "checked", "unchecked"):
        return "ol" if attrs["list"] == "ordered" else "ul"
    return "p"


def to_html(content: Delta, link_for: LinkFor = lambda title: None) -> Markup:
    out: list[str] = []
    lines = _lines(content, link_for)
    index = 0
    while index < len(lines):
        html, attrs = lines[index]
        kind = _block(attrs)
        group = [lines[index]]
        while (
            kind != "p"
            and index + len(group) < len(lines)
            and _block(lines[index + len(group)][1]) == kind
        ):
            group.append(lines[index + len(group)])
        index += len(group)
        if kind == "code":
            out.append("<pre><code>" + "\n".join(h for h, _ in group) + "</code></pre>")
        elif kind == "quote":
            out.append("<blockquote>" + "".join(f"<p>{h}</p>" for h, _ in group) + "</blockquote>")
        elif kind in ("ol", "ul"):
            items = []
            for h, a in group:
                mark = {"checked": "☑ ", "unchecked": "☐ "}.get(a.get("list"), "")
                items.append(f"<li>{mark}{h}</li>")
            out.append(f"<{kind}>{''.join(items)}</{kind}>")
        else:
            header = attrs.get("header")
            tag = HEADERS.get(int(header), "p") if isinstance(header, int | float) else "p"
            out.append(f"<{tag}>{html or '<br>'}</{tag}>")
    return Markup(sanitize("".join(out)))  # noqa: S704 - escaped above, then nh3's allow-list


def links_in(text: str) -> list[str]:
    """The wiki page titles a text links to, in order, once each."""
    seen: dict[str, None] = {}
    for match in WIKI_LINK.finditer(text):
        seen.setdefault(match.group(1).strip(), None)
    return list(seen)


def compare(old: str, new: str) -> list[tuple[str, str]]:
    """Line by line: ("same" | "removed" | "added", line) from ``old`` to ``new``."""
    a, b = old.splitlines(), new.splitlines()
    rows: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows.extend(("same", line) for line in a[i1:i2])
            continue
        rows.extend(("removed", line) for line in a[i1:i2])
        rows.extend(("added", line) for line in b[j1:j2])
    return rows
