"""chat moderation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_word_filters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("word", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_chat_word_filters_space_id_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_word_filters")),
        sa.UniqueConstraint(
            "space_id", "language", "word", name=op.f("uq_chat_word_filters_space_id")
        ),
    )
    with op.batch_alter_table("chat_word_filters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chat_word_filters_space_id"), ["space_id"], unique=False
        )

    op.create_table(
        "chat_mutes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_chat_mutes_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["chat_rooms.id"],
            name=op.f("fk_chat_mutes_room_id_chat_rooms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chat_mutes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_mutes")),
    )
    with op.batch_alter_table("chat_mutes", schema=None) as batch_op:
        batch_op.create_index("ix_chat_mutes_room_user", ["room_id", "user_id"], unique=False)

    op.create_table(
        "chat_presence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(length=64), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["chat_rooms.id"],
            name=op.f("fk_chat_presence_room_id_chat_rooms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_chat_presence_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_presence")),
    )
    with op.batch_alter_table("chat_presence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_presence_room_id"), ["room_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_presence_sid"), ["sid"], unique=False)

    op.create_table(
        "chat_room_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["chat_rooms.id"],
            name=op.f("fk_chat_room_members_room_id_chat_rooms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_chat_room_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_room_members")),
        sa.UniqueConstraint("room_id", "user_id", name=op.f("uq_chat_room_members_room_id")),
    )
    with op.batch_alter_table("chat_room_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_room_members_room_id"), ["room_id"], unique=False)

    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("prior_content", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_moderation_log_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_moderation_log_space_id_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_log")),
    )
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_log_space_id"), ["space_id"], unique=False)

    op.create_table(
        "chat_message_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("previous_text", sa.Text(), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["chat_messages.id"],
            name=op.f("fk_chat_message_edits_message_id_chat_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_message_edits")),
    )
    with op.batch_alter_table("chat_message_edits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chat_message_edits_message_id"), ["message_id"], unique=False
        )

    op.create_table(
        "chat_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False, server_default="visible"),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["chat_messages.id"],
            name=op.f("fk_chat_reports_message_id_chat_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_id"], ["users.id"], name=op.f("fk_chat_reports_reporter_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["users.id"], name=op.f("fk_chat_reports_resolved_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_chat_reports_space_id_spaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_reports")),
    )
    with op.batch_alter_table("chat_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_reports_space_id"), ["space_id"], unique=False)

    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="visible")
        )
        batch_op.add_column(sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("chat_rooms", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("title", sa.String(length=120), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("audience", sa.String(length=16), nullable=False, server_default="all")
        )
        batch_op.add_column(
            sa.Column("supervision", sa.String(length=16), nullable=False, server_default="none")
        )
        batch_op.add_column(
            sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("slow_mode_seconds", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("edit_window_seconds", sa.Integer(), nullable=False, server_default="300")
        )

    with op.batch_alter_table("spaces", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chat_retention_days", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("spaces", schema=None) as batch_op:
        batch_op.drop_column("chat_retention_days")

    with op.batch_alter_table("chat_rooms", schema=None) as batch_op:
        batch_op.drop_column("edit_window_seconds")
        batch_op.drop_column("slow_mode_seconds")
        batch_op.drop_column("locked")
        batch_op.drop_column("supervision")
        batch_op.drop_column("audience")
        batch_op.drop_column("title")

    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_column("edited_at")
        batch_op.drop_column("status")

    with op.batch_alter_table("chat_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_reports_space_id"))

    op.drop_table("chat_reports")
    with op.batch_alter_table("chat_message_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_message_edits_message_id"))

    op.drop_table("chat_message_edits")
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_log_space_id"))

    op.drop_table("moderation_log")
    with op.batch_alter_table("chat_room_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_room_members_room_id"))

    op.drop_table("chat_room_members")
    with op.batch_alter_table("chat_presence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_presence_sid"))
        batch_op.drop_index(batch_op.f("ix_chat_presence_room_id"))

    op.drop_table("chat_presence")
    with op.batch_alter_table("chat_mutes", schema=None) as batch_op:
        batch_op.drop_index("ix_chat_mutes_room_user")

    op.drop_table("chat_mutes")
    with op.batch_alter_table("chat_word_filters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_word_filters_space_id"))

    op.drop_table("chat_word_filters")
