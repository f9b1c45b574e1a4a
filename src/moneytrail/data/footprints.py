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

from moneytrail.data.checks import Problem
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
        return self.industries.get(entity)

    @property
    def industries(self) -> dict[str, str]:
        """entity -> NACE industry (first row per entity)."""
        frame = self.entity_industries
        if not len(frame):
            return {}
        first = frame.drop_duplicates("entity")
        return dict(zip(first["entity"].astype(str), first["industry"].astype(str),
                        strict=True))

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


# -- validation (`moneytrail validate`) ------------------------------------------------------
def package_source_ids(package: DataPackage) -> set[str]:
    """Every source id the package defines (any `*sources*` resource)."""
    ids: set[str] = set()
    for res in package.descriptor.get("resources", []):
        name = str(res.get("name", ""))
        if "sources" in name:
            frame = package.table(name)
            if "id" in frame:
                ids |= set(frame["id"].astype(str))
    return ids


def footprint_problems(package: DataPackage) -> list[Problem]:
    """Errors in the jobs and footprint tables: unknown source ids, missing columns, numbers
    that are not numbers, intervals out of order or negative, an unknown satellite account."""
    problems: list[Problem] = []
    ids = package_source_ids(package)
    for name, path in FILES.items():
        if name == "sources":
            continue
        resource = resource_for(package, path)
        if resource is None:
            continue
        frame = package.table(resource)
        where = frame.attrs.get("path", path)
        try:
            typed = typed_table(name, frame, str(package.root))
        except DataPackageError as exc:
            problems.append(Problem(exc.file or where, None, exc.field, exc.value, exc.detail))
            continue
        if "sources" in typed:
            for i, cell in enumerate(typed["sources"]):
                for sid in (s.strip() for s in str(cell).split(";")):
                    if sid and sid not in ids:
                        problems.append(Problem(where, i + 2, "sources", sid,
                                                "unknown source id"))
                if not str(cell).strip():
                    problems.append(Problem(where, i + 2, "sources", "",
                                            "a figure without a source"))
        if name == "satellites":
            for i, account in enumerate(typed["account"]):
                if account not in ACCOUNTS:
                    problems.append(Problem(where, i + 2, "account", account,
                                            f"unknown account (use {', '.join(ACCOUNTS)})"))
    return problems


def footprint_warnings(package: DataPackage, currencies: set[str] | None = None
                       ) -> list[Problem]:
    """Gaps that leave jobs uncounted (warnings: the data stay usable): a labour flow of the
    cost structures whose (country, industry) has no compensation row (nor a TOTAL row for
    the country), and a compensation currency without FX rates (`currencies`: those that
    macro/fx.csv has)."""
    tables = footprint_tables(package)
    if not len(tables.compensation):
        return []
    warnings: list[Problem] = []
    comp = tables.compensation
    where = str(package.root / FILES["compensation"])
    pairs = set(zip(comp["country"], comp["industry"], strict=True))
    if currencies is not None:
        for currency in sorted(set(comp["currency"]) - currencies - {"EUR"}):
            warnings.append(Problem(where, None, "currency", currency,
                                    "no FX rate in macro/fx.csv: jobs in these rows are not "
                                    "counted until the rate is added"))
    if package.has("valuechain-cost-structures"):
        costs = package.table("valuechain-cost-structures")
        labour = costs[costs["kind"] == "labour"]
        industries = tables.industries
        missing = sorted({(c, industries.get(e, "TOTAL")) for e, c in
                          zip(labour["entity"], labour["counterpart"], strict=True)
                          if (c, industries.get(e, "TOTAL")) not in pairs
                          and (c, "TOTAL") not in pairs})
        for country, industry in missing:
            warnings.append(Problem(where, None, "country/industry", f"{country}/{industry}",
                                    "labour value added here has no compensation per FTE: "
                                    "its jobs are not counted"))
    return warnings
