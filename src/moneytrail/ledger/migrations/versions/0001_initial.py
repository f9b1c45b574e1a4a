"""The ledger: sources, deals, deal links, claims, revisions and the macro series.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _record(name: str, *columns: sa.Column, indexes: tuple[str, ...] = ()) -> None:
    op.create_table(name, *columns, sa.Column("revision", sa.Integer(), nullable=False),
                    sa.Column("seq", sa.Integer(), nullable=False))
    for column in indexes:
        op.create_index(f"ix_{name}_{column}", name, [column])


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), nullable=False)


def _string(name: str, length: int, **kw) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False, **kw)


def upgrade() -> None:
    op.create_table("ledger_meta", _string("key", 64, primary_key=True), _text("value"))
    _record("sources", _string("id", 200, primary_key=True), _string("section", 16),
            _text("publisher"), _text("title"), _text("url"), _string("published", 10),
            _string("accessed", 10), _string("reliability", 16), _text("note"))
    _record("deals", _string("id", 200, primary_key=True), _text("name"), _string("region", 8),
            _string("sector", 16), _string("purpose", 64), _text("announcer"),
            _string("announced", 10), _string("horizon_end", 10), _text("description"),
            _text("sources"), _text("note"), indexes=("region",))
    op.create_table("deal_links", _string("deal", 200, primary_key=True),
                    _string("kind", 16, primary_key=True), _string("other", 200))
    op.create_index("ix_deal_links_other", "deal_links", ["other"])
    _record("claims", _string("id", 16, primary_key=True), _string("ref", 200, unique=True),
            _string("deal", 200), _string("stage", 16),
            sa.Column("low", sa.Double(), nullable=False),
            sa.Column("central", sa.Double(), nullable=False),
            sa.Column("high", sa.Double(), nullable=False), _string("currency", 3),
            sa.Column("price_year", sa.Integer(), nullable=False), _string("as_of", 10),
            _string("source", 200), _string("supersedes", 200), _text("note"),
            indexes=("deal",))
    _record("fx", sa.Column("year", sa.Integer(), primary_key=True),
            _string("currency", 3, primary_key=True),
            sa.Column("units_per_eur", sa.Double(), nullable=False), _string("source", 200),
            _text("note"))
    _record("deflators", _string("series", 32, primary_key=True),
            sa.Column("year", sa.Integer(), primary_key=True),
            sa.Column("index", sa.Double(), nullable=False), _string("base", 32),
            _string("source", 200), _text("note"))
    for name in ("population", "gdp"):
        extra = (_string("currency", 3),) if name == "gdp" else ()
        _record(name, _string("country", 8, primary_key=True),
                sa.Column("year", sa.Integer(), primary_key=True),
                sa.Column("value", sa.Double(), nullable=False), *extra,
                _string("source", 200), _text("note"))
    op.create_table(
        "revisions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _string("kind", 16), _string("key", 200), _string("action", 16),
        _string("author", 200), _text("reason"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("batch", sa.String(64), nullable=True),
    )
    op.create_index("ix_revisions_kind_key", "revisions", ["kind", "key"])


def downgrade() -> None:
    for name in ("revisions", "gdp", "population", "deflators", "fx", "claims", "deal_links",
                 "deals", "sources", "ledger_meta"):
        op.drop_table(name)
