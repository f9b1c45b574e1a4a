"""The ledger: what was announced, committed and disbursed, every number sourced.

    import moneytrail as mt
    ledger = mt.ledger.open()      # SQLite in the user data dir, or $MONEYTRAIL_DATABASE_URL
    ledger.reality(region="EU")    # DataFrames out
    ledger.totals(by=["region"], stage="committed", currency="USD", price_year=2024)

This module is light on purpose: SQLAlchemy and Alembic are imported only when a store is opened.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from moneytrail.ledger.store import Ledger

BUNDLED_AUTHOR = "moneytrail"


def open(url: str | os.PathLike | None = None, *, load_bundled: bool = True) -> Ledger:
    """Open (and create or migrate) a ledger store.

    `url`: a SQLAlchemy URL (`sqlite:///file`, `postgresql+psycopg://user@host/db`) or a file
    path; default `$MONEYTRAIL_DATABASE_URL`, else `ledger.sqlite` in the user data directory.
    On first use the bundled data package is loaded (`load_bundled=False` starts empty).
    """
    from moneytrail.ledger.location import resolve_url
    from moneytrail.ledger.store import Ledger

    ledger = Ledger.connect(resolve_url(url))
    if ledger.meta("initialised") is None:
        initialise(ledger, load_bundled=load_bundled)
    return ledger


def initialise(ledger: Ledger, *, load_bundled: bool) -> None:
    """First use: load the bundled data package (one transaction) and mark the store ready."""
    from moneytrail.data.package import open_package
    from moneytrail.ledger.packageio import import_package
    from moneytrail.ledger.store import Ledger

    if load_bundled:
        package = open_package()
        import_package(ledger, package.root, author=BUNDLED_AUTHOR,
                       reason=f"bundled data package {package.version}, loaded on first use")
    with ledger.writing() as conn:
        Ledger.set_meta(conn, "initialised", "bundled" if load_bundled else "empty")


__all__ = ["open"]
