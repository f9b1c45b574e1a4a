"""Monte Carlo draws that perturb A itself: each draw equals a direct solve of its own A."""

import numpy as np
import pytest
from tables import pymrio_system, sparse_table

import moneytrail as mt
from moneytrail.engine import streams
from moneytrail.engine.noise import CoefficientNoise, perturbed_coefficients
from moneytrail.errors import ModelError


@pytest.mark.parametrize("distribution", ["lognormal", "pert"])
def test_perturbed_draws_match_np_linalg_solve_per_draw(distribution):
    io, y = pymrio_system(sparse_table(300, 0.03, seed=5), seed=5)
    model = mt.IOModel.from_pymrio(io).with_noise(0.3, distribution)
    result = mt.trace(y, model, draws=150, seed=9, chunk_size=100, keep_draws=True)
    pattern = model.A.tocsr()
    v = model.value_added_coefficients()
    for block, size in ((0, 100), (1, 50)):
        data = perturbed_coefficients(pattern, model.noise,
                                      streams.rng(9, "table_noise", block), size)
        for d in (0, size - 1):
            A = pattern.copy()
            A.data = data[d]
            x = np.linalg.solve(np.eye(300) - A.toarray(), y)
            got = result.flows[block * 100 + d] / v      # one value-added flow per sector
            assert np.max(np.abs(got - x)) <= 1e-9 * np.abs(x).max()
    np.testing.assert_allclose(result.draw_totals, y.sum(), rtol=1e-9)
    spread = result.by("entity")
    assert (spread["amount_p95"] - spread["amount_p5"]).max() > 0


def test_column_sums_and_so_value_added_shares_are_kept():
    A = sparse_table(200, 0.05, seed=6)
    data = perturbed_coefficients(A, CoefficientNoise(0.5), np.random.default_rng(0), 4)
    for d in range(4):
        B = A.copy()
        B.data = data[d]
        np.testing.assert_allclose(B.sum(axis=0), A.sum(axis=0), rtol=1e-12)
        assert not np.allclose(B.data, A.data)


def test_bad_noise_is_refused():
    with pytest.raises(ModelError):
        CoefficientNoise(0.1, "uniform")
    with pytest.raises(ModelError):
        CoefficientNoise(1.5, "pert")


def test_pert_factors_have_the_stated_percentiles_and_are_never_negative():
    factors = CoefficientNoise(0.3, "pert").factors(np.random.default_rng(1), (400, 500))
    assert np.percentile(factors, [5, 95]) == pytest.approx([0.7, 1.3], abs=0.005)
    wide = CoefficientNoise(0.9, "pert").factors(np.random.default_rng(2), (400, 500))
    assert wide.min() >= 0                   # the PERT's lower end is clipped at 0 ...
    assert np.percentile(wide, 95) == pytest.approx(1.9, abs=0.01)    # ... its upper end fits


def test_wide_pert_noise_never_makes_a_flow_negative():
    io, y = pymrio_system(sparse_table(200, 0.05, seed=3), seed=3)
    model = mt.IOModel.from_pymrio(io).with_noise(0.9, "pert")
    result = mt.trace(y, model, draws=200, seed=1, keep_draws=True)
    assert result.flows.min() >= 0
    np.testing.assert_allclose(result.draw_totals, y.sum(), rtol=1e-9)
