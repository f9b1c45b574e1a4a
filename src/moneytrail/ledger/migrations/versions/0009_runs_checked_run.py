"""The run a derived run checked: `runs.checked_run_id` (nullable, indexed).

A claims run checked against a trace run (a debate claim with the run's plan,
service.run_claims; a reader's own figure, service.own_claims) is as visible as the run it
checked (accounts.plans.visible_runs_clause). Up to 0008 the only record of that run was
the check's label, which ends "run <id>" ("claim X with the plan of run <id>", "a reader's
claim checked against run <id>"); the lists, which filter in SQL, could not read it. From
0009 the id is stored when the check is stored.

Upgrade fills the column for the claims runs already stored, from their labels (the one
place that still reads them); other runs get NULL. Downgrade drops the column and its index.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# how service.runs.checked_against wrote the label of a check up to 0008: "<text> run <id>",
# a run id being 32 lowercase hex digits
CHECKED_RUN = re.compile(r" run ([0-9a-f]{32})$")
INDEX = "ix_runs_checked_run_id"


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("checked_run_id", sa.String(64), nullable=True))
    op.create_index(INDEX, "runs", ["checked_run_id"])
    runs = sa.table("runs", sa.column("id", sa.String), sa.column("kind", sa.String),
                    sa.column("label", sa.Text), sa.column("checked_run_id", sa.String))
    conn = op.get_bind()
    found = []
    for rid, label in conn.execute(sa.select(runs.c.id, runs.c.label).where(
            runs.c.kind == "claims", runs.c.label.like("% run %"))):
        matched = CHECKED_RUN.search(label or "")
        if matched:
            found.append({"rid": rid, "checked": matched.group(1)})
    if found:
        conn.execute(runs.update().where(runs.c.id == sa.bindparam("rid"))
                     .values(checked_run_id=sa.bindparam("checked")), found)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("checked_run_id")
