"""merge the notifications, network, people, wiki and scale-out branches

Revision ID: 0014
Revises: 0009, 0010b, 0011, 0012, 0013
Create Date: 2026-11-25

One head again: later revisions follow this one.
"""

revision = "0014"
down_revision = ("0009", "0010b", "0011", "0012", "0013")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
