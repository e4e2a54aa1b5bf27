"""What any JSON payload from outside may hold, whatever it is for: the one check every HTTP
body and every socket event passes before a handler sees it.

- nesting at most ``MAX_DEPTH`` deep, checked before decoding (Python's decoder recurses:
  a body of 100,000 ``[`` would raise ``RecursionError``, not a clear error);
- numbers an integer column can hold (an id of 30 digits answers "invalid", it does not
  overflow the database driver), finite floats;
- text without NUL (PostgreSQL refuses it) and without lone UTF-16 surrogates (no database
  or encoder takes them), in values and in keys.
"""

from __future__ import annotations

import json
import math
from typing import Any

from twinspace.errors import Invalid
from twinspace.i18n import N_

MAX_DEPTH = 32
INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # what every integer column (SQLite, PostgreSQL) holds


class TooDeep(ValueError):
    """The JSON text nests deeper than ``MAX_DEPTH``."""


def too_deep(text: str | bytes) -> bool:
    """Whether the arrays and objects of a JSON text nest deeper than ``MAX_DEPTH``
    (brackets inside strings do not count)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if text.count("[") + text.count("{") <= MAX_DEPTH:  # the common case, at C speed
        return False
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def loads(text: str | bytes, **options: Any) -> Any:
    """``json.loads`` that refuses (``TooDeep``, a ``ValueError``) a text nested too deep."""
    if too_deep(text):
        raise TooDeep(f"JSON nested deeper than {MAX_DEPTH} levels")
    return json.loads(text, **options)


def _bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"): valid JSON, never valid text
        return True
    return False


def _problem(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return None if INT_MIN <= value <= INT_MAX else N_("This is too large.")
    if isinstance(value, float):
        return None if math.isfinite(value) else N_("This is not a number.")
    if isinstance(value, str) and _bad_text(value):
        return N_("This text holds characters that cannot be stored.")
    return None


def check_payload(value: Any, where: str = "body", depth: int = 0) -> None:
    """Raise ``Invalid`` (HTTP 400, ack ``invalid``) naming the first field that holds a
    number no column can hold, unstorable text, or nesting past ``MAX_DEPTH``."""
    if depth > MAX_DEPTH:
        raise Invalid(N_("The data is nested too deeply."), field=where)
    if isinstance(value, dict):
        for key, item in value.items():
            field = str(key) if where == "body" else where
            if isinstance(key, str) and _bad_text(key):
                raise Invalid(N_("A field name holds characters that cannot be stored."))
            check_payload(item, field, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_payload(item, where, depth + 1)
    else:
        problem = _problem(value)
        if problem is not None:
            message = (
                N_("A number is out of range.")
                if isinstance(value, int | float)
                else N_("A text holds characters that cannot be stored.")
            )
            raise Invalid(message, field=where, fields={where: problem})
