"""document library: folders and files

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tool_files_folders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_files_folders_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["tool_files_folders.id"],
            name=op.f("fk_tool_files_folders_parent_id_tool_files_folders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_tool_files_folders_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by"], ["users.id"], name=op.f("fk_tool_files_folders_deleted_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_files_folders")),
    )
    with op.batch_alter_table("tool_files_folders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_files_folders_widget_id"), ["widget_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_files_folders_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_files_folders_deleted_at"), ["deleted_at"], unique=False
        )

    op.create_table(
        "tool_files_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("folder_id", sa.Integer(), nullable=True),
        sa.Column("storage_key", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(length=100), nullable=False),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_files_files_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["folder_id"],
            ["tool_files_folders.id"],
            name=op.f("fk_tool_files_files_folder_id_tool_files_folders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["storage_key"],
            ["stored_files.key"],
            name=op.f("fk_tool_files_files_storage_key_stored_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_tool_files_files_uploaded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["deleted_by"], ["users.id"], name=op.f("fk_tool_files_files_deleted_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_files_files")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_tool_files_files_storage_key")),
    )
    with op.batch_alter_table("tool_files_files", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_files_files_widget_id"), ["widget_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_files_files_folder_id"), ["folder_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_files_files_deleted_at"), ["deleted_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tool_files_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_files_files_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_tool_files_files_folder_id"))
        batch_op.drop_index(batch_op.f("ix_tool_files_files_widget_id"))
    op.drop_table("tool_files_files")

    with op.batch_alter_table("tool_files_folders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_files_folders_deleted_at"))
        batch_op.drop_index(batch_op.f("ix_tool_files_folders_parent_id"))
        batch_op.drop_index(batch_op.f("ix_tool_files_folders_widget_id"))
    op.drop_table("tool_files_folders")
