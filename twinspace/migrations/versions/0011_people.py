"""people: invitations, member profiles and walls, mailbox, calendar

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _fk(column: str, target: str, ondelete: str = "CASCADE", nullable: bool = False) -> sa.Column:
    return sa.Column(
        column, sa.Integer(), sa.ForeignKey(target, ondelete=ondelete), nullable=nullable
    )


def upgrade() -> None:
    op.create_table(
        "invitations",
        _id(),
        _fk("space_id", "spaces.id"),
        _fk("user_id", "users.id"),
        _fk("invited_by", "users.id", "SET NULL", True),
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("role", sa.String(24), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_invitations_space_user", "invitations", ["space_id", "user_id"])
    op.create_index("ix_invitations_user_id", "invitations", ["user_id"])
    op.create_table(
        "member_profiles",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("photo_key", sa.String(32), nullable=True),
        sa.Column("interests", sa.String(500), nullable=False),
        sa.Column("hobbies", sa.String(500), nullable=False),
        sa.Column("favourite_food", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "wall_posts",
        _id(),
        _fk("space_id", "spaces.id"),
        _fk("profile_user_id", "users.id"),
        _fk("author_id", "users.id"),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_wall_posts_space_profile", "wall_posts", ["space_id", "profile_user_id"])
    op.create_table(
        "mail_messages",
        _id(),
        _fk("space_id", "spaces.id"),
        _fk("sender_id", "users.id"),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_mail_messages_space_id", "mail_messages", ["space_id"])
    op.create_index("ix_mail_messages_sender_id", "mail_messages", ["sender_id"])
    op.create_table(
        "mail_recipients",
        sa.Column(
            "message_id",
            sa.Integer(),
            sa.ForeignKey("mail_messages.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_mail_recipients_user_id", "mail_recipients", ["user_id"])
    op.create_table(
        "calendar_events",
        _id(),
        _fk("space_id", "spaces.id"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(1000), nullable=False),
        _fk("created_by", "users.id", "SET NULL", True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_calendar_events_space_id", "calendar_events", ["space_id"])


def downgrade() -> None:
    for table in (
        "calendar_events",
        "mail_recipients",
        "mail_messages",
        "wall_posts",
        "member_profiles",
        "invitations",
    ):
        op.drop_table(table)
