"""A plan's hardware over its life: value, energy, electricity cost, CO2, residual value, TCO.

Owned hardware only: for rented compute (cloud) the provider's energy and depreciation are in the
rental price. Energy = accelerators x TDP x IT overhead x (busy + idle share) x PUE x hours;
CO2 is location-based (the site's grid intensity), prices are large-consumer tariffs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from moneytrail.analysis.data import AnalysisData, load_analysis
from moneytrail.analysis.dependency import HARDWARE, accelerator_units, site_of
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.stats import describe_frame, draw_interval, rng_for
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ScenarioError

STREAM = 3
HOURS_PER_YEAR = 8760.0


def _nearest(table: pd.DataFrame, country: str, year: int, where: str) -> pd.Series:
    rows = table[table["country"] == country]
    if rows.empty:
        raise ScenarioError(f"no {where} data for this site (known: "
                            f"{', '.join(sorted(set(table['country'])))})",
                            field="site_country", value=country)
    return rows.iloc[int(np.argmin(np.abs(rows["year"].to_numpy() - year)))]


def lifecycle_draws(result: TraceResult, data: AnalysisData | None = None,
                    purchases: Purchases | None = None) -> dict[str, np.ndarray]:
    """Per-draw lifecycle quantities over the plan's horizon, in the plan's currency."""
    data = data if data is not None else load_analysis()
    purchases = purchases if purchases is not None else plan_purchases(result)
    plan, year, n = result.plan, result.model.year, result.draws
    rng = rng_for(result.seed, STREAM)
    horizon = float(plan.horizon_years)
    by_cat = purchases.by_category()
    hardware = by_cat[[c for c in HARDWARE if c in by_cat]].sum(axis=1).to_numpy()
    decline = draw_interval(data.param("value_decline_per_year"), rng, n, lower=0.0, upper=1.0)
    life = draw_interval(data.param("useful_life_years"), rng, n, lower=0.5)
    residual = hardware * (1.0 - decline) ** horizon
    units, chip = accelerator_units(result, purchases, data)     # H100-equivalents
    h100_tdp_kw = data["accelerators"].set_index("id").loc["h100", "tdp_w"] / 1000.0
    it_factor = draw_interval(data.param("it_power_per_tdp"), rng, n, lower=0.0)
    busy = draw_interval(data.param("busy_fraction"), rng, n, lower=0.0, upper=1.0)
    idle = draw_interval(data.param("idle_draw"), rng, n, lower=0.0, upper=1.0)
    region = "EU" if plan.buyer_region == "EU" else "US"
    pue = draw_interval(data.param(f"pue_{region}"), rng, n, lower=1.0)
    # TDP scales with the chip: H100-equivalents x H100 TDP x (chip W per H100e / H100 W)
    watts_ratio = (chip["tdp_w"] / chip["bf16_tflops"]) / (h100_tdp_kw * 1000.0 / 989.0)
    it_kw = units * h100_tdp_kw * watts_ratio * it_factor
    kwh = it_kw * (busy + (1.0 - busy) * idle) * pue * HOURS_PER_YEAR * horizon
    site = site_of(result)
    grid = _nearest(data["grid"], site, year, "grid intensity")
    price_row = _nearest(data["electricity_prices"], site, year, "electricity price")
    price = draw_interval((price_row["low"], price_row["central"], price_row["high"]), rng, n,
                          lower=0.0)
    cost = data.convert(kwh * price, "EUR", plan.currency, year)
    co2 = kwh * grid["gco2_per_kwh"] / 1e6                          # tonnes CO2e
    book = hardware * np.clip(1.0 - horizon / life, 0.0, 1.0)
    return {"hardware_capex": hardware, "residual_value": residual,
            "residual_value_share": np.divide(residual, hardware, out=np.full(n, np.nan),
                                              where=hardware > 0),
            "book_value_straight_line": book, "accelerators_h100e": units,
            "energy_mwh": kwh / 1000.0, "electricity_cost": cost, "co2_tonnes": co2,
            "tco": result.total + cost - residual}


def lifecycle(result: TraceResult, data: AnalysisData | None = None,
              purchases: Purchases | None = None) -> pd.DataFrame:
    """Lifecycle metrics over the plan's horizon: mean / p5 / p50 / p95."""
    out = describe_frame(lifecycle_draws(result, data, purchases))
    units = {"hardware_capex": result.currency, "residual_value": result.currency,
             "residual_value_share": "share", "book_value_straight_line": result.currency,
             "accelerators_h100e": "H100-equivalents", "energy_mwh": "MWh",
             "electricity_cost": result.currency, "co2_tonnes": "t CO2e",
             "tco": result.currency}
    out.insert(0, "unit", [units[k] for k in out.index])
    return out
