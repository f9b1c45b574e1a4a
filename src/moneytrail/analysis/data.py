"""The analyses' own sourced parameter tables (data package folder `analysis/`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from moneytrail.data import checks
from moneytrail.data.package import DataPackage, is_validated, mark_validated, open_package
from moneytrail.errors import DataPackageError
from moneytrail.ledger.money import Converter

if TYPE_CHECKING:
    from moneytrail.scenarios.schema import Plan

TABLES = ("market_sizes", "merger_thresholds", "parameters", "accelerators", "grid",
          "electricity_prices", "training_runs", "export_rules", "model_providers", "eu_members")
NUMERIC = {
    "market_sizes": ("low", "central", "high"),
    "merger_thresholds": ("value",),
    "parameters": ("low", "central", "high"),
    "accelerators": ("tdp_w", "bf16_tflops", "price_low", "price_central", "price_high"),
    "grid": ("gco2_per_kwh", "renewable_share"),
    "electricity_prices": ("low", "central", "high"),
    "training_runs": ("flop_low", "flop_central", "flop_high", "chip_hours", "cost_usd", "eci"),
    "export_rules": ("cap_h100e",),
}


@dataclass(frozen=True)
class AnalysisData:
    """Typed tables plus the sources they cite; every number has a source id or is labelled."""

    package: DataPackage
    sources: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    money: Converter            # the ledger's FX rules, over the package's macro tables

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    def param(self, name: str) -> tuple[float, float, float]:
        """(low, central, high) of a scalar parameter."""
        frame = self.tables["parameters"]
        row = frame[frame["id"] == name]
        if row.empty:
            raise DataPackageError("unknown analysis parameter", file=str(self.package.root),
                                   field="parameters.id", value=name)
        r = row.iloc[0]
        return float(r["low"]), float(r["central"]), float(r["high"])

    def threshold(self, name: str) -> float:
        frame = self.tables["merger_thresholds"]
        return float(frame.loc[frame["id"] == name, "value"].iloc[0])

    def convert(self, amount, currency: str, to: str, year: int):
        """Nominal conversion at the year's ECB annual average (the ledger's rules and errors:
        a missing rate is an error, never extrapolated)."""
        return amount * self.money.factor(currency, year, to, year)

    def plan_money_nominal(self, amount, plan: Plan, to: str):
        """An amount as a plan expresses its money (its currency at its price year, `price_year`
        or else `year`; docs/results.md 'Units') in `to`, nominal of the plan year: what the
        data's prices of the plan year (chips, GPU rent, filings) meet. The ledger's rules
        (ledger.money.Converter.factor: the price year's rate, then the deflator to the plan
        year); with the plan year as price year, the nominal conversion at the plan year, bit
        for bit. Raises ConversionError for a missing rate or deflator."""
        return amount * self.money.factor(plan.currency, plan.price_year or plan.year, to,
                                          plan.year)


def _problems(name: str, frame: pd.DataFrame, source_ids: set[str]) -> list[checks.Problem]:
    problems = []
    if "sources" in frame.columns:
        problems += checks.check_sourced(frame, source_ids)
    path = frame.attrs.get("path", name)
    for col in NUMERIC.get(name, ()):
        values = frame[col]
        wrong = (values != "").to_numpy() & np.isnan(checks.numbers(values))
        problems += [checks.Problem(path, checks.line_of(frame, i), col, value,
                                    checks.number_problem(value))
                     for i, value in values[wrong].items()]
    if {"low", "central", "high"} <= set(frame.columns) and not problems:
        problems += checks.check_intervals(frame, lower=None)
    return problems


def analysis_problems(package: DataPackage) -> list[checks.Problem]:
    """Every problem of the analysis tables (sources, numbers, intervals)."""
    sources = package.table("analysis-sources")
    problems = []
    ids = set(sources["id"])
    for name in TABLES:
        problems += _problems(name, package.table(f"analysis-{name.replace('_', '-')}"), ids)
    return problems


def analysis_of(package: DataPackage) -> AnalysisData:
    """The typed analysis tables of an open package.

    The row checks (sources, numbers, intervals) run unless this exact package content passed
    them before (see `data.package.is_validated`); after a clean check the package is marked.
    Raises DataPackageError naming the first problem, or when the package has no analysis
    tables.
    """
    if not package.has("analysis-sources"):
        raise DataPackageError("this data package has no analysis tables",
                               file=str(package.root), field="resources")
    sources = package.table("analysis-sources")
    ids = set(sources["id"])
    check = not is_validated(package, "analysis")
    tables = {}
    for name in TABLES:
        frame = package.table(f"analysis-{name.replace('_', '-')}")
        problems = _problems(name, frame, ids) if check else []
        if problems:
            first = problems[0]
            raise DataPackageError(first.message, file=f"{first.file}:{first.line}",
                                   field=first.field, value=first.value)
        frame = frame.copy()
        for col in NUMERIC.get(name, ()):
            frame[col] = pd.to_numeric(frame[col].replace("", np.nan))
        if "year" in frame.columns:
            frame["year"] = frame["year"].astype(int)
        tables[name] = frame
    if check:
        mark_validated(package, "analysis")
    money = Converter.from_records(
        package.table("macro-fx").to_dict("records") if package.has("macro-fx") else [],
        package.table("macro-deflators").to_dict("records")
        if package.has("macro-deflators") else [])
    return AnalysisData(package=package, sources=sources, tables=tables, money=money)


def load_analysis(path: str | Path | None = None) -> AnalysisData:
    """Read the analysis tables of a data package (the bundled one by default)."""
    return analysis_of(open_package(path))
