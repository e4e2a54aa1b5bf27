"""Rich text from users, sanitised on the server with nh3 (an allow-list of tags and
attributes). Links get rel="noopener nofollow"; nothing that can run a script survives."""

from __future__ import annotations

import nh3
from markupsafe import Markup

TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "hr",
    "span",
    "sub",
    "sup",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "figure",
    "figcaption",
    "img",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "span": {"lang"},
    "p": {"lang"},
}
URL_SCHEMES = {"http", "https", "mailto"}
RICH_TEXT_MAX = 100_000


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener nofollow",
        strip_comments=True,
    )


def as_markup(clean_html: str) -> Markup:
    """Mark stored, already sanitised HTML safe for templates (sanitised again on the way out)."""
    return Markup(sanitize(clean_html))  # noqa: S704 - sanitised by nh3 just above
