"""The date a scorecard reads the export rules on is a fact of the run (`export_rules_on`:
plan label -> ISO date, in its JSON), not a sentence of the scorecard's note that each output
rewrote with its own pattern: the terminal printed 'Export rules read on:
eu-ai-gigafactories 2025-07-01' while the run page and briefings said 'Export rules as of 1
July 2025'. Every output now words the fact one way (report.units.export_rules_text), and a
run stored before the fact, whose note holds the old sentence, still reads the same."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from cli_runs import run_main, words

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
EFFICIENCY_FIRST = ROOT / "scenarios" / "efficiency-first-eu.yaml"
SAID = "Export rules as of 1 July 2025 (a rule counts from the date its caps bind)."
LEGACY = ("Export rules read on: eu-ai-gigafactories 2025-07-01 (a rule counts from the date "
          "its caps bind).")


@pytest.fixture(scope="module")
def stored():
    """The gigafactories plan traced with analyses (100 draws) into the test's default store:
    its stored result."""
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    with Workspace.open() as ws:
        return tasks.trace_plan(ws, load_scenario(GIGAFACTORIES), draws=100, seed=22301)


def legacy_of(result):
    """`result` as code before the fact stored it: no `export_rules_on`, the dates in the
    scorecard note's sentence (service.tasks.scorecard_table of code 0.5.9)."""
    facts = {k: v for k, v in result.facts.items() if k != "export_rules_on"}
    card = result.tables["scorecard"]
    tables = {**result.tables, "scorecard": replace(card, note=f"{LEGACY} {card.note}")}
    return replace(result, facts=facts, tables=tables)


def terminal(result) -> str:
    """The scorecard as `moneytrail show RUN --table scorecard` prints it, in words."""
    from moneytrail.report.terminal import emit

    console = Console(record=True, width=400)
    emit(result, "table", console, Console(record=True), names=["scorecard"])
    return words(console.export_text())


def test_the_run_json_has_the_date_as_a_fact_and_round_trips(stored):
    from moneytrail.service.result import Result

    assert stored.facts["export_rules_on"] == {"eu-ai-gigafactories": "2025-07-01"}
    data = json.loads(stored.to_json())
    assert data["facts"]["export_rules_on"] == {"eu-ai-gigafactories": "2025-07-01"}
    back = Result.from_json(stored.to_json())
    assert back.facts == stored.facts and back.to_dict() == stored.to_dict()
    # the note no longer carries the sentence: the fact is the one place of the dates
    assert "Export rules" not in stored.tables["scorecard"].note
    # a CSV or Parquet of the scorecard alone keeps the date
    assert stored.table_metadata("scorecard")["export_rules_on"] == {
        "eu-ai-gigafactories": "2025-07-01"}
    assert "export_rules_on" not in stored.table_metadata("headline")


def test_show_prints_the_date_in_words(stored, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    code, out, err = run_main(capsys, "show", stored.run_id, "--table", "scorecard")
    assert code == 0, err
    text = words(out)
    assert SAID in text
    assert "read on" not in text and "eu-ai-gigafactories 2025-07-01" not in text
    code, out, err = run_main(capsys, "show", stored.run_id, "--format", "json")
    assert code == 0, err
    assert json.loads(out)["facts"]["export_rules_on"] == {"eu-ai-gigafactories": "2025-07-01"}


def test_a_run_stored_before_the_fact_reads_the_same(stored):
    from moneytrail.report.units import export_rules_on, scorecard_note
    from moneytrail.service.result import Result

    old = Result.from_json(legacy_of(stored).to_json())
    assert "export_rules_on" not in old.facts
    assert export_rules_on(old.tables["scorecard"].note, old.facts) == (
        [("eu-ai-gigafactories", "2025-07-01")], stored.tables["scorecard"].note)
    assert scorecard_note(old.tables["scorecard"].note, old.facts) == \
        scorecard_note(stored.tables["scorecard"].note, stored.facts)
    for result in (stored, old):
        text = terminal(result)
        assert SAID in text and "read on" not in text


def test_the_run_page_and_briefing_word_a_legacy_note_as_a_new_one(stored):
    from moneytrail.report.briefing.content import PlanBrief, scorecard_notes
    from moneytrail.service.tasks import stored_plan

    plan = stored_plan(stored, to="briefing")
    old = legacy_of(stored)
    notes = [scorecard_notes([PlanBrief(result=r, plan=plan, name=plan.title)])
             for r in (stored, old)]
    assert notes[0] == notes[1] and notes[0].startswith(SAID.rstrip("."))
    assert "read on" not in notes[0]
    # two runs of plans read on one date: one sentence, one date
    two = scorecard_notes([PlanBrief(result=r, plan=plan, name=plan.title)
                           for r in (stored, old)])
    assert two.count("Export rules") == 1 and two.startswith(SAID.rstrip("."))
    pytest.importorskip("fastapi")
    from moneytrail.web.runs import own_scorecard_note

    assert own_scorecard_note(old) == own_scorecard_note(stored)
    assert own_scorecard_note(stored).startswith(SAID)


def test_plans_read_on_different_dates_are_each_named():
    from moneytrail.report.units import export_rules_text

    pairs = [("a", "2025-07-01"), ("b", "2026-01-15")]
    assert export_rules_text(pairs, {"a": "Plan A"}) == (
        "Export rules as of 1 July 2025 for “Plan A”, 15 January 2026 for “b” (a rule counts "
        "from the date its caps bind).")
    assert export_rules_text([("a", "2025-07-01"), ("b", "2025-07-01")]) == SAID
    assert export_rules_text([]) == ""


def test_compare_stores_each_plans_date_and_the_terminal_names_them(capsys, monkeypatch):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    monkeypatch.setenv("COLUMNS", "400")
    later = load_scenario(GIGAFACTORIES).model_copy(update={"as_of": dt.date(2026, 1, 15)})
    with Workspace.open() as ws:
        result = tasks.compare_plans(ws, [load_scenario(EFFICIENCY_FIRST), later], draws=60,
                                     seed=22302, store=None, procurement=None)
    assert result.facts["export_rules_on"] == {"efficiency-first-eu": "2025-07-01",
                                               "eu-ai-gigafactories": "2026-01-15"}
    text = terminal(result)
    assert ("Export rules as of 1 July 2025 for “efficiency-first-eu”, 15 January 2026 for "
            "“eu-ai-gigafactories” (a rule counts") in text
    assert "read on" not in text
    code, out, err = run_main(capsys, "compare", str(EFFICIENCY_FIRST), str(GIGAFACTORIES),
                              "--draws", "60", "--table", "scorecard", "--no-procurement")
    assert code == 0, err
    assert SAID in words(out) and "read on" not in words(out)
