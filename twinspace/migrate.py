"""Apply Alembic migrations programmatically (``twinspace migrate`` and ``serve``)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "heads") -> None:
    if database_url.startswith("sqlite"):
        path = database_url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(database_url), revision)


def head_revisions(database_url: str) -> set[str]:
    """The revisions this code expects (reads the scripts' headers, runs nothing)."""
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


def current_revisions(database_url: str) -> set[str]:
    """The revisions the database is at; empty for a new database."""

    async def read() -> set[str]:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
                return {row[0] for row in rows}
        except DBAPIError:  # no alembic_version table yet
            return set()
        finally:
            await engine.dispose()

    return asyncio.run(read())


def upgrade_if_behind(database_url: str) -> bool:
    """Start-up's check: migrate only when the database is not at the heads (a restart of an
    up-to-date server skips Alembic's environment entirely). True when it migrated."""
    if current_revisions(database_url) == head_revisions(database_url):
        return False
    upgrade(database_url)
    return True
