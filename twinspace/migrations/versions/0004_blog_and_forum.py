"""blog and forum

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tool_blog_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_tool_blog_posts_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by"], ["users.id"], name=op.f("fk_tool_blog_posts_hidden_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_blog_posts_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_blog_posts")),
    )
    with op.batch_alter_table("tool_blog_posts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_blog_posts_widget_id"), ["widget_id"], unique=False
        )

    op.create_table(
        "tool_forum_topics",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_activity_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_tool_forum_topics_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_forum_topics_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_forum_topics")),
    )
    with op.batch_alter_table("tool_forum_topics", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_forum_topics_widget_id"), ["widget_id"], unique=False
        )

    op.create_table(
        "tool_blog_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_tool_blog_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["tool_blog_posts.id"],
            name=op.f("fk_tool_blog_comments_post_id_tool_blog_posts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_blog_comments_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_blog_comments")),
    )
    with op.batch_alter_table("tool_blog_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_blog_comments_post_id"), ["post_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_blog_comments_widget_id"), ["widget_id"], unique=False
        )

    op.create_table(
        "tool_forum_reads",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("last_read_reply_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["tool_forum_topics.id"],
            name=op.f("fk_tool_forum_reads_topic_id_tool_forum_topics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_tool_forum_reads_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_forum_reads_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("topic_id", "user_id", name=op.f("pk_tool_forum_reads")),
    )
    with op.batch_alter_table("tool_forum_reads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_forum_reads_widget_id"), ["widget_id"], unique=False
        )

    op.create_table(
        "tool_forum_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("widget_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("parent_reply_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_tool_forum_replies_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by"], ["users.id"], name=op.f("fk_tool_forum_replies_hidden_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["parent_reply_id"],
            ["tool_forum_replies.id"],
            name=op.f("fk_tool_forum_replies_parent_reply_id_tool_forum_replies"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["tool_forum_topics.id"],
            name=op.f("fk_tool_forum_replies_topic_id_tool_forum_topics"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["widget_id"],
            ["widgets.id"],
            name=op.f("fk_tool_forum_replies_widget_id_widgets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tool_forum_replies")),
    )
    with op.batch_alter_table("tool_forum_replies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tool_forum_replies_topic_id"), ["topic_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_tool_forum_replies_widget_id"), ["widget_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("tool_forum_replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_forum_replies_widget_id"))
        batch_op.drop_index(batch_op.f("ix_tool_forum_replies_topic_id"))

    op.drop_table("tool_forum_replies")
    with op.batch_alter_table("tool_forum_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_forum_reads_widget_id"))

    op.drop_table("tool_forum_reads")
    with op.batch_alter_table("tool_blog_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_blog_comments_widget_id"))
        batch_op.drop_index(batch_op.f("ix_tool_blog_comments_post_id"))

    op.drop_table("tool_blog_comments")
    with op.batch_alter_table("tool_forum_topics", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_forum_topics_widget_id"))

    op.drop_table("tool_forum_topics")
    with op.batch_alter_table("tool_blog_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tool_blog_posts_widget_id"))

    op.drop_table("tool_blog_posts")
