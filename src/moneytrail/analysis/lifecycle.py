"""A plan's compute over its life: hardware value, energy, electricity cost, CO2, residual
value, TCO.

Owned hardware is bought as the plan spends: its budget evenly over its years of spending
(`spend_years`, else the horizon: analysis.concentration.spend_years), at the start of each
year, so what year k buys (k = 0 .. spend_years - 1) runs for horizon - k years (`vintages`).
Each year's purchases lose value and draw power only from the year they are bought to the end
of the horizon: residual value = sum over the years of hardware / spend_years x (1 - decline)
^ (horizon - k); energy = accelerators x TDP x IT overhead x (busy + idle share) x PUE x hours
of a year x the years they run on average (`operating_years`); its electricity cost is the
plan's. Rented compute (cloud_compute spending,
converted to H100-hours at the rental price as the efficiency analysis does) uses energy too:
hours x TDP x IT overhead x PUE, at the buyer region's grid; its electricity cost is already in
the rent, so it adds to energy and CO2 (labelled `_rented`) but not to cost. CO2 is
location-based (the site's grid intensity); prices are large-consumer tariffs. The data year of
the grid and price rows is reported (`data_year`) when the plan's year is missing.

A plan that buys electricity in its budget (its `electricity` category) already pays part of
its hardware's power (`own_electricity`): in each year of spending the category buys its
spending / spend_years, in kWh at the lifecycle's price, and covers the hardware's use of that
year up to it (power bought in one year runs no other year's hardware). The electricity cost
adds only the rest; operational CO2 counts every kWh the hardware uses (at the site's grid);
and the embodied CO2 leaves out the covered share of the purchase's first invoice (what the
plan pays its electricity suppliers x their scope 1+2 per unit of revenue), so no kWh is
counted twice (docs/methods.md, 'Lifecycle cost and TCO').
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from moneytrail.analysis.concentration import spend_years
from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.dependency import site_of
from moneytrail.analysis.hardware import (
    HARDWARE,
    HOURS_PER_YEAR,
    accelerator_units,
    kw_per_unit,
    reference_chip,
    rented_gpu_hours,
)
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.site import price_per_kwh, site_row
from moneytrail.analysis.stats import Stream, describe_frame, draw_interval
from moneytrail.engine.result import TraceResult
from moneytrail.scenarios.schema import Plan

# keys of the quantities lifecycle draws from its stream (one key each: no shared numbers)
DECLINE, LIFE, IT_FACTOR, BUSY, IDLE, PUE, PRICE = range(7)

ELECTRICITY = "electricity"       # the spending category of grid power a plan buys itself
# lifecycle_draws' keys for the plan's own electricity purchase (`own_electricity`): not rows
# of the lifecycle table, read by its note and by the embodied / operational split
OWN_ELECTRICITY = ("own_electricity_spend", "own_electricity_mwh",
                   "own_electricity_covered_mwh")


def vintages(plan: Plan) -> list[tuple[float, float]]:
    """The plan's hardware by the year it is bought: (share of the hardware, years it runs to
    the end of the horizon), one pair a year of spending. The budget is spent evenly over
    `spend_years` (as the market and jobs analyses spread it), at the start of each year, so
    what year k buys runs horizon - k years; spending in one year (`spend_years: 1`) runs
    everything for the whole horizon.

    >>> from moneytrail.scenarios.schema import parse_scenario
    >>> plan = parse_scenario({"id": "p", "title": "p", "year": 2025, "currency": "EUR",
    ...     "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0}, "horizon_years": 6,
    ...     "spend_years": 2})
    >>> vintages(plan)
    [(0.5, 6.0), (0.5, 5.0)]
    """
    years = spend_years(plan)
    return [(1.0 / years, float(plan.horizon_years - year)) for year in range(years)]


def operating_years(plan: Plan) -> float:
    """The years the plan's hardware runs within the horizon, on average over its purchases
    (`vintages`): horizon - (spend_years - 1) / 2."""
    return sum(share * years for share, years in vintages(plan))


def yearly_use(plan: Plan) -> list[tuple[float, float]]:
    """Per year of the horizon: (share of the hardware running that year, share of the budget
    spent that year). What year k buys (`vintages`) runs from year k to the end of the horizon;
    the budget is spent evenly over `spend_years`. The running shares add up to
    `operating_years`.

    >>> from moneytrail.scenarios.schema import parse_scenario
    >>> plan = parse_scenario({"id": "p", "title": "p", "year": 2025, "currency": "EUR",
    ...     "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0}, "horizon_years": 3,
    ...     "spend_years": 2})
    >>> yearly_use(plan)
    [(0.5, 0.5), (1.0, 0.5), (1.0, 0.0)]
    """
    bought = vintages(plan)
    return [(sum(share for share, _ in bought[:year + 1]),
             1.0 / len(bought) if year < len(bought) else 0.0)
            for year in range(plan.horizon_years)]


def own_electricity(plan: Plan, purchases: Purchases, owned_kwh: np.ndarray,
                    price: np.ndarray) -> dict[str, np.ndarray]:
    """Per draw: what the plan's own `electricity` category buys (its spending, in the plan's
    money; its MWh at the lifecycle's price per kWh) and the MWh of it the owned hardware uses.
    Year by year (`yearly_use`): the category buys its spending / spend_years a year; the
    hardware uses owned_kwh / operating_years x the share of it running; the covered MWh are
    the smaller of the two, summed over the years (power bought in one year cannot run another
    year's hardware, so a year's surplus covers nothing later). 0 without the category."""
    by_cat = purchases.by_category()
    spend = by_cat[ELECTRICITY].to_numpy(float) if ELECTRICITY in by_cat \
        else np.zeros(len(by_cat))
    kwh = np.divide(spend, price, out=np.zeros_like(spend), where=price > 0)
    per_year = owned_kwh / operating_years(plan)
    covered = np.zeros_like(spend)
    for running, spent in yearly_use(plan):
        covered += np.minimum(kwh * spent, per_year * running)
    return {"own_electricity_spend": spend, "own_electricity_mwh": kwh / 1000.0,
            "own_electricity_covered_mwh": covered / 1000.0}


def hardware_value(result: TraceResult, data: AnalysisData, purchases: Purchases
                   ) -> dict[str, np.ndarray]:
    """Per draw: hardware bought, its resale value at the horizon, and straight-line book value
    (NaN share when the plan buys no hardware), each year's purchases (`vintages`) losing value
    from the year they are bought."""
    stream, n = Stream(result.seed, "lifecycle"), result.draws
    bought = vintages(result.require_plan())
    by_cat = purchases.by_category()
    hardware = by_cat[[c for c in HARDWARE if c in by_cat]].sum(axis=1).to_numpy()
    decline = draw_interval(data.param("value_decline_per_year"), stream.at(DECLINE), n,
                            lower=0.0, upper=1.0)
    life = draw_interval(data.param("useful_life_years"), stream.at(LIFE), n, lower=0.5)
    residual = hardware * sum(share * (1.0 - decline) ** years for share, years in bought)
    book = hardware * sum(share * np.clip(1.0 - years / life, 0.0, 1.0)
                          for share, years in bought)
    return {"hardware_capex": hardware, "residual_value": residual,
            "residual_value_share": np.divide(residual, hardware, out=np.full(n, np.nan),
                                              where=hardware > 0),
            "book_value_straight_line": book}


def energy(result: TraceResult, data: AnalysisData, purchases: Purchases
           ) -> dict[str, np.ndarray]:
    """Per draw: H100-equivalents owned, energy of owned and of rented compute (kWh); the
    owned hardware runs from the year it is bought to the end of the horizon
    (`operating_years`)."""
    stream, n = Stream(result.seed, "lifecycle"), result.draws
    plan = result.require_plan()
    units, chip = accelerator_units(result, purchases, data)
    it_factor = draw_interval(data.param("it_power_per_tdp"), stream.at(IT_FACTOR), n, lower=0.0)
    busy = draw_interval(data.param("busy_fraction"), stream.at(BUSY), n, lower=0.0, upper=1.0)
    idle = draw_interval(data.param("idle_draw"), stream.at(IDLE), n, lower=0.0, upper=1.0)
    region = "EU" if plan.buyer_region == "EU" else "US"
    pue = draw_interval(data.param(f"pue_{region}"), stream.at(PUE), n, lower=1.0)
    owned_kw = units * kw_per_unit(chip, data) * it_factor
    owned = (owned_kw * (busy + (1.0 - busy) * idle) * pue * HOURS_PER_YEAR
             * operating_years(plan))
    reference_kw = float(reference_chip(data)["tdp_w"]) / 1000.0
    rented = rented_gpu_hours(result, purchases, data) * reference_kw * it_factor * pue
    return {"units": units, "owned_kwh": owned, "rented_kwh": rented}


def lifecycle_draws(result: TraceResult, data: AnalysisData,
                    purchases: Purchases | None = None) -> dict[str, np.ndarray]:
    """Per-draw lifecycle quantities over the plan's horizon, in the plan's currency."""
    purchases = purchases if purchases is not None else plan_purchases(result)
    plan = result.require_plan()
    year, n = plan.year, result.draws
    value = hardware_value(result, data, purchases)
    kwh = energy(result, data, purchases)
    site = site_of(result)
    grid = site_row(data["grid"], site, year, "grid intensity")
    price = price_per_kwh(data, site_row(data["electricity_prices"], site, year,
                                         "electricity price"),
                          plan.currency, Stream(result.seed, "lifecycle", (PRICE,)), n)
    own = own_electricity(plan, purchases, kwh["owned_kwh"], price)
    # the electricity the budget already buys for the hardware is not added again
    cost = (kwh["owned_kwh"] - own["own_electricity_covered_mwh"] * 1000.0) * price
    co2_owned = kwh["owned_kwh"] * grid["gco2_per_kwh"] / 1e6        # tonnes CO2e
    co2_rented = kwh["rented_kwh"] * grid["gco2_per_kwh"] / 1e6
    return {**value, "accelerators_h100e": kwh["units"],
            "energy_mwh": (kwh["owned_kwh"] + kwh["rented_kwh"]) / 1000.0,
            "energy_mwh_rented": kwh["rented_kwh"] / 1000.0, "electricity_cost": cost,
            "co2_tonnes": co2_owned + co2_rented, "co2_tonnes_rented": co2_rented,
            "tco": result.total + cost - value["residual_value"], **own}


def own_electricity_co2(result: TraceResult, data: AnalysisData,
                        purchases: Purchases) -> np.ndarray:
    """Per draw: the CO2 of the first invoice of the plan's `electricity` category, what it
    pays each electricity supplier x that supplier's scope 1+2 per unit of revenue
    (valuechain/satellites.csv, the same draws as the supply-chain footprint): the emissions
    of generating the power it buys, which the footprint counts as embodied. 0 for a supplier
    without an intensity."""
    from moneytrail.analysis.footprints import CO2, satellite_account
    from moneytrail.data.footprints import footprint_tables
    from moneytrail.engine.footprint import draw_account_values

    n = result.draws
    out = np.zeros(n)
    suppliers, amounts = purchases.in_category(ELECTRICITY)
    if not suppliers:
        return out
    account, _ = satellite_account(result, footprint_tables(data.package), data.money, CO2)
    values, _ = draw_account_values(account, result.seed, n)
    per_unit = account.per_output(np.zeros((n, 0)), values)     # t CO2e per unit of money
    labels = np.asarray(result.model.labels, dtype=object)[account.entity]
    for column, supplier in enumerate(suppliers):
        out += amounts[:, column] * per_unit[:, labels == supplier].sum(axis=1)
    return out


def electricity_overlap(result: TraceResult, data: AnalysisData,
                        draws: dict[str, np.ndarray] | None,
                        purchases: Purchases | None = None) -> np.ndarray:
    """Per draw: the CO2 both the supply-chain footprint (as embodied CO2) and the lifecycle
    (as operational CO2) would count, the one rule every figure of embodied CO2 beside
    operational CO2 uses (`embodied_net`): when the plan's own electricity covers part of its
    hardware's use (`own_electricity`, in `draws`: lifecycle_draws), that covered share of
    the purchase's first-invoice CO2 (`own_electricity_co2`); operational CO2 already counts
    those kWh at the site's grid intensity. Zeros otherwise."""
    own = draws if draws is not None else {}
    covered = own.get("own_electricity_covered_mwh")
    if covered is None or not np.any(covered > 0):
        return np.zeros(result.draws)
    bought = own["own_electricity_mwh"]
    share = np.divide(covered, bought, out=np.zeros_like(covered), where=bought > 0)
    purchases = purchases if purchases is not None else plan_purchases(result)
    return share * own_electricity_co2(result, data, purchases)


