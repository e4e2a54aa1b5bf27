"""the network: partner-finding postings, contacts, projects and their approvals

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-25

A branch beside the other features that follow 0008; the app upgrades to "heads".
Also adds a few non-eligible countries, so that members from them can register as
platform members (the countries table stays editable data).
"""

import sqlalchemy as sa
from alembic import op

NON_ELIGIBLE = [
    ("GB", "United Kingdom"),
    ("US", "United States"),
    ("CA", "Canada"),
    ("MA", "Morocco"),
    ("JP", "Japan"),
]

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "network_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pair", sa.String(length=40), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("addressee_id", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["addressee_id"],
            ["users.id"],
            name=op.f("fk_network_contacts_addressee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requester_id"],
            ["users.id"],
            name=op.f("fk_network_contacts_requester_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_contacts")),
        sa.UniqueConstraint("pair", name=op.f("uq_network_contacts_pair")),
    )
    with op.batch_alter_table("network_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_contacts_addressee_id"), ["addressee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_contacts_requester_id"), ["requester_id"], unique=False
        )

    op.create_table(
        "network_member_search",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_network_member_search_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_network_member_search")),
    )
    op.create_table(
        "network_postings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=False),
        sa.Column("age_max", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_network_postings_author_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_postings")),
    )
    with op.batch_alter_table("network_postings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_postings_author_id"), ["author_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_network_postings_status"), ["status"], unique=False)

    op.create_table(
        "network_projects",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("founder_id", sa.Integer(), nullable=False),
        sa.Column("founder_school_id", sa.Integer(), nullable=True),
        sa.Column("cofounder_id", sa.Integer(), nullable=True),
        sa.Column("cofounder_school_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("age_min", sa.Integer(), nullable=True),
        sa.Column("age_max", sa.Integer(), nullable=True),
        sa.Column("pupils_count", sa.Integer(), nullable=True),
        sa.Column("subjects", sa.JSON(), nullable=False),
        sa.Column("tools", sa.JSON(), nullable=False),
        sa.Column("objectives", sa.Text(), nullable=False),
        sa.Column("procedure", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=True),
        sa.Column("single_school", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("refusal_reason", sa.Text(), nullable=False),
        sa.Column("refused_by_id", sa.Integer(), nullable=True),
        sa.Column("space_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cofounder_id"], ["users.id"], name=op.f("fk_network_projects_cofounder_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["cofounder_school_id"],
            ["schools.id"],
            name=op.f("fk_network_projects_cofounder_school_id_schools"),
        ),
        sa.ForeignKeyConstraint(
            ["founder_id"], ["users.id"], name=op.f("fk_network_projects_founder_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["founder_school_id"],
            ["schools.id"],
            name=op.f("fk_network_projects_founder_school_id_schools"),
        ),
        sa.ForeignKeyConstraint(
            ["refused_by_id"], ["users.id"], name=op.f("fk_network_projects_refused_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["space_id"],
            ["spaces.id"],
            name=op.f("fk_network_projects_space_id_spaces"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_projects")),
    )
    with op.batch_alter_table("network_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_projects_cofounder_id"), ["cofounder_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_projects_founder_id"), ["founder_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_network_projects_status"), ["status"], unique=False)

    op.create_table(
        "network_project_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["country_code"],
            ["countries.code"],
            name=op.f("fk_network_project_approvals_country_code_countries"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_network_project_approvals_officer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["network_projects.id"],
            name=op.f("fk_network_project_approvals_project_id_network_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_project_approvals")),
        sa.UniqueConstraint(
            "project_id", "country_code", name=op.f("uq_network_project_approvals_project_id")
        ),
    )
    with op.batch_alter_table("network_project_approvals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_network_project_approvals_country_code"), ["country_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_network_project_approvals_project_id"), ["project_id"], unique=False
        )

    countries = sa.table(
        "countries",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("eligible", sa.Boolean),
    )
    known = {row[0] for row in op.get_bind().execute(sa.select(countries.c.code))}
    op.bulk_insert(
        countries,
        [
            {"code": code, "name": name, "eligible": False}
            for code, name in NON_ELIGIBLE
            if code not in known
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("network_project_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_project_approvals_project_id"))
        batch_op.drop_index(batch_op.f("ix_network_project_approvals_country_code"))

    op.drop_table("network_project_approvals")
    with op.batch_alter_table("network_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_projects_status"))
        batch_op.drop_index(batch_op.f("ix_network_projects_founder_id"))
        batch_op.drop_index(batch_op.f("ix_network_projects_cofounder_id"))

    op.drop_table("network_projects")
    with op.batch_alter_table("network_postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_postings_status"))
        batch_op.drop_index(batch_op.f("ix_network_postings_author_id"))

    op.drop_table("network_postings")
    op.drop_table("network_member_search")
    with op.batch_alter_table("network_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_contacts_requester_id"))
        batch_op.drop_index(batch_op.f("ix_network_contacts_addressee_id"))

    op.drop_table("network_contacts")
