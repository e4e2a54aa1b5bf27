"""Portable search text (lower case, accents folded, LIKE patterns), list fields, pages."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import InstrumentedAttribute

T = TypeVar("T")
PAGE_SIZE = 10
QUERY_MAX = 200


def fold(text: str) -> str:
    """ "Éducation Physique" -> "education physique": the same on SQLite and PostgreSQL."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def words_match(column: InstrumentedAttribute[str], query: str) -> ColumnElement[bool] | None:
    """Every word of ``query`` appears in the folded ``column`` (None: no words)."""
    words = fold(query[:QUERY_MAX]).split()[:8]
    if not words:
        return None
    return and_(*(column.like(f"%{_escape_like(w)}%", escape="\\") for w in words))


def facet(kind: str, value: str) -> str:
    """A token stored in search text so that a filter is one exact LIKE: "|s:science|"."""
    return f"|{kind}:{value}|"


def facet_match(column: InstrumentedAttribute[str], kind: str, value: str) -> ColumnElement[bool]:
    return column.like(f"%{_escape_like(facet(kind, value))}%", escape="\\")


def search_text(parts: Iterable[str], facets: Iterable[tuple[str, str]] = ()) -> str:
    return " ".join(fold(p) for p in parts if p) + " " + "".join(facet(k, v) for k, v in facets)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    page: int
    total: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    def meta(self) -> dict[str, Any]:
        return {"page": self.page, "pages": self.pages, "total": self.total}


def page_number(raw: object) -> int:
    try:
        number = int(str(raw))
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 10_000)
