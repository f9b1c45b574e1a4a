"""Satellite accounts: pymrio's extensions kept, multipliers and consumption-based accounts
against pymrio's own results (golden), and the textbook employment multipliers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pymrio
import pytest

import moneytrail as mt
from moneytrail.engine.mrio import key_text
from moneytrail.errors import ModelError
from moneytrail.model.satellites import consumption_accounts, multipliers


@pytest.fixture(scope="module")
def system():
    io = pymrio.load_test()
    model = mt.IOModel.from_pymrio(io)          # before calc_all: only Z, Y and F are given
    io.calc_all()
    return io, model


def extension_rows(io):
    for ext in io.get_extensions(data=True):
        for key in ext.M.index:
            yield ext, key, f"{ext.name}/{key_text(key)}"


def test_every_extension_is_kept_with_its_unit(system):
    io, model = system
    sat = model.satellites
    expected = [name for _, _, name in extension_rows(io)]
    assert list(sat.names) == expected
    assert sat.unit("emission_type1/air") == "kg"
    assert sat.unit("Factor Inputs/Value Added") == "Mill USD"


def test_multipliers_match_pymrio(system):
    io, model = system
    M = model.multipliers()
    for ext, key, name in extension_rows(io):
        ours = M.loc[name].to_numpy()
        theirs = ext.M.loc[key].reindex(io.A.columns).to_numpy(dtype=float)
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9 * np.abs(theirs).max())


def test_consumption_based_accounts_match_pymrio(system):
    io, model = system
    Y = io.Y.T.groupby(level="region", sort=False).sum().T.reindex(io.A.columns)
    M = model.multipliers().to_numpy()
    D = consumption_accounts(M, Y, io.A.columns)
    for i, (ext, key, _) in enumerate(extension_rows(io)):
        theirs = ext.D_cba.loc[key].to_numpy(dtype=float)
        np.testing.assert_allclose(D[i], theirs, rtol=1e-9, atol=1e-9 * np.abs(theirs).max())


def test_footprint_of_a_final_demand_adds_up_to_M_f(system):
    io, model = system
    f = io.Y.sum(axis=1)
    by_entity = model.footprint(f)
    total = model.multipliers().to_numpy() @ model.solve_input(f)
    np.testing.assert_allclose(by_entity.sum(axis=1).to_numpy(), total, rtol=1e-10)
    # the production-based accounts of the whole final demand are pymrio's D_pba totals
    for i, (ext, key, _) in enumerate(extension_rows(io)):
        np.testing.assert_allclose(by_entity.iloc[i].sum(), ext.D_pba.loc[key].sum(), rtol=1e-9)


def test_unknown_satellite_named(system):
    _, model = system
    with pytest.raises(ModelError, match="not one of"):
        model.satellites.row("jobs")


def test_model_without_satellites_says_so():
    model = mt.IOModel(labels=("a",), A=np.zeros((1, 1)),
                       entities=pd.DataFrame({"id": ["a"]}), flows=pd.DataFrame())
    with pytest.raises(ModelError, match="no satellite accounts"):
        model.multipliers()


def test_multipliers_solve_transposed_systems_sparse_and_dense():
    rng = np.random.default_rng(3)
    A = rng.uniform(0, 0.1, (30, 30))
    S = rng.uniform(0, 1, (2, 30))
    import scipy.sparse as sp

    expected = S @ np.linalg.inv(np.eye(30) - A)        # the textbook formula, for the test only
    np.testing.assert_allclose(multipliers(A, S), expected, rtol=1e-10)
    np.testing.assert_allclose(multipliers(sp.csr_array(A), S), expected, rtol=1e-9)
