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


# Eurostat Manual of Supply, Use and Input-Output Tables (2008, J. Beutel), the Germany 1995
# symmetric input-output table of six industries (Table 15.4: domestic flows, output at basic
# prices in EUR million, employment in thousand persons), as transcribed in the iotables R
# package (rOpenGov/iotables, data-raw/Beutel_15_4.csv). The employment multiplier of the
# agriculture group, 0.0326 (thousand persons per EUR million of final demand), is the value
# iotables checks against the Manual (tests/testthat/test_multiplier_create.R). The Manual's
# own printed multiplier table for the other five industries could not be found with the
# search tools, so only this value is checked; Miller & Blair's (2009, ch. 6) printed
# employment example was not found either and is not checked (no invented numbers).
GERMANY_1995_FLOWS = np.array([
    [1131, 25480, 1, 607, 710, 762],
    [7930, 304584, 64167, 41082, 11981, 30360],
    [426, 7334, 3875, 5296, 23457, 9155],
    [3559, 72717, 14190, 74399, 10835, 21008],
    [3637, 96115, 31027, 65755, 193176, 34223],
    [1552, 14986, 1747, 11225, 15058, 22070]], dtype=float)
GERMANY_1995_OUTPUT = np.array([43910, 1079446, 245606, 540063, 692487, 508918], dtype=float)
GERMANY_1995_EMPLOYMENT = np.array([1096, 8381, 3236, 9251, 4258, 10206], dtype=float)


def test_eurostat_manual_germany_1995_employment_multiplier():
    labels = ("agriculture", "manufacturing", "construction", "trade", "business services",
              "other services")
    A = GERMANY_1995_FLOWS / GERMANY_1995_OUTPUT[None, :]
    from moneytrail.model.satellites import Satellites

    sat = Satellites(names=("employment",), units=("thousand persons",),
                     extensions=("employment",),
                     S=(GERMANY_1995_EMPLOYMENT / GERMANY_1995_OUTPUT)[None, :])
    model = mt.IOModel(labels=labels, A=A, entities=pd.DataFrame({"id": list(labels)}),
                       flows=pd.DataFrame(), satellites=sat)
    M = model.multipliers()
    assert round(float(M.loc["employment", "agriculture"]), 4) == 0.0326
    # footprint of the table's own final demand = total employment (1995: 36,428 thousand)
    final_demand = GERMANY_1995_OUTPUT - GERMANY_1995_FLOWS.sum(axis=1)
    assert model.footprint(final_demand).to_numpy().sum() == pytest.approx(36428, rel=1e-9)


def test_a_hybrid_model_keeps_the_tables_satellites(system):
    """Linking a firm model to a pymrio table keeps the table's extensions (zero for firms),
    and a trace through the link gets the table's emissions of what the firm buys."""
    io, table = system
    firm = mt.IOModel(labels=("builder",), A=np.zeros((1, 1)),
                      entities=pd.DataFrame({"id": ["builder"], "name": ["builder"],
                                             "kind": ["firm"], "owner_country": ["reg1"],
                                             "groups": [""], "group_list": [[]]}),
                      flows=pd.DataFrame({"entity": ["builder"], "factor": ["labour"],
                                          "country": ["reg1"], "owner_country": ["reg1"],
                                          "weight": [1.0]}))
    hybrid = firm.link(table, {"builder": {"reg1/construction": 0.5}})
    assert hybrid.satellites.names == table.satellites.names
    assert np.all(hybrid.satellites.S[:, 0] == 0)
    f = np.zeros(hybrid.n)
    f[0] = 100.0
    by_entity = hybrid.footprint(f)
    g = pd.Series({"reg1/construction": 50.0})
    expected = table.footprint(g).sum(axis=1)
    np.testing.assert_allclose(by_entity.sum(axis=1).to_numpy(), expected.to_numpy(),
                               rtol=1e-8)      # the hybrid's sparse solve: iterative
