"""Supply-chain footprints of a traced plan from the bundled per-entity satellite data.

The embodied CO2 of a plan is `sum_j s_j x_j` over every entity j the money reaches, with x_j
its output (revenue) caused by the plan in each draw and s_j its scope 1 and 2 emissions per
unit of revenue (valuechain/satellites.csv, `co2e_scope12`, t CO2e per USD million, from
sustainability reports). Scope 3 is the rest of the supply chain, which the trace itself walks,
so adding scope-3 figures would count it twice. The plan's money is converted to USD of the
plan year with the package's FX (macro/fx.csv) and, for a price year other than the plan year,
its deflators (`usd_per_plan_unit`: the intensities' money is the plan year's, as chip prices').

Entities without an intensity are left out and reported as not covered (the share of the
plan's output x that has no figure), never filled with a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from moneytrail.data.footprints import ACCOUNTS, FootprintTables
from moneytrail.engine.footprint import Account, Footprint, entity_country_shares, trace_footprint
from moneytrail.engine.sampling import PertSampler
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.errors import ConversionError

CO2 = "co2e_scope12"
EMPLOYEES = "employees"
STREAM_KEYS = {CO2: 1, EMPLOYEES: 2}
# A footprint's unit: a firm's employees (FTE) per USD million of a year's revenue times the
# plan's USD millions of output over the whole spending is work over that spending, FTE-years
# (jobs x years), as the jobs are; CO2 is tonnes over the whole spending.
FTE_YEARS = "FTE-years"
UNITS = {CO2: "t CO2e", EMPLOYEES: FTE_YEARS}


def fx_factor(money: Any, currency: str, year: int, to: str) -> float:
    """Nominal conversion factor currency -> to at `year` (the latest earlier year with both
    rates when that year has none)."""
    if currency == to:
        return 1.0
    for y in range(int(year), int(year) - 15, -1):
        if money.has_rate(currency, y) and money.has_rate(to, y):
            return float(money.rate(to, y) / money.rate(currency, y))
    raise ConversionError(f"no FX rates to convert {currency} to {to} near {year} "
                          "(macro/fx.csv)", field="currency", value=currency)


def money_year(result: Any) -> int:
    plan = result.require_plan()
    return int(plan.price_year or plan.year)


def restated(money: Any, plan: Any) -> float:
    """One unit of the plan's money (its currency at its price year) in the same currency
    at the plan year's prices (ledger.money.Converter.factor: the currency's own deflator,
    via the euro for one without). 1.0 when the price year is the plan year. The footprint
    intensities (t CO2e or FTE per USD million of revenue, pay per FTE) are figures of
    their data years, taken as the plan year's money as the chip prices and market sizes
    are (AnalysisData.plan_money_nominal); money at another price year is restated to that
    level first, so the price year alone does not change jobs or CO2. Raises
    ConversionError for a missing rate or deflator."""
    price, year = int(plan.price_year or plan.year), int(plan.year)
    if price == year:
        return 1.0
    return float(money.factor(plan.currency, price, plan.currency, year))


def usd_per_plan_unit(money: Any, plan: Any) -> float:
    """USD of the plan year (nominal) per unit of the plan's money: the price year's rate
    when the price year is the plan year (fx_factor, bit for bit as before), else the
    ledger's rule from the price year to the plan year (Converter.factor: the price year's
    rate, then the US deflator; as AnalysisData.plan_money_nominal for chips and compute).
    Raises ConversionError for a missing rate or deflator."""
    price, year = int(plan.price_year or plan.year), int(plan.year)
    if price == year:
        return fx_factor(money, plan.currency, price, "USD")
    return float(money.factor(plan.currency, price, "USD", year))


def satellite_account(result: Any, tables: FootprintTables, money: Any, account: str
                      ) -> tuple[Account, float]:
    """An account from satellites.csv (per USD million of revenue) over the result's model,
    and the share of entities (by count) with a figure. Coefficients turn the plan's money
    into USD millions."""
    if account not in ACCOUNTS:
        raise MoneytrailError(f"unknown satellite account (use {', '.join(ACCOUNTS)})",
                              field="account", value=account)
    plan = result.require_plan()
    model = result.model
    rows = tables.satellite(account, plan.year)
    per_million = usd_per_plan_unit(money, plan) / 1e6
    entity, country, share = entity_country_shares(model)
    labels = np.asarray(model.labels, dtype=object)[entity]
    figures = rows.set_index("entity") if len(rows) else pd.DataFrame(
        columns=["low", "central", "high"])
    known = np.array([label in figures.index for label in labels], dtype=bool)
    covered = sorted(set(labels[known]))
    order = {label: k for k, label in enumerate(covered)}
    param = np.array([order.get(label, -1) for label in labels])
    keep = known
    sampler = None
    if covered:
        pick = figures.loc[covered]
        sampler = PertSampler(pick["low"].to_numpy(float), pick["central"].to_numpy(float),
                              pick["high"].to_numpy(float), lower=0.0)
    provenance = rows[rows["entity"].isin(covered)].reset_index(drop=True) if len(rows) \
        else pd.DataFrame()
    out = Account(name=account, unit=UNITS[account], entity=entity[keep],
                  country=tuple(c for c, k in zip(country, keep, strict=True) if k),
                  coefficient=share[keep] * per_million, flow=np.full(int(keep.sum()), -1),
                  param=param[keep], parameters=sampler, power=1.0, stream="footprints",
                  key=STREAM_KEYS[account], provenance=provenance)
    return out, len(covered) / max(model.n, 1)


@dataclass(frozen=True, eq=False)
class SupplyChainFootprint:
    """A satellite footprint of a plan with its coverage: `coverage` is the share of the
    plan's output (x, mean over draws) made by entities that have a figure."""

    footprint: Footprint
    coverage: float
    sources: list[str]


def plan_footprint(result: Any, tables: FootprintTables, money: Any, account: str = CO2
                   ) -> SupplyChainFootprint:
    """The plan's supply-chain footprint for a satellites.csv account (default CO2 scope 1+2)
    by entity, country, tier and total, per draw with intervals."""
    acc, _ = satellite_account(result, tables, money, account)
    footprint = trace_footprint(result, acc)
    coverage = output_coverage(result, acc)
    sources = sorted({s for cell in acc.provenance.get("sources", []) for s in
                      str(cell).split(";") if s})
    return SupplyChainFootprint(footprint=footprint, coverage=coverage, sources=sources)


def output_coverage(result: Any, account: Account) -> float:
    """Share of the plan's total output x (central draw of the plan) made by the entities an
    account covers."""
    model = result.model
    x = model.solve(model_demand(result))
    covered = np.zeros(model.n, dtype=bool)
    covered[account.entity] = True
    total = float(np.sum(x))
    return float(np.sum(x[covered]) / total) if total else 0.0


def model_demand(result: Any) -> np.ndarray:

    return result.plan_demand().central()
