"""Leontief solving: a textbook golden case and properties against numpy."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from moneytrail.engine import linalg
from moneytrail.errors import ModelError

# Miller & Blair, Input-Output Analysis (2009), section 2.3: two sectors.
MB_A = np.array([[0.15, 0.25], [0.20, 0.05]])


def test_miller_blair_solves_the_textbook_outputs():
    x = linalg.solve_leontief(MB_A, np.array([350.0, 1700.0]))
    np.testing.assert_allclose(x, [1000.0, 2000.0], rtol=1e-12)
    # the book's second experiment: new final demand (600, 1500) -> (1247.52, 1841.58)
    x = linalg.solve_leontief(MB_A, np.array([600.0, 1500.0]))
    np.testing.assert_allclose(x, [1247.5248, 1841.5842], atol=1e-4)


def test_miller_blair_leontief_inverse_matches_the_book():
    columns = [linalg.solve_leontief(MB_A, e) for e in np.eye(2)]
    L = np.column_stack(columns)
    np.testing.assert_allclose(L, [[1.2541, 0.3300], [0.2640, 1.1221]], atol=5e-5)


def test_tiers_add_up_to_the_total_output():
    f = np.array([350.0, 1700.0])
    terms = linalg.tier_terms(MB_A, f, 60)
    np.testing.assert_allclose(sum(terms), [1000.0, 2000.0], rtol=1e-12)
    np.testing.assert_allclose(terms[1], MB_A @ f)


def test_every_method_agrees_on_miller_blair():
    f = np.array([600.0, 1500.0])
    dense = linalg.solve_leontief(MB_A, f, method="dense")
    for method in ("neumann", "iterative"):
        np.testing.assert_allclose(linalg.solve_leontief(sp.csr_array(MB_A), f, method=method),
                                   dense, rtol=1e-10)


def productive_matrices(n):
    return arrays(np.float64, (n, n), elements=st.floats(0, 1)).map(
        lambda raw: raw / max(1.0, raw.sum(axis=0).max()) * 0.9)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), n=st.integers(1, 25))
def test_random_productive_A_matches_numpy_solve(data, n):
    A = data.draw(productive_matrices(n))
    f = data.draw(arrays(np.float64, n, elements=st.floats(0, 1e6)))
    expected = np.linalg.solve(np.eye(n) - A, f)
    scale = max(1.0, np.abs(expected).max())
    for method in ("dense", "neumann"):
        got = linalg.solve_leontief(sp.csr_array(A) if method == "neumann" else A, f,
                                    method=method)
        assert np.max(np.abs(got - expected)) <= 1e-9 * scale


@settings(max_examples=30, deadline=None)
@given(data=st.data(), n=st.integers(1, 12), draws=st.integers(1, 6))
def test_batched_solve_matches_one_by_one(data, n, draws):
    A = np.stack([data.draw(productive_matrices(n)) for _ in range(draws)])
    f = data.draw(arrays(np.float64, (draws, n), elements=st.floats(0, 1e3)))
    got = linalg.batched_solve(A, f)
    for d in range(draws):
        np.testing.assert_allclose(got[d], np.linalg.solve(np.eye(n) - A[d], f[d]),
                                   rtol=1e-9, atol=1e-9)


def test_spectral_radius_and_unknown_method():
    # eigenvalues of [[.15, .25], [.2, .05]]: 0.1 +- sqrt(0.01 + 0.05 - 0.0075)
    assert linalg.spectral_radius(MB_A) == pytest.approx(0.1 + np.sqrt(0.0525), abs=1e-12)
    assert linalg.spectral_radius(np.array([[0.5, 0.0], [0.0, 1.2]])) == pytest.approx(1.2)
    with pytest.raises(ModelError, match="unknown solve method"):
        linalg.solve_leontief(MB_A, np.ones(2), method="magic")


def test_neumann_refuses_a_non_convergent_series():
    with pytest.raises(ModelError, match="did not converge"):
        linalg.neumann(sp.csr_array(np.array([[1.1]])), np.ones(1), max_terms=50)


def random_sparse_productive(n: int, seed: int) -> sp.csr_array:
    rng = np.random.default_rng(seed)
    A = sp.random(n, n, density=0.01, random_state=rng, format="csc")
    sums = np.maximum(np.asarray(A.sum(axis=0)).ravel(), 1e-12)
    return sp.csr_array(A @ sp.diags(rng.uniform(0.2, 0.8, n) / sums))


@pytest.mark.parametrize("steps", [linalg.REFINEMENT_STEPS, 0])
def test_mixed_precision_solve_reaches_double_precision(monkeypatch, steps):
    monkeypatch.setattr(linalg, "REFINEMENT_STEPS", steps)   # 0: the float64 fallback path
    A = random_sparse_productive(1200, seed=4)
    rhs = np.random.default_rng(5).random((1200, 7))
    expected = np.linalg.solve(np.eye(1200) - A.toarray(), rhs)
    got = linalg.refined_lu_solve(A, rhs)
    assert np.max(np.abs(got - expected)) / np.max(np.abs(expected)) < 1e-11


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_block_solve_equals_a_dense_solve(seed):
    """Solving a stack of (I - A) x = f by strongly connected components, level by level,
    gives the dense LU's answer (to rounding) on random patterns with cycles, self-loops and
    acyclic parts."""
    from moneytrail.engine.linalg import BlockOrder, batched_solve, block_solve

    rng = np.random.default_rng(seed)
    n, draws = 30, 7
    pattern = rng.random((n, n)) < 0.06
    pattern[:8, :8] |= rng.random((8, 8)) < 0.5          # one larger component
    A = rng.random((draws, n, n)) * pattern / (n * 0.2)
    f = rng.random((draws, n))
    order = BlockOrder.of(pattern)
    assert sum(s.size + sum(b.size for b in bl) for s, bl in order.levels) == n
    np.testing.assert_allclose(block_solve(A, f, order), batched_solve(A, f), rtol=1e-12)
