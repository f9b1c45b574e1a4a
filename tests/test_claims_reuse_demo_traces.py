"""`moneytrail demo` checks the claims on the first draws of the reference plans it has just
traced (TraceResult.first_draws, service.tasks.cut_traces) instead of tracing them again: a
trace's first draws are the trace of that many draws (seed blocks), so the figures are the
same."""

import numpy as np
import pandas as pd
import pytest

import moneytrail as mt
from moneytrail.service import tasks

SEED = 3


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


@pytest.fixture(scope="module")
def traced(ws):
    """The reference plans traced as the demo traces them (outputs, evidence), 300 draws."""
    out = []
    for path in mt.reference_scenarios():
        plan = mt.load_scenario(path)
        out.append(tasks.ws_trace(ws, plan, draws=300, seed=SEED,
                                  evidence=tasks.evidence_default(ws, plan, None)))
    return out


def test_a_traces_first_draws_are_the_trace_of_that_many_draws(ws, traced):
    result = traced[0]
    cut = result.first_draws(200)
    direct = tasks.ws_trace(ws, result.require_plan(), draws=200, seed=SEED,
                            evidence=result.per_draw.evidence is not None)
    assert cut.draws == 200 and cut.seed == SEED
    for name in ("flows", "tiers", "demand", "purchases", "evidence", "coefficients",
                 "weights"):
        assert np.array_equal(getattr(cut.per_draw, name), getattr(direct.per_draw, name)), name
    for name in ("output", "tiers", "parts"):
        assert np.array_equal(getattr(cut.per_draw.outputs, name),
                              getattr(direct.per_draw.outputs, name)), name
    for dimension in ("entity", "country", "headline", "tier"):
        pd.testing.assert_frame_equal(cut.by(dimension), direct.by(dimension))
    # a claims trace (moneytrail.trace, evidence kept, no outputs) draws the same numbers
    claims_trace = tasks.trace(result.require_plan(), result.model, ws=ws, draws=200,
                               seed=SEED, keep_draws=True, evidence=True)
    assert np.array_equal(cut.flows, claims_trace.flows)


def test_a_trace_is_cut_only_at_whole_seed_blocks_within_its_draws(traced):
    result = traced[0]
    for draws in (0, 150, 400):
        with pytest.raises(ValueError):
            result.first_draws(draws)


def test_the_claims_on_cut_traces_give_the_same_figures_and_trace_no_plan_again(
        ws, traced, monkeypatch):
    alone = tasks.check_claims(ws, draws=100, seed=SEED, store=None)
    cut = tasks.cut_traces(ws, traced, draws=100, seed=SEED)
    assert len(cut) == len(traced)
    import moneytrail.engine.trace as engine

    calls = []
    real = engine.trace

    def counting(plan, *args, **kwargs):
        calls.append(getattr(plan, "id", None))
        return real(plan, *args, **kwargs)

    monkeypatch.setattr(engine, "trace", counting)
    shared = tasks.check_claims(ws, draws=100, seed=SEED, store=None, traces=cut)
    pd.testing.assert_frame_equal(alone.table("claims"),
                                  shared.table("claims"))
    reference = {r.require_plan().id for r in traced}
    assert not reference & set(calls), calls


def test_traces_of_another_seed_or_too_few_draws_are_not_cut(ws, traced):
    assert tasks.cut_traces(ws, traced, draws=100, seed=SEED + 1) == {}
    assert tasks.cut_traces(ws, traced, draws=400, seed=SEED) == {}


def test_the_demo_hands_its_traces_to_the_claims_check(ws, monkeypatch):
    given = {}

    def claims(ws_, **kwargs):
        given.update(kwargs)
        return None

    monkeypatch.setattr(tasks, "trace_run_result", lambda ws_, rid, inputs, result, **k: result)
    monkeypatch.setattr(tasks, "comparison", lambda *args, **kwargs: None)
    monkeypatch.setattr(tasks, "check_claims", claims)
    plans = [mt.load_scenario(p) for p in mt.reference_scenarios()]
    tasks.demo(ws, plans, draws=2000, seed=1, store=None)
    traces = given.get("traces") or {}
    assert {t.require_plan().id for t in traces.values()} == {p.id for p in plans}
    assert all(t.draws == 2000 and t.seed == 1 for t in traces.values())
