"""Policy conditions declared in a scenario file: a verdict and the probability each holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from moneytrail.analysis.metrics import Evaluation
from moneytrail.analysis.stats import CONDITION_CUTOFFS, describe, probability
from moneytrail.scenarios.schema import Condition

NOT_APPLICABLE = "not applicable"
MET, NOT_MET = CONDITION_CUTOFFS
NOTE = (f"Verdict: met where the bound holds in at least {MET:.0%} of the draws, not met where "
        f"it holds in at most {NOT_MET:.0%}, uncertain between (“Met in”: the share of "
        "draws where it holds). Not applicable where the metric does not apply to the plan (an "
        "open-weight or closed-model condition on a plan that buys no model licences; an HHI "
        "change where it buys in no sized market): no verdict, and left out of the "
        "scorecard's 'Conditions met' share.")


def verdict(p_holds: float) -> str:
    """met / not met / uncertain from P(holds); a metric that cannot be computed for the plan
    (NaN, e.g. an HHI change when it buys in no sized market) is 'not applicable'."""
    met, not_met = CONDITION_CUTOFFS
    if np.isnan(p_holds):
        return NOT_APPLICABLE
    if p_holds >= met:
        return "met"
    if p_holds <= not_met:
        return "not met"
    return "uncertain"


def holds(condition: Condition, values: np.ndarray) -> np.ndarray:
    """Per draw: 1.0 if the bound holds, 0.0 if not, NaN where the metric is undefined (so an
    undefined metric is never counted as a failed condition)."""
    values = np.asarray(values, dtype=float)
    if condition.metric == "open_weights_only":
        ok = values <= 0.0
    elif condition.max is not None:
        ok = values <= condition.max
    else:
        ok = values >= condition.min
    return np.where(np.isnan(values), np.nan, ok.astype(float))


def held_share(ok: np.ndarray) -> np.ndarray:
    """Per draw, the share of applicable conditions that hold (columns: conditions); NaN in a
    draw where none applies."""
    counted = (~np.isnan(ok)).sum(axis=1)
    return np.where(counted > 0, np.nansum(ok, axis=1) / np.maximum(counted, 1), np.nan)


def condition_values(condition: Condition, evaluation: Evaluation, index: int,
                     where: str) -> np.ndarray:
    """Per-draw values of a condition's metric; all NaN (not applicable: no verdict) where its
    figure is known to leave out part of what it measures (`withheld_reason`)."""
    if withheld_reason(condition, evaluation):
        return np.full(evaluation.result.draws, np.nan)
    return evaluation.metric(condition.metric, where=where, field_name=f"conditions.{index}",
                             group=condition.group, country=condition.country,
                             owner_country=condition.owner_country, entity=condition.entity,
                             threshold=condition.threshold, on=condition.on)


def check_conditions(evaluation: Evaluation, conditions: list[Condition] | None = None,
                     where: str | None = None) -> pd.DataFrame:
    """One row per condition: the metric's interval, the bound, P(holds) and the verdict.
    Defaults to the conditions in the plan's own scenario file."""
    plan = evaluation.result.require_plan()
    conditions = plan.conditions if conditions is None else conditions
    where = where or plan.path or plan.id
    rows = []
    for k, condition in enumerate(conditions):
        values = condition_values(condition, evaluation, k, where)
        ok = holds(condition, values)
        withheld = withheld_reason(condition, evaluation)
        if withheld:            # the figure is still shown, beside the reason for no verdict
            values = evaluation.metric(condition.metric, where=where,
                                       field_name=f"conditions.{k}", country=condition.country)
        stats = describe(values)
        bound = ("max", condition.max) if condition.max is not None else ("min", condition.min)
        if condition.metric == "open_weights_only":
            bound = ("max", 0.0)
        p_holds = probability(ok)
        on = (condition.on or evaluation.on).isoformat() \
            if condition.metric == "export_exposed_share" else ""
        rows.append({"condition": condition.name, "metric": condition.metric,
                     "bound": f"{bound[0]} {bound[1]:g}", "rules_on": on,
                     **{f"value_{s}": v for s, v in stats.items()},
                     "p_holds": p_holds,
                     "verdict": f"n/a ({withheld})" if withheld else verdict(p_holds)})
    columns = ["condition", "metric", "bound", "rules_on", "value_mean", "value_p5", "value_p50",
               "value_p95", "p_holds", "verdict"]
    frame = pd.DataFrame(rows, columns=columns).set_index("condition")
    notes = [NOTE]
    if any(withheld_reason(c, evaluation) for c in conditions):
        notes.append(UNSPLIT_NOTE)
    if any(c.metric == "renewable_share" for c in conditions):
        notes.append(RENEWABLE_NOTE if plan.renewable_share is not None
                     else RENEWABLE_GRID_NOTE)
    frame.attrs["note"] = " ".join(notes)
    return frame


