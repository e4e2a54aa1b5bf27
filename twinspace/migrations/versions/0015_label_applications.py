"""quality label applications

Revision ID: 0015_label
Revises: 0014
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_label"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "label_applications",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "project_id",
            sa.Integer(),
            sa.ForeignKey(
                "network_projects.id",
                ondelete="CASCADE",
                name="fk_label_applications_project_id_network_projects",
            ),
            nullable=False,
        ),
        sa.Column(
            "space_id",
            sa.Integer(),
            sa.ForeignKey(
                "spaces.id", ondelete="CASCADE", name="fk_label_applications_space_id_spaces"
            ),
            nullable=False,
        ),
        sa.Column(
            "applicant_id",
            sa.Integer(),
            sa.ForeignKey(
                "users.id", ondelete="CASCADE", name="fk_label_applications_applicant_id_users"
            ),
            nullable=False,
        ),
        sa.Column(
            "country_code",
            sa.String(2),
            sa.ForeignKey("countries.code", name="fk_label_applications_country_code_countries"),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("examples", sa.JSON(), nullable=False),
        sa.Column("review_comment", sa.Text(), nullable=False),
        sa.Column(
            "reviewer_id",
            sa.Integer(),
            sa.ForeignKey(
                "users.id", ondelete="SET NULL", name="fk_label_applications_reviewer_id_users"
            ),
            nullable=True,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_label_applications"),
        sa.UniqueConstraint(
            "project_id", "applicant_id", "year", name="uq_label_applications_project_id"
        ),
    )
    for column in ("project_id", "space_id", "applicant_id", "country_code", "status"):
        op.create_index(f"ix_label_applications_{column}", "label_applications", [column])


def downgrade() -> None:
    op.drop_table("label_applications")
