"""Findings h64: an old run's jobs note follows the code that computed it; a plan whose
price year the data cannot restate is refused by the plan check; compare runs get reports
on the web."""
from __future__ import annotations

from types import SimpleNamespace


def old_result(code: str) -> SimpleNamespace:
    plan = {"currency": "EUR", "price_year": 2015, "year": 2025}
    return SimpleNamespace(tables={"jobs": object()},
                           provenance=SimpleNamespace(inputs={"plan": plan},
                                                      code_version=code))


def test_a_run_of_code_0_5_0_is_not_said_to_be_restated():
    from moneytrail.service.footprints import run_jobs_price_note

    old = run_jobs_price_note(old_result("0.5.0"))
    assert "restated" not in old
    assert "not deflated to 2015" in old
    new = run_jobs_price_note(old_result("0.5.1"))
    assert "restated from 2015 to 2025 prices" in new
    assert "restated from 2015" in run_jobs_price_note(old_result("0.5.10"))
    assert "restated" not in run_jobs_price_note(old_result("0.4.12"))


def test_stored_runs_side_by_side_name_the_runs_not_restated():
    from moneytrail.service.footprints import jobs_price_compare_note

    both = jobs_price_compare_note(["a", "b"], ["EUR", "EUR"], [2015, 2025], "EUR",
                                   [False, False])
    assert "restated to its plan year's prices" not in both
    assert "a, b: computed by code before 0.5.1" in both
    mixed = jobs_price_compare_note(["a", "b"], ["EUR", "EUR"], [2015, 2025], "EUR",
                                    [False, True])
    assert "a: computed by code before 0.5.1" in mixed
    assert "b:" not in mixed.split("(")[-1].split(")")[-1]


def test_the_plan_check_refuses_a_price_year_the_restatement_cannot_reach(tmp_path):
    import pytest

    from moneytrail.errors import ScenarioError
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.schema import load_scenario
    from moneytrail.service.tasks import check_plan, trace_plan
    from moneytrail.service.workspace import Workspace

    path = next(p for p in reference_scenarios() if p.stem == "eu-ai-gigafactories")
    plan = load_scenario(path).model_copy(update={"currency": "TWD", "price_year": 2026})
    with Workspace.open(db=str(tmp_path / "s.db")) as ws:
        with pytest.raises(ScenarioError) as refused:
            check_plan(ws, plan)
        assert (refused.value.field, refused.value.value) == ("price_year", 2026)
        assert "no TWD exchange rate or price index for 2026" in refused.value.detail
        assert "it can restate TWD from price years 2015-2025" in refused.value.detail
        with pytest.raises(ScenarioError):        # the trace refuses before any draw
            trace_plan(ws, plan, draws=50, seed=1)
        check_plan(ws, plan.model_copy(update={"price_year": 2025}))
