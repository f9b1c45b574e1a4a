"""report.inputs: a plan's own supplier split and what differs between plans, in words; and
report.units.difference_text (finding h80: the comparison did not say what changes)."""

from __future__ import annotations

from moneytrail.report.inputs import (
    USER_NOTE,
    input_differences,
    own_figures_note,
    procurement_rows,
    procurement_text,
)
from moneytrail.report.units import difference_text

OWN = {"reliability": "assumption", "note": USER_NOTE}
NAMES = {"accelerators": "AI accelerators", "nvidia": "Nvidia", "amd": "AMD"}


def name(key: str) -> str:
    return NAMES.get(key, key)


def plan(**changes) -> dict:
    base = {"id": "p", "title": "P", "year": 2025, "currency": "EUR",
            "budget": {"amount": 20e9, "source": "s1"},
            "spend": {"accelerators": {"central": 0.39, "low": 0.3, "high": 0.46,
                                       "source": "s2", "reliability": "estimate"},
                      "facility": {"central": 0.61, "source": "s3"}}}
    return {**base, **changes}


SPLIT = {"accelerators": {"amd": {"central": 0.4, **OWN}, "nvidia": {"central": 0.6, **OWN}}}


def test_the_supplier_split_in_words_largest_first():
    rows = procurement_rows(plan(procurement=SPLIT), name, name)
    assert [(r["supplier_label"], r["central"], r["own"]) for r in rows] == [
        ("Nvidia", 0.6, True), ("AMD", 0.4, True)]
    assert procurement_text(plan(procurement=SPLIT), name, name) == (
        "AI accelerators: Nvidia 60.0 %, AMD 40.0 % (your own figures, the plan's own inputs)")
    assert procurement_text(plan(), name, name) == ""
    sourced = {"accelerators": {"nvidia": {"central": 0.8, "low": 0.7, "high": 0.9,
                                           "source": "s9"}, "amd": 0.2}}
    assert procurement_text(plan(procurement=sourced), name, name) == (
        "AI accelerators: Nvidia 80.0 % (70.0 % to 90.0 %), AMD 20.0 %")


def test_own_figures_are_named_beside_the_evidence_weight():
    assert own_figures_note(plan(procurement=SPLIT), name) == (
        "does not count your own figures, the plan's own inputs: the suppliers of AI "
        "accelerators")
    assert own_figures_note(plan(), name) == ""


def test_input_differences_name_what_differs_and_what_is_the_same():
    second = plan(budget={"amount": 10e9, "note": USER_NOTE}, procurement=SPLIT)
    differ, same = input_differences([plan(), second], ["A", "B"], [(1000, 1), (1000, 1)],
                                     name, name)
    assert differ == [
        "Budget: EUR 20.00 bn in \u201cA\u201d; EUR 10.00 bn, your own figure in \u201cB\u201d.",
        "Suppliers set by the plan: none (the buyer region's market shares) in \u201cA\u201d; "
        "AI accelerators: Nvidia 60.0 %, AMD 40.0 % (your own figures, the plan's own inputs) "
        "in \u201cB\u201d."]
    assert same == ["spending shares", "conditions", "draws and seed"]
    shares = plan(spend={"accelerators": {"central": 0.5}, "facility": {"central": 0.5}})
    differ, same = input_differences([plan(), shares], ["A", "B"], [(1000, 1), (500, 2)],
                                     name, name)
    assert differ == [
        "Share of the budget for AI accelerators: 39.0 % (30.0 % to 46.0 %) in \u201cA\u201d; "
        "50.0 % in \u201cB\u201d.",
        "Share of the budget for facility: 61.0 % in \u201cA\u201d; 50.0 % in \u201cB\u201d.",
        "Draws and seed: 1,000 draws, seed 1 in \u201cA\u201d; 500 draws, seed 2 in "
        "\u201cB\u201d."]
    assert same[0] == "budget"


def test_a_difference_is_signed_in_the_units_unit():
    assert difference_text(-0.0971, "share") == "-9.7 points"
    assert difference_text(0.0004, "share") == "+0.04 points"
    assert difference_text(-10e9, "EUR") == "-EUR 10.00 bn"
    assert difference_text(0.0, "share") == "0 points"      # finding h86
    assert difference_text(None, "share") == "–"


def test_a_different_horizon_or_renewable_share_is_said_to_differ():
    """Tester 29: two runs differing only in `horizon_years` (5 and 3) were said to have the
    same inputs, though operational CO2 and residual value differ because of it."""
    differ, _ = input_differences(
        [plan(horizon_years=5), plan(horizon_years=3, renewable_share={
            "central": 0.5, "low": 0.4, "high": 0.6})],
        ["A", "B"], [(300, 1), (300, 1)], name, name)
    assert "Horizon (years of use): 5 in \u201cA\u201d; 3 in \u201cB\u201d." in differ, differ
    assert any(d.startswith("Renewable share of electricity:") and "50.0 % (40.0 % to 60.0 %)"
               in d for d in differ), differ


def test_stored_plans_with_the_same_horizon_do_not_differ():
    differ, _ = input_differences([plan(horizon_years=5), plan(horizon_years=5)],
                                  ["A", "B"], [(300, 1), (300, 1)], name, name)
    assert differ == []
