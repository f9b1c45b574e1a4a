"""The Workspace: everything a process reads, opened once and shared by its tasks.

A process (a CLI command, a web worker, a notebook) opens one Workspace and passes it down:
the data package is opened once and its CSVs read once (the value chain and the analysis tables
share the one `DataPackage`), its row checks run once (and not at all when this exact content
validated before, see `data.package.is_validated`), each year's model is built once, and the
ledger store is connected once. The object owns these; there are no module-level caches.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from moneytrail.analysis.claims import (
    LedgerTables,
    ledger_from_package,
    ledger_tables,
)
from moneytrail.analysis.data import AnalysisData, analysis_of
from moneytrail.data.package import DataPackage, data_label, open_package
from moneytrail.data.valuechain import ValueChain, valuechain_of
from moneytrail.model.builder import build_model
from moneytrail.model.iomodel import IOModel

if TYPE_CHECKING:
    from moneytrail.ledger.store import Ledger, LedgerState

__all__ = ["Workspace"]


class Workspace:
    """Everything a process reads, opened once: data package (validated once), value chain,
    analysis tables, models by year (built lazily, once), the ledger connection (lazily).

    Open it with `Workspace.open(data, db=...)`; use it as a context manager (or call
    `close()`) so the ledger connection is released.
    """

    def __init__(self, package: DataPackage, *, db: str | None = None) -> None:
        self.package = package
        self.db = db
        self._models: dict[int, IOModel] = {}
        self._ledger: Ledger | None = None
        self._ledger_tables: LedgerTables | None = None
        self._ledger_tables_state: LedgerState | None = None

    @classmethod
    def open(cls, data: str | Path | None = None, *, db: str | None = None) -> Workspace:
        """A workspace over the data package at `data` (a folder or its datapackage.json;
        default the bundled one) and, when `db` is given, the ledger store at `db` (database
        URL or SQLite path; without it, `ws.ledger()` opens the default store and the ledger
        tables are the package's own).

        Returns a Workspace, opened once for many tasks: `ws.model(year)` the IOModel of a
        year (built once), `ws.analysis` the analysis tables `mt.scorecard(..., data=)`
        takes, `ws.valuechain`, `ws.ledger()`; use it as a context manager (`with
        mt.Workspace.open() as ws:`) or call `ws.close()` to close the ledger store.

        Raises DataPackageError when the package cannot be opened; the tables are read and
        checked on first use."""
        return cls(open_package(data), db=db)

    @cached_property
    def data_hash(self) -> str:
        """sha256 of the package's files (see `DataPackage.content_hash`)."""
        return self.package.content_hash()

    @property
    def data_version(self) -> str:
        """The data package's own version (its descriptor's `version`)."""
        return self.package.version

    @cached_property
    def data_label(self) -> str:
        """The data version as results print it (`data.package.data_label`): the version, and
        for a package whose content is not the bundled one's, "changed locally (hash ...)"."""
        return data_label(self.package)

    @cached_property
    def valuechain(self) -> ValueChain:
        """The checked, typed value-chain tables (read and checked once)."""
        return valuechain_of(self.package)

    @cached_property
    def analysis(self) -> AnalysisData:
        """The checked, typed analysis tables (read and checked once). Raises
        DataPackageError when the package has none."""
        return analysis_of(self.package)

    def model(self, year: int) -> IOModel:
        """The model of `year`, built from the value chain on first request, then kept.
        Raises ModelError when the data have no cost structures for that year."""
        year = int(year)
        if year not in self._models:
            self._models[year] = build_model(self.valuechain, year)
        return self._models[year]

    def ledger(self) -> Ledger:
        """The ledger store (`moneytrail.ledger.open(db)`), connected on first use and kept
        until `close()`. Without `db` it is the default store (created on first use)."""
        if self._ledger is None:
            from moneytrail.ledger import open as open_ledger

            self._ledger = open_ledger(self.db)
        return self._ledger

    def open_ledger_state(self) -> LedgerState | None:
        """The ledger store's state now (newest revision and its time) when the workspace
        was given one (`db`) or has opened the default one; None otherwise (nothing is
        created)."""
        if self.db is None and self._ledger is None:
            return None
        return self.ledger().state()

    def ledger_tables(self) -> LedgerTables:
        """The ledger's claims and deals: from the store when `db` was given (read again
        whenever the store has a newer revision: an edit shows at once in a long-lived
        process such as the web app), else as shipped in the data package (no database
        needed; read once)."""
        if self.db is not None:
            now = self.ledger().state()
            if self._ledger_tables is None or self._ledger_tables_state is None \
                    or now.revision != self._ledger_tables_state.revision:
                self._ledger_tables = ledger_tables(self.ledger())
                self._ledger_tables_state = now
        elif self._ledger_tables is None:
            self._ledger_tables = ledger_from_package(self.package)
        return self._ledger_tables

    def ledger_tables_state(self) -> LedgerState | None:
        """The store's state (newest revision and its time) when `ledger_tables` read it;
        None when they come from the data package or were not read yet."""
        return self._ledger_tables_state

    def close(self) -> None:
        """Close the ledger connection, if one was opened (the workspace stays usable)."""
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"Workspace({str(self.package.root)!r}, version={self.data_version!r}, "
                f"db={self.db!r}, models={sorted(self._models)})")
