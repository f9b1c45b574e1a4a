"""A reviewer's findings (h113) of logic kept twice or derived back out of text:

1. The years a plan spends over were parsed out of the jobs table's labels, by a regex in
   the web and by string splits in the briefing; the run now keeps them as a fact
   (`spend_years`) and both read it with one function (report.units.spend_years_text),
   which reads the labels only for a run stored before the fact.
2. The TCO as a share of the budget was computed by the web (raw unit) and the briefing
   (unit without its qualifier) apart: one helper (report.units.share_of_budget).
3. A computed amount beyond any budget printed in 17 digits ('IDR 1.2345678901234566e+17'),
   a change or an interval of 1e300 in 300: three significant digits in exponent form; the
   exact form is kept only to echo what a user typed (web.numbers.amount_text).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from briefings import plan_variant

from moneytrail.report import units

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "scenarios" / "efficiency-first-eu.yaml"    # pays for operations


def load(tmp_path: Path, name: str, **changes):
    assert changes.get("id", name) == name
    return plan_variant(REFERENCE, tmp_path, **{"id": name, **changes})


@pytest.fixture(scope="module")
def three_years(ws, tmp_path_factory):
    from moneytrail.service import tasks

    plan = load(tmp_path_factory.mktemp("h113"), "ef-3y", id="ef-3y", spend_years=3)
    return tasks.trace_plan(ws, plan, draws=300, seed=2)


def relabelled(run, label=lambda m: m.replace("/ 3 years of spending", "over the years")):
    """The run with its jobs table's labels reworded (as a later wording of at_one_time)."""
    jobs = run.tables["jobs"]
    rows = tuple((label(str(row[0])), *row[1:]) for row in jobs.rows)
    return dataclasses.replace(run, tables={**run.tables,
                                            "jobs": dataclasses.replace(jobs, rows=rows)})


def web_lasting_notes(run) -> list[str]:
    from moneytrail.web.runs import footprint_rows

    rows = next(r for r in footprint_rows(run) if r["name"] == "jobs")["rows"]
    return [r["note"] for r in rows if "note" in r]


def plan_of(run):
    from moneytrail.scenarios.schema import Plan

    return Plan.model_validate(run.provenance.inputs["plan"])


def test_the_run_keeps_its_years_of_spending_as_a_fact(three_years):
    assert three_years.facts["spend_years"] == 3
    assert "FTE-years / 3 years of spending" in " ".join(
        three_years.tables["jobs"].frame().index)


def test_web_and_briefing_read_the_years_from_the_fact_not_the_labels(three_years):
    from moneytrail.report.briefing.content import PlanBrief, lasting_sentence

    run = relabelled(three_years)
    assert not any("3 years" in str(row[0]) for row in run.tables["jobs"].rows)
    notes = web_lasting_notes(run)
    assert notes and "during the 3 years the budget is spent over" in notes[0]
    assert all("of the 3 years of spending" in n for n in notes[1:])
    said = lasting_sentence(PlanBrief(result=run, plan=plan_of(run), name="ef-3y"))
    assert "during the 3 years the budget is spent over" in said


def test_a_run_stored_before_the_fact_reads_its_labels_alike(three_years):
    from moneytrail.report.briefing.content import PlanBrief, lasting_sentence

    facts = {k: v for k, v in three_years.facts.items() if k != "spend_years"}
    old = dataclasses.replace(three_years, facts=facts)
    assert "during the 3 years the budget is spent over" in web_lasting_notes(old)[0]
    said = lasting_sentence(PlanBrief(result=old, plan=plan_of(old), name="ef-3y"))
    assert "during the 3 years the budget is spent over" in said


def test_one_reading_of_the_years_of_spending():
    label = "jobs at one time (FTE: FTE-years / 5 years of spending), all"
    assert units.spend_years_text({"spend_years": 1}, [label]) == "1 year"
    assert units.spend_years_text({"spend_years": 3}, [label]) == "3 years"
    assert units.spend_years_text({}, ["work (FTE-years), all", label]) == "5 years"
    assert units.spend_years_text({"spend_years": None}, ["work (FTE-years), all"]) == "years"
    assert units.spend_years_text({"spend_years": True}, []) == "years"


# -- 2. the TCO as a share of the budget: one rule -------------------------------------------
def test_one_rule_for_an_amount_as_a_share_of_the_budget():
    assert units.share_of_budget(22.4e9, "EUR", 20e9, "EUR") == pytest.approx(1.12)
    assert units.share_of_budget(22.4e9, "EUR (over the horizon)", 20e9, "EUR") == \
        pytest.approx(1.12)
    assert units.share_of_budget(22.4e9, "USD", 20e9, "EUR") is None
    for value, budget in ((None, 20e9), (float("nan"), 20e9), (1.0, 0.0), (1.0, None)):
        assert units.share_of_budget(value, "EUR", budget, "EUR") is None


