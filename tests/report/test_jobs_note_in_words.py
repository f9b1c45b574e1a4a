"""The jobs table's note is stored in readers' words: it says where the years of spending come
from without naming the plan's fields (`spend_years`, `horizon_years`), so the CLI, the JSON,
the CSV's metadata, the web page and the briefing all show the words. A script reads the years
from the run's facts (`spend_years`, `spend_years_default`; docs/results.md). A run stored
before still reads in words on its page (service.footprints.jobs_note_in_words)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from briefings import plan_variant

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
DRAWS = 200
FIELDS = ("spend_years", "horizon_years")
OVER = ("(the years the plan says its budget is spent over or, if it does not say, the years "
        "the plan covers)")
CAN_SET = "can set its own years of spending (1 to 30, at most the horizon) to change it"
DEFAULT_SAID = "does not say over how many years it spends"
NEUTRAL = "the plan's horizon, 5 years (the tool's default unless the plan sets it)"

# the note as code up to 0.5.x stored it, with the plan's fields named (a run stored before)
OLD_OVER = "(the plan's spend_years, else its horizon_years)"
OLD_CAN_SET = "can set spend_years (1 to 30, at most horizon_years) to change it"


@pytest.fixture(scope="module")
def default_run(ws, tmp_path_factory):
    from moneytrail.service import tasks

    plan = plan_variant(REFERENCE, tmp_path_factory.mktemp("note"), id="gf-note")
    return tasks.trace_plan(ws, plan, draws=DRAWS, seed=3)


def stored_before(result, note: str, *, keep_decision: bool = True):
    """`result` as a run stored by older code would read back: its jobs note `note`, and
    without the fact spend_years_default unless `keep_decision`."""
    tables = dict(result.tables)
    tables["jobs"] = dataclasses.replace(tables["jobs"], note=note)
    facts = dict(result.facts)
    if not keep_decision:
        facts.pop("spend_years_default")
    return dataclasses.replace(result, tables=tables, facts=facts)


def page_note(result) -> str:
    from moneytrail.web.runs import footprint_rows

    return next(r for r in footprint_rows(result) if r["name"] == "jobs")["note"]


def test_the_stored_jobs_note_says_the_years_in_words(default_run):
    note = default_run.tables["jobs"].note
    assert not [field for field in FIELDS if field in note], note
    assert OVER in note and CAN_SET in note and DEFAULT_SAID in note
    # the JSON every client reads (CLI --format json, the API) carries the note as stored
    assert not [f for f in FIELDS if f in default_run.to_dict()["tables"]["jobs"]["note"]]
    # a script finds the years, and whether they are the default, in the run's facts
    assert default_run.facts["spend_years"] == 5
    assert default_run.facts["spend_years_default"] is True


def test_the_page_shows_the_stored_words_once(default_run):
    note = page_note(default_run)
    assert note.count(OVER) == 1 and note.count(CAN_SET) == 1
    assert note.count(DEFAULT_SAID) == 1
    assert not [field for field in FIELDS if field in note]


def test_a_run_stored_with_field_names_reads_in_words_on_its_page(default_run):
    stored = default_run.tables["jobs"].note
    old = stored.replace(OVER, OLD_OVER).replace(CAN_SET, OLD_CAN_SET)
    assert old != stored
    note = page_note(stored_before(default_run, old))
    assert not [field for field in FIELDS if field in note], note
    assert note.count(OVER) == 1 and note.count(CAN_SET) == 1 and note.count(DEFAULT_SAID) == 1


def test_a_run_stored_before_the_decision_was_kept_says_the_horizon_neutrally(default_run):
    stored = default_run.tables["jobs"].note
    old = stored.replace(OVER, OLD_OVER).replace(CAN_SET, OLD_CAN_SET)
    note = page_note(stored_before(default_run, old, keep_decision=False))
    # the old default sentence goes, the neutral one is said once, in words
    assert DEFAULT_SAID not in note and note.count(NEUTRAL) == 1
    assert not [field for field in FIELDS if field in note], note
