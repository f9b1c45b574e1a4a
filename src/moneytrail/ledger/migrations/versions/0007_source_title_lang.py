"""The language of a source's title (`sources.title_lang`, data 2.4.4).

A BCP 47 tag (`fr`, `de`) for a title not in English, empty for English; pages mark such
titles with `lang` so screen readers speak them in their language. Existing rows get ''
(English) until the bundled package 2.4.4 is imported again, which fills the tagged titles.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("title_lang", sa.String(35), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_column("title_lang")
