"""mt.scorecard keeps every result: plans sharing an id get `id #1`, `id #2` as compare does
(h62, finding 1)."""

import moneytrail as mt
from moneytrail.analysis.scorecard import scorecard
from moneytrail.scenarios.schema import distinct_labels

PLAN = "scenarios/eu-ai-gigafactories.yaml"


def test_two_versions_of_one_plan_keep_their_own_columns(model, data):
    plan = mt.load_scenario(PLAN)
    bigger = plan.model_copy(update={"budget": plan.budget.model_copy(
        update={"amount": 25.75e9})})
    a = mt.trace(plan, model, draws=100, seed=1, keep_draws=True)
    c = mt.trace(bigger, model, draws=100, seed=1, keep_draws=True)
    table = scorecard([a, c], data=data).table
    assert len(table.columns) == 8
    assert list(dict.fromkeys(table.columns.get_level_values("plan"))) == [
        "eu-ai-gigafactories #1", "eu-ai-gigafactories #2"]
    alone_a = scorecard([a], data=data).table["eu-ai-gigafactories"]
    alone_c = scorecard([c], data=data).table["eu-ai-gigafactories"]
    assert alone_a.equals(table["eu-ai-gigafactories #1"])       # numbers unchanged
    assert alone_c.equals(table["eu-ai-gigafactories #2"])
    # two seeds of one plan: two columns too
    b = mt.trace(plan, model, draws=100, seed=2, keep_draws=True)
    card = scorecard([a, b], data=data)
    assert set(card.table.columns.get_level_values("plan")) == {
        "eu-ai-gigafactories #1", "eu-ai-gigafactories #2"}
    assert set(card.export_rules_on) == {"eu-ai-gigafactories #1", "eu-ai-gigafactories #2"}


def test_distinct_labels_only_suffix_repeated_ids():
    assert distinct_labels(["x", "y", "x"]) == ["x #1", "y", "x #3"]
    assert distinct_labels(["x", "y"]) == ["x", "y"]
