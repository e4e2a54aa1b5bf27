"""The poll's tests run on TwinSpace's own test stack (real server, real database, real
Socket.IO clients): its fixtures come from the project's tests/conftest.py."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]  # the TwinSpace checkout
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import conftest as core  # noqa: E402
from tests.conftest import *  # noqa: E402,F403 - server, login, connect_as, settings, ...


def pytest_addoption(parser: pytest.Parser) -> None:  # noqa: F811
    """--db, when these tests run on their own (with the project's, it exists already)."""
    with contextlib.suppress(ValueError):
        core.pytest_addoption(parser)
