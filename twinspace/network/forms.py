"""Checking what people type into network forms, with one message per field."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from twinspace.errors import Invalid
from twinspace.i18n import N_


class FormInvalid(Invalid):
    """Several fields are wrong; ``fields`` maps a field to an English msgid (translated when
    shown). When every problem is a duplicate, it is a conflict (409)."""

    def __init__(self, fields: dict[str, str], *, conflict: bool = False) -> None:
        super().__init__(N_("Some fields need your attention."))
        self.fields = fields
        if conflict:
            self.code, self.status = "conflict", 409

    def translated(self, gettext: Callable[[str], str]) -> dict[str, str]:
        return {name: gettext(message) for name, message in self.fields.items()}


class Fields:
    """Collects clean values and field errors from a JSON body or a form."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] = {}

    def has(self, name: str) -> bool:
        return name in self.data

    def text(self, name: str, *, max_length: int, required: bool = True, multiline: bool = False):
        raw = self.data.get(name, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            self.errors[name] = N_("This must be text.")
            return None
        value = raw.replace("\r\n", "\n").strip()
        if not multiline:
            value = " ".join(value.split())
        if any(ord(c) < 32 and c not in "\n\t" for c in value):
            self.errors[name] = N_("This contains characters that are not allowed.")
        elif required and not value:
            self.errors[name] = N_("This field is required.")
        elif len(value) > max_length:
            self.errors[name] = N_("This is too long.")
        else:
            self.values[name] = value
        return self.values.get(name)

    def integer(self, name: str, *, low: int, high: int, required: bool = True):
        raw = self.data.get(name)
        if raw in (None, "") and not required:
            self.values[name] = None
            return None
        if isinstance(raw, bool):
            raw = None
        try:
            value = int(str(raw).strip()) if raw is not None else None
        except ValueError:
            value = None
        if value is None:
            self.errors[name] = N_("Enter a whole number.")
        elif not low <= value <= high:
            self.errors[name] = N_("Enter a number in the allowed range.")
        else:
            self.values[name] = value
        return self.values.get(name)

    def choices(
        self, name: str, allowed: Collection[str], *, required: bool = True, max_items: int = 12
    ):
        raw = self.data.get(name, [])
        if hasattr(self.data, "getlist"):  # an HTML form: one value per checked box
            raw = self.data.getlist(name)
        if isinstance(raw, str):
            raw = [part.strip() for part in raw.split(",") if part.strip()]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            self.errors[name] = N_("Choose from the list.")
            return None
        values = list(dict.fromkeys(raw))
        if any(v not in allowed for v in values):
            self.errors[name] = N_("Choose from the list.")
        elif required and not values:
            self.errors[name] = N_("Choose at least one.")
        elif len(values) > max_items:
            self.errors[name] = N_("Choose fewer.")
        else:
            self.values[name] = values
        return self.values.get(name)

    def age_range(self, low_name: str = "age_min", high_name: str = "age_max") -> None:
        low = self.integer(low_name, low=3, high=20)
        high = self.integer(high_name, low=3, high=20)
        if low is not None and high is not None and low > high:
            self.errors[high_name] = N_("The upper age must not be below the lower one.")

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors)
