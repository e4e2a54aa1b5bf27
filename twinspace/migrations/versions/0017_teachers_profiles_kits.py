"""network profiles (photo, about me, languages, subjects, age groups), project kits, and the
kit a project started from

Revision ID: 0015_teachers
Revises: 0014
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_teachers"
down_revision = "0015_accounts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("age_groups", sa.JSON(), nullable=False),
        sa.Column("photo", sa.LargeBinary(), nullable=True),
        sa.Column("photo_mime", sa.String(length=32), nullable=True),
        sa.Column("photo_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_network_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_network_profiles")),
    )
    op.create_table(
        "project_kits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=False),
        sa.Column("age_max", sa.Integer(), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("tools", sa.JSON(), nullable=False),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("pages", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_kits")),
    )
    with op.batch_alter_table("project_kits") as batch_op:
        batch_op.create_index(batch_op.f("ix_project_kits_status"), ["status"], unique=False)
    with op.batch_alter_table("network_projects") as batch_op:
        batch_op.add_column(sa.Column("kit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_network_projects_kit_id_project_kits"),
            "project_kits",
            ["kit_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("network_projects") as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_network_projects_kit_id_project_kits"), type_="foreignkey"
        )
        batch_op.drop_column("kit_id")
    with op.batch_alter_table("project_kits") as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_kits_status"))
    op.drop_table("project_kits")
    op.drop_table("network_profiles")
