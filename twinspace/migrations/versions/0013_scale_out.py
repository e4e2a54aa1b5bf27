"""scale-out: server node heartbeats; file sizes as 64-bit integers

Revision ID: 0013
Revises: 0008
Create Date: 2026-11-25

server_nodes: one row per running server process (with Redis), see twinspace/realtime/nodes.py.
chat_messages.client_id: chosen by the sender, so a message sent again after a lost ack
is stored once (unique per author).
File sizes: PostgreSQL's integer stops at 2 GiB; SQLite's INTEGER is already 64-bit.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (("stored_files", "size"), ("tool_files_files", "size"))


def upgrade() -> None:
    op.create_table(
        "server_nodes",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_nodes")),
    )
    op.create_index(
        op.f("ix_server_nodes_heartbeat_at"), "server_nodes", ["heartbeat_at"], unique=False
    )
    with op.batch_alter_table("chat_messages") as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_chat_messages_author_client", "chat_messages", ["author_id", "client_id"], unique=True
    )
    if op.get_bind().dialect.name == "postgresql":
        for table, column in COLUMNS:
            op.alter_column(table, column, type_=sa.BigInteger(), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, column in COLUMNS:
            op.alter_column(table, column, type_=sa.Integer(), existing_nullable=False)
    op.drop_index("ix_chat_messages_author_client", table_name="chat_messages")
    with op.batch_alter_table("chat_messages") as batch_op:
        batch_op.drop_column("client_id")
    op.drop_index(op.f("ix_server_nodes_heartbeat_at"), table_name="server_nodes")
    op.drop_table("server_nodes")
