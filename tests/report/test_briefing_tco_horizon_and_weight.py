"""Two sentences of the briefing a budget officer read:

- the comparison's TCO sentence named the first plan's horizon for every plan ("TCO over the
  5-year horizon: 100.0 % vs 105.5 % of the budget" when the second plan's horizon is 6
  years): each plan's horizon is said beside its figure when they differ;
- the evidence sentence repeated its figure when the 90 % interval is one value ("100.0 % of
  the value added rests on assumption or weak rows (100.0 %)").
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd


def lifecycle_brief(plan_id: str, tco: float, budget: float, horizon: int) -> SimpleNamespace:
    period = f"over the {horizon}-year horizon"
    frame = pd.DataFrame({"unit": ["EUR"], "period": [period], "mean": [tco], "p5": [tco],
                          "p50": [tco], "p95": [tco]}, index=["tco"])
    tables = {"lifecycle": frame}
    return SimpleNamespace(table=lambda name: tables.get(name), currency="EUR",
                           plan=SimpleNamespace(id=plan_id),
                           result=SimpleNamespace(facts={"total": budget, "plan": plan_id}))


def tco_line(briefs) -> str:
    from moneytrail.report.briefing.content import comparison_headline

    said = comparison_headline(briefs, "The budgets differ.")
    return next(s for s in said if s.startswith("TCO"))


def test_each_plan_s_horizon_is_said_when_they_differ():
    line = tco_line([lifecycle_brief("a", 2e9, 2e9, 5), lifecycle_brief("b", 2.11e9, 2e9, 6)])
    assert line == ("TCO: 100.0 % (over the 5-year horizon) vs 105.5 % (over the 6-year "
                    "horizon) of the budget."), line


def test_one_horizon_is_said_once():
    line = tco_line([lifecycle_brief("a", 2e9, 2e9, 5), lifecycle_brief("b", 2.11e9, 2e9, 5)])
    assert line == "TCO over the 5-year horizon: 100.0 % vs 105.5 % of the budget.", line


def evidence_sentence(p50: float, p5: float, p95: float) -> str:
    from moneytrail.report.briefing.content import SourceBook, assumption_sentence

    evidence = pd.DataFrame({"dimension": ["total"], "assumption_or_weak_p50": [p50],
                             "assumption_or_weak_p5": [p5], "assumption_or_weak_p95": [p95]})
    item = SimpleNamespace(reliability="assumption", source="s1")
    brief = SimpleNamespace(direct_sources=["s1"], market_sources=[], cost_sources=[],
                            footprint_sources=[], plan=SimpleNamespace(spend={"x": item}),
                            table=lambda name: evidence if name == "evidence" else None)
    book = SourceBook(rows={"s1": {"id": "s1", "url": "https://example.org/s1",
                                   "reliability": "assumption"}})
    return assumption_sentence(brief, book)                  # type: ignore[arg-type]


def test_the_evidence_weight_is_not_repeated_when_its_interval_is_one_value():
    said = evidence_sentence(1.0, 1.0, 1.0)
    assert "100.0 % of the value added rests on assumption or weak rows. " in said, said
    assert "rows (100.0 %)" not in said, said


def test_the_evidence_weight_keeps_its_interval():
    said = evidence_sentence(0.5, 0.4, 0.6)
    assert "50.0 % of the value added rests on assumption or weak rows (40.0–60.0 %). " \
        in said, said
