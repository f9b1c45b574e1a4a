"""The plan's accelerators in reference-chip units, shared by dependency, lifecycle, efficiency.

One place for the reference accelerator (whose dense BF16 peak converts H100-equivalents to
FLOP/s) and for the length of a year, so the three analyses count the same chips and hours.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.purchases import Purchases
from moneytrail.analysis.stats import Stream, draw_interval
from moneytrail.data.checks import one_row
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ScenarioError
from moneytrail.scenarios.schema import Plan

REFERENCE_CHIP = "h100"        # units are "H100-equivalents" of dense BF16 throughput
HOURS_PER_YEAR = 365.25 * 24   # a mean calendar year (leap years included), in every analysis
HARDWARE = ("accelerators", "servers", "networking", "storage")


def reference_chip(data: AnalysisData) -> pd.Series:
    """The reference accelerator's row of analysis/accelerators.csv."""
    return one_row(data["accelerators"].set_index("id"), REFERENCE_CHIP)


def reference_flops(data: AnalysisData) -> float:
    """Peak dense BF16 FLOP/s of the reference accelerator, from analysis/accelerators.csv."""
    return float(reference_chip(data)["bf16_tflops"]) * 1e12


def reference_accelerator(data: AnalysisData, year: int) -> pd.Series:
    """The accelerator a plan of `year` buys (its price and power set units and energy)."""
    table = data["accelerators"]
    for _, row in table.iterrows():
        if str(year) in str(row["reference_years"]).split(";"):
            return row
    raise ScenarioError("no reference accelerator for this year in analysis/accelerators.csv",
                        field="year", value=year)


def accelerator_units(result: TraceResult, purchases: Purchases, data: AnalysisData
                      ) -> tuple[np.ndarray, pd.Series]:
    """Per draw, H100-equivalents bought (accelerator spend, restated from the plan's price
    year to the plan year's money, / the year's chip price, scaled by its throughput), and the
    chip's row."""
    by_cat = purchases.by_category()
    spend = by_cat["accelerators"].to_numpy() if "accelerators" in by_cat else np.zeros(
        result.draws)
    plan = result.require_plan()
    chip = reference_accelerator(data, plan.year)
    price = draw_interval((chip["price_low"], chip["price_central"], chip["price_high"]),
                          Stream(result.seed, "accelerator_price"), result.draws, lower=0.0)
    spend_chip_currency = data.plan_money_nominal(spend, plan, chip["currency"])
    units = spend_chip_currency / price
    return units * chip["bf16_tflops"] / reference_chip(data)["bf16_tflops"], chip


def h100e_price(data: AnalysisData, plan: Plan) -> dict[str, float | str]:
    """The price per H100-equivalent a plan's accelerators are counted at (accelerator_units:
    the year's reference chip's price / the H100-equivalents one such chip counts), low /
    central / high in the plan's money (its currency at its price year, converted as the
    count converts the spending: AnalysisData.plan_money_nominal), with the chip's name, the
    H100-equivalents it counts (`per_chip`), its row's reliability and the source ids of the
    chip's and the H100's rows (chip first, ';'-joined). Raises as accelerator_units does."""
    chip, h100 = reference_accelerator(data, plan.year), reference_chip(data)
    per_chip = float(chip["bf16_tflops"]) / float(h100["bf16_tflops"])
    factor = float(data.plan_money_nominal(1.0, plan, chip["currency"]))  # chip money per unit
    sources = dict.fromkeys(s.strip() for row in (chip, h100)
                            for s in str(row["sources"] or "").split(";") if s.strip())
    return {**{k: float(chip[f"price_{k}"]) / per_chip / factor
               for k in ("low", "central", "high")},
            "chip": str(chip["name"]), "per_chip": per_chip,
            "reliability": str(chip["reliability"] or ""), "sources": ";".join(sources)}


def kw_per_unit(chip: pd.Series, data: AnalysisData) -> float:
    """Accelerator power (TDP) per H100-equivalent of the chip bought, in kW."""
    return float(chip["tdp_w"]) / float(chip["bf16_tflops"]) * \
        float(reference_chip(data)["bf16_tflops"]) / 1000.0


def rented_gpu_hours(result: TraceResult, purchases: Purchases, data: AnalysisData
                     ) -> np.ndarray:
    """Per draw, reference-GPU hours the plan's cloud_compute spending rents (spend in USD of
    the plan year / the year's sourced hourly rent), the same draws in every analysis."""
    by_cat = purchases.by_category()
    plan = result.require_plan()
    year, n = plan.year, result.draws
    if "cloud_compute" not in by_cat:
        return np.zeros(n)
    cloud = by_cat["cloud_compute"].to_numpy()
    rent = draw_interval(data.param(f"gpu_rent_usd_per_hour_{year}"),
                         Stream(result.seed, "gpu_rent"), n, lower=0.01)
    return data.plan_money_nominal(cloud, plan, "USD") / rent
