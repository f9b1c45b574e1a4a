"""Country data of a plan's site (grid intensity, renewable share, electricity price), with the
year actually used, so a nearest-year fallback is always visible in the output."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.stats import Stream, draw_interval
from moneytrail.errors import DataPackageError, ScenarioError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Plan

ENERGY_UNITS = {"kWh": 1.0, "MWh": 1000.0}      # kWh per unit of the price's denominator


def site_row(table: pd.DataFrame, country: str, year: int, what: str) -> pd.Series:
    """The row of `country` for `year`, else its nearest year (the row's `year` says which:
    callers report it as `data_year`)."""
    rows = table[table["country"] == country]
    if rows.empty:
        known = ", ".join(sorted(set(table["country"])))
        raise ScenarioError(f"no {what} data for this site (known: {known})",
                            field="site_country", value=country)
    return rows.iloc[int(np.argmin(np.abs(rows["year"].to_numpy() - year)))]


def price_per_kwh(data: AnalysisData, row: pd.Series, currency: str, stream: Stream,
                  draws: int) -> np.ndarray:
    """Per-draw electricity price of a row of electricity_prices.csv in `currency` per kWh,
    read from the row's own unit (e.g. EUR/kWh, USD/MWh) and converted once, at the FX rate
    of the row's own year."""
    unit = str(row["unit"])
    money, _, energy = unit.partition("/")
    if energy not in ENERGY_UNITS or len(money) != 3:
        raise DataPackageError("electricity price unit must be CUR/kWh or CUR/MWh",
                               file="analysis/electricity_prices.csv", field="unit", value=unit)
    price = draw_interval((row["low"], row["central"], row["high"]), stream, draws, lower=0.0)
    return data.convert(price / ENERGY_UNITS[energy], money, currency, int(row["year"]))


def unsplit_site_sectors(plan: Plan, model: IOModel) -> tuple[str, dict[str, list[str]]]:
    """Where a plan's `site_country` lies in a region whose sectors the data do not split by
    member state (today the EU: a member state sited plan whose value chain has EU-level
    rows), that region's code and, per category the plan spends on (category name), the names
    of its direct suppliers whose value added the data count in that region as a whole (e.g.
    {'Facility': ['EU construction']}). ('', {}) when the plan names no site, its site is a
    region itself, or none of its suppliers are such rows. Read from the data: the plan's
    markets or own procurement (engine.demand.market_rows) and the value-added rows of each
    supplier (model.flows `country`)."""
    region, found = unsplit_site_suppliers(plan, model)
    if model.categories is None:
        return "", {}
    category_names = dict(zip(model.categories["id"], model.categories["name"], strict=True))
    entity_names = dict(zip(model.entities["id"], model.entities["name"], strict=True))
    return region, {str(category_names.get(category, category)):
                    sorted(str(entity_names.get(s, s)) for s in suppliers)
                    for category, suppliers in found.items()}


def unsplit_site_suppliers(plan: Plan, model: IOModel) -> tuple[str, dict[str, list[str]]]:
    """`unsplit_site_sectors` by ids: the region's code and, per category id the plan spends
    on, the ids of its direct suppliers whose value added the data count in that region as a
    whole (e.g. {'facility': ['eu_construction']}). ('', {}) as there."""
    from moneytrail.engine.demand import market_rows

    site = plan.site_country
    region = "EU"
    if site is None or site == region or site not in model.eu_members:
        return "", {}
    # sectors the data give for the region as a whole: all their value added is in it
    whole = model.flows.groupby("entity")["country"].agg(lambda c: bool((c == region).all()))
    in_region = set(whole.index[whole.to_numpy(bool)])
    if not in_region or model.categories is None:
        return "", {}
    markets = market_rows(plan, model)
    markets = markets[(markets["high"] > 0) & markets["supplier"].isin(in_region)]
    spent = {c for c, share in plan.spend.items() if share.bounds[2] > 0}
    found: dict[str, list[str]] = {}
    for category, rows in markets.groupby("category", sort=True):
        if category in spent:
            found[str(category)] = sorted(str(s) for s in set(rows["supplier"]))
    return (region, found) if found else ("", {})
