"""wiki: pages, their CRDT updates and revisions

Revision ID: 0012
Revises: 0008
Create Date: 2026-11-25

A branch after 0008; the app upgrades to "heads".
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tool_wiki_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("frozen", sa.Boolean(), nullable=False),
        sa.Column("frozen_by", sa.Integer(), nullable=True),
        sa.Column("snapshot", sa.LargeBinary(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("snapshot_seq", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("revision_seq", sa.Integer(), nullable=False),
        sa.Column("dirty_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pending_authors", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_tool_wiki_pages_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["frozen_by"], ["users.id"], name=op.f("fk_tool_wiki_pages_frozen_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_wiki_pages_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_wiki_pages")),
    )
    with op.batch_alter_table("tool_wiki_pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tool_wiki_pages_widget_id"), ["widget_id"])

    op.create_table(
        "tool_wiki_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_tool_wiki_updates_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["tool_wiki_pages.id"],
            name=op.f("fk_tool_wiki_updates_page_id_tool_wiki_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_wiki_updates")),
        sa.UniqueConstraint("page_id", "seq", name=op.f("uq_tool_wiki_updates_page_id")),
    )

    op.create_table(
        "tool_wiki_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_tool_wiki_revisions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["tool_wiki_pages.id"],
            name=op.f("fk_tool_wiki_revisions_page_id_tool_wiki_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_wiki_revisions")),
        sa.UniqueConstraint("page_id", "number", name=op.f("uq_tool_wiki_revisions_page_id")),
    )


def downgrade() -> None:
    op.drop_table("tool_wiki_revisions")
    op.drop_table("tool_wiki_updates")
    with op.batch_alter_table("tool_wiki_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_wiki_pages_widget_id"))
    op.drop_table("tool_wiki_pages")
