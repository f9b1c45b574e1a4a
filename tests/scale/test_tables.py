"""Sector tables at scale: pymrio's test table and synthetic sparse tables, solved not
inverted; the same trace, tiers and attribution as the firm-level model."""

import numpy as np
import pymrio
import pytest
import scipy.sparse as sp
from tables import pymrio_system, sparse_table

import moneytrail as mt
from moneytrail.engine import linalg


def test_synthetic_table_matches_pymrio_and_stays_sparse():
    A = sparse_table(600, 0.01)
    io, y = pymrio_system(A)
    model = mt.IOModel.from_pymrio(io)
    assert sp.issparse(model.A)
    io.calc_all()
    reference = io.L.to_numpy() @ y
    assert np.max(np.abs(model.solve(y) - reference)) <= 1e-9 * np.abs(reference).max()
    back = model.to_pymrio(y)
    back.calc_all()
    np.testing.assert_allclose(back.x.to_numpy().ravel(), reference, rtol=1e-9)


def test_table_trace_conserves_and_tiers_are_powers_of_A():
    A = sparse_table(500, 0.02, seed=1)
    io, y = pymrio_system(A, seed=1)
    model = mt.IOModel.from_pymrio(io)
    result = mt.trace(y, model, tiers=3, keep_draws=True)
    assert result.draw_totals[0] == pytest.approx(y.sum(), rel=1e-9)
    v = model.value_added_coefficients()
    terms = linalg.tier_terms(model.A, y, 3)
    np.testing.assert_allclose(result.tiers[0, :3], [v @ t for t in terms], rtol=1e-9)
    assert set(result.by("country").index) == {"r0", "r1", "r2", "r3"}


def test_final_demand_draws_match_a_direct_solve_per_draw():
    A = sparse_table(300, 0.03, seed=2)
    model = mt.IOModel(labels=tuple(f"s{i}" for i in range(300)), A=A,
                       entities=entities(300), flows=flows(300))
    rng = np.random.default_rng(0)
    F = np.zeros((250, 300))
    F[:, rng.choice(300, 20, replace=False)] = rng.random((250, 20))   # 20 < 250: response
    result = mt.trace(F, model, tiers=2, chunk_size=100, keep_draws=True)
    dense = np.eye(300) - A.toarray()
    v = model.value_added_coefficients()
    for d in (0, 117, 249):
        x = np.linalg.solve(dense, F[d])
        np.testing.assert_allclose(result.flows[d], v * x, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(result.tiers[d, :2], [v @ F[d], v @ (A @ F[d])], rtol=1e-9)
    np.testing.assert_allclose(result.draw_totals, F.sum(axis=1), rtol=1e-9)


def test_pymrio_test_table_factor_split_and_series_with_region_sector_index():
    io = pymrio.load_test()
    model = mt.IOModel.from_pymrio(io, factor_map={"Value Added": "labour"})
    demand = io.Y.sum(axis=1)                      # (region, sector) MultiIndex
    result = mt.trace(demand, model, keep_draws=True)
    assert result.draw_totals[0] == pytest.approx(demand.sum(), rel=1e-9)
    assert result.by("factor").loc["labour", "share_p50"] == pytest.approx(1.0)


def test_solve_many_picks_a_method_and_both_agree():
    A = sparse_table(400, 0.02, seed=3)
    rhs = np.random.default_rng(1).random((400, 3))
    expected = np.linalg.solve(np.eye(400) - A.toarray(), rhs)
    np.testing.assert_allclose(linalg.solve_many(A, rhs), expected, rtol=1e-10)
    np.testing.assert_allclose(linalg.solve_many(A, np.random.default_rng(1).random(
        (400, 400))).shape, (400, 400))
    np.testing.assert_allclose(linalg.solve_many(A.toarray(), rhs), expected, rtol=1e-10)


def entities(n):
    import pandas as pd

    frame = pd.DataFrame({"id": [f"s{i}" for i in range(n)], "name": "", "kind": "sector",
                          "owner_country": "XX", "groups": ""})
    frame["group_list"] = [[] for _ in range(n)]
    return frame


def flows(n):
    import pandas as pd

    return pd.DataFrame({"entity": [f"s{i}" for i in range(n)], "factor": "value_added",
                         "country": "XX", "owner_country": "XX", "weight": 1.0})
