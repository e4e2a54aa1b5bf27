"""Options of every test run, whichever test folders it collects (tests/ and the example
plugin's examples/twinspace-poll/tests/): pytest loads this file first."""

from __future__ import annotations

import os

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default=os.environ.get("TWINSPACE_TEST_DB", "sqlite"),
        help="database of every test (default: $TWINSPACE_TEST_DB or sqlite)",
    )
