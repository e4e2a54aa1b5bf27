"""poll: questions and votes

Revision ID: poll_0001
Revises:
Create Date: 2026-12-04

A branch of its own ("poll"): TwinSpace applies it with ``upgrade heads``. It needs the
``widgets`` and ``users`` tables, made by TwinSpace's revision 0003.
"""

import sqlalchemy as sa
from alembic import op

revision = "poll_0001"
down_revision = None
branch_labels = ("poll",)
depends_on = "0003"


def upgrade() -> None:
    op.create_table(
        "poll_questions",
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(length=300), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["widget_id"], ["widgets.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("widget_id"),
    )
    op.create_table(
        "poll_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["widget_id"], ["widgets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("widget_id", "user_id", name="uq_poll_votes_voter"),
    )
    op.create_index("ix_poll_votes_widget_id", "poll_votes", ["widget_id"])


def downgrade() -> None:
    op.drop_index("ix_poll_votes_widget_id", table_name="poll_votes")
    op.drop_table("poll_votes")
    op.drop_table("poll_questions")
