"""Alembic environment: always run programmatically on a connection the store hands over."""

from alembic import context

import moneytrail.accounts.models  # noqa: F401  (issue 12: the account tables share Base)
from moneytrail.ledger.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
