"""Runs computed outside a saved plan: `open_runs` (run ids visible to everyone).

A run id is a content hash, so the builder, the JSON API or the CLI can compute exactly the
run a private saved plan was started from and get the same id. Before this migration such a
run was hidden with the private plan (404 for whoever computed it). Now every computation
outside a saved plan records the id in `open_runs`, and a run is visible to everyone when it
has a row here, and otherwise as visible as the saved plans it was started from.

Existing rows keep the visibility they had: a run no saved plan was started from was visible
to everyone, so the upgrade gives each of them a row here; a run linked to saved plans gets
none, so it stays as visible as those plans (private ones: their owners only). Downgrade drops
the table (0005's rule then hides again any run linked to a private plan).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "open_runs",
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute("INSERT INTO open_runs (run_id, created_at) "
               "SELECT id, created_at FROM runs "
               "WHERE id NOT IN (SELECT run_id FROM saved_plan_runs)")


def downgrade() -> None:
    op.drop_table("open_runs")
