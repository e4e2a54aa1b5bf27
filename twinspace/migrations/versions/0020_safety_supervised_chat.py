"""chat rooms pupils can enter are supervised unless a teacher administrator says otherwise

Revision ID: 0019_safety
Revises: 0015_interface
Create Date: 2026-12-04

Rooms created before this rule with no supervision (the default then, never a teacher's
recorded choice) become supervised by one teacher; teachers-only rooms stay as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019_safety"
down_revision = "0015_interface"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE chat_rooms SET supervision = 'one_teacher' "
            "WHERE supervision = 'none' AND audience <> 'teachers'"
        )
    )


def downgrade() -> None:
    pass  # which rooms were unsupervised by default is not known any more: they stay supervised
