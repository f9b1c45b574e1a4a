"""PERT parameters: the 90 % interval in the data is the 90 % interval drawn."""

import numpy as np
import pytest

from moneytrail.engine.sampling import PertSampler, fit_pert_bounds, renormalise


def test_fitted_pert_hits_the_stated_percentiles():
    low = np.array([0.10, 0.30, 0.02, 5.0])
    mode = np.array([0.20, 0.35, 0.03, 9.0])
    high = np.array([0.40, 0.60, 0.10, 10.0])
    sampler = PertSampler(low, mode, high, lower=0.0, upper=1e9)
    draws = sampler.draw(np.random.default_rng(7), 400_000)
    p5, p95 = np.percentile(draws, [5, 95], axis=0)
    tolerance = 0.004 * (high - low) + 1e-4
    assert np.all(np.abs(p5 - low) <= tolerance), (p5, low)
    assert np.all(np.abs(p95 - high) <= tolerance), (p95, high)


def test_bounds_are_clipped_to_the_natural_range():
    a, b = fit_pert_bounds([0.0], [0.01], [0.05], lower=0.0, upper=1.0)
    assert a[0] == 0.0 and b[0] > 0.05
    draws = PertSampler([0.0], [0.01], [0.05], lower=0.0, upper=1.0).draw(
        np.random.default_rng(1), 50_000)
    assert draws.min() >= 0.0


def test_a_point_value_stays_a_point():
    draws = PertSampler([0.3], [0.3], [0.3]).draw(np.random.default_rng(1), 10)
    assert np.all(draws == 0.3)


@pytest.mark.parametrize("seed", [1, 2])
def test_renormalise_makes_every_block_add_to_one(seed):
    values = np.random.default_rng(seed).random((50, 7))
    out = renormalise(values, np.array([0, 3, 4]))
    np.testing.assert_allclose(out[:, :3].sum(axis=1), 1)
    np.testing.assert_allclose(out[:, 3], 1)
    np.testing.assert_allclose(out[:, 4:].sum(axis=1), 1)


def test_percentile_miss_flags_intervals_a_bounded_share_cannot_have():
    from moneytrail.engine.sampling import percentile_miss

    miss = percentile_miss([0.3, 0.1, 0.0], [0.9, 0.2, 0.02], [0.95, 0.4, 0.05],
                           lower=0.0, upper=1.0)
    assert miss[0] > 0.1          # mode near 1 with a wide low side: clipped at 1
    assert miss[1] < 1e-4         # an ordinary interval is reproduced
    assert miss[2] < 1e-4         # "could be zero" (low at the bound) is not a miss


def test_validate_warns_but_passes_on_an_unreachable_interval(tmp_path):
    import subprocess
    import sys

    from packages import miller_blair_tables, write_package

    tables = miller_blair_tables()
    row = tables["cost_structures"][2]               # agriculture labour, central 0.40
    assert row["kind"] == "labour"
    row.update(low=0.02, central=0.40, high=0.41)    # p5 would need an end point below 0
    root = write_package(tmp_path / "p", tables)
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "validate", str(root)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "warning" in out.stderr and "cost_structures.csv:4" in out.stderr


@pytest.mark.parametrize("alpha", [1.0, 1.3, 2.0, 3.5, 5.0])
def test_tabulated_inverse_cdf_matches_scipy_at_the_knots(alpha):
    """The table's knots are the beta quantiles (scipy's betaincinv) to 2e-4 of the width."""
    from scipy.special import betaincinv

    from moneytrail.engine.sampling import TABLE_CELLS, beta_quantile_knots

    knots = beta_quantile_knots(np.array([alpha]), np.array([6.0 - alpha]))[0]
    u = np.linspace(0.0, 1.0, TABLE_CELLS + 1)
    np.testing.assert_allclose(knots, betaincinv(alpha, 6.0 - alpha, u), atol=2e-4)
    assert np.all(np.diff(knots) >= 0)


def test_table_draws_follow_the_pert():
    """Draws by inversion of the table: the empirical CDF is within a Kolmogorov-Smirnov
    bound of the exact PERT CDF (200,000 draws; 1.63 / sqrt(n) is the 1 % critical value),
    every value lies in [a, b], fixed parameters stay at their mode, and a seed gives the same
    numbers."""
    from scipy.special import betainc

    low, mode, high = np.array([0.1, 0.3, 0.02, 0.5]), np.array([0.2, 0.35, 0.03, 0.5]), \
        np.array([0.4, 0.6, 0.1, 0.5])
    sampler = PertSampler(low, mode, high, lower=0.0, upper=1.0)
    n = 200_000
    draws = sampler.draw_table(np.random.default_rng(3), n)
    assert draws.shape == (n, 4)
    np.testing.assert_array_equal(draws, sampler.draw_table(np.random.default_rng(3), n))
    assert np.all(draws[:, 3] == 0.5)
    for j in range(3):
        a, b = sampler.a[j], sampler.b[j]
        values = np.sort(draws[:, j])
        assert a <= values[0] and values[-1] <= b
        exact = betainc(sampler.alpha[j], sampler.beta[j], (values - a) / (b - a))
        ranks = np.arange(1, n + 1) / n
        assert np.max(np.abs(exact - ranks)) < 1.63 / np.sqrt(n), j


@pytest.mark.parametrize("intervals", [
    ([1.0], [2.0], [4.0]),                                   # one free parameter
    ([0.2], [0.2], [0.2]),                                   # one fixed
    ([0.3, 1.0], [0.3, 2.0], [0.3, 4.0]),                    # one free beside a fixed one
    ([0.1, 1.0, 5.0], [0.2, 1.0, 9.0], [0.4, 1.0, 10.0]),    # two free, one fixed
    ([0.1, 0.3, 5.0], [0.2, 0.35, 9.0], [0.4, 0.6, 10.0]),   # all free
])
@pytest.mark.parametrize("seed", [1, 7])
def test_draw_gives_the_numbers_of_one_beta_variate_per_value_in_row_order(intervals, seed):
    """The sampler's shortcuts (scalar shapes for a single free parameter, fixed ones filled
    at their mode) give, bit for bit, start + width * Beta(alpha, beta) drawn from the shape
    arrays in row order, fixed parameters at their mode: seeded results stay as they were."""
    low, mode, high = intervals
    sampler = PertSampler(low, mode, high, lower=0.0)
    got = sampler.draw(np.random.default_rng(seed), 250)
    free = ~sampler.fixed
    expected = np.repeat(sampler.mode[None, :], 250, axis=0)
    if free.any():
        variates = np.random.default_rng(seed).beta(sampler.alpha[free], sampler.beta[free],
                                                     size=(250, int(free.sum())))
        expected[:, free] = sampler.a[free] + (sampler.b[free] - sampler.a[free]) * variates
    assert got.shape == (250, len(low))
    assert np.array_equal(got, expected)
