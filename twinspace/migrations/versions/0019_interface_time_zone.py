"""interface: each person's time zone

Revision ID: 0015_interface
Revises: 0015_teachers
Create Date: 2026-12-04

users.time_zone: an IANA name ("Europe/Warsaw") detected by the browser at login and editable
in the profile; dates and times are shown in it (twinspace/i18n/formatting.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_interface"
down_revision = "0018_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("time_zone", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("time_zone")
