"""Everything a process reads, opened once (temporary version; see the h1 branch)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from moneytrail.data.package import open_package


class Workspace:
    def __init__(self, data: str | Path | None = None, db: str | None = None) -> None:
        from moneytrail.data.valuechain import load_valuechain

        self.package = open_package(data)
        self.valuechain = load_valuechain(str(self.package.root))
        self._analysis: Any = None
        self.data_version = self.package.version
        digest = hashlib.sha256()
        for path in sorted(p for p in self.package.root.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(self.package.root)).encode())
            digest.update(path.read_bytes())
        self.data_hash = digest.hexdigest()
        self.db = db
        self._models: dict[int, Any] = {}
        self._ledger: Any = None

    @classmethod
    def open(cls, data: str | Path | None = None, *, db: str | None = None) -> Workspace:
        return cls(data, db)

    @property
    def analysis(self):
        from moneytrail.analysis.data import load_analysis

        if self._analysis is None:
            self._analysis = load_analysis(self.package.root)
        return self._analysis

    def model(self, year: int):
        from moneytrail.model.builder import build_model

        if year not in self._models:
            self._models[year] = build_model(self.valuechain, int(year))
        return self._models[year]

    def ledger(self):
        from moneytrail.ledger import open as open_ledger

        if self._ledger is None:
            self._ledger = open_ledger(self.db)
        return self._ledger

    def close(self) -> None:
        if self._ledger is not None:
            self._ledger.close()
            self._ledger = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
