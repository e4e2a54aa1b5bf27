"""A TwinSpace's life to its end: when it was closed, when its founders were warned of the purge.

Revision ID: 0018_lifecycle
Revises: 0015_teachers
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_lifecycle"
down_revision = "0015_teachers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("spaces") as batch:
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("purge_warned_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("spaces") as batch:
        batch.drop_column("purge_warned_at")
        batch.drop_column("closed_at")
