"""file sizes as 64-bit integers (PostgreSQL's integer stops at 2 GiB)

Revision ID: 0013
Revises: 0008
Create Date: 2026-11-25

SQLite's INTEGER is already 64-bit: only PostgreSQL needs the change.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (("stored_files", "size"), ("tool_files_files", "size"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_nullable=False)
