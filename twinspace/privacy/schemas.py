"""Schemas of the personal-data JSON API (privacy/views.py)."""

from __future__ import annotations

from typing import Literal

from twinspace.schema import Answer, Body


class EraseConfirm(Body):
    confirm: str  # the username of the person whose data is erased


class ErasedOut(Answer):
    ok: Literal[True]
    deleted: int
    kept_as_former_member: int
    files_removed: int
