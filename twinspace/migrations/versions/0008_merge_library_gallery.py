"""merge the library (0006) and gallery (0007) branches

Revision ID: 0008
Revises: 0006, 0007
Create Date: 2026-11-25

Later features branch from here; the app upgrades to "heads".
"""

revision = "0008"
down_revision = ("0006", "0007")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
