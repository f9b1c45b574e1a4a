"""Procurement rules that change none of a plan's supplier shares (issue 8, demo speed): the
plan under the rules draws the plan's numbers, so the counterfactual reads the plan's own trace
instead of tracing it again, with the numbers, bit for bit, of tracing it again."""

from __future__ import annotations

import pandas as pd

from moneytrail.analysis import procurement
from moneytrail.analysis.procurement import ProcurementRules, counterfactual, jobs_metrics

EFFICIENCY = "efficiency-first-eu"      # buys from EU firms below the cap already
GIGA = "eu-ai-gigafactories"            # the rules move its accelerator shares
RULES = ProcurementRules(cap=0.5, eu_weight=2.0)


def counted_traces(monkeypatch) -> list[str]:
    """The plan ids the engine's trace is called for from here on."""
    import moneytrail.engine.trace as engine

    calls: list[str] = []
    real = engine.trace

    def counting(plan, *args, **kwargs):
        calls.append(getattr(plan, "id", "?"))
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(engine, "trace", counting)
    return calls


def test_rules_that_change_no_share_are_not_traced_again(reference, data, monkeypatch):
    calls = counted_traces(monkeypatch)
    made = counterfactual(reference[EFFICIENCY], data, RULES, jobs_metrics(data))
    assert calls == []
    assert made.ruled is made.base
    assert (made.shares["share_before"] == made.shares["share_after"]).all()


def test_the_plans_trace_gives_the_numbers_of_the_ruled_trace_bit_for_bit(reference, data,
                                                                          monkeypatch):
    """The metrics read from the plan's trace equal, exactly (no tolerance), those of the ruled
    plan traced on its own (the path taken when the rules do change a share)."""
    result = reference[EFFICIENCY]
    fast = counterfactual(result, data, RULES, jobs_metrics(data))
    calls = counted_traces(monkeypatch)
    monkeypatch.setattr(procurement, "same_draws", lambda *_: False)
    traced = counterfactual(result, data, RULES, jobs_metrics(data))
    assert calls == [f"{EFFICIENCY}+rules"]
    assert traced.ruled is not traced.base
    pd.testing.assert_frame_equal(fast.metrics, traced.metrics, check_exact=True)
    changes = fast.metrics[[c for c in fast.metrics.columns if c.startswith("change_")]]
    assert ((changes == 0) | changes.isna()).all().all()


def test_rules_that_change_a_share_are_traced_again(reference, data, monkeypatch):
    calls = counted_traces(monkeypatch)
    made = counterfactual(reference[GIGA], data, RULES)
    assert calls == [f"{GIGA}+rules"]
    assert made.ruled is not made.base
    assert not procurement.same_draws(reference[GIGA], made.ruled.require_plan())