UNSPLIT_NOTE = ("n/a (... is not split by member state: ...): a value-added condition on the "
                "plan's site country, where the data give some of the sectors the plan buys "
                "from at the site (e.g. construction) only for the EU as a whole. Their value "
                "added, the work at the site included, is counted in 'EU, not split by member "
                "state', so the country's own figure (shown) leaves out an unknown part of its "
                "share: no verdict, and left out of the scorecard's 'Conditions met' share. A "
                "condition on the EU as a whole is not affected (its figure includes that row).")


def withheld_reason(condition: Condition, evaluation: Evaluation) -> str:
    """Why a condition gets no verdict although its figure can be computed, '' when it gets
    one: a `value_added_share` condition on the `country` (location) that is the plan's
    `site_country`, a member state of a region whose sectors behind the plan's site the data
    give only for the region as a whole (analysis.site.unsplit_site_suppliers; the country
    table's note, service.tasks.site_country_note). That country's figure leaves out the
    part of those sectors' value added (the work at the site) that is really its own. A
    condition on the region itself ('EU') is not affected: its figure includes them."""
    from moneytrail.analysis.site import unsplit_site_suppliers

    plan = evaluation.result.require_plan()
    if condition.metric != "value_added_share" or condition.country is None or \
            condition.country != plan.site_country:
        return ""
    model = evaluation.result.model
    region, found = unsplit_site_suppliers(plan, model)
    if not found:
        return ""
    suppliers = sorted({s for ids in found.values() for s in ids})
    table = evaluation.result.flow_labels
    rows = (table["entity"].isin(suppliers) & (table["country"] == region)).to_numpy()
    amount = float(np.mean(evaluation.result.select(rows)))
    names = dict(zip(model.entities["id"], model.entities["name"], strict=True))
    label = {"EU": "EU, not split by member state"}.get(region, region)
    return (f"{condition.country} is not split by member state: "
            f"{money_words(amount, plan.currency)} of value added by the site's "
            f"{', '.join(str(names.get(s, s)) for s in suppliers)} sits under '{label}'")


def money_words(amount: float, currency: str) -> str:
    """'EUR 1.87 bn', 'EUR 218 m' (an amount in the plan's currency, for a sentence)."""
    if abs(amount) >= 1e9:
        return f"{currency} {amount / 1e9:.2f} bn"
    return f"{currency} {amount / 1e6:.0f} m"


# what a renewable-share condition checks (the table's note where a condition uses it): the
# plan's stated share (analysis.metrics.Evaluation.renewable_share), which the CO2 figures do
# not use (they are location-based: docs/methods.md, 'Lifecycle cost and TCO')
RENEWABLE_NOTE = ("Renewable power share: the condition checks the renewable share the plan "
                  "states (its renewable_share, e.g. power purchase agreements), as stated; "
                  "the CO2 figures do not use it. Operational CO2 is location-based (the "
                  "site's grid intensity), so a higher stated share does not lower it.")
RENEWABLE_GRID_NOTE = ("Renewable power share: the plan states none, so the condition checks "
                       "the renewable share of the site's grid mix. The CO2 figures are "
                       "location-based (the site's grid intensity): a share the plan stated "
                       "(e.g. power purchase agreements) would be checked as stated but would "
                       "not lower them.")


def holds_matrix(evaluation: Evaluation, conditions: list[Condition], where: str
                 ) -> np.ndarray:
    """Per draw and condition (draws x conditions): 1.0 holds, 0.0 fails, NaN not applicable."""
    return np.column_stack([holds(c, condition_values(c, evaluation, k, where))
                            for k, c in enumerate(conditions)])
