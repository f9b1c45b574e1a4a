"""The runs a derived run derives from: `run_origins` (run_id, origin_id).

A run stored on the back of another (a claim checked against a run, a rerun of a run's plan on
newer code or data, a briefing's sensitivity run and its trace again with analyses) is as
visible as the run it derives from (accounts.plans.visible_runs_clause). Up to 0010 only a
check recorded that run (`runs.checked_run_id`, one step); a rerun or a briefing's tornado of
a public saved plan's run stayed public after the plan was made private, deleted or purged.
From 0011 every derived run has a row here for each run it derives from, directly or through
other derived runs (a rerun of a rerun, the tornado of a rerun), written when it is stored,
so one look-up covers the whole chain.

Upgrade creates the table and fills it from `runs.checked_run_id` (the checks stored so far;
the runs they checked derive from nothing recorded). Downgrade drops the table.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

INDEX = "ix_run_origins_origin_id"


def upgrade() -> None:
    op.create_table(
        "run_origins",
        sa.Column("run_id", sa.String(64), primary_key=True),
        sa.Column("origin_id", sa.String(64), primary_key=True),
    )
    op.create_index(INDEX, "run_origins", ["origin_id"])
    op.execute("INSERT INTO run_origins (run_id, origin_id) "
               "SELECT id, checked_run_id FROM runs WHERE checked_run_id IS NOT NULL")


def downgrade() -> None:
    op.drop_index(INDEX, table_name="run_origins")
    op.drop_table("run_origins")
