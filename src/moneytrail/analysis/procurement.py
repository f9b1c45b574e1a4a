"""Counterfactual procurement: the same plan bought under procurement rules.

Rules act on the supplier shares the plan buys at (the market's, or the plan's own
`procurement` override), category by category:

1. **European preference** (`eu_weight` from 1 to MAX_EU_WEIGHT): shares of suppliers owned in
   an EU member state (or the EU aggregate) are multiplied by the weight, then the category is
   renormalised. A weight of 2 means an EU supplier wins twice its market share relative to the
   others, as a price preference in a tender would tilt awards; it cannot create EU supply
   where the market has none. A weight of 100 already lets an EU supplier with 1 % of a market
   take about half of it; a larger one is no longer a preference but an EU-only rule, which
   leaves the other suppliers' shares far below what the data tell apart (a weight of 1e308
   left them with some 300 zeros after the decimal point), so weights above MAX_EU_WEIGHT are
   refused.
2. **Cap on any supplier's share** (`cap` in (0, 1]): a firm above the cap is held at it and
   the excess goes to the others in proportion to their shares, repeated until none is above
   (water-filling). Aggregate sectors (EU construction, rest of the world) stand for many
   suppliers and are not capped. In a category with too few suppliers to take the excess (a
   single supplier, e.g. a plan's own licence contract) the cap cannot bind: its shares stay
   as they are and the shares table says so (`cap_met` false). The table's `capped` column says
   which suppliers the cap applies to. Supply capacity is not modelled: a firm with a small share
   can be given much of the excess (e.g. AMD in accelerators when Nvidia is capped).

The ruled central shares become the plan's `procurement` override, each interval scaled by the
same factor as its central share (clipped to [0, 1]), labelled `assumption` (a policy choice,
not an observation). A cap is an award rule, so it must hold in every draw, not only at the
central shares: in a category where a capped firm's scaled interval reaches above the cap, the
awards are fixed at the ruled shares (no interval). A capped share is exactly the cap; the
draws' renormalisation leaves it within float rounding of it, which the single-supplier
metrics ignore (`dependency.SHARE_TOLERANCE`). The counterfactual is traced with
the plan's seed and draws: both traces draw the same rows in the same order, so the per-draw
differences are paired. Rules that change none of the plan's supplier rows (shares, intervals,
labels), e.g. an EU plan already buying from EU firms below the cap, leave its draws as they
are: the plan's trace is the ruled one (`same_draws`), not traced again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from moneytrail.analysis.data import AnalysisData
from moneytrail.analysis.stats import STATS, describe
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ScenarioError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Interval, Plan

if TYPE_CHECKING:
    from moneytrail.analysis.metrics import Evaluation

# the largest EU preference weight a rule takes (see the module docstring): at 100 an EU
# supplier with 1 % of a market wins about half of it; beyond, it is an EU-only rule
MAX_EU_WEIGHT = 100.0
EU_WEIGHT_WHY = (f"at {MAX_EU_WEIGHT:g} an EU supplier with 1 % of a market already wins about "
                 "half of it; a larger weight is an EU-only rule, not a preference")

# (row label, metric of analysis.metrics.Evaluation, unit)
METRICS: list[tuple[str, str, str]] = [
    ("Economic profit (rent), share of the plan", "rent_share", "share"),
    ("Rent to firms already dominant (share of rent)", "dominant_rent_share", "share"),
    ("EU value added (location)", "eu_value_added_share", "share"),
    ("US-owned value added (ownership)", "value_added_share:US", "share"),
    ("Single supplier >50%: first invoices", "single_supplier_share", "share"),
    ("Single supplier >50%: value chain", "value_chain_single_supplier_share", "share"),
    ("Markup over suppliers' cost of goods (share)", "markup_share", "share"),
]


@dataclass(frozen=True)
class ProcurementRules:
    """Procurement rules: `cap` on any one supplier's share of a category (None: no cap),
    `eu_weight` (1 to MAX_EU_WEIGHT) multiplying EU-owned suppliers' shares, `categories`
    ruled (empty: every category the plan buys)."""

    cap: float | None = None
    eu_weight: float = 1.0
    categories: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.cap is not None and (isinstance(self.cap, bool) or not 0 < self.cap <= 1):
            raise ScenarioError("the supplier cap must be a share in (0, 1]", field="cap",
                                value=self.cap)
        if isinstance(self.eu_weight, bool) or not np.isfinite(self.eu_weight) \
                or not 1 <= self.eu_weight <= MAX_EU_WEIGHT:
            raise ScenarioError(f"the EU preference weight must be a number from 1 (none) to "
                                f"{MAX_EU_WEIGHT:g} ({EU_WEIGHT_WHY})",
                                field="eu_weight", value=self.eu_weight)
        if self.cap is None and self.eu_weight == 1:
            raise ScenarioError("procurement rules need a cap or an EU preference weight > 1",
                                field="cap")

    def describe(self) -> str:
        parts = []
        if self.eu_weight != 1:
            parts.append(f"EU suppliers preferred (weight {self.eu_weight:g})")
        if self.cap is not None:
            parts.append(f"no supplier above {100 * self.cap:g} % of a category")
        scope = f" in {', '.join(self.categories)}" if self.categories else ""
        return "; ".join(parts) + scope


def capped(shares: np.ndarray, cap: float, cappable: np.ndarray | None = None) -> np.ndarray:
    """Shares (adding up to 1) with none of the `cappable` suppliers (default: all) above
    `cap`: the excess goes to the suppliers below it in proportion to their shares, repeated
    until none is above. Needs enough suppliers with a positive share to take the excess."""
    out = np.asarray(shares, dtype=float) / np.sum(shares)
    limit = np.ones(out.size, dtype=bool) if cappable is None else np.asarray(cappable, bool)
    if (~limit & (out > 0)).sum() == 0 and (out > 0).sum() * cap < 1 - 1e-12:
        raise ValueError("too few suppliers to meet the cap")
    for _ in range(out.size + 1):
        over = limit & (out > cap + 1e-12)
        if not over.any():
            return out
        excess = float((out[over] - cap).sum())
        out[over] = cap
        free = ((out < cap - 1e-12) | ~limit) & (out > 0)
        if not free.any():
            break
        out[free] += excess * out[free] / out[free].sum()
    raise ValueError("too few suppliers to meet the cap")


def ruled_shares(shares: np.ndarray, eu: np.ndarray, rules: ProcurementRules,
                 firm: np.ndarray | None = None) -> np.ndarray:
    """Central shares of one category under the rules (EU weight first, then the cap on the
    `firm` suppliers; aggregate sectors stand for many suppliers and are never capped).
    ValueError when too few suppliers can take the excess."""
    out = np.asarray(shares, dtype=float) * np.where(eu, rules.eu_weight, 1.0)
    out = out / out.sum()
    return capped(out, rules.cap, firm) if rules.cap is not None else out


def firms(model: IOModel, suppliers: list[str]) -> np.ndarray:
    """Whether each supplier is a firm (not an aggregate sector)."""
    kind = model.entities.set_index("id")["kind"]
    return np.array([kind.get(s, "firm") == "firm" for s in suppliers])


def eu_owned(model: IOModel, suppliers: list[str]) -> np.ndarray:
    """Whether each supplier is owned in an EU member state (or is the EU aggregate)."""
    owner = model.entities.set_index("id")["owner_country"]
    eu = model.eu_members | {"EU"}
    return np.array([owner.get(s, "") in eu for s in suppliers])


def procured_plan(plan: Plan, model: IOModel, rules: ProcurementRules) -> tuple[Plan,
                                                                                 pd.DataFrame]:
    """The plan with its supplier shares under `rules` (its `procurement` override), and a
    table (category, supplier) of the central shares before and after."""
    from moneytrail.engine.demand import market_rows

    where = plan.path or plan.id
    rows = market_rows(plan, model)
    unknown = [c for c in rules.categories if c not in plan.spend]
    if unknown:
        raise ScenarioError("procurement rule for a category the plan does not spend on",
                            file=where, field="categories", value=unknown[0])
    override = dict(plan.procurement)
    table = []
    for category, group in rows.groupby("category", sort=False):
        suppliers = list(group["supplier"])
        central = group["central"].to_numpy(float)
        before = central / central.sum()
        met = True
        in_rules = not rules.categories or category in rules.categories
        # the cap applies to firms only: aggregate sectors stand for many suppliers
        applies = firms(model, suppliers) & (rules.cap is not None) & in_rules
        if not in_rules:
            after = before
        else:
            eu, firm = eu_owned(model, suppliers), firms(model, suppliers)
            try:
                after = ruled_shares(before, eu, rules, firm)
            except ValueError:          # too few suppliers: the EU weight only
                met = False
                weighted = before * np.where(eu, rules.eu_weight, 1.0)
                after = weighted / weighted.sum()
            ratio = np.divide(after, before, out=np.zeros_like(after), where=before > 0)
            low = np.clip(group["low"].to_numpy(float) * ratio, 0.0, after)
            high = np.clip(group["high"].to_numpy(float) * ratio, after, 1.0)
            basis = ("the plan's own supplier shares" if category in plan.procurement
                     else "the market's central shares")
            note = (f"Procurement rule ({rules.describe()}) applied to {basis}; interval "
                    "scaled alike.")
            if met and rules.cap is not None and bool((applies & (high > rules.cap)).any()):
                # the cap is an award rule: where a capped firm's interval reaches above it,
                # the buyer splits the category at the ruled shares in every draw (no
                # market-share interval), so no draw puts a firm above the cap
                note = (f"Procurement rule ({rules.describe()}) applied to {basis}: awards "
                        "fixed at the ruled shares so that the cap holds in every draw.")
                low, high = after, after
            override[str(category)] = {
                s: Interval(central=float(a), low=float(lo), high=float(hi),
                            reliability="assumption", note=note)
                for s, a, lo, hi in zip(suppliers, after, low, high, strict=True)}
        table += [{"category": category, "supplier": s, "share_before": b, "share_after": a,
                   "capped": bool(c), "cap_met": met}
                  for s, b, a, c in zip(suppliers, before, after, applies, strict=True)]
    ruled = plan.model_copy(update={"procurement": override,
                                    "id": f"{plan.id}+rules",
                                    "title": f"{plan.title} under procurement rules"})
    return ruled, pd.DataFrame(table).set_index(["category", "supplier"])


@dataclass(frozen=True, eq=False)
class Counterfactual:
    """A plan and the same plan under procurement rules, traced with the same seed and draws.

    `metrics`: rows (METRICS labels), columns unit, plan_<stat>, rules_<stat>, change_<stat>
    (the per-draw difference rules - plan), stat in mean | p5 | p50 | p95. `shares`: central
    supplier shares before and after, by (category, supplier). `ruled` is `base` itself when
    the rules change no share (`same_draws`)."""

    rules: ProcurementRules
    base: TraceResult
    ruled: TraceResult
    metrics: pd.DataFrame
    shares: pd.DataFrame


Metric = Callable[["Evaluation"], np.ndarray]


def counterfactual(result: TraceResult, data: AnalysisData, rules: ProcurementRules,
                   extra: dict[str, tuple[Metric, str]] | None = None) -> Counterfactual:
    """Trace the plan of `result` again under `rules` and compare the METRICS (and `extra`
    metrics: label -> (per-draw function of a trace's analysis.metrics.Evaluation, unit), e.g.
    `jobs_metrics`) per draw. The plan's metrics come from its evaluation (computed once per
    trace); the ruled trace's rents and markups reuse the plan's capital and margin draws (the
    same draws: they do not depend on the plan)."""
    from moneytrail.analysis.market_power import markups, split_rents
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.engine.trace import trace

    plan = result.require_plan()
    ruled_plan, shares = procured_plan(plan, result.model, rules)
    if same_draws(result, ruled_plan):
        # the rules change no share the plan buys at: the plan under the rules draws the
        # plan's numbers, so its trace and every metric are the plan's (change 0 in every draw)
        base = Evaluation.of(result, data)
        return Counterfactual(rules=rules, base=result, ruled=result,
                              metrics=_metrics_frame([base, base], extra), shares=shares)
    # the ruled trace keeps its firm flows' coefficients (2.7 kB per draw): jobs anchored on
    # employees read them instead of replaying its cost-structure draws (same numbers)
    ruled = trace(ruled_plan, result.model, draws=result.draws, seed=result.seed,
                  keep_draws=True, weights=True)
    evaluations = [Evaluation.of(r, data) for r in (result, ruled)]
    split = evaluations[0].rents()
    if split is not None:
        evaluations[1].rents_given(split_rents(ruled, data, split.capital, drawn=split.drawn))
        found = evaluations[0].markups()
        if found is not None:
            evaluations[1].markups_given(markups(ruled, data, evaluations[1].purchases,
                                                 split.capital, drawn=found))
    if extra:       # the ruled trace's jobs read the plan's jobs account and its draws:
        # they depend on the model, seed, draw count and the plan's year, price year and
        # currency, which the rules do not change (analysis.jobs.LabourDraws)
        evaluations[1].labour_draws_given(evaluations[0].labour_draws())
    return Counterfactual(rules=rules, base=result, ruled=ruled,
                          metrics=_metrics_frame(evaluations, extra), shares=shares)


def same_draws(result: TraceResult, ruled_plan: Plan) -> bool:
    """Whether tracing `ruled_plan` (the plan of `result` under procurement rules) would draw
    the numbers of `result`: the same supplier rows with the same intervals and labels (so
    the same demand sampler, which consumes the seed blocks' random numbers as the plan's
    does), the same spending, and `result` a kept trace of the default tiers (how the ruled
    trace is made). Rules that hold already (e.g. an EU plan buying from EU firms below the
    cap) change no share."""
    from moneytrail.engine.demand import market_rows
    from moneytrail.engine.trace import DEFAULT_TIERS

    plan = result.require_plan()
    if result.per_draw is None or len(result.labels["tier"]) != DEFAULT_TIERS + 1 or \
            ruled_plan.spend != plan.spend or ruled_plan.total != plan.total:
        return False
    return market_rows(ruled_plan, result.model).equals(market_rows(plan, result.model))


def _metrics_frame(evaluations: list[Evaluation],
                   extra: dict[str, tuple[Metric, str]] | None) -> pd.DataFrame:
    """Counterfactual.metrics of the plan's and the ruled trace's evaluations."""
    rows = {}
    for label, metric, unit in METRICS:
        name, _, owner = metric.partition(":")     # value_added_share:<owner country>
        values = [e.metric(name, owner_country=owner or None) for e in evaluations]
        rows[label] = _compare(values, unit)
    for label, (function, unit) in (extra or {}).items():
        rows[label] = _compare([function(e) for e in evaluations], unit)
    frame = pd.DataFrame(rows).T
    frame.index.name = "metric"
    return frame


def jobs_metrics(data: AnalysisData) -> dict[str, tuple[Metric, str]]:
    """Jobs (FTE-years) a plan pays for, in all countries and in the EU (analysis.jobs: labour
    value added / compensation per FTE), as `counterfactual` extra metrics (from each trace's kept
    labour flows, `Evaluation.labour_fte`, computed once per trace: the per-draw totals need
    no replay of the draws); empty when the data package has no compensation per FTE."""
    from moneytrail.data.footprints import footprint_tables

    tables = footprint_tables(data.package)
    if not len(tables.compensation):
        return {}

    def fte(evaluation: Evaluation, eu_only: bool) -> np.ndarray:
        found = evaluation.labour_fte()
        if found is None:
            return np.full(evaluation.result.draws, np.nan)
        rows, countries = found
        if not eu_only:
            return rows.sum(axis=1)
        eu = evaluation.result.model.eu_members | {"EU"}
        return rows[:, np.array([c in eu for c in countries], dtype=bool)].sum(axis=1)

    return {"Jobs paid for (FTE-years, all countries)": (lambda e: fte(e, False), "FTE-years"),
            "Jobs paid for in the EU (FTE-years)": (lambda e: fte(e, True), "FTE-years")}


def _compare(values: list[np.ndarray], unit: str) -> dict:
    base, ruled = values
    out: dict = {"unit": unit}
    for name, v in (("plan", base), ("rules", ruled), ("change", ruled - base)):
        out.update({f"{name}_{s}": x for s, x in describe(v).items()})
    return out


COLUMNS = ["unit"] + [f"{n}_{s}" for n in ("plan", "rules", "change") for s in STATS]
