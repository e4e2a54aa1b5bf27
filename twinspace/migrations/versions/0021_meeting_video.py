"""video meetings: meetings, their participants now, invited and removed people

Revision ID: 0021_meeting
Revises: 0019_safety
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_meeting"
down_revision = "0019_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "space_id", sa.Integer(), sa.ForeignKey("spaces.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column(
            "started_by",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_meetings_room", "meetings", ["space_id", "key", "ended_at"])
    op.create_table(
        "meeting_participants",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("muted", sa.Boolean(), nullable=False),
        sa.Column("camera_off", sa.Boolean(), nullable=False),
        sa.Column("sharing", sa.Boolean(), nullable=False),
        sa.Column("hand_raised", sa.Boolean(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_meeting_participants_meeting_id", "meeting_participants", ["meeting_id"])
    op.create_index("ix_meeting_participants_sid", "meeting_participants", ["sid"])
    op.create_table(
        "meeting_guests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "meeting_id",
            sa.Integer(),
            sa.ForeignKey("meetings.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column(
            "by_user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    op.create_index("ix_meeting_guests_meeting_id", "meeting_guests", ["meeting_id"])


def downgrade() -> None:
    op.drop_table("meeting_guests")
    op.drop_table("meeting_participants")
    op.drop_index("ix_meetings_room", table_name="meetings")
    op.drop_table("meetings")
