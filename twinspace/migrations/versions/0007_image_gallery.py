"""image gallery

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-26

A branch beside 0006 (the document library): both follow 0005; the app upgrades to "heads".
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tool_gallery_albums",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_tool_gallery_albums_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_gallery_albums_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_gallery_albums")),
    )
    with op.batch_alter_table("tool_gallery_albums", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_gallery_albums_widget_id"), ["widget_id"], unique=False
        )

    op.create_table(
        "tool_gallery_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("album_id", sa.Integer(), nullable=True),
        sa.Column("uploader_id", sa.Integer(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("consent_by", sa.Integer(), nullable=True),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("display_key", sa.String(length=32), nullable=False),
        sa.Column("thumb_key", sa.String(length=32), nullable=False),
        sa.Column("mime", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["album_id"],
            ["tool_gallery_albums.id"],
            name=op.f("fk_tool_gallery_photos_album_id_tool_gallery_albums"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["consent_by"], ["users.id"], name=op.f("fk_tool_gallery_photos_consent_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["display_key"],
            ["stored_files.key"],
            name=op.f("fk_tool_gallery_photos_display_key_stored_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["thumb_key"],
            ["stored_files.key"],
            name=op.f("fk_tool_gallery_photos_thumb_key_stored_files"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploader_id"], ["users.id"], name=op.f("fk_tool_gallery_photos_uploader_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_gallery_photos_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_gallery_photos")),
    )
    with op.batch_alter_table("tool_gallery_photos", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_gallery_photos_widget_id"), ["widget_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_gallery_photos_album_id"), ["album_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_gallery_photos_display_key"), ["display_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_gallery_photos_thumb_key"), ["thumb_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tool_gallery_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_gallery_photos_thumb_key"))
        batch_op.drop_index(batch_op.f("ix_tool_gallery_photos_display_key"))
        batch_op.drop_index(batch_op.f("ix_tool_gallery_photos_album_id"))
        batch_op.drop_index(batch_op.f("ix_tool_gallery_photos_widget_id"))
    op.drop_table("tool_gallery_photos")

    with op.batch_alter_table("tool_gallery_albums", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_gallery_albums_widget_id"))
    op.drop_table("tool_gallery_albums")
