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


def supplier_chips(data: AnalysisData, year: int) -> dict[str, pd.Series]:
    """The chip each accelerator supplier's spending buys in `year`, by supplier (the
    value-chain entity in analysis/accelerators.csv `supplier`): its chip whose
    `reference_years` name the year, else its only chip in the table (AMD: the MI300X). A
    supplier with several chips none of which names the year, or with no chip in the table
    (Broadcom, Marvell, Intel today), is left out: chip_mix_units counts it at the year's
    reference chip and chip_mix_text says so."""
    table = data["accelerators"]
    if "supplier" not in table.columns:
        return {}
    out: dict[str, pd.Series] = {}
    named = table[table["supplier"].fillna("").astype(str) != ""]
    for supplier, rows in named.groupby("supplier", sort=True):
        dated = rows[[str(year) in str(v).split(";") for v in rows["reference_years"]]]
        if len(dated):
            out[str(supplier)] = dated.iloc[0]
        elif len(rows) == 1:
            out[str(supplier)] = rows.iloc[0]
    return out


def chip_price_draws(chip: pd.Series, reference: pd.Series, data: AnalysisData, seed: int,
                     draws: int) -> np.ndarray:
    """Per-draw price of one chip in its own currency: the reference chip's from the stream
    accelerator_units draws it from (so an all-reference mix counts what it did), any other
    chip's from its own key of the `accelerator_mix_price` stream (its row in the table)."""
    interval = (chip["price_low"], chip["price_central"], chip["price_high"])
    if chip["id"] == reference["id"]:
        stream = Stream(seed, "accelerator_price")
    else:
        ids = list(data["accelerators"]["id"])
        stream = Stream(seed, "accelerator_mix_price").at(ids.index(chip["id"]))
    return draw_interval(interval, stream, draws, lower=0.0)


def chip_mix_units(result: TraceResult, purchases: Purchases, data: AnalysisData
                   ) -> np.ndarray:
    """Per draw, H100-equivalents bought with the plan's chip mix: each accelerator
    supplier's spending (the trace's purchases: market shares, or the plan's own
    procurement) over the price of its chip (supplier_chips), scaled by that chip's
    throughput; a supplier without a chip of its own in the data at the year's reference chip
    (accelerator_units counts all the spending so). The compute behind the budget per
    training run (analysis.efficiency); the lifecycle and dependency still count the
    reference chip alone."""
    plan = result.require_plan()
    reference = reference_accelerator(data, plan.year)
    chips = supplier_chips(data, plan.year)
    h100 = float(reference_chip(data)["bf16_tflops"])
    suppliers, amounts = purchases.in_category("accelerators")
    units = np.zeros(result.draws)
    prices: dict[str, np.ndarray] = {}
    for j, supplier in enumerate(suppliers):
        chip = chips.get(supplier, reference)
        if chip["id"] not in prices:
            prices[chip["id"]] = chip_price_draws(chip, reference, data, result.seed,
                                                  result.draws)
        spend = data.plan_money_nominal(amounts[:, j], plan, chip["currency"])
        units = units + spend / prices[chip["id"]] * float(chip["bf16_tflops"]) / h100
    return units


def chip_mix_text(result: TraceResult, purchases: Purchases, data: AnalysisData) -> str:
    """The plan's chip mix in words, for the notes of the efficiency table and the
    scorecard: each accelerator supplier's median share of the accelerator spending and the
    chip it is counted as, and which suppliers have no chip of their own in the data (counted
    at the year's reference chip). '' for a plan that buys no accelerators."""
    suppliers, amounts = purchases.in_category("accelerators")
    total = amounts.sum(axis=1) if suppliers else np.zeros(0)
    if not suppliers or not bool((total > 0).any()):
        return ""
    plan = result.require_plan()
    reference = reference_accelerator(data, plan.year)
    chips = supplier_chips(data, plan.year)
    names = dict(zip(result.model.entities["id"], result.model.entities["name"], strict=True))
    shares = np.divide(amounts, total[:, None], out=np.zeros_like(amounts),
                       where=total[:, None] > 0)
    counted: list[str] = []
    missing: list[tuple[str, str]] = []
    for j, supplier in enumerate(suppliers):
        if not bool((amounts[:, j] > 0).any()):
            continue
        share = f"{float(np.median(shares[:, j])) * 100:.3g} %"
        name = str(names.get(supplier, supplier))
        chip = chips.get(supplier)
        if chip is None:
            missing.append((name, share))
            continue
        dated = str(plan.year) in str(chip["reference_years"]).split(";")
        counted.append(f"{name} {share} as the {chip['name']}" + (
            "" if dated else f" (its only chip in the data, not one of {plan.year})"))
    text = ("Chip mix (share of the accelerator spending by supplier, median over draws, each "
            "counted at its own chip's price and throughput): " + "; ".join(counted) + ".")
    if missing:
        text += (f" No chip of {', '.join(name for name, _ in missing)} in the data "
                 f"({'; '.join(f'{name} {share}' for name, share in missing)}): counted as "
                 f"the {reference['name']}, the year's reference chip.")
    return text


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