@pytest.fixture(scope="module")
def half_budget(ws, tmp_path_factory, three_years):
    from moneytrail.service import tasks

    plan = three_years.provenance.inputs["plan"]
    budget = {**plan["budget"], "amount": plan["budget"]["amount"] / 2}
    plan = load(tmp_path_factory.mktemp("h113"), "ef-half", id="ef-half", spend_years=3,
                budget=budget)
    return tasks.trace_plan(ws, plan, draws=300, seed=2)


def qualified_tco(run):
    """The run with its TCO's unit qualified, 'EUR (as counted here)'."""
    table = run.tables["lifecycle"]
    at = [c.name for c in table.columns].index("unit")
    rows = tuple((*row[:at], f"{row[at]} (as counted here)", *row[at + 1:])
                 if row[0] == "tco" else row for row in table.rows)
    return dataclasses.replace(run, tables={**run.tables,
                                            "lifecycle": dataclasses.replace(table, rows=rows)})


def test_the_compare_page_and_the_briefing_give_one_tco_share(ws, three_years, half_budget,
                                                              monkeypatch):
    from moneytrail.report.briefing.content import PlanBrief, tco_share
    from moneytrail.service import tasks
    from moneytrail.web.runs import Names, compare_view

    runs = [qualified_tco(three_years), qualified_tco(half_budget)]
    assert all(r.table("lifecycle").loc["tco", "unit"] == "EUR (as counted here)"
               for r in runs)
    calls = []
    named = tasks.plan_file_names
    monkeypatch.setattr(tasks, "plan_file_names", lambda *a: calls.append(a) or named(*a))
    view = compare_view(runs, Names(ws.valuechain), "http://testserver/compare")
    for entry, run in zip(view["runs"], runs, strict=True):
        share = tco_share(PlanBrief(result=run, plan=plan_of(run), name=run.title))
        assert share is not None and entry["tco_of_budget"] == share[0]
    assert len(calls) == 1                       # the plans' file names, once


def test_the_differences_are_found_once_and_named_two_ways(three_years, half_budget):
    from moneytrail.report import inputs

    plans = [r.provenance.inputs["plan"] for r in (three_years, half_budget)]
    runs = [(300, 2), (300, 2)]
    name = str
    found, same = inputs.compared_inputs(plans, runs, name, name)
    assert [head for head, _ in found] == ["Budget: "] and "draws and seed" in same
    for labels in (None, ["Plan 1", "Plan 2"]):
        assert (inputs.named_differences(found, ["A", "B"], labels=labels), same) == \
            inputs.input_differences(plans, ["A", "B"], runs, name, name, labels=labels)
    assert inputs.named_differences(found, ["A", "B"])[0].endswith(" in \u201cB\u201d.")


# -- 3. amounts beyond any budget: three significant digits, the exact form only as typed ----
def test_a_computed_amount_beyond_any_budget_prints_in_three_digits():
    assert units.money(1.2345678901234566e17, "IDR") == "IDR 1.23e+17"
    assert units.in_unit(1.2345678901234566e17, "IDR") == "IDR 1.23e+17"
    assert units.money(-1e300, "EUR") == "EUR -1e+300"
    assert units.money(1e17, "EUR") == "EUR 100,000.00 tn"          # the cap itself: as before


def test_what_a_user_typed_is_echoed_exactly():
    from moneytrail.web.numbers import amount_text, read_number

    typed = 1.2345678901234566e17
    assert amount_text(typed) == "1.2345678901234566e+17"
    assert read_number(amount_text(typed), sizes=True) == typed
    assert amount_text(1e300) == "1e+300"


def test_a_change_beyond_any_budget_is_short():
    said = units.change_text(1e300, -2e299, 3.456e300, "EUR")
    assert said == "+EUR 1e+300 (-2e+299 – +3.46e+300)"
    assert units.change_text(1.2345678e17, 1e17, 1.5e17, "EUR (rented compute)") == \
        "+EUR 1.23e+17 (+1e+17 – +1.5e+17)"
    assert units.change_text(2e9, 1e9, 3e9, "EUR") == "+EUR 2.00 bn (+1.00 – +3.00 bn)"


def test_interval_ends_beyond_any_budget_are_short():
    assert units.interval_text(1e300, 2.5e300, "EUR", like=2e300) == "EUR 1e+300–2.5e+300"
    assert units.median_interval(1.2345e17, 1.11e17, 1.5e17, "USD") == \
        "USD 1.23e+17 (USD 1.11e+17–1.5e+17)"
    assert units.money_range(5e16, 5e16 + 1e18, "EUR") == "EUR 5e+16–1.05e+18"
    assert units.money_in_range(1e300, 1e299, 2e300, "EUR") == "EUR 1e+300"
    assert units.money_range(1e9, 2e9, "EUR") == "EUR 1.00–2.00 bn"
