"""pymrio interop: the same table gives the same outputs, to 1e-9 relative."""

import math

import numpy as np
import pandas as pd
import pymrio
import pytest

import moneytrail as mt
from moneytrail.engine.mrio import classify_factor
from moneytrail.errors import ModelError


@pytest.fixture(scope="module")
def test_mrio():
    io = pymrio.load_test()
    io.calc_all()
    return io


def test_from_pymrio_equals_pymrio_leontief(test_mrio):
    model = mt.IOModel.from_pymrio(test_mrio)
    assert model.n == 48
    y = test_mrio.Y.sum(axis=1).to_numpy()
    reference = test_mrio.L.to_numpy() @ y
    x = model.solve(y)
    assert np.max(np.abs(x - reference) / np.abs(reference)) < 1e-9


def test_from_pymrio_without_calc_all_uses_Z_and_Y():
    raw = pymrio.load_test()            # A and L not computed yet
    model = mt.IOModel.from_pymrio(raw)
    raw.calc_all()
    for k in range(3):                  # several final-demand columns at once
        y = raw.Y.iloc[:, k].to_numpy()
        np.testing.assert_allclose(model.solve(y), raw.L.to_numpy() @ y, rtol=1e-9)


def test_solve_accepts_a_labelled_series(test_mrio):
    model = mt.IOModel.from_pymrio(test_mrio)
    y = pd.Series({"reg2/electricity": 100.0})
    x = model.solve(y)
    reference = test_mrio.L.to_numpy()[:, model.index["reg2/electricity"]] * 100.0
    np.testing.assert_allclose(x.to_numpy(), reference, rtol=1e-9)


def test_to_pymrio_round_trip(test_mrio):
    model = mt.IOModel.from_pymrio(test_mrio)
    y = test_mrio.Y.sum(axis=1).to_numpy()
    back = model.to_pymrio(y)
    back.calc_all()
    np.testing.assert_allclose(back.x.to_numpy().ravel(), model.solve(y), rtol=1e-9)
    np.testing.assert_allclose(back.A.to_numpy(), test_mrio.A.to_numpy(), atol=1e-15)


def test_factor_names_map_to_labour_capital_tax():
    assert classify_factor("Compensation of employees; wages") == "labour"
    assert classify_factor("Taxes less subsidies on products") == "tax"
    assert classify_factor("Operating surplus: Consumption of fixed capital") == "capital"
    assert classify_factor("Value Added") == "value_added"


def test_negative_net_taxes_keep_their_sign_and_the_split_adds_up():
    io = pymrio.load_test()
    F = io.factor_inputs.F
    labour = F.iloc[0] * 0.7
    taxes = -F.iloc[0] * 0.1                    # subsidies larger than taxes
    capital = F.iloc[0] - labour - taxes
    io.factor_inputs.F = pd.DataFrame([labour, capital, taxes], index=[
        "Compensation of employees", "Operating surplus", "Taxes less subsidies"])
    # pymrio's test system: its Value Added row is not x - column sums of Z, so a block that
    # splits it is refused unless the gap is accepted explicitly
    with pytest.raises(ModelError, match="does not add up to the table's value added"):
        mt.IOModel.from_pymrio(io)
    model = mt.IOModel.from_pymrio(io, factor_tolerance=math.inf)
    weights = model.flows.pivot_table(index="entity", columns="factor", values="weight")
    np.testing.assert_allclose(weights.sum(axis=1), 1.0)
    np.testing.assert_allclose(weights["tax"], -0.1, rtol=1e-12)
    np.testing.assert_allclose(weights["labour"], 0.7, rtol=1e-12)


def test_a_trace_on_a_pymrio_table_keeps_the_tables_money_unit():
    """The README's pymrio example printed amounts whose unit was lost: `result.currency`
    was '' although pymrio's test system says "Mill USD" (its `unit` table)."""
    raw = pymrio.load_test()
    table = mt.IOModel.from_pymrio(raw)
    assert table.money_unit == "Mill USD"
    result = mt.trace(raw.Y.sum(axis=1), table)
    assert result.currency == "Mill USD" and result.info["currency"] == "Mill USD"


@pytest.mark.parametrize("unit", [None, pd.DataFrame({"unit": []}),
                                  "mixed"])      # no unit, or rows in different units
def test_a_pymrio_table_that_names_no_one_unit_gives_an_unknown_currency(unit):
    raw = pymrio.load_test()
    if isinstance(unit, str):
        unit = raw.unit.copy()
        unit.iloc[0, 0] = "Mill EUR"
    raw.unit = unit
    table = mt.IOModel.from_pymrio(raw)
    assert table.money_unit == "" and mt.trace(raw.Y.sum(axis=1), table).currency == ""
