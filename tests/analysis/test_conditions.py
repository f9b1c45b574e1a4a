"""Conditions in the scenario file: verdicts, probabilities, and clear errors."""

import pytest
from analysis_plans import make_plan

import moneytrail as mt
from moneytrail.analysis.conditions import check_conditions, verdict
from moneytrail.analysis.metrics import Evaluation
from moneytrail.errors import ScenarioError
from moneytrail.scenarios.schema import Condition


def test_verdicts_and_probabilities(reference, data):
    rules = [Condition(metric="eu_labour_share", min=0.2),
             Condition(metric="value_added_share", group="us_big_tech", max=0.3),
             Condition(metric="open_weights_only"),
             Condition(metric="hhi_change", max=0),
             Condition(metric="single_supplier_share", max=0.25)]
    eff = check_conditions(Evaluation.of(reference["efficiency-first-eu"], data), rules)
    assert list(eff["verdict"]) == ["met", "met", "met", "met", "met"]
    giga = check_conditions(Evaluation.of(reference["eu-ai-gigafactories"], data), rules)
    assert giga.loc["eu_labour_share >= 0.2", "verdict"] == "not met"
    assert giga.loc["single_supplier_share <= 0.25", "p_holds"] == 0
    assert verdict(0.5) == "uncertain" and verdict(0.96) == "met" and verdict(0.01) == "not met"


def test_conditions_from_the_scenario_file(model, data):
    plan = make_plan(spend={"staff": 0.5, "model_licences": 0.5}, conditions=[
        {"metric": "open_weights_only"}, {"metric": "labour_share", "min": 0.3}])
    table = check_conditions(Evaluation.of(mt.trace(plan, model, keep_draws=True), data))
    assert table.loc["open-weight models only", "verdict"] == "not met"   # EU market: OpenAI...
    assert table.loc["labour_share >= 0.3", "verdict"] == "met"


def test_unknown_group_names_file_and_field(model, data):
    plan = make_plan(conditions=[{"metric": "value_added_share", "group": "martians",
                                  "max": 0.1}])
    with pytest.raises(ScenarioError) as exc:
        check_conditions(Evaluation.of(mt.trace(plan, model, keep_draws=True), data))
    assert "test.yaml" in str(exc.value) and "conditions.0.group" in str(exc.value)
    assert "unknown group" in str(exc.value)


@pytest.mark.parametrize("rule, message", [
    ({"metric": "eu_labour_share", "min": 1.5}, "outside the range"),
    ({"metric": "no_such_metric", "max": 1}, "unknown metric"),
    ({"metric": "labour_share", "min": 0.1, "max": 0.9}, "exactly one bound"),
    ({"metric": "labour_share", "group": "x", "max": 0.9}, "only applies"),
    ({"metric": "labour_share", "max": 0.9, "colour": "red"}, "unknown key"),
])
def test_bad_rules_are_rejected_when_the_file_is_read(rule, message):
    with pytest.raises(ScenarioError) as exc:
        make_plan(conditions=[rule])
    assert "test.yaml" in str(exc.value) and "conditions.0" in str(exc.value)
    assert message in str(exc.value)


def test_existing_scenarios_stay_valid():
    for path in mt.reference_scenarios():
        assert mt.load_scenario(path).conditions == []


def test_a_metric_that_cannot_be_computed_is_not_applicable(model, data):
    """No hardware and no sized market: residual value and HHI change are n/a, not failures."""
    from moneytrail.analysis.scorecard import CONDITIONS_ROW, scorecard

    plan = make_plan(spend={"staff": 1.0}, conditions=[
        {"metric": "hhi_change", "max": 100}, {"metric": "residual_value_share", "min": 0.1},
        {"metric": "labour_share", "min": 0.3}])
    result = mt.trace(plan, model, keep_draws=True)
    table = check_conditions(Evaluation.of(result, data))
    assert list(table["verdict"]) == ["not applicable", "not applicable", "met"]
    assert table["p_holds"].isna().tolist() == [True, True, False]
    assert verdict(float("nan")) == "not applicable"
    card = scorecard([result], data=data).table
    assert card.loc[CONDITIONS_ROW, ("t", "mean")] == 1.0     # 1 of 1 applicable condition
