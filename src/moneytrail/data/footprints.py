"""The data behind jobs and supply-chain footprints: industries of entities, compensation per
FTE, and per-entity satellite intensities (data package files, all optional).

- `valuechain/entity_industries.csv`: entity, industry (NACE: C26, C27, C28, D35, F, J61, J62_J63,
  M72, TOTAL), note;
- `macro/compensation.csv`: country, industry, year, low, central, high, currency, unit, sources,
  reliability, note: compensation of employees per FTE per year (national accounts);
- `valuechain/satellites.csv`: entity, year, account, low, central, high, unit, sources,
  reliability, note: `co2e_scope12` (t CO2e per USD million of revenue) and `employees`
  (FTE per USD million of revenue);
- `valuechain/sources_satellites.csv`: the sources they cite (as sources_costs.csv).

A package without them still loads; jobs and footprints then say they have no data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from moneytrail.data.package import DataPackage
from moneytrail.errors import DataPackageError

FILES = {
    "entity_industries": "valuechain/entity_industries.csv",
    "compensation": "macro/compensation.csv",
    "satellites": "valuechain/satellites.csv",
    "sources": "valuechain/sources_satellites.csv",
}
COLUMNS = {
    "entity_industries": ("entity", "industry"),
    "compensation": ("country", "industry", "year", "low", "central", "high", "currency",
                     "sources", "reliability"),
    "satellites": ("entity", "year", "account", "low", "central", "high", "unit", "sources",
                   "reliability"),
}
ACCOUNTS = {"co2e_scope12": "t CO2e per USD million", "employees": "FTE per USD million"}


@dataclass(frozen=True)
class FootprintTables:
    """Typed tables (numbers as floats, years as ints); any may be empty."""

    entity_industries: pd.DataFrame
    compensation: pd.DataFrame
    satellites: pd.DataFrame
    sources: pd.DataFrame

    @classmethod
    def from_frames(cls, *, entity_industries: pd.DataFrame | None = None,
                    compensation: pd.DataFrame | None = None,
                    satellites: pd.DataFrame | None = None,
                    sources: pd.DataFrame | None = None, where: str = "tables"
                    ) -> FootprintTables:
        """Checked, typed tables from DataFrames (e.g. test fixtures or read CSVs)."""
        frames = {"entity_industries": entity_industries, "compensation": compensation,
                  "satellites": satellites}
        typed = {name: typed_table(name, frame, where) for name, frame in frames.items()}
        return cls(sources=sources if sources is not None else pd.DataFrame(), **typed)

    def industry(self, entity: str) -> str | None:
        frame = self.entity_industries
        if not len(frame):
            return None
        match = frame.loc[frame["entity"] == entity, "industry"]
        return str(match.iloc[0]) if len(match) else None

    def satellite(self, account: str, year: int) -> pd.DataFrame:
        """Rows of one account, for each entity the latest year up to `year` (else the
        earliest after it)."""
        frame = self.satellites
        if not len(frame):
            return frame
        rows = frame[frame["account"] == account]
        return nearest_year(rows, ["entity"], year)

    def compensation_for(self, year: int) -> pd.DataFrame:
        """Compensation rows, for each (country, industry) the latest year up to `year`."""
        frame = self.compensation
        if not len(frame):
            return frame
        return nearest_year(frame, ["country", "industry"], year)


def nearest_year(frame: pd.DataFrame, keys: list[str], year: int) -> pd.DataFrame:
    """For each key, the row of the latest year <= `year`, else of the earliest year after."""
    if not len(frame):
        return frame
    distance = np.where(frame["year"] <= year, year - frame["year"], 1000 + frame["year"] - year)
    ranked = frame.assign(_d=distance).sort_values(keys + ["_d"], kind="stable")
    return ranked.drop_duplicates(keys).drop(columns="_d").reset_index(drop=True)


def typed_table(name: str, frame: pd.DataFrame | None, where: str) -> pd.DataFrame:
    """Numbers as floats, years as ints; a missing column or a bad number is a one-line error
    naming the file, line and field."""
    columns = COLUMNS[name]
    if frame is None:
        return pd.DataFrame(columns=list(columns))
    path = frame.attrs.get("path", f"{where}:{name}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataPackageError(f"missing column(s) {', '.join(missing)}", file=path,
                               field=missing[0])
    out = frame.copy()
    numeric = [c for c in ("year", "low", "central", "high") if c in columns]
    for col in numeric:
        values = pd.to_numeric(out[col], errors="coerce")
        bad = values.isna() & out[col].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataPackageError("not a number", file=f"{path}:{i + 2}", field=col,
                                   value=out[col].iloc[i])
        out[col] = values
    if "year" in numeric:
        out["year"] = out["year"].astype(int)
    if {"low", "central", "high"} <= set(numeric):
        wrong = ~((out["low"] <= out["central"]) & (out["central"] <= out["high"])) | \
            (out["low"] < 0)
        if wrong.any():
            i = int(np.flatnonzero(wrong.to_numpy())[0])
            raise DataPackageError("need 0 <= low <= central <= high", file=f"{path}:{i + 2}",
                                   field="central", value=out["central"].iloc[i])
    return out


def resource_for(package: DataPackage, path: str) -> str | None:
    for res in package.descriptor.get("resources", []):
        if res.get("path") == path:
            return str(res.get("name"))
    return None


def footprint_tables(package: DataPackage) -> FootprintTables:
    """The package's footprint tables (empty where the package has none)."""
    frames: dict[str, pd.DataFrame | None] = {}
    for name, path in FILES.items():
        resource = resource_for(package, path)
        frames[name] = package.table(resource) if resource is not None else None
    return FootprintTables.from_frames(
        entity_industries=frames["entity_industries"], compensation=frames["compensation"],
        satellites=frames["satellites"], sources=frames["sources"], where=str(package.root))
