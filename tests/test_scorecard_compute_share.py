"""The budget per GPT-4-level training run divides a plan's whole budget by the runs its
compute could make. For a plan that spends most of its budget on things that buy no compute
(the efficiency-first reference plan: staff, grants, licences, a quarter on rented compute)
that figure mostly measures the rest of its spending and read as if the plan were wasteful.
Under half of the budget spent on compute the row has no figure and every output says why,
with the share (stored note and JSON, terminal table, run and compare pages, briefing); a
compute-heavy plan keeps its figure, unchanged."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
EFFICIENCY_FIRST = ROOT / "scenarios" / "efficiency-first-eu.yaml"
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
ROW = ("Whole plan budget divided by the GPT-4-level training runs its compute "
        "could make (not the cost of one run)")
# the efficiency-first plan rents compute for 15-35 % of its budget (central 25 %, before the
# shares are renormalised in each draw) and owns none
SAID = ("n/a (25 % of the budget buys compute, owned 0 % and rented 25 %, under the half this "
        "row needs)")


@pytest.fixture(scope="module")
def traced():
    """The efficiency-first and gigafactories reference plans, traced at 100 draws."""
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plans = [load_scenario(EFFICIENCY_FIRST), load_scenario(GIGAFACTORIES)]
    with Workspace.open() as ws:
        results = [tasks.trace_plan(ws, plan, draws=100, seed=3, store=None)
                   for plan in plans]
        yield ws, plans, results


def test_compute_shares_of_the_reference_plans():
    from moneytrail import trace
    from moneytrail.analysis.efficiency import compute_spend_shares
    from moneytrail.scenarios import load_scenario

    frugal = compute_spend_shares(trace(load_scenario(EFFICIENCY_FIRST), draws=200, seed=1,
                                                keep_draws=True))
    assert np.all(frugal["owned"] == 0)                         # it owns no hardware
    assert frugal["rented"].max() < 0.5                 # under half in every draw
    assert np.median(frugal["compute"]) == pytest.approx(0.25, abs=0.02)
    heavy = compute_spend_shares(trace(load_scenario(GIGAFACTORIES), draws=200, seed=1,
                                                keep_draws=True))
    assert np.allclose(heavy["compute"], 1.0) and np.all(heavy["rented"] == 0)


def test_the_stored_note_says_the_share_and_the_figure_is_missing(traced):
    _, _, (frugal, heavy) = traced
    document = frugal.tables["scorecard"].to_dict()
    json.dumps(document, allow_nan=False)
    row = next(r for r in document["rows"] if r[0] == ROW)
    assert row[2:] == [None, None, None, None]
    note = frugal.tables["scorecard"].note
    assert f"Budget per training run for efficiency-first-eu: {SAID}." in note
    assert "25 % of the budget buys compute (owned 0 %, rented 25 %)" in note
    assert "100 % of the budget buys compute (owned 100 %, rented 0 %)" in \
        heavy.tables["scorecard"].note
    assert "Budget per training run for" not in heavy.tables["scorecard"].note


def test_a_compute_heavy_plan_keeps_its_figure(traced):
    from moneytrail import trace
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.analysis.stats import describe

    ws, plans, (_, heavy) = traced
    row = heavy.tables["scorecard"].frame().loc[ROW]
    again = trace(plans[1], draws=100, seed=3, keep_draws=True)     # the same draws
    expected = describe(Evaluation.of(again, ws.analysis).metric("eur_per_capability"))
    for stat in ("mean", "p5", "p50", "p95"):
        assert math.isfinite(row[f"eu-ai-gigafactories_{stat}"])
        assert row[f"eu-ai-gigafactories_{stat}"] == pytest.approx(expected[stat], rel=1e-12)


def test_the_terminal_table_says_why(traced):
    from moneytrail.report.terminal import rich_table

    _, _, (frugal, _) = traced
    console = Console(width=400, record=True)
    console.print(rich_table(frugal.tables["scorecard"]))
    line = next(x for x in console.export_text().splitlines() if ROW in x and "evidence" not in x)
    assert SAID in line, line


def test_the_run_and_compare_pages_say_why(traced):
    pytest.importorskip("fastapi")
    from types import SimpleNamespace

    from moneytrail.web.runs import compare_view, own_scorecard_note, scorecard_rows

    _, _, (frugal, heavy) = traced
    rows = {r["metric"]: r for r in scorecard_rows(frugal)}
    assert rows[ROW]["reason"] == SAID and rows[ROW]["p50"] is None
    assert f"Budget per training run: {SAID}." in own_scorecard_note(frugal)
    assert {r["metric"]: r for r in scorecard_rows(heavy)}[ROW]["reason"] is None
    names = SimpleNamespace(category=str, entity=str)
    view = compare_view([frugal, heavy], names, "http://x/compare")  # type: ignore[arg-type]
    row = next(r for r in view["scorecard"] if r["metric"] == ROW)
    assert row["run1_reason"] == SAID and row["run2_reason"] is None


def test_the_briefing_says_why(traced):
    from moneytrail.report.briefing.content import PlanBrief, scorecard_rows

    _, plans, results = traced
    briefs = [PlanBrief(result=r, plan=p, name=p.title)
              for r, p in zip(results, plans, strict=True)]
    cells = dict(scorecard_rows(briefs))[ROW]
    assert cells[0].main == SAID
    # a text cell, which wraps in its column: as a figure's cell (no wrapping) the PDF cut it
    # off at the page's edge after "under the half"
    assert not cells[0].numeric
    assert cells[1].main.startswith("EUR ")


def test_the_cli_compare_scorecard_says_why(capsys, monkeypatch):
    from moneytrail.cli import main

    monkeypatch.setenv("COLUMNS", "400")
    with pytest.raises(SystemExit) as info:
        main(["compare", str(EFFICIENCY_FIRST), str(GIGAFACTORIES), "--draws", "60",
              "--table", "scorecard", "--no-procurement"])
    out = capsys.readouterr()
    assert info.value.code == 0, out.err
    line = next(x for x in out.out.splitlines() if ROW in x and "evidence" not in x)
    # at 60 draws the median share is 24-26 %
    said = re.search(r"n/a \(2\d % of the budget buys compute, owned 0 % and rented 2\d %, "
                     r"under the half this row needs\)", line)
    assert said, line
    assert "EUR " in line[said.end():]                 # the gigafactories keep a figure
