"""The Alembic migrations build exactly the schema the models describe, so a feature
that adds a column without a migration (or the reverse) fails here, not in production."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Integer
from sqlalchemy.ext.asyncio import create_async_engine

from twinspace.migrate import upgrade
from twinspace.models import metadata


def _compare_type(_context, _inspected_column, _metadata_column, inspected, described):
    """SQLite's INTEGER is 64-bit: BigInteger columns are migrated for PostgreSQL only."""
    if isinstance(inspected, Integer) and isinstance(described, Integer):
        return False
    return None  # Alembic's own comparison


async def test_migrated_schema_matches_the_models(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}"
    await asyncio.to_thread(upgrade, url)  # Alembic runs its own event loop
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            diffs = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": _compare_type}), metadata
                )
            )
    finally:
        await engine.dispose()
    assert diffs == []
