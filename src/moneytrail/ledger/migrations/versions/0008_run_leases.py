"""Run leases: `runs.owner`, the process computing a queued or running run.

Several processes may share one store (two web servers, a server and the CLI). The process
that queues or computes a run writes its owner id (host:pid:start time) here and refreshes
the run's `updated_at` while it works (service.runs: a heartbeat every HEARTBEAT_SECONDS).
Another process gives a queued or running run up as interrupted only when that heartbeat is
older than LEASE_SECONDS, or when the owner is an earlier life of its own host and pid.

Existing rows get an empty owner: a queued or running row left by an older version counts as
interrupted once its `updated_at` is older than the lease, as any other. Downgrade drops the
column.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("owner", sa.String(128), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("owner")
