"""Argon2id password hashing, off the event loop and bounded in concurrency so that a
whole class logging in at once cannot exhaust memory (each hash takes 64 MiB)."""

from __future__ import annotations

import asyncio
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class PasswordService:
    def __init__(self, concurrency: int = 2) -> None:
        self._hasher = PasswordHasher()
        self._slots = asyncio.Semaphore(concurrency)

    @cached_property
    def _dummy_hash(self) -> str:
        """Made at the first check (in its worker thread), not at start-up."""
        return self._hasher.hash("timing-equaliser")

    async def hash(self, password: str) -> str:
        async with self._slots:
            return await asyncio.to_thread(self._hasher.hash, password)

    def hash_sync(self, password: str) -> str:
        return self._hasher.hash(password)

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Check a password; an unknown account costs the same time as a known one."""
        async with self._slots:
            return await asyncio.to_thread(self._verify, password_hash, password)

    def _verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy_hash, password) and bool(
                password_hash
            )
        except (VerificationError, InvalidHashError):
            return False
