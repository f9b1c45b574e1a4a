"""Deals get a kind (pledge | need) and may overlap several other deals.

`deal_links` is rebuilt with (deal, kind, other) as its key and an `ordinal`, so a deal can have
many `overlaps` links, kept in the order written; existing part_of links are kept.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _links(name: str, *, many: bool) -> None:
    op.create_table(
        name,
        sa.Column("deal", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("other", sa.String(200), nullable=False),
        *([sa.Column("ordinal", sa.Integer(), nullable=False, server_default="0")]
          if many else []),
        sa.PrimaryKeyConstraint(*(("deal", "kind", "other") if many else ("deal", "kind")),
                                name=f"pk_{name}"),
    )


def _swap(new: str, columns: str, select: str) -> None:
    op.execute(f"insert into {new} ({columns}) select {select} from deal_links")
    op.drop_index("ix_deal_links_other", table_name="deal_links")
    op.drop_table("deal_links")
    op.rename_table(new, "deal_links")
    op.create_index("ix_deal_links_other", "deal_links", ["other"])


def upgrade() -> None:
    with op.batch_alter_table("deals") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default=""))
    _links("deal_links_v2", many=True)
    _swap("deal_links_v2", "deal, kind, other, ordinal", "deal, kind, other, 0")


def downgrade() -> None:
    op.execute("delete from deal_links where kind <> 'part_of'")
    _links("deal_links_v1", many=False)
    _swap("deal_links_v1", "deal, kind, other", "deal, kind, other")
    with op.batch_alter_table("deals") as batch:
        batch.drop_column("kind")
