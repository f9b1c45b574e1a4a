"""Data 2.4.1: a claim's case that rests on an assumption lists it, with its reasoning, among
the briefing's claim sources (the Stargate jobs claim's slow case: only the USD 100 bn tranche,
over the programme's four years)."""

from __future__ import annotations

from types import SimpleNamespace

ASSUMPTION = "a_assumption_stargate_tranche_four_years"


def test_the_stargate_briefing_lists_the_slow_case_assumption_with_its_reasoning(ws):
    from moneytrail.report.briefing.content import SourceBook, claims_for
    from moneytrail.scenarios import load_scenario
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks

    book = SourceBook.of(ws)
    # the claims are checked against a run of the plan (h43): a short one
    plan = load_scenario(reference_dir() / "stargate-style-us.yaml")
    result = tasks.trace_plan(ws, plan, draws=100, seed=1)
    brief = SimpleNamespace(plan=SimpleNamespace(id="stargate-style-us",
                                                 budget=SimpleNamespace(source="")),
                            reality=[], result=result)
    claims, sources, error = claims_for(ws, [brief], book)    # type: ignore[list-item]
    assert error == ""
    jobs = next(c for c in claims if c["id"] == "stargate-over-100000-us-jobs")
    assert ASSUMPTION in sources
    assert book.number(ASSUMPTION) in expand(jobs["refs"])     # the claim points to it
    entry = book.entry(ASSUMPTION)
    assert entry["reliability"] == "assumption"
    assert "four years" in entry["reasoning"] and "immediately" in entry["reasoning"]


def expand(refs: str) -> set[int]:
    """'1–3, 7' -> {1, 2, 3, 7}."""
    out: set[int] = set()
    for part in refs.split(", "):
        low, _, high = part.partition("–")
        out |= set(range(int(low), int(high or low) + 1))
    return out
