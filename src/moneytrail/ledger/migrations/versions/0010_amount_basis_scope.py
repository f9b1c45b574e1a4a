"""What an announced amount is, as fields: `claims.basis` and `deals.scope`.

A claim's `basis` says whether its amount is a total or a yearly figure (`total` | `per_year`);
a deal's `scope` whether its money is for AI alone (`ai_only` | `not_ai_only`). Before, the
ledger read both from the wording of notes (ledger.queries.qualifier); now it reads these
fields, which the data package carries and validates (docs/data-format.md).

Existing rows are filled by the rule the ledger used until now, so every deal keeps the
qualifier it showed and a store loaded from the bundled package holds the values that package
gives (importing it again changes nothing): a claim whose note starts 'Per year' is `per_year`,
any other `total`; a deal of purpose `capex` (a firm's whole capital expenditure) or whose note
or description says it is not AI-only is `not_ai_only`, any other `ai_only`. The revisions
are left as they were. Downgrade drops both columns.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# the wording the ledger read until this revision (ledger.queries before 0010), kept here so
# that the migration fills rows the same way whatever the code does later
PER_YEAR = "per year"
NOT_AI_ONLY = ("not ai-only", "not ai only", "not ai-specific", "not specific to ai")
WHOLE_CAPEX = "capex"


def scope_of(purpose: object, note: object, description: object) -> str:
    about = f"{note or ''} {description or ''}".lower()
    if purpose == WHOLE_CAPEX or any(phrase in about for phrase in NOT_AI_ONLY):
        return "not_ai_only"
    return "ai_only"


def basis_of(note: object) -> str:
    return "per_year" if str(note or "").strip().lower().startswith(PER_YEAR) else "total"


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.add_column(sa.Column("scope", sa.String(16), nullable=False, server_default=""))
    with op.batch_alter_table("claims") as batch:
        batch.add_column(sa.Column("basis", sa.String(16), nullable=False, server_default=""))
    conn = op.get_bind()
    deals = sa.table("deals", sa.column("id", sa.String), sa.column("purpose", sa.String),
                     sa.column("note", sa.Text), sa.column("description", sa.Text),
                     sa.column("scope", sa.String))
    rows = [{"key": key, "value": scope_of(purpose, note, description)}
            for key, purpose, note, description in conn.execute(
                sa.select(deals.c.id, deals.c.purpose, deals.c.note, deals.c.description))]
    if rows:
        conn.execute(sa.update(deals).where(deals.c.id == sa.bindparam("key"))
                     .values(scope=sa.bindparam("value")), rows)
    claims = sa.table("claims", sa.column("id", sa.String), sa.column("note", sa.Text),
                      sa.column("basis", sa.String))
    rows = [{"key": key, "value": basis_of(note)}
            for key, note in conn.execute(sa.select(claims.c.id, claims.c.note))]
    if rows:
        conn.execute(sa.update(claims).where(claims.c.id == sa.bindparam("key"))
                     .values(basis=sa.bindparam("value")), rows)


def downgrade() -> None:
    with op.batch_alter_table("claims") as batch:
        batch.drop_column("basis")
    with op.batch_alter_table("deals") as batch:
        batch.drop_column("scope")
