"""Country data of a plan's site (grid intensity, renewable share, electricity price), with the
year actually used, so a nearest-year fallback is always visible in the output."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.stats import Stream, draw_interval
from moneytrail.errors import DataPackageError, ScenarioError

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
