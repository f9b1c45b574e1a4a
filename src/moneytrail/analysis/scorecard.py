"""The scorecard: one table of headline metrics with intervals, plans side by side."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from moneytrail.analysis.conditions import held_share, holds_matrix
from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.efficiency import compute_spend_shares
from moneytrail.analysis.metrics import Evaluation
from moneytrail.analysis.stats import STATS, describe
from moneytrail.engine.result import TraceResult
from moneytrail.errors import MoneytrailError
from moneytrail.scenarios.schema import Condition, distinct_labels

JOBS_ROW = "Jobs paid for per million spent (FTE-years)"   # work over the whole budget
# less the power the plan buys and its hardware uses, which the operational CO2 row counts
# (analysis.lifecycle.embodied_net); runs stored before this label counted that power in
# both rows, so their row keeps its old label (not in RENAMED_ROWS)
EMBODIED_ROW = ("Embodied CO2 of the supply chain per million spent (scope 1+2, less own "
                "power in operational CO2)")
# (row label, metric name, keyword arguments, unit for display)
# the HHI change of the largest size over the markets the plan buys in, with its sign
# (analysis.concentration.hhi_change_of_largest_size): a fall shows as a fall; the market it
# is in is named beside it (Scorecard.hhi_markets). Conditions on `hhi_change` still bound the
# greatest rise (largest_hhi_change), the row runs stored before showed (HHI_RISE_ROW).
HHI_ROW = "HHI change, the largest rise or fall among the markets bought in"
HHI_RISE_ROW = "HHI change, largest rise among the markets bought in"
COMPUTE_ROW = ("Whole plan budget divided by the GPT-4-level training runs its compute "
               "could make (not the cost of one run)")
RENT_ROW = "Economic profit (rent), share of the plan (lower bound)"
DOMINANT_ROW = "Rent to firms already dominant (share of the rent measured)"
ROWS: list[tuple[str, str, dict, str]] = [
    ("US hyperscalers: Amazon, Microsoft, Google (value added)", "value_added_share",
     {"group": "us_big_tech"}, "share"),
    ("US tech giants incl. Nvidia (value added)", "value_added_share",
     {"group": "us_tech_giants"}, "share"),
    ("US-owned value added (ownership)", "value_added_share", {"owner_country": "US"},
     "share"),
    ("EU value added (location)", "eu_value_added_share", {}, "share"),
    ("Labour share (wages, all countries)", "labour_share", {}, "share"),
    (HHI_ROW, "hhi_change_largest_size", {}, "points"),
    (RENT_ROW, "rent_share", {}, "share"),
    (DOMINANT_ROW, "dominant_rent_share", {}, "share"),
    ("Markup over suppliers' cost of goods (share)", "markup_share", {}, "share"),
    ("Single supplier >50%: first invoices", "single_supplier_share", {}, "share"),
    ("Single supplier >50%: value chain", "value_chain_single_supplier_share", {}, "share"),
    ("Export-control exposure (caps binding)", "export_exposed_share", {}, "share"),
    ("Operational CO2 over the horizon (electricity)", "co2_tonnes", {}, "t CO2e"),
    (JOBS_ROW, "jobs_per_eur_million", {}, "FTE-years per EUR million"),
    (EMBODIED_ROW, "co2_embodied_per_eur_million", {}, "t CO2e per EUR million"),
    ("Residual value of hardware at horizon", "residual_value_share", {}, "share"),
    (COMPUTE_ROW, "eur_per_capability", {}, "EUR"),
]
CONDITIONS_ROW = "Conditions met (share of applicable ones)"
# 'Conditions met' has no figure (NaN: no fake 0 %) both for a plan that sets no conditions
# and for one none of whose conditions applies in any draw (held_share); the scorecard's note
# says which for each such plan (conditions_missing_sentence, written by
# service.tasks.scorecard_table), and the terminal table, the run and compare pages and the
# briefing show it in the row's cell (conditions_missing_said).
CONDITIONS_MISSING_PREFIX = "Conditions met for "


def conditions_missing(count: int) -> str:
    """The 'Conditions met' cell of a plan without its figure, given how many conditions it
    was held to: 'n/a (no conditions set)', 'n/a (none of its 2 conditions applies)'."""
    if count <= 0:
        return "n/a (no conditions set)"
    if count == 1:
        return "n/a (its one condition does not apply)"
    return f"n/a (none of its {count} conditions applies)"


def conditions_missing_sentence(plan: str, count: int) -> str:
    """The scorecard note's sentence for a plan without a 'Conditions met' figure: 'Conditions
    met for eu-ai-gigafactories: n/a (no conditions set).'"""
    return f"{CONDITIONS_MISSING_PREFIX}{plan}: {conditions_missing(count)}."


