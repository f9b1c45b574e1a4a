"""Policy conditions declared in a scenario file: a verdict and the probability each holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moneytrail.analysis.metrics import Evaluation
from moneytrail.analysis.stats import describe
from moneytrail.scenarios.schema import Condition

# Verdict cut-offs on the probability over draws that a condition holds (an assumption: the
# 90 % intervals of the data make 95 % the natural level for "holds in practice").
MET, NOT_MET = 0.95, 0.05


def verdict(probability: float) -> str:
    if probability >= MET:
        return "met"
    if probability <= NOT_MET:
        return "not met"
    return "uncertain"


def holds(condition: Condition, values: np.ndarray) -> np.ndarray:
    """Per draw, whether the bound holds (NaN draws count as not holding)."""
    if condition.metric == "open_weights_only":
        return values <= 0.0
    if condition.max is not None:
        return values <= condition.max
    return values >= condition.min


def condition_values(condition: Condition, evaluation: Evaluation, index: int,
                     where: str) -> np.ndarray:
    return evaluation.metric(condition.metric, where=where, field_name=f"conditions.{index}",
                             group=condition.group, country=condition.country,
                             owner_country=condition.owner_country, entity=condition.entity,
                             threshold=condition.threshold, on=condition.on)


def check_conditions(evaluation: Evaluation, conditions: list[Condition] | None = None,
                     where: str | None = None) -> pd.DataFrame:
    """One row per condition: the metric's interval, the bound, P(holds) and the verdict.
    Defaults to the conditions in the plan's own scenario file."""
    plan = evaluation.result.plan
    conditions = plan.conditions if conditions is None else conditions
    where = where or plan.path or plan.id
    rows = []
    for k, condition in enumerate(conditions):
        values = condition_values(condition, evaluation, k, where)
        ok = holds(condition, values)
        stats = describe(values)
        bound = ("max", condition.max) if condition.max is not None else ("min", condition.min)
        if condition.metric == "open_weights_only":
            bound = ("max", 0.0)
        probability = float(np.mean(ok))
        rows.append({"condition": condition.name, "metric": condition.metric,
                     "bound": f"{bound[0]} {bound[1]:g}",
                     **{f"value_{s}": v for s, v in stats.items()},
                     "p_holds": probability, "verdict": verdict(probability)})
    columns = ["condition", "metric", "bound", "value_mean", "value_p5", "value_p50",
               "value_p95", "p_holds", "verdict"]
    return pd.DataFrame(rows, columns=columns).set_index("condition")


def all_hold(evaluation: Evaluation, conditions: list[Condition], where: str) -> np.ndarray:
    """Per draw, whether every condition holds (for the scorecard)."""
    ok = np.ones(evaluation.result.draws, dtype=bool)
    for k, condition in enumerate(conditions):
        ok &= holds(condition, condition_values(condition, evaluation, k, where))
    return ok
