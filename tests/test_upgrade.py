"""`twinspace --version`, and `twinspace serve` on databases of every age: a new one is
migrated at start (so `serve --demo` works in one command), one at the code's heads starts,
one behind them is refused with the command that upgrades it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from twinspace import __version__
from twinspace.migrate import SchemaState, schema_state, upgrade


def _twinspace(*args: str, database_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "TWINSPACE_DATABASE_URL": database_url,
        "TWINSPACE_VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(
        [sys.executable, "-m", "twinspace.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_version_is_printed(tmp_path: Path) -> None:
    done = _twinspace("--version", database_url="sqlite+aiosqlite://", tmp_path=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"twinspace {__version__}"


def test_schema_state_of_new_old_and_current_databases(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'ages.db'}"
    assert schema_state(url) is SchemaState.EMPTY
    upgrade(url, "0001")
    assert schema_state(url) is SchemaState.BEHIND
    upgrade(url)
    assert schema_state(url) is SchemaState.CURRENT


def test_serve_refuses_a_database_behind_the_migrations(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0002")  # as an older TwinSpace left it
    done = _twinspace("serve", "--port", "1", database_url=url, tmp_path=tmp_path)
    assert done.returncode != 0
    assert "twinspace migrate" in done.stderr
    assert schema_state(url) is SchemaState.BEHIND  # nothing was changed behind the admin's back
    migrated = _twinspace("migrate", database_url=url, tmp_path=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert schema_state(url) is SchemaState.CURRENT