def conditions_missing_said(note: str, plan: str) -> str | None:
    """The 'Conditions met' cell a scorecard note gives for `plan` (the column label of its
    figures), or None where it gives none (the plan has a figure, or a run stored before
    notes said it)."""
    found = re.search(re.escape(f"{CONDITIONS_MISSING_PREFIX}{plan}: ") + r"(n/a \([^()]*\))\.",
                      note or "")
    return found.group(1) if found else None


# The budget per training run (COMPUTE_ROW) divides the plan's whole budget by the runs its
# compute could make, so for a plan that spends most of its budget on things that buy no
# compute (staff, research and start-up grants, model licences: the efficiency-first plan) the
# figure mostly measures those, and reads as if the plan paid a lot for its compute. Below
# COMPUTE_SHARE_FLOOR of the budget spent on compute (analysis.efficiency.compute_spend_shares:
# owned hardware, facility, electricity and rented cloud compute; the median over draws) the
# row has no figure and its cell says why, with the share: 'n/a (25 % of the budget buys
# compute ...)' (compute_missing; the scorecard's note says it, as for 'Conditions met').
# ASSUMPTION, not data: half is the point below which most of the money divided is not
# compute money, so the quotient says more about the rest of the plan than about its compute;
# no source gives a threshold (docs/methods.md, "Compute efficiency").
COMPUTE_SHARE_FLOOR = 0.5
COMPUTE_MISSING_PREFIX = "Budget per training run for "


def percent(share: float) -> str:
    """A share in whole percent: 0.254 -> '25 %'."""
    return f"{100 * share:.0f} %"


def compute_share_words(compute: float, owned: float, rented: float) -> str:
    """'25 % of the budget buys compute (owned 0 %, rented 25 %)' (medians over draws)."""
    return (f"{percent(compute)} of the budget buys compute (owned {percent(owned)}, "
            f"rented {percent(rented)})")


def compute_missing(compute: float, owned: float, rented: float) -> str:
    """The budget-per-training-run cell of a plan that spends under COMPUTE_SHARE_FLOOR of its
    budget on compute: 'n/a (25 % of the budget buys compute, owned 0 % and rented 25 %,
    under the half this row needs)'."""
    return (f"n/a ({percent(compute)} of the budget buys compute, owned {percent(owned)} and "
            f"rented {percent(rented)}, under the {floor_words()} this row needs)")


def floor_words() -> str:
    """COMPUTE_SHARE_FLOOR in words: 'half' (else '40 %')."""
    return "half" if COMPUTE_SHARE_FLOOR == 0.5 else percent(COMPUTE_SHARE_FLOOR)


def compute_missing_sentence(plan: str, compute: float, owned: float, rented: float) -> str:
    """The scorecard note's sentence for a plan without a budget per training run: 'Budget per
    training run for efficiency-first-eu: n/a (25 % of the budget buys compute, ...).'"""
    return f"{COMPUTE_MISSING_PREFIX}{plan}: {compute_missing(compute, owned, rented)}."


def compute_row_shown(compute: float) -> bool:
    """Whether the budget per training run has a figure for a plan spending the (median)
    share `compute` of its budget on compute: at least COMPUTE_SHARE_FLOOR."""
    return compute >= COMPUTE_SHARE_FLOOR


def missing_said(note: str, label: str, plan: str) -> str | None:
    """The cell a scorecard note gives for the row `label` of `plan` (the column label of its
    figures) where that row has no figure: 'n/a (no conditions set)' for 'Conditions met'
    (conditions_missing_said), 'n/a (25 % of the budget buys compute, ...)' for the budget per
    training run; None for other rows, or where the note says nothing (a run stored before)."""
    prefix = {CONDITIONS_ROW: CONDITIONS_MISSING_PREFIX,
              COMPUTE_ROW: COMPUTE_MISSING_PREFIX}.get(label)
    if prefix is None:
        return None
    found = re.search(re.escape(f"{prefix}{plan}: ") + r"(n/a \([^()]*\))\.", note or "")
    return found.group(1) if found else None


