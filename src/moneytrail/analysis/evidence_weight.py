"""Evidence weight of figures that are not sums of traced flows: claim checks, claim verdicts
and the scorecard's non-linear metrics (docs/methods.md, "Evidence weight of other figures").

The trace splits every flow by the weakest reliability label on its path (engine.evidence). A
figure built from several such parts takes its weight from them by four rules, each a pure
function below; every weight is the share (0-1) of the figure resting on rows labelled `weak`
or `assumption`, per draw:

1. **Sum** (`sum_weight`): a sum of parts (flows, purchases, ledger amounts, market shares)
   weighs each part by its value: sum of the weak parts / sum of all parts.
2. **Ratio** (`ratio_weight`): a/b of two uncertain figures in the same unit takes the weight
   of numerator and denominator combined, (W_a + W_b) / (a + b), W the amount on weak rows.
   A denominator the rows cannot move (the plan's budget, a market's 100 %) is not a part:
   a share of it weighs its numerator only (rule 1).
3. **Factor** (`factor_weight`): a figure multiplied or divided by one table row (grid
   intensity, a depreciation rate) extends every path by that row: the whole figure rests on a
   weak factor row (weight 1), else it keeps the figure's weight.
4. **Inputs** (everything else: HHI, single-supplier and export shares, rent, markups,
   residual value, compute cost, jobs and embodied CO2 per EUR million): a non-linear function
   takes the weight of the money it reads (rule 1 over its inputs), with rule 3 for the one
   table row it multiplies by, where there is one. Money read from first invoices is the plan's
   purchases (each weighed by the weaker of its spend and market row); money read through the
   supply chain is the traced value added (or its labour part).

A row's label is its `reliability` column; a row with none takes the strongest label of the
sources it cites (one good document supports it); no label at all counts as `assumption`
(as in the trace). A claim's verdict is as weak as its weakest check: per draw, the largest
weight among its checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from moneytrail.engine.evidence import LABELS, OWN, RANK, SCORECARD, UNLABELLED, WEAKEST

__all__ = ["claim_weight", "factor_weight", "is_weak", "ratio_weight", "row_label",
           "scorecard_weights", "sum_weight"]


def is_weak(label: Any) -> bool:
    """True for `weak`, `assumption` and a missing label (counted as `assumption`)."""
    if label is None or (isinstance(label, float) and np.isnan(label)) or label == "":
        return True
    return str(label) in WEAKEST


def row_label(row: pd.Series | dict, sources: pd.Series | None = None) -> str:
    """A data row's reliability label: its own `reliability`, else the strongest label of the
    sources it cites (`sources` maps source id -> reliability), else `assumption`."""
    own = row.get("reliability")
    if isinstance(own, str) and own in RANK:
        return own
    cited = [s for key in ("source", "sources")
             for s in str(row.get(key) or "").split(";") if s and s != "nan"]
    labels = [str(sources[s]) for s in cited if sources is not None and s in sources.index
              and str(sources[s]) in RANK]
    return min(labels, key=RANK.__getitem__) if labels else UNLABELLED


def _safe(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is zero (no figure, no weight)."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    out = np.full(np.broadcast(numerator, denominator).shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out


def sum_weight(values: np.ndarray, weak: Iterable[bool]) -> np.ndarray:
    """Rule 1. values: (draws, parts) non-negative amounts (magnitudes are used for signed
    parts); weak: (parts,) whether each part rests on a weak row. Returns (draws,)."""
    values = np.abs(np.atleast_2d(np.asarray(values, float)))
    mask = np.asarray(list(weak), dtype=bool)
    return _safe(values[:, mask].sum(axis=1), values.sum(axis=1))


def ratio_weight(a: np.ndarray, weak_a: np.ndarray | float, b: np.ndarray,
                 weak_b: np.ndarray | float
                 ) -> np.ndarray:
    """Rule 2: weight of a/b from the amounts a, b (draws,) and their weights (draws,):
    (a w_a + b w_b) / (a + b), in magnitudes."""
    a, b = np.abs(np.asarray(a, float)), np.abs(np.asarray(b, float))
    return _safe(a * np.asarray(weak_a, float) + b * np.asarray(weak_b, float), a + b)


def factor_weight(weight: np.ndarray, factor_label: Any) -> np.ndarray:
    """Rule 3: a figure of weight `weight` (draws,) times one row labelled `factor_label`."""
    weight = np.asarray(weight, float)
    return np.where(np.isnan(weight), np.nan, 1.0) if is_weak(factor_label) else weight


def claim_weight(checks: list[np.ndarray]) -> np.ndarray:
    """A claim's verdict weight per draw: the largest of its checks' weights (NaN ignored)."""
    stacked = np.vstack([np.asarray(c, float) for c in checks])
    out = np.full(stacked.shape[1], np.nan)
    known = ~np.all(np.isnan(stacked), axis=0)
    out[known] = np.nanmax(stacked[:, known], axis=0)
    return out


# -- the trace's per-draw evidence ---------------------------------------------------------
def trace_weight(result: Any, dimension: str, labels: Iterable[str],
                 classes: Iterable[str] = WEAKEST) -> np.ndarray:
    """Per-draw weight of the sum of evidence columns (dimension, label) of a trace traced with
    `evidence=True, keep_draws=True` (engine.evidence): rule 1 over those columns. `classes`:
    the evidence classes counted (default `assumption` and `weak`; (OWN,) gives the share
    resting on the plan's own inputs)."""
    E = per_draw_evidence(result)
    wanted, counted = set(labels), set(classes)
    columns = [k for k, (dim, label) in enumerate(result.evidence_columns)
               if dim == dimension and label in wanted]
    amounts = E[:, :, columns].sum(axis=2)                       # (draws, labels)
    kept = [k for k, label in enumerate(result.evidence_labels) if label in counted]
    return _safe(amounts[:, kept].sum(axis=1), amounts.sum(axis=1))


def per_draw_evidence(result: Any) -> np.ndarray:
    from moneytrail.errors import MoneytrailError

    if result.per_draw is None or result.per_draw.evidence is None:
        raise MoneytrailError("per-draw evidence weight needs a trace with evidence=True and "
                              "keep_draws=True", field="evidence")
    return np.asarray(result.per_draw.evidence)


def purchase_weak(result: Any) -> np.ndarray:
    """(market rows,) whether each purchases column of a plan's trace rests on a weak row (the
    weaker of its spend row and market row, as in the trace)."""

    kept = result.memo("purchase_weak")
    if kept is not None:
        return np.asarray(kept)
    demand = result.plan_demand()
    weak = np.array([is_weak(LABELS[max(_rank(a), _rank(b))]) for a, b in
                     zip(demand.reliability, demand.spend_reliability, strict=True)])
    weak.flags.writeable = False
    return np.asarray(result.memo("purchase_weak", weak))


def _rank(label: Any) -> int:
    return RANK.get(label, RANK[UNLABELLED]) if isinstance(label, str) else RANK[UNLABELLED]


def purchase_own(result: Any) -> np.ndarray:
    """(market rows,) whether each purchases column of a plan's trace rests on the plan's own
    input (engine.evidence.OWN: the weaker of its spend row and market row is a share set in
    the plan builder, as in the trace)."""
    demand = result.plan_demand()
    return np.array([LABELS[max(_rank(a), _rank(b))] == OWN for a, b in
                     zip(demand.reliability, demand.spend_reliability, strict=True)])


def purchases_weight(result: Any, suppliers: Iterable[str] | None = None,
                     own: bool = False) -> np.ndarray:
    """Rule 1 over a plan's first-invoice purchases (all, or those from `suppliers`): the
    share on `assumption` or `weak` rows, or with `own` on the plan's own inputs."""
    from moneytrail.analysis.purchases import plan_purchases

    purchases = plan_purchases(result)
    weak = purchase_own(result) if own else purchase_weak(result)
    chosen = np.ones(weak.size, dtype=bool) if suppliers is None else \
        purchases.rows["supplier"].isin(list(suppliers)).to_numpy()
    return sum_weight(purchases.amounts[:, chosen], weak[chosen])


# -- scorecard ------------------------------------------------------------------------------
FIRST_INVOICES = ("hhi_change", "hhi_change_largest_size", "single_supplier_share",
                  "export_exposed_share", "markup_share", "residual_value_share",
                  "eur_per_capability", "co2_tonnes")
VALUE_ADDED = ("value_chain_single_supplier_share", "rent_share", "dominant_rent_share",
               "co2_embodied_per_eur_million")
LABOUR = ("jobs_per_eur_million",)
ALL = "all value added"


def _factor_label(data: Any, metric: str, result: Any) -> str | None:
    """The one table row a first-invoice metric multiplies by (rule 3), if any."""
    if metric == "residual_value_share":
        return row_label(data["parameters"].set_index("id").loc["value_decline_per_year"])
    if metric == "co2_tonnes":
        from moneytrail.analysis.dependency import site_of
        from moneytrail.analysis.site import site_row

        plan = result.require_plan()
        return row_label(site_row(data["grid"], site_of(result), plan.year, "grid intensity"))
    return None


def metric_weight(evaluation: Any, metric: str) -> np.ndarray | None:
    """Per-draw evidence weight of one scorecard metric (rules 1-4), None where it is not
    defined (conditions, plans traced without evidence)."""
    result = evaluation.result
    if not result.evidence_columns or result.per_draw is None \
            or result.per_draw.evidence is None:
        return None
    if metric in FIRST_INVOICES:
        weight = purchases_weight(result)
        factor = _factor_label(evaluation.data, metric, result)
        return weight if factor is None else factor_weight(weight, factor)
    if metric in VALUE_ADDED:
        return trace_weight(result, "total", [ALL])
    if metric in LABOUR:
        return trace_weight(result, "scorecard", [SCORECARD[-1]])
    return None


def scorecard_weights(evaluation: Any) -> dict[str, np.ndarray]:
    """Per-draw evidence weight of every scorecard row (analysis.scorecard.ROWS) that has one:
    the rows linear in value added from the trace's own columns, the others by rules 1-4."""
    from moneytrail.analysis.scorecard import ROWS

    result = evaluation.result
    out: dict[str, np.ndarray] = {}
    if not result.evidence_columns or result.per_draw is None \
            or result.per_draw.evidence is None:
        return out
    for label, metric, _, _ in ROWS:
        if label in SCORECARD:
            out[label] = trace_weight(result, "scorecard", [label])
            continue
        weight = metric_weight(evaluation, metric)
        if weight is not None:
            values = evaluation.metric(metric) if metric != "export_exposed_share" else None
            if values is not None:      # no figure in a draw: no weight either
                weight = np.where(np.isnan(np.asarray(values, float)), np.nan, weight)
            out[label] = weight
    return out
