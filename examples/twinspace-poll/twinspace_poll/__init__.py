"""A live poll for TwinSpace pages, written only against ``twinspace.plugin`` (the public
plugin API). TwinSpace finds it through the ``twinspace.tools`` and ``twinspace.migrations``
entry points of this package's pyproject.toml."""

from pathlib import Path

HERE = Path(__file__).parent
MIGRATIONS = str(HERE / "migrations")  # our own Alembic branch ("poll")