# why a scorecard row has no figure for a plan (null cells; NaN per draw in
# `scorecard_draws`): the web app's `reason` of the row (the compare CSV's `<plan>_reason`),
# as briefings write "Not applicable" (the metric does not apply to the plan)
RESIDUAL_ROW = "Residual value of hardware at horizon"
MARKUP_ROW = "Markup over suppliers' cost of goods (share)"
NO_FIGURE = {
    RESIDUAL_ROW: "Not applicable: the plan buys no hardware (accelerators, servers, "
                  "networking, storage), so nothing is left to resell at the horizon",
    CONDITIONS_ROW: "Not applicable: the plan sets no conditions, or none of them applies",
    COMPUTE_ROW: "Not applicable: less than half of the plan's budget buys compute, so its "
                 "whole budget per training run would mostly measure the rest of its spending",
    MARKUP_ROW: "Not computed: the data give no sourced gross margin for any of the plan's "
                "suppliers",
}
NO_FIGURE_OTHER = "Not computed: the data give no figure for this plan"


def no_figure_reason(label: str) -> str:
    """Why the scorecard row `label` has no figure (NO_FIGURE; NO_FIGURE_OTHER for a row
    without its own reason)."""
    return NO_FIGURE.get(label, NO_FIGURE_OTHER)


# rows renamed since runs were stored, old label -> label now: a stored run's scorecard is
# read under the new label (service.tasks.stored_scorecard_row), so compare pages and
# briefings line it up with newer runs. The jobs row was "(FTE)" though its figure is
# FTE-years (jobs x years over the whole budget), as it has always been.
# The HHI row was "HHI change, largest market bought in", then "HHI change, largest among
# the markets bought in": the greatest rise over the markets bought in (0 where the plan's
# rules lower one market's HHI and leave the others), kept under HHI_RISE_ROW; runs since show
# the change of the largest size (HHI_ROW), another figure, on a row of its own.
# The compute row was "Final-run compute cost per GPT-4-level model", though its figure is the
# whole budget over the runs (the same figure), then "Whole plan budget per GPT-4-level
# training run its compute could make", misread as the cost of a run; the rent rows now say
# what they measure.
RENAMED_ROWS = {"Jobs paid for per million spent (FTE)": JOBS_ROW,
                "HHI change, largest market bought in": HHI_RISE_ROW,
                "HHI change, largest among the markets bought in": HHI_RISE_ROW,
                "Final-run compute cost per GPT-4-level model": COMPUTE_ROW,
                "Whole plan budget per GPT-4-level training run its compute could make":
                    COMPUTE_ROW,
                "Economic profit (rent), share of the plan": RENT_ROW,
                "Rent to firms already dominant (share of rent)": DOMINANT_ROW}


def scorecard_draws(evaluation: Evaluation, conditions: list[Condition] | None = None,
                    on: dt.date | None = None) -> dict[str, np.ndarray]:
    """Per-draw values of every scorecard row for one plan."""
    out = {}
    for label, metric, kwargs, _ in ROWS:
        if metric == "export_exposed_share":
            kwargs = {**kwargs, "on": on}
        out[label] = evaluation.metric(metric, **kwargs)
    if not compute_row_shown(compute_medians(evaluation)[0]):
        out[COMPUTE_ROW] = np.full(evaluation.result.draws, np.nan)
    plan = evaluation.result.require_plan()
    rules = plan.conditions if conditions is None else conditions
    if rules:
        out[CONDITIONS_ROW] = held_share(holds_matrix(evaluation, rules, plan.path or plan.id))
    else:
        out[CONDITIONS_ROW] = np.full(evaluation.result.draws, np.nan)
    return out


def compute_medians(evaluation: Evaluation) -> tuple[float, float, float]:
    """Medians over draws of the shares of a plan's budget that buy compute: all, owned,
    rented (analysis.efficiency.compute_spend_shares)."""
    shares = compute_spend_shares(evaluation.result, evaluation.purchases)
    return tuple(float(np.median(shares[k])) for k in ("compute", "owned", "rented"))  # type: ignore[return-value]


@dataclass(frozen=True)
class Scorecard:
    """Plans side by side on the scorecard metrics.

    `table`: rows are metrics (index `metric`), columns (plan, mean | p5 | p50 | p95), in each
    row's unit: `units` maps every row of `table` to it (the units of docs/results.md: `share`,
    `points`, `t CO2e`, `FTE-years per EUR million`, `t CO2e per EUR million`, `EUR`; ROWS),
    as the stored scorecard table's `unit` column says them (service.tasks.scorecard_table
    writes it from `units`, restating the EUR ones in the plans' currency when they share
    one). The DataFrame itself is bare (no `attrs`). `export_rules_on`: plan label -> ISO
    date the export-control rules were read on. `hhi_markets`: plan label -> the market
    (category id) the HHI change of the largest size is in, in most draws, and the share of
    draws it is there (plans whose HHI moves in no market left out). `compute_shares`: plan
    label -> the medians over draws of the shares of its budget that buy compute (all, owned,
    rented; compute_medians); below COMPUTE_SHARE_FLOOR its COMPUTE_ROW has no figure.
    """

    table: pd.DataFrame
    export_rules_on: dict[str, str]
    hhi_markets: dict[str, tuple[str, float]] = field(default_factory=dict)
    compute_shares: dict[str, tuple[float, float, float]] = field(default_factory=dict)

    @property
    def units(self) -> dict[str, str]:
        """The unit of each row of `table` (metric label -> unit), in the table's order."""
        return {str(label): row_unit(str(label)) for label in self.table.index}


