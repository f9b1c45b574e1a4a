"""The history of account changes: `account_events`.

Up to 0011 an account's creation, role changes, disabling and enabling, its API keys and its
password resets and changes left no record of who did what when (accounts.store). From 0012
each is one row here, written in the same transaction as the change it describes: the
account's name, the kind of event (accounts.store.EVENT_KINDS), details in words (never a
secret, token or hash), who did it and when (UTC). `moneytrail users history` prints them.

Upgrade creates the empty table: changes made before it are not known, so nothing is made
up for them. Downgrade drops the table (and the history in it).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

INDEX = "ix_account_events_account"


def upgrade() -> None:
    op.create_table(
        "account_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("account", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("details", sa.Text(), nullable=False, server_default=""),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(INDEX, "account_events", ["account"])


def downgrade() -> None:
    op.drop_index(INDEX, table_name="account_events")
    op.drop_table("account_events")
