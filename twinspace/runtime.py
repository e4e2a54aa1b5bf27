"""The long-lived services one server process shares between HTTP views and socket handlers."""

from __future__ import annotations

from dataclasses import dataclass

import socketio

from twinspace.accounts.passwords import PasswordService
from twinspace.db import Database
from twinspace.settings import Settings
from twinspace.storage import LocalStorage


@dataclass
class Runtime:
    settings: Settings
    db: Database
    passwords: PasswordService
    sio: socketio.AsyncServer
    storage: LocalStorage
