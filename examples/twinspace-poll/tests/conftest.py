"""The poll's tests run on TwinSpace's own test stack (real server, real database, real
Socket.IO clients): its fixtures come from the project's tests/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]  # the TwinSpace checkout
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.conftest import *  # noqa: E402,F403 - server, login, connect_as, settings, ...
