"""Compute per euro: training runs a plan's compute buys, and cost of a capability under the
algorithmic-efficiency trend (so infrastructure-first and efficiency-first plans compare).

Every column is per draw: the run's compute is drawn from its sourced interval once and used for
both the original-compute count and the trend-adjusted capability count. Owned compute follows
the lifecycle's schedule of purchases (analysis.lifecycle.vintages): what a year of spending
buys is available from that year to the end of the horizon, `operating_years` on average.
Rented compute is the hours the cloud spending rents, whenever in the years of spending it is
spent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from moneytrail.analysis.concentration import spend_years
from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.hardware import (
    HARDWARE,
    HOURS_PER_YEAR,
    chip_mix_text,
    chip_mix_units,
    reference_flops,
    rented_gpu_hours,
)
from moneytrail.analysis.lifecycle import operating_years
from moneytrail.analysis.purchases import Purchases, plan_purchases
from moneytrail.analysis.stats import Stream, describe_frame, draw_interval
from moneytrail.data.checks import one_row
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ScenarioError
from moneytrail.scenarios.schema import Plan

__all__ = ["CAPABILITY_RUN", "capability_compute", "compute_spend_shares", "efficiency",
           "efficiency_draws", "reference_flops", "training_runs"]

# keys of the quantities efficiency draws from its stream (one key each)
MFU, BUSY, FLOP, HALVING = range(4)
SECONDS_PER_HOUR = 3600.0
CAPABILITY_RUN = "gpt4"        # "a GPT-4-level model" is the capability unit


# the spending categories that buy compute: owned (the hardware, the data centre it stands in
# and the power it runs on, what a rented GPU-hour's price pays for when the plan owns it) and
# rented (cloud compute); docs/methods.md, "Compute efficiency"
OWNED_COMPUTE = (*HARDWARE, "facility", "electricity")
RENTED_COMPUTE = ("cloud_compute",)


def compute_spend_shares(result: TraceResult, purchases: Purchases | None = None
                         ) -> dict[str, np.ndarray]:
    """Per draw, the shares of the plan's budget that buy compute: `owned` (OWNED_COMPUTE),
    `rented` (RENTED_COMPUTE) and `compute`, their sum; the rest (staff, grants, licences)
    buys no compute, though the budget per training run divides it too."""
    purchases = purchases if purchases is not None else plan_purchases(result)
    by_category = purchases.by_category()
    total = by_category.sum(axis=1).to_numpy()

    def share(categories: tuple[str, ...]) -> np.ndarray:
        spent = by_category[[c for c in categories if c in by_category]].sum(axis=1).to_numpy()
        return np.divide(spent, total, out=np.zeros_like(total), where=total > 0)

    owned, rented = share(OWNED_COMPUTE), share(RENTED_COMPUTE)
    return {"owned": owned, "rented": rented, "compute": owned + rented}


def training_runs(data: AnalysisData) -> pd.DataFrame:
    """The sourced table of training runs."""
    return data["training_runs"].set_index("id")


def _months_between(start: str, year: int) -> float:
    y, m = (int(part) for part in start.split("-")[:2])
    return (year - y) * 12 + (7 - m)          # to the middle of the plan's year


def run_compute(data: AnalysisData, run: str, year: int, stream: Stream,
                draws: int) -> tuple[np.ndarray, np.ndarray]:
    """Per draw: FLOP `run` used, and FLOP needed in `year` to reach what it reached, with
    compute halving every `algorithmic_halving_months` (Ho et al. 2024)."""
    runs = training_runs(data)
    if run not in runs.index:
        raise ScenarioError(f"unknown training run (known: {', '.join(runs.index)})",
                            field="run", value=run)
    row = one_row(runs, run)
    flop = draw_interval((row["flop_low"], row["flop_central"], row["flop_high"]),
                         stream.at(FLOP), draws, lower=0.0)
    halving = draw_interval(data.param("algorithmic_halving_months"), stream.at(HALVING),
                            draws, lower=0.5)
    months = max(_months_between(row["released"], year), 0.0)
    return flop, flop * 2.0 ** (-months / halving)


def capability_compute(data: AnalysisData, run: str, year: int, stream: Stream,
                       draws: int) -> np.ndarray:
    """FLOP needed in `year` to reach what `run` reached (see run_compute)."""
    return run_compute(data, run, year, stream, draws)[1]


def efficiency_draws(result: TraceResult, data: AnalysisData,
                     purchases: Purchases | None = None, run: str = CAPABILITY_RUN
                     ) -> dict[str, np.ndarray]:
    """Per draw: FLOP the plan's compute delivers over its horizon (owned + rented), training
    runs of the class of `run` (at its original compute and trend-adjusted), and the plan's
    cost per such capability. The owned accelerators are counted with the plan's chip mix
    (analysis.hardware.chip_mix_units: each supplier's spending at its own chip's price and
    throughput where the data have one). They run from the year they are bought to the
    end of the horizon, as the lifecycle counts them (`operating_years`: the whole horizon
    when the plan spends in one year)."""
    purchases = purchases if purchases is not None else plan_purchases(result)
    plan = result.require_plan()
    year, n = plan.year, result.draws
    stream = Stream(result.seed, "efficiency")
    mfu = draw_interval(data.param("mfu"), stream.at(MFU), n, lower=0.0, upper=1.0)
    busy = draw_interval(data.param("busy_fraction"), stream.at(BUSY), n, lower=0.0, upper=1.0)
    units = chip_mix_units(result, purchases, data)       # the plan's chip mix
    peak = reference_flops(data)
    owned = (units * peak * mfu * busy * HOURS_PER_YEAR * SECONDS_PER_HOUR
             * operating_years(plan))
    rented = rented_gpu_hours(result, purchases, data) * SECONDS_PER_HOUR * peak * mfu
    flop = owned + rented
    original, needed = run_compute(data, run, year, stream, n)
    capabilities = flop / needed
    # the plan's money is at its price year: EUR at that year's rate (as the per-million
    # scorecard rows, service.tasks.in_plan_currency, which restates this in the plan's own)
    total_eur = data.convert(result.total, plan.currency, "EUR", plan.price_year or year)
    return {"compute_flop": flop, "compute_flop_rented": rented,
            f"runs_of_{run}_original_compute": flop / original,
            f"{run}_level_capabilities": capabilities,
            "eur_per_capability": np.where(capabilities > 0, total_eur / np.where(
                capabilities > 0, capabilities, 1.0), np.nan)}


def efficiency(result: TraceResult, data: AnalysisData,
               purchases: Purchases | None = None, run: str = CAPABILITY_RUN) -> pd.DataFrame:
    """Efficiency metrics of a plan: mean / p5 / p50 / p95 over draws, with each row's unit
    (a `unit` column, as the lifecycle table has)."""
    out = describe_frame(efficiency_draws(result, data, purchases, run))
    units = {"compute_flop": "FLOP", "compute_flop_rented": "FLOP (rented compute)",
             f"runs_of_{run}_original_compute": "training runs",
             f"{run}_level_capabilities": "capabilities", "eur_per_capability": "EUR"}
    out.insert(0, "unit", [units[k] for k in out.index])
    note = efficiency_note(run)
    plan = result.require_plan()
    if "accelerators" in plan.spend:
        note = f"{note} {owned_compute_text(plan)}"
        mix = chip_mix_text(result, purchases or plan_purchases(result), data)
        note = f"{note} {mix}" if mix else note
    out.attrs["note"] = note
    return out


def owned_compute_text(plan: Plan) -> str:
    """When the plan's owned compute is counted (the lifecycle's schedule of purchases,
    analysis.lifecycle.vintages): from the year each year's hardware is bought to the end of
    the horizon; rented compute is the hours the cloud spending rents."""
    years, horizon = spend_years(plan), plan.horizon_years
    if years == 1:
        when = (f"all bought in the first year, it counts over the whole {horizon}-year "
                "horizon")
    else:
        when = (f"bought evenly over {years} years, each year's purchases count from the year "
                f"they are bought to the end of the {horizon}-year horizon, "
                f"{operating_years(plan):g} years on average")
    return (f"Owned compute: {when}, as in the lifecycle table. Rented compute counts the "
            "hours the cloud spending rents.")


def efficiency_note(run: str = CAPABILITY_RUN) -> str:
    """What the table's two counts of training runs are, and which one the scorecard's
    budget per training run divides by (analysis.scorecard.COMPUTE_ROW), so neither is
    divided into the budget in place of the other."""
    from moneytrail.analysis.scorecard import COMPUTE_ROW  # scorecard reads this module

    name = "GPT-4" if run == CAPABILITY_RUN else run
    return (f"Two counts of {name} training runs, not interchangeable. "
            f"runs_of_{run}_original_compute: the plan's compute divided by the compute "
            f"{name} itself was trained with (its original compute). "
            f"{run}_level_capabilities: the plan's compute divided by the smaller compute that "
            f"reaches {name}'s level in the plan's year, algorithms having grown more "
            "efficient since (the algorithmic-efficiency trend), so it is the larger count. "
            f"The scorecard's \"{COMPUTE_ROW}\" divides the plan's whole budget by "
            f"{run}_level_capabilities (eur_per_capability here, in EUR), not by "
            f"runs_of_{run}_original_compute.")
