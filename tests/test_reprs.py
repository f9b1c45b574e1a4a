"""Result objects print a few lines in a notebook, not their contents: evaluating a trace
printed 73,733 characters, a service Result 94,878 and a Footprint 17,847 (a tester using the
Python API in Jupyter). Each repr names what it is, the plan, draws, seed and run id, and what
to call for the numbers; dataclass equality stays as it was."""

from dataclasses import replace

import pytest

import moneytrail as mt
from moneytrail.service import tasks

PLAN = "scenarios/eu-ai-gigafactories.yaml"
DRAWS, SEED = 200, 3
MOST = 800             # characters: a few lines


@pytest.fixture(scope="module")
def traced():
    plan = mt.load_scenario(PLAN)
    with mt.Workspace.open() as ws:
        kept = mt.trace(plan, draws=DRAWS, seed=SEED, keep_draws=True, ws=ws)
        run = tasks.trace_plan(ws, plan, draws=DRAWS, seed=SEED, analyses=False, store=None)
    return mt.trace(plan, draws=DRAWS, seed=SEED), kept, run


def lines(text: str) -> list[str]:
    assert len(text) <= MOST, text
    return text.splitlines()


def test_a_trace_says_its_plan_draws_seed_and_tables(traced):
    result, kept, _ = traced
    text = repr(result)
    assert len(lines(text)) <= 4 and text.startswith("<TraceResult: plan 'eu-ai-gigafactories'")
    assert f"draws {DRAWS}, seed {SEED}" in text and ".by(dimension)" in text
    assert "country" in text and ".footprint(name)" in text and "not kept" in text
    assert "per-draw values kept" in repr(kept)
    assert repr(kept.per_draw).startswith("<DrawArrays (read-only): flows (200, ")
    assert repr(result.summary).startswith("<TraceSummary: amounts by entity")
    assert len(repr(result.summary)) <= MOST and len(repr(kept.per_draw)) <= MOST


def test_a_footprint_says_its_unit_and_total(traced):
    result, _, _ = traced
    jobs = result.footprint("jobs")
    text = repr(jobs)
    assert len(lines(text)) <= 3
    assert text.startswith(f"<Footprint 'jobs' in FTE-years: draws {DRAWS}, seed {SEED}; total ")
    assert f"{jobs.total['amount_p50']:,.0f} FTE-years (median" in text and ".by(" in text


def test_a_run_says_its_kind_run_id_and_tables(traced):
    _, _, run = traced
    text = repr(run)
    assert len(lines(text)) <= 4
    assert text.startswith(f'<Result trace run {run.run_id}: "EU AI gigafactories')
    assert f"draws {DRAWS}, seed {SEED}" in text and "headline" in text
    assert ".table(name)" in text and ".table_metadata(name)" in text
    table = repr(run.tables["country"])
    assert len(lines(table)) <= 3 and "amount_p50 [EUR]" in table and ".frame()" in table
    assert repr(run.provenance).startswith(f"<Provenance: seed {SEED}, draws {DRAWS}, code ")
    assert len(repr(run.provenance)) <= MOST


def test_results_still_compare_by_their_fields(traced):
    _, _, run = traced
    assert replace(run) == run and replace(run, title="other") != run
    table = run.tables["country"]
    assert replace(table) == table and replace(table, note="x") != table
    assert replace(run.provenance) == run.provenance
