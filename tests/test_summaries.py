"""Streamed summaries: exact means and conservation, percentiles close to the exact ones."""

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.engine.summary import Columns, merge_all
from moneytrail.engine.trace import MAX_KEPT_DRAWS
from moneytrail.errors import MoneytrailError
from moneytrail.scenarios.schema import MAX_DRAWS

DIMENSIONS = ("entity", "country", "owner_country", "group", "factor", "tier", "supplier",
              "headline")


@pytest.fixture(scope="module")
def model():
    return mt.load_model(2025)


@pytest.fixture(scope="module")
def plan():
    return mt.load_scenario(mt.reference_scenarios()[1])


@pytest.mark.slow
def test_streamed_percentiles_within_a_thousandth_of_the_interval(model, plan):
    """At 100,000 draws every p5 / p50 / p95 of every table is within 0.1 % of the 90 %
    interval's width of the exact value; means are the same to rounding."""
    exact = mt.trace(plan, model, draws=100_000, seed=4, keep_draws=True)
    streamed = mt.trace(plan, model, draws=100_000, seed=4)
    assert streamed.per_draw is None
    for dimension in DIMENSIONS:
        a = exact.by(dimension)
        b = streamed.by(dimension).loc[a.index]
        np.testing.assert_allclose(b["amount_mean"], a["amount_mean"], rtol=1e-9, atol=1e-3)
        width = (a["share_p95"] - a["share_p5"]).to_numpy()
        for stat in ("p5", "p50", "p95"):
            miss = np.abs(b[f"share_{stat}"] - a[f"share_{stat}"]).to_numpy()
            assert np.all(miss <= 1e-3 * width + 1e-12), (dimension, stat, miss / width)
    assert streamed.conservation_gap == pytest.approx(exact.conservation_gap, abs=1e-3)
    assert streamed.conservation_gap < 1e-9 * plan.total


def test_chunking_never_changes_a_summary(model, plan):
    a = mt.trace(plan, model, draws=25_000, seed=2, chunk_size=10_000)
    b = mt.trace(plan, model, draws=25_000, seed=2, chunk_size=30_000)
    for dimension in ("entity", "tier", "headline"):
        np.testing.assert_array_equal(a.by(dimension).to_numpy(), b.by(dimension).to_numpy())


def test_merge_keeps_count_sum_and_extremes_exact():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(3000, 4))
    parts = [Columns.of(values[i:i + 1000]) for i in range(0, 3000, 1000)]
    whole = merge_all(parts)
    assert whole.count == 3000
    np.testing.assert_allclose(whole.mean, values.mean(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(whole.low, values.min(axis=0))
    np.testing.assert_array_equal(whole.high, values.max(axis=0))
    back = Columns.from_dict(whole.to_dict())
    np.testing.assert_array_equal(back.percentile(50), whole.percentile(50))


def test_per_draw_values_need_asking_for(model, plan):
    result = mt.trace(plan, model, draws=300, seed=1)
    with pytest.raises(MoneytrailError, match="keep_draws=True"):
        result.flows  # noqa: B018
    kept = mt.trace(plan, model, draws=300, seed=1, keep_draws=True)
    assert kept.flows.shape[0] == 300


@pytest.mark.parametrize("draws, keep, limit", [(MAX_KEPT_DRAWS + 1, True, "1,000,000"),
                                                (MAX_DRAWS + 1, False, "10,000,000")])
def test_draw_limits_are_checked_before_work(model, plan, draws, keep, limit):
    with pytest.raises(MoneytrailError, match=limit) as info:
        mt.trace(plan, model, draws=draws, keep_draws=keep)
    assert info.value.field == "draws"


def test_small_traces_keep_exact_percentiles(model, plan):
    """Up to EXACT_DRAWS draws the summaries keep the per-draw values: the tables equal those
    computed from kept draws (to rounding), whatever the chunking."""
    from moneytrail.engine.summary import EXACT_DRAWS

    draws = 12_000
    assert draws <= EXACT_DRAWS
    kept = mt.trace(plan, model, draws=draws, seed=5, keep_draws=True)
    a = mt.trace(plan, model, draws=draws, seed=5, chunk_size=10_000)
    b = mt.trace(plan, model, draws=draws, seed=5, chunk_size=20_000)
    assert a.per_draw is None and a.summary is not None
    assert a.summary.amounts["entity"].values is not None
    for dimension in DIMENSIONS:
        exact = kept.by(dimension)
        got = a.by(dimension).loc[exact.index]
        np.testing.assert_allclose(got.to_numpy(), exact.to_numpy(), rtol=1e-9, atol=1e-9)
        np.testing.assert_array_equal(a.by(dimension).to_numpy(), b.by(dimension).to_numpy())


def test_exact_summaries_merge_and_round_trip():
    values = np.random.default_rng(1).normal(size=(500, 3))
    parts = [Columns.of(values[i:i + 100], exact=True) for i in range(0, 500, 100)]
    whole = merge_all(parts)
    np.testing.assert_array_equal(whole.percentile(95), np.percentile(values, 95, axis=0))
    back = Columns.from_dict(whole.to_dict())
    np.testing.assert_array_equal(back.percentile(5), whole.percentile(5))
    with pytest.raises(ValueError, match="exact values"):
        whole.merge(Columns.of(values))
