"""Stored runs (immutable results by run id) and the primary reference of a source.

`runs` holds one row per run id: the canonical inputs, the result as JSON once it is done, and
the state of a run in progress (queued | running | done | error, draws done of total) for the
web app's background worker. A done run never changes. `sources.primary_ref` names the primary
document behind a figure (issuer, document, period, page or table) when the URL is a reprint.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("label", sa.Text(), nullable=False, server_default=""),
        sa.Column("code_version", sa.String(64), nullable=False),
        sa.Column("data_version", sa.String(64), nullable=False),
        sa.Column("data_hash", sa.String(64), nullable=False),
        sa.Column("inputs", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_runs_status", "runs", ["status"])
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("primary_ref", sa.Text(), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("primary_ref")
    op.drop_index("ix_runs_status", table_name="runs")
    op.drop_table("runs")
