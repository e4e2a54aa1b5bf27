"""Apply Alembic migrations programmatically (``twinspace migrate``), and tell whether a
database is behind the code's migrations (``twinspace serve`` refuses to start on one).

Our revisions live in ``twinspace/migrations/versions``. A plugin that has tables ships its
own revisions as a separate Alembic branch (``branch_labels``, ``depends_on`` one of ours)
and names their folder through the ``twinspace.migrations`` entry-point group; every branch
is applied with ``upgrade heads``."""

from __future__ import annotations

import asyncio
import enum
import logging
import os
from importlib.metadata import entry_points
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
ENTRY_POINT_GROUP = "twinspace.migrations"
log = logging.getLogger(__name__)


def version_locations() -> list[Path]:
    """Our versions folder, then each plugin's (an entry point names the folder's path)."""
    found = [MIGRATIONS_DIR / "versions"]
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            folder = Path(entry.load())
        except Exception:
            log.exception("could not load the migrations of %s", entry.name)
            continue
        if folder.is_dir() and folder not in found:
            found.append(folder)
    return found


class SchemaState(enum.Enum):
    EMPTY = "empty"  # a new database: no tables yet
    CURRENT = "current"  # at the code's migration heads
    BEHIND = "behind"  # tables from an older version: `twinspace migrate` brings it up
    NEWER = "newer"  # migrated by a newer TwinSpace than this one


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")  # alembic >= 1.16
    locations = os.pathsep.join(str(p) for p in version_locations()).replace("%", "%%")
    config.set_main_option("version_locations", locations)
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def _ensure_sqlite_folder(database_url: str) -> None:
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)


def upgrade(database_url: str, revision: str = "heads") -> None:
    _ensure_sqlite_folder(database_url)
    command.upgrade(alembic_config(database_url), revision)


def code_heads(database_url: str) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def _read_versions(connection: Connection) -> tuple[bool, set[str]]:
    tables = set(inspect(connection).get_table_names())
    if "alembic_version" not in tables:
        return bool(tables), set()
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return True, set(rows)


async def _database_versions(database_url: str) -> tuple[bool, set[str]]:
    engine = create_async_engine(database_url, poolclass=pool.NullPool)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_read_versions)
    finally:
        await engine.dispose()


def schema_state(database_url: str) -> SchemaState:
    _ensure_sqlite_folder(database_url)
    has_tables, versions = asyncio.run(_database_versions(database_url))
    if not has_tables:
        return SchemaState.EMPTY
    heads = code_heads(database_url)
    if versions == heads:
        return SchemaState.CURRENT
    known = {
        rev.revision
        for rev in ScriptDirectory.from_config(alembic_config(database_url)).walk_revisions()
    }
    if versions - known:
        return SchemaState.NEWER
    return SchemaState.BEHIND