def embodied_net(result: TraceResult, data: AnalysisData, embodied: np.ndarray,
                 draws: dict[str, np.ndarray] | None,
                 purchases: Purchases | None = None) -> np.ndarray:
    """Per draw: embodied CO2 (`embodied`: the supply-chain footprint's, footprint_draws'
    co2_embodied_tonnes) less the power the plan buys and its hardware uses
    (`electricity_overlap`), so embodied + operational CO2 counts no kWh twice. The lifecycle
    table, the co2 table, the scorecard, comparisons and briefings all read it."""
    return embodied - electricity_overlap(result, data, draws, purchases)


def embodied_co2(result: TraceResult, data: AnalysisData, operational: np.ndarray,
                 embodied: np.ndarray | None = None,
                 draws: dict[str, np.ndarray] | None = None,
                 purchases: Purchases | None = None) -> dict[str, np.ndarray]:
    """Embodied CO2 of the plan's supply chain (scope 1+2 of every firm the money reaches,
    analysis.jobs.footprint_draws, from valuechain/satellites.csv) and its share of embodied +
    operational CO2, per draw; no rows when the data package has no intensities. `embodied`:
    the per-draw embodied CO2 when already computed (footprint_draws' co2_embodied_tonnes).
    `draws` (lifecycle_draws): when the plan's own electricity covers part of its hardware's
    use (`own_electricity`), that share of the purchase's first-invoice CO2
    (`own_electricity_co2`) is left out of embodied CO2: operational CO2 already counts those
    kWh at the site's grid intensity."""
    from moneytrail.analysis.jobs import footprint_draws

    if embodied is None:
        embodied = footprint_draws(result, data)["co2_embodied_tonnes"]
    if np.all(np.isnan(embodied)):
        return {}
    embodied = embodied_net(result, data, embodied, draws, purchases)
    total = embodied + operational
    return {"co2_embodied_tonnes": embodied,
            "co2_embodied_share": np.divide(embodied, total, out=np.full_like(total, np.nan),
                                            where=total > 0)}


