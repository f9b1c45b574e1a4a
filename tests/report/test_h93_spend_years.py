"""A reviewer's finding (h93) on h87's note on the default years of spending: a plan that
writes `horizon_years: 5` was told it 'does not say over how many years it spends', as the
check could not tell the plan's own 5 years from the default's (a stored plan writes every
field). The choice is made when the plan is traced (pydantic's fields set) and kept in the
run; a run stored before it says the horizon neutrally."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from briefings import plan_variant, text_of

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
DRAWS = 300
DEFAULT_SAID = "does not say over how many years it spends"
NEUTRAL = "the plan's horizon, 5 years (the tool's default unless the plan sets it)"



def load(tmp_path: Path, name: str, **changes):
    assert changes.get("id", name) == name
    return plan_variant(REFERENCE, tmp_path, **{"id": name, **changes})


@pytest.fixture(scope="module")
def default_run(ws, tmp_path_factory):
    from moneytrail.service import tasks

    plan = load(tmp_path_factory.mktemp("h93"), "gf-default", id="gf-default")
    return tasks.trace_plan(ws, plan, draws=DRAWS, seed=2)


@pytest.fixture(scope="module")
def own_five(ws, tmp_path_factory):
    from moneytrail.service import tasks

    plan = load(tmp_path_factory.mktemp("h93"), "gf-h5", id="gf-h5", horizon_years=5)
    return tasks.trace_plan(ws, plan, draws=DRAWS, seed=2)


def test_a_plan_writing_five_years_is_not_told_it_says_none(ws, own_five, default_run):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.web.runs import footprint_rows

    note = own_five.tables["jobs"].note
    assert DEFAULT_SAID not in note and "default spending period" not in note
    assert own_five.facts["spend_years_default"] is False
    assert "FTE-years / 5 years of spending" in " ".join(own_five.tables["jobs"].frame().index)
    web = next(r for r in footprint_rows(own_five) if r["name"] == "jobs")["note"]
    # the note says the plan's fields in words (service.footprints.YEARS_OVER)
    assert "default" not in web.split("(the years the plan says its budget is spent over")[1]
    said = text_of(render_briefing(ws, [own_five], fmt="html", sensitivity=False))
    assert "at one time over the 5 years the money is spent" in said
    assert "default spending period" not in said
    # the numbers are those of the plan that leaves its years to the default
    assert own_five.tables["jobs"].frame().equals(default_run.tables["jobs"].frame())


def test_a_plan_leaving_its_years_to_the_default_is_still_told(default_run):
    from moneytrail.web.runs import footprint_rows

    assert default_run.facts["spend_years_default"] is True
    assert DEFAULT_SAID in default_run.tables["jobs"].note
    web = next(r for r in footprint_rows(default_run) if r["name"] == "jobs")["note"]
    assert web.count(DEFAULT_SAID) == 1


def test_a_run_stored_before_the_choice_was_kept_says_the_horizon_neutrally(ws, default_run):
    from moneytrail.report.briefing import render_briefing
    from moneytrail.web.runs import footprint_rows

    facts = {k: v for k, v in default_run.facts.items() if k != "spend_years_default"}
    old = dataclasses.replace(default_run, facts=facts)
    web = next(r for r in footprint_rows(old) if r["name"] == "jobs")["note"]
    assert DEFAULT_SAID not in web and web.count(NEUTRAL) == 1
    said = text_of(render_briefing(ws, [old], fmt="html", sensitivity=False))
    assert DEFAULT_SAID not in said
    assert "(5 years: the plan's horizon, the tool's default unless the plan sets it)" in said


def test_the_choice_survives_reading_the_plan_back(default_run, own_five, tmp_path):
    from moneytrail.scenarios.schema import revalidated
    from moneytrail.service.footprints import spend_years_default
    from moneytrail.service.tasks import stored_plan

    assert spend_years_default(stored_plan(default_run, to="test")) is True
    assert spend_years_default(stored_plan(own_five, to="test")) is False
    plan = load(tmp_path, "gf-copy", id="gf-copy")
    changed = plan.model_copy(update={"title": "  My gigafactories  "})   # stripped again
    checked = revalidated(changed)
    assert checked is not changed and checked.title == "My gigafactories"
    assert spend_years_default(checked) is True
    assert spend_years_default(revalidated(load(tmp_path, "h5", id="h5", horizon_years=5))) is False


def test_a_comparison_keeps_each_plans_choice(ws, tmp_path):
    from moneytrail.service import tasks

    plans = [load(tmp_path, "cmp-default", id="cmp-default"),
             load(tmp_path, "cmp-h5", id="cmp-h5", horizon_years=5)]
    compared = tasks.compare_plans(ws, plans, draws=DRAWS, seed=2, procurement=None)
    assert compared.facts["spend_years_default"] == [True, False]
    runs = tasks.analysed_runs(ws, compared, store=None)     # traced again, not looked up
    assert [r.facts["spend_years_default"] for r in runs] == [True, False]
    assert [DEFAULT_SAID in r.tables["jobs"].note for r in runs] == [True, False]
