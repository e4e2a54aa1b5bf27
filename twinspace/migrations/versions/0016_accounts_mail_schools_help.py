"""accounts: confirmed e-mail addresses, school records, NSS contact cards and ambassadors

Revision ID: 0015_accounts
Revises: 0014
Create Date: 2026-12-04

Accounts that existed before this revision count as confirmed (they were created before
addresses were checked); new registrations confirm theirs by a mailed link.
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_accounts"
down_revision = "0015_label"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE users SET email_verified_at = created_at WHERE email IS NOT NULL")
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("address", sa.String(300), nullable=True))
        batch.add_column(sa.Column("national_number", sa.String(32), nullable=True))
        batch.add_column(sa.Column("phone", sa.String(32), nullable=True))
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch.add_column(sa.Column("head_email", sa.String(254), nullable=True))
        batch.create_unique_constraint(
            "uq_schools_country_number", ["country_code", "national_number"]
        )
    op.create_table(
        "nss_contact_cards",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ambassadors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("country_code", sa.String(2), sa.ForeignKey("countries.code"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("region", sa.String(120), nullable=False),
        sa.Column("note", sa.String(500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ambassadors_country_code", "ambassadors", ["country_code"])


def downgrade() -> None:
    op.drop_index("ix_ambassadors_country_code", "ambassadors")
    op.drop_table("ambassadors")
    op.drop_table("nss_contact_cards")
    with op.batch_alter_table("schools") as batch:
        batch.drop_constraint("uq_schools_country_number", type_="unique")
        for column in ("head_email", "email", "phone", "national_number", "address"):
            batch.drop_column(column)
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_verified_at")