def row_unit(label: str) -> str:
    """The unit of a scorecard row (ROWS; the conditions row is a share of them)."""
    units = {row: unit for row, _, _, unit in ROWS}
    return units.get(label, "share")


def scorecard(results: list[TraceResult], *, data: AnalysisData,
              conditions: list[Condition] | None = None, on: dt.date | None = None,
              footprints: dict[str, dict[str, np.ndarray]] | None = None) -> Scorecard:
    """Traced plans side by side on the scorecard metrics, read against the analysis tables
    `data` (of the same data package as the traces).

    `results`: a list of one or more TraceResults of `mt.trace(..., keep_draws=True)` (the
    metrics are computed per draw); `data`: the package's analysis tables, `ws.analysis` of
    `ws = mt.Workspace.open()`. Returns a Scorecard: `.table` a DataFrame with one row per
    metric (index `metric`) and columns (plan label, mean | p5 | p50 | p95), `.units` each
    row's unit (share, points, t CO2e, FTE-years per EUR million, EUR, ...).

    `conditions` replaces each plan's own conditions (to hold every plan to the same rules);
    `on` dates the export-control rules (default: each plan's own date, see
    dependency.rules_date). `footprints` (plan label -> per-draw jobs and CO2, as
    analysis.jobs.footprint_draws gives) reuses figures already computed for a trace.
    Every result keeps its own columns: plans whose ids repeat (two versions of one plan,
    one plan with two seeds) are labelled `id #1`, `id #2` by their position, as `moneytrail
    compare` labels them (scenarios.schema.distinct_labels); `footprints` and
    `export_rules_on` use the same labels. No results, or results that are not traces, or
    `data` that is not analysis data, raises a MoneytrailError naming `results` or `data`.
    """
    check_scorecard_inputs(results, data)
    columns: dict[tuple[str, str], dict[str, float]] = {}
    dates: dict[str, str] = {}
    markets: dict[str, tuple[str, float]] = {}
    shares: dict[str, tuple[float, float, float]] = {}
    plans = distinct_labels([result.label for result in results])
    for result, plan in zip(results, plans, strict=True):
        evaluation = Evaluation.of(result, data)
        if footprints and plan in footprints:
            evaluation.footprints_given(footprints[plan])
        dates[plan] = (on or evaluation.on).isoformat()
        values = scorecard_draws(evaluation, conditions, on)
        shares[plan] = compute_medians(evaluation)
        market = evaluation.hhi_market()
        if market is not None:
            markets[plan] = market
        for label, draws_of in values.items():
            stats = describe(draws_of)
            for stat in STATS:
                columns.setdefault((plan, stat), {})[label] = stats[stat]
    table = pd.DataFrame(columns)
    table.columns = pd.MultiIndex.from_tuples(list(columns), names=["plan", "stat"])
    table.index.name = "metric"
    return Scorecard(table=table, export_rules_on=dates, hhi_markets=markets,
                     compute_shares=shares)


def check_scorecard_inputs(results: object, data: object) -> None:
    """`scorecard`'s arguments: a list (or tuple) of one or more traced results and the
    workspace's analysis tables (`ws.analysis`), else one MoneytrailError naming them (an
    empty list gave an empty scorecard, silently)."""
    if isinstance(results, TraceResult) or not isinstance(results, list | tuple):
        raise MoneytrailError("expected a list of traced results, e.g. [mt.trace(plan, "
                              "keep_draws=True)]", field="results",
                              value=type(results).__name__)
    if not results:
        raise MoneytrailError("a scorecard needs at least one run: give a list of one or more "
                              "traced results", field="results", value=[])
    for result in results:
        if not isinstance(result, TraceResult):
            raise MoneytrailError("every item must be a traced result (mt.trace(plan, ...))",
                                  field="results", value=type(result).__name__)
    if not isinstance(data, AnalysisData):
        raise MoneytrailError("expected the data package's analysis tables: data=ws.analysis "
                              "with ws = mt.Workspace.open()", field="data",
                              value=type(data).__name__)
