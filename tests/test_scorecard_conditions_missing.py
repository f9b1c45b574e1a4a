"""The scorecard's 'Conditions met' has no figure both for a plan that sets no conditions and
for one none of whose conditions applies: each says which (the number stays missing, never
0 %), in the stored note (JSON), the terminal table, the run and compare pages and the
briefing. And the note of conditions given for every plan counts one condition as one."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml
from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
ROW = "Conditions met (share of applicable ones)"
NONE_SET = "n/a (no conditions set)"
NONE_APPLIES = "n/a (none of its 2 conditions applies)"
# the gigafactories plan buys no model licences: open-weight conditions do not apply to it
NOT_APPLICABLE = [{"metric": "open_weights_only", "label": "open-weight models only"},
                  {"metric": "open_weights_only", "label": "open weights, again"}]


def plan_file(folder: Path, plan_id: str, conditions: list[dict] | None) -> Path:
    plan = yaml.safe_load(GIGAFACTORIES.read_text())
    plan["id"] = plan_id
    plan.pop("conditions", None)
    if conditions is not None:
        plan["conditions"] = conditions
    path = folder / f"{plan_id}.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    """Two traced plans: one sets no conditions, the other two that do not apply to it."""
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    folder = tmp_path_factory.mktemp("conditions-missing")
    plans = [load_scenario(plan_file(folder, "no-conditions", None)),
             load_scenario(plan_file(folder, "none-apply", NOT_APPLICABLE))]
    with Workspace.open() as ws:
        results = [tasks.trace_plan(ws, plan, draws=100, seed=3, store=None)
                   for plan in plans]
        yield ws, plans, results


def test_the_stored_note_says_why_and_the_figure_stays_missing(traced):
    _, _, (bare, none_apply) = traced
    for result, said in ((bare, NONE_SET), (none_apply, NONE_APPLIES)):
        table = result.tables["scorecard"]
        document = table.to_dict()
        json.dumps(document, allow_nan=False)             # valid JSON, no NaN
        row = next(r for r in document["rows"] if r[0] == ROW)
        assert row[2:] == [None, None, None, None]        # no fake 0 %
        assert f"Conditions met for {result.facts['plan']}: {said}." in table.note
    assert NONE_APPLIES not in bare.tables["scorecard"].note


def test_the_terminal_table_says_which(traced):
    from moneytrail.report.terminal import rich_table

    _, _, results = traced
    for result, said in zip(results, (NONE_SET, NONE_APPLIES), strict=True):
        console = Console(width=400, record=True)
        console.print(rich_table(result.tables["scorecard"]))
        line = next(x for x in console.export_text().splitlines() if ROW in x)
        assert said in line, line


def test_the_run_and_compare_pages_say_which(traced):
    pytest.importorskip("fastapi")
    from types import SimpleNamespace

    from moneytrail.web.runs import compare_view, own_scorecard_note, scorecard_rows

    _, _, (bare, none_apply) = traced
    rows = {r["metric"]: r for r in scorecard_rows(bare)}
    assert rows[ROW]["reason"] == NONE_SET and rows[ROW]["p50"] is None
    assert f"Conditions met: {NONE_SET}." in own_scorecard_note(bare)    # the page's note
    assert {r["metric"]: r for r in scorecard_rows(none_apply)}[ROW]["reason"] == NONE_APPLIES
    names = SimpleNamespace(category=str, entity=str)
    view = compare_view([bare, none_apply], names, "http://x/compare")  # type: ignore[arg-type]
    row = next(r for r in view["scorecard"] if r["metric"] == ROW)
    assert (row["run1_reason"], row["run2_reason"]) == (NONE_SET, NONE_APPLIES)


def test_the_briefing_says_which(traced):
    from moneytrail.report.briefing.content import PlanBrief, scorecard_rows

    _, plans, results = traced
    briefs = [PlanBrief(result=r, plan=p, name=p.title)
              for r, p in zip(results, plans, strict=True)]
    cells = dict(scorecard_rows(briefs))[ROW]
    assert [c.main for c in cells[:2]] == [NONE_SET, NONE_APPLIES]


def test_a_plan_meeting_some_conditions_keeps_its_figure(tmp_path):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    conditions = [*NOT_APPLICABLE, {"metric": "eu_value_added_share", "min": 0.1}]
    with Workspace.open() as ws:
        result = tasks.trace_plan(ws, load_scenario(plan_file(tmp_path, "some", conditions)),
                                  draws=100, seed=3, store=None)
    table = result.tables["scorecard"]
    row = table.frame().loc[ROW]
    assert math.isfinite(row["some_p50"])
    assert "n/a" not in table.note


def test_the_note_of_one_condition_for_every_plan_says_this_condition():
    from moneytrail.scenarios.schema import Condition
    from moneytrail.service.tasks import conditions_note

    one = conditions_note([Condition(metric="eu_value_added_share", min=0.2)])
    assert "these 1 conditions" not in one
    assert one.startswith("Conditions met: the share of this condition, applied to every plan "
                          "in place of its own (a policy choice, not data), that the plan meets "
                          "where it applies: ")
    two = conditions_note([Condition(metric="eu_value_added_share", min=0.2),
                           Condition(metric="labour_share", min=0.3)])
    assert two.startswith("Conditions met: the share of these 2 conditions, applied to every "
                          "plan in place of its own (policy choices, not data), that the plan "
                          "meets where they apply: ")
