"""Where uploaded files live, behind a small interface.

Keys are random (never a name a user typed), so no user input ever becomes a path.
``LocalStorage`` keeps files under ``TWINSPACE_MEDIA_DIR``; an S3-compatible store
implements the same five methods (write from a finished temporary file, open, size,
delete, and a temporary folder on the same volume for uploads in progress).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

CHUNK = 64 * 1024


class Storage(Protocol):
    def temp_dir(self) -> Path: ...

    def put(self, temp_path: Path) -> str:
        """Move a finished temporary file into the store; returns its new random key."""
        ...

    def read(self, key: str) -> Iterator[bytes]: ...

    def size(self, key: str) -> int: ...

    def delete(self, key: str) -> None: ...


def new_key() -> str:
    return secrets.token_hex(16)


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "tmp").mkdir(parents=True, exist_ok=True)

    def temp_dir(self) -> Path:
        return self.root / "tmp"

    def _path(self, key: str) -> Path:
        if len(key) != 32 or not all(c in "0123456789abcdef" for c in key):
            raise ValueError("not a storage key")
        return self.root / key[:2] / key

    def put(self, temp_path: Path) -> str:
        key = new_key()
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(temp_path, target)
        return key

    def read(self, key: str) -> Iterator[bytes]:
        with self._path(key).open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk

    def path(self, key: str) -> Path:
        return self._path(key)

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def usage(self) -> int:
        return sum(f.stat().st_size for f in self.root.glob("??/*") if f.is_file())

    def clear_temp(self) -> None:
        shutil.rmtree(self.temp_dir(), ignore_errors=True)
        self.temp_dir().mkdir(parents=True, exist_ok=True)