def data_years(result: TraceResult, data: AnalysisData) -> dict[str, int]:
    """The year of the grid and price rows the lifecycle used (its nearest-year fallback)."""
    site, year = site_of(result), result.require_plan().year
    grid = int(site_row(data["grid"], site, year, "grid intensity")["year"])
    price = int(site_row(data["electricity_prices"], site, year, "electricity price")["year"])
    return {"energy_mwh": grid, "energy_mwh_rented": grid, "co2_tonnes": grid,
            "co2_tonnes_rented": grid, "electricity_cost": price, "tco": price}


# the rows a budget reads first, in this order, when `lifecycle(..., budget_rows=True)`
COST_ROWS = ("budget", "hardware_capex", "other_spending", "electricity_cost",
             "residual_value", "tco")


def lifecycle(result: TraceResult, data: AnalysisData,
              purchases: Purchases | None = None, *,
              draws: dict[str, np.ndarray] | None = None,
              embodied: np.ndarray | None = None,
              budget_rows: bool = False) -> pd.DataFrame:
    """Lifecycle metrics over the plan's horizon: mean / p5 / p50 / p95, with the data year of
    the country data behind each row. `draws`: lifecycle_draws already computed for this
    trace; `embodied`: its per-draw embodied CO2 (lifecycle.embodied_co2), when known.
    `budget_rows` adds the budget and the spending other than hardware (budget - hardware
    capex) and puts the rows TCO is made of first (COST_ROWS)."""
    draws = dict(draws if draws is not None else lifecycle_draws(result, data, purchases))
    draws.update(embodied_co2(result, data, draws["co2_tonnes"], embodied, draws, purchases))
    for key in OWN_ELECTRICITY:
        draws.pop(key, None)
    if budget_rows:
        budget = np.full(result.draws, float(result.total))
        parts = {"budget": budget, "other_spending": budget - draws["hardware_capex"]}
        draws = {**{k: parts[k] if k in parts else draws[k] for k in COST_ROWS},
                 **{k: v for k, v in draws.items() if k not in COST_ROWS}}
    out = describe_frame(draws)
    units = {"budget": result.currency, "other_spending": result.currency,
             "hardware_capex": result.currency, "residual_value": result.currency,
             "residual_value_share": "share", "book_value_straight_line": result.currency,
             "accelerators_h100e": "H100-equivalents", "energy_mwh": "MWh",
             "energy_mwh_rented": "MWh (rented compute)", "electricity_cost": result.currency,
             "co2_tonnes": "t CO2e", "co2_tonnes_rented": "t CO2e (rented compute)",
             "tco": result.currency,
             "co2_embodied_tonnes": "t CO2e (supply chain, scope 1+2)",
             "co2_embodied_share": "share"}     # of embodied + operational CO2
    out.insert(0, "unit", [units[k] for k in out.index])
    years = data_years(result, data)
    out["data_year"] = pd.array([years.get(k) for k in out.index], dtype="Int64")
    return out
