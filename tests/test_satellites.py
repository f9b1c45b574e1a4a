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


# Eurostat Manual of Supply, Use and Input-Output Tables (2008, J. Beutel, ISBN
# 978-92-79-04735-0), the Germany 1995 symmetric input-output table of six industry groups
# (Table 15.4, p. 481: domestic flows and output at basic prices in EUR million, gross value
# added, employment in thousand persons), as transcribed in the iotables R package
# (rOpenGov/iotables@84e420f, data-raw/Beutel_15_4.csv; the Manual's PDF is not in the search
# corpora). The published multipliers are the Manual's as iotables prints and checks them:
# employment and GVA multipliers of Table 15.16 (p. 501; tests/testthat/test-multiplier_create.R,
# 4 decimals) and output multipliers of Table 15.15 (p. 500, 'Total' row;
# tests/testthat/test-output_multipliers.R, 4 decimals). Employment multipliers are thousand
# persons per EUR million of final demand.
GERMANY_1995_INDUSTRIES = ("agriculture", "manufacturing", "construction", "trade",
                           "business services", "other services")
GERMANY_1995_FLOWS = np.array([
    [1131, 25480, 1, 607, 710, 762],
    [7930, 304584, 64167, 41082, 11981, 30360],
    [426, 7334, 3875, 5296, 23457, 9155],
    [3559, 72717, 14190, 74399, 10835, 21008],
    [3637, 96115, 31027, 65755, 193176, 34223],
    [1552, 14986, 1747, 11225, 15058, 22070]], dtype=float)
GERMANY_1995_OUTPUT = np.array([43910, 1079446, 245606, 540063, 692487, 508918], dtype=float)
GERMANY_1995_EMPLOYMENT = np.array([1096, 8381, 3236, 9251, 4258, 10206], dtype=float)
GERMANY_1995_GVA = np.array([21664, 395022, 115624, 311407, 415426, 365017], dtype=float)
PUBLISHED_GERMANY_1995 = {
    "employment": (0.0326, 0.0162, 0.0207, 0.0237, 0.0112, 0.0242),   # Table 15.16
    "gross value added": (0.8450, 0.7647, 0.8615, 0.9019, 0.9393, 0.9199),   # Table 15.16
    "output": (1.7048, 1.8413, 1.8136, 1.6035, 1.5951, 1.3782),       # Table 15.15
}


def satellite_model(labels, A, rows: dict[str, np.ndarray]) -> mt.IOModel:
    from moneytrail.model.satellites import Satellites

    sat = Satellites(names=tuple(rows), units=("",) * len(rows), extensions=tuple(rows),
                     S=np.vstack(list(rows.values())))
    return mt.IOModel(labels=tuple(labels), A=A, entities=pd.DataFrame({"id": list(labels)}),
                      flows=pd.DataFrame(), satellites=sat)


@pytest.fixture(scope="module")
def germany_1995() -> mt.IOModel:
    x = GERMANY_1995_OUTPUT
    return satellite_model(GERMANY_1995_INDUSTRIES, GERMANY_1995_FLOWS / x[None, :], {
        "employment": GERMANY_1995_EMPLOYMENT / x,
        "gross value added": GERMANY_1995_GVA / x,
        "output": np.ones(6)})


@pytest.mark.parametrize("row", list(PUBLISHED_GERMANY_1995))
def test_eurostat_manual_germany_1995_multipliers_match_the_printed_tables(germany_1995, row):
    ours = germany_1995.multipliers().loc[row, list(GERMANY_1995_INDUSTRIES)].to_numpy()
    assert tuple(np.round(ours, 4)) == PUBLISHED_GERMANY_1995[row]


def test_eurostat_manual_germany_1995_footprint_of_final_demand_is_total_employment(
        germany_1995):
    """The employment footprint of the table's own final demand is the table's employment,
    36,428 thousand persons (Table 15.4, 'Employment total')."""
    final_demand = GERMANY_1995_OUTPUT - GERMANY_1995_FLOWS.sum(axis=1)
    footprint = germany_1995.footprint(final_demand)
    assert footprint.loc["employment"].sum() == pytest.approx(36428, rel=1e-9)
    np.testing.assert_allclose(footprint.loc["employment"].to_numpy(),
                               GERMANY_1995_EMPLOYMENT, rtol=1e-9)


# Miller & Blair's textbook example (Input-Output Analysis, 1985 edition, as cited), as
# printed in the MIT OpenCourseWare lecture "Multipliers in Input-Output Model" (11.481J,
# Spring 2009, W. Li; copy at https://www.coursehero.com/file/6604245/MIT11-481Js09-lec19a/):
# two sectors, A = [[.15, .25], [.20, .05]]; closed with households (labour input
# coefficients .30, .25, .05; household consumption .05, .40). Printed to 3 decimals: the
# Leontief inverse, simple output multipliers 1.518 and 1.452, total output multipliers 2.462
# and 2.262, and the household row of the closed inverse (.570, .489: the total, type II,
# household income multipliers). Miller & Blair's printed employment multipliers were not
# found in the search corpora and are not tested (docs/methods.md).
MILLER_BLAIR_A = np.array([[0.15, 0.25], [0.20, 0.05]])
MILLER_BLAIR_CLOSED_A = np.array([[0.15, 0.25, 0.05], [0.20, 0.05, 0.40], [0.30, 0.25, 0.05]])


def test_miller_blair_open_model_output_multipliers_and_leontief_inverse():
    model = satellite_model(("1", "2"), MILLER_BLAIR_A, {
        "output": np.ones(2), "sector 1": np.array([1.0, 0.0]), "sector 2": np.array([0.0, 1.0])})
    M = np.round(model.multipliers().to_numpy(), 3)
    assert tuple(M[0]) == (1.518, 1.452)
    assert M[1:].tolist() == [[1.254, 0.330], [0.264, 1.122]]


def test_miller_blair_closed_model_total_output_and_household_income_multipliers():
    model = satellite_model(("1", "2", "households"), MILLER_BLAIR_CLOSED_A, {
        "output": np.ones(3), "household income": MILLER_BLAIR_CLOSED_A[2]})
    M = model.multipliers()
    assert tuple(np.round(M.loc["output", ["1", "2"]].to_numpy(), 3)) == (2.462, 2.262)
    assert tuple(np.round(M.loc["household income", ["1", "2"]].to_numpy(), 3)) == (0.570, 0.489)


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
