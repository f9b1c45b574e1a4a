"""Issue 9, kinds 1-4: input tables and demand vectors are aligned by label or refused, one rule
per quantity in every form, value added that is value added, a solver that converges."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pymrio
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import moneytrail as mt
from moneytrail.engine import linalg
from moneytrail.engine.mrio import classify_factor
from moneytrail.errors import ModelError

SECTORS = ["a", "b", "c"]
Z3 = pd.DataFrame([[10.0, 20.0, 5.0], [30.0, 5.0, 10.0], [0.0, 15.0, 20.0]],
                  index=SECTORS, columns=SECTORS)
Y3 = pd.DataFrame({"households": [65.0, 75.0, 45.0]}, index=SECTORS)
X3 = pd.Series({"a": 100.0, "b": 120.0, "c": 80.0})


def table(Z, Y=None, x=None, F=None, A=None):
    """A pymrio-like system (pymrio.IOSystem takes the same attributes)."""
    factor_inputs = SimpleNamespace(F=F) if F is not None else None
    return SimpleNamespace(Z=Z, Y=Y, x=x, A=A, factor_inputs=factor_inputs, name="test")


# -- kind 1: labels ---------------------------------------------------------------------------
def test_the_small_case_gives_the_right_output():
    model = mt.IOModel.from_pymrio(table(Z3, Y3))
    x = model.solve(Y3["households"])
    assert x.round(9).to_dict() == {"a": 100.0, "b": 120.0, "c": 80.0}


def test_z_columns_listed_in_another_order_are_matched_by_label():
    shuffled = Z3[["c", "a", "b"]]                  # the issue's case: columns (c, a, b)
    model = mt.IOModel.from_pymrio(table(shuffled, Y3))
    x = model.solve(Y3["households"])
    np.testing.assert_allclose(x[X3.index].to_numpy(), X3.to_numpy(), rtol=1e-12)
    # and rows in another order than the columns, with x given (not Y)
    model = mt.IOModel.from_pymrio(table(Z3.loc[["b", "c", "a"]], x=X3.loc[["c", "b", "a"]]))
    np.testing.assert_allclose(model.solve(Y3["households"])[X3.index], X3, rtol=1e-12)


def test_the_misaligned_table_of_the_issue_gives_100_100_100():
    # a table whose x is (100, 100, 100), with its Z columns listed (c, a, b)
    Z = pd.DataFrame([[10.0, 20.0, 30.0], [20.0, 10.0, 10.0], [30.0, 20.0, 10.0]],
                     index=SECTORS, columns=SECTORS)
    y = 100.0 - Z.sum(axis=1)
    model = mt.IOModel.from_pymrio(table(Z[["c", "a", "b"]], y.to_frame("y")))
    np.testing.assert_allclose(model.solve(y)[SECTORS].to_numpy(), [100.0, 100.0, 100.0],
                               rtol=1e-12)


@pytest.mark.parametrize(("change", "message"), [
    (lambda io: setattr(io, "Z", io.Z.rename(index={"c": "d"})),
     "Z columns labels do not match the sectors of Z's rows (missing d; not in Z's rows: c)"),
    (lambda io: setattr(io, "Y", io.Y.rename(index={"b": "e"})),
     "Y rows labels do not match the sectors of Z's rows (missing b; not in Z's rows: e)"),
    (lambda io: setattr(io, "Z", io.Z.set_axis(["a", "a", "c"], axis=1)),
     "Z columns has duplicate labels: a"),
])
def test_tables_whose_labels_disagree_are_refused_naming_them(change, message):
    io = table(Z3.copy(), Y3.copy())
    change(io)
    with pytest.raises(ModelError) as info:
        mt.IOModel.from_pymrio(io)
    assert info.value.detail == message


@settings(max_examples=40, deadline=None)
@given(rows=st.permutations(range(4)), columns=st.permutations(range(4)),
       y_rows=st.permutations(range(4)), f_columns=st.permutations(range(4)))
def test_any_permutation_of_labels_gives_the_same_output(rows, columns, y_rows, f_columns):
    labels = ["w", "x", "y", "z"]
    Z = pd.DataFrame(np.array([[5.0, 10, 0, 3], [2, 8, 6, 1], [7, 0, 4, 9], [1, 2, 3, 4]]),
                     index=labels, columns=labels)
    Y = pd.DataFrame({"f": [20.0, 30, 10, 40]}, index=labels)
    # value added = x - column sums of Z = (38, 47, 30, 50) - (15, 20, 13, 17)
    F = pd.DataFrame([[15.0, 20, 5, 8], [8, 7, 12, 25]], index=["Compensation", "Surplus"],
                     columns=labels)
    reference = mt.IOModel.from_pymrio(table(Z, Y, F=F))
    expected = reference.solve(Y["f"])
    permuted = table(Z.iloc[list(rows), list(columns)], Y.iloc[list(y_rows)],
                     F=F.iloc[:, list(f_columns)])
    model = mt.IOModel.from_pymrio(permuted)
    x = model.solve(Y["f"].iloc[list(y_rows)])
    np.testing.assert_allclose(x[labels].to_numpy(), expected[labels].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(x[labels].to_numpy(), Z.sum(axis=1) + Y["f"], rtol=1e-12)
    weights = model.flows.set_index(["entity", "factor"])["weight"].sort_index()
    expected_weights = reference.flows.set_index(["entity", "factor"])["weight"].sort_index()
    pd.testing.assert_series_equal(weights, expected_weights, rtol=1e-12)


@pytest.fixture(scope="module")
def test_mrio():
    io = pymrio.load_test()
    io.calc_all()
    return io


@pytest.fixture(scope="module")
def mrio_model(test_mrio):
    return mt.IOModel.from_pymrio(test_mrio)


def test_swapped_index_levels_are_refused_not_zeros(mrio_model):
    f = pd.Series({("electricity", "reg2"): 100.0, ("food", "reg1"): 5.0})
    with pytest.raises(ModelError) as info:
        mrio_model.solve(f)
    assert info.value.detail == (
        "final demand names 2 unknown entities: electricity/reg2, food/reg1; the index levels "
        "look swapped: give (region, sector), not (sector, region)")
    with pytest.raises(ModelError, match="look swapped"):
        mt.trace(f, mrio_model, keep_draws=True)


def test_sector_names_without_a_region_are_refused(mrio_model):
    with pytest.raises(ModelError) as info:
        mrio_model.solve(pd.Series({"electricity": 100.0}))
    assert info.value.detail == ("final demand names 1 unknown entity: electricity; these are "
                                 "sector names without a region: give (region, sector) pairs")
    assert info.value.value == "electricity"


def test_duplicate_labels_in_demand_are_one_clear_error(mrio_model):
    f = pd.Series([1.0, 2.0], index=["reg1/food", "reg1/food"])
    for call in (mrio_model.solve, mrio_model.solve_input, lambda v: mt.trace(v, mrio_model)):
        with pytest.raises(ModelError) as info:
            call(f)
        assert info.value.detail.startswith("final demand names an entity more than once: "
                                            "reg1/food")


def test_solve_accepts_a_mapping_and_a_dataframe_by_label():
    model = mt.IOModel.from_pymrio(table(Z3, Y3))
    x = model.solve({"c": 45.0, "a": 65.0, "b": 75.0})
    np.testing.assert_allclose(x[SECTORS], X3[SECTORS], rtol=1e-12)
    frame = pd.DataFrame({"one": [45.0, 65.0, 75.0], "two": [0.0, 65.0, 75.0]},
                         index=["c", "a", "b"])
    out = model.solve(frame)
    np.testing.assert_allclose(out.loc[SECTORS, "one"], X3[SECTORS], rtol=1e-12)


def test_a_scenario_mapping_is_not_taken_for_a_demand_vector():
    model = mt.IOModel.from_pymrio(table(Z3, Y3))
    with pytest.raises(ModelError, match=r"parsed first: mt.parse_scenario\(data\)"):
        mt.trace({"id": "plan", "budget": {"amount": 10}}, model, keep_draws=True)


# -- kind 2: one rule per quantity -------------------------------------------------------------
@pytest.mark.parametrize("form", ["series", "array", "matrix", "mapping"])
@pytest.mark.parametrize("call", ["solve", "solve_input", "trace"])
def test_nan_demand_is_refused_in_every_form(form, call):
    model = mt.IOModel.from_pymrio(table(Z3, Y3))
    values = [65.0, np.nan, 45.0]
    f = {"series": pd.Series(values, index=SECTORS), "array": np.array(values),
         "matrix": np.array([values, [1.0, 2.0, 3.0]]),
         "mapping": dict(zip(SECTORS, values, strict=True))}[form]
    if form == "matrix" and call == "solve":
        f = f.T                                     # solve takes columns
    run = {"solve": model.solve, "solve_input": model.solve_input,
           "trace": lambda v: mt.trace(v, model, keep_draws=True)}[call]
    with pytest.raises(ModelError, match="must be finite") as info:
        run(f)
    assert info.value.field == "final demand[b]"


@pytest.mark.parametrize("bad", [np.inf, -np.inf])
def test_infinite_demand_is_refused(bad):
    model = mt.IOModel.from_pymrio(table(Z3, Y3))
    with pytest.raises(ModelError, match="must be finite"):
        model.solve(np.array([1.0, bad, 0.0]))


def test_non_numeric_demand_is_one_clear_error():
    model = mt.IOModel.from_pymrio(table(Z3, Y3))
    with pytest.raises(ModelError, match="final demand must be numbers"):
        model.solve(pd.Series({"a": "lots"}))
    with pytest.raises(ModelError, match="final demand must be numbers"):
        model.solve_input(["a", "b", "c"])


@pytest.mark.parametrize("form", ["series", "array", "matrix"])
def test_negative_final_demand_is_traced_in_every_form_and_conserved(form):
    model = mt.IOModel.from_pymrio(table(Z3, Y3))
    values = [65.0, -30.0, 45.0]                    # imports or a stock drawn down
    f = {"series": pd.Series(values, index=SECTORS), "array": np.array(values),
         "matrix": np.array([values, [10.0, 5.0, -2.0]])}[form]
    result = mt.trace(f, model, keep_draws=True)
    totals = np.atleast_2d(np.asarray(f, dtype=float)).sum(axis=1)
    np.testing.assert_allclose(result.draw_totals, totals, rtol=1e-12)
    x = model.solve(np.asarray(values))
    expected = np.linalg.solve(np.eye(3) - model.A, values)
    np.testing.assert_allclose(x, expected, rtol=1e-12)


# -- kind 3: value added that is value added ---------------------------------------------------
FARM_FOOD = ["farm", "food"]


def farm_food(F_rows, names, factor_map=None):
    Z = pd.DataFrame([[40.0, 60.0], [70.0, 10.0]], index=FARM_FOOD, columns=FARM_FOOD)
    Y = pd.DataFrame({"f": [0.0, 30.0]}, index=FARM_FOOD)
    F = pd.DataFrame(F_rows, index=names, columns=FARM_FOOD)
    return mt.IOModel.from_pymrio(table(Z, Y, F=F), factor_map=factor_map), Y["f"]


def test_subsidised_sector_keeps_its_factor_split():
    model, f = farm_food([[40.0, 20.0], [10.0, 15.0], [-60.0, 5.0]],
                         ["Compensation of employees", "Operating surplus",
                          "Taxes less subsidies on production"])
    np.testing.assert_allclose(model.solve(f)[FARM_FOOD], [100.0, 110.0], rtol=1e-12)
    by_factor = mt.trace(f, model, keep_draws=True).by("factor")["amount_mean"]
    assert by_factor.round(9).to_dict() == {"labour": 60.0, "capital": 25.0, "tax": -55.0}
    by_entity = mt.trace(f, model, keep_draws=True).by("entity")["amount_mean"]
    assert by_entity.round(9).to_dict() == {"food": 40.0, "farm": -10.0}


def test_imports_in_the_factor_block_are_not_value_added_at_home():
    # farm's 110 of inputs from the table are 100 of output minus -10 of factor payments; here
    # the factor block says farm paid 30 abroad for imports: labour + surplus + taxes = -40
    model, f = farm_food([[40.0, 20.0], [10.0, 15.0], [-90.0, 5.0], [30.0, 0.0]],
                         ["Compensation of employees", "Operating surplus",
                          "Taxes less subsidies on production", "Imports cif"])
    result = mt.trace(f, model, keep_draws=True)
    by_factor = result.by("factor")["amount_mean"].round(9).to_dict()
    assert by_factor == {"labour": 60.0, "imports": 30.0, "capital": 25.0, "tax": -85.0}
    by_country = result.by("country")["amount_mean"].round(9).to_dict()
    assert by_country == {"ROW": 30.0, "": 0.0}
    assert result.draw_totals[0] == pytest.approx(30.0, rel=1e-12)


def test_unclassifiable_factor_rows_are_named_not_guessed():
    rows, names = [[40.0, 20.0], [-50.0, 20.0]], ["Compensation of employees", "Other flows"]
    with pytest.raises(ModelError) as info:
        farm_food(rows, names)
    assert info.value.detail == (
        "cannot tell what these factor-input rows are: Other flows; pass factor_map={row "
        "name: one of labour, capital, tax, value_added, imports, ignore}")
    model, f = farm_food(rows, names, factor_map={"Other flows": "capital"})
    assert mt.trace(f, model, keep_draws=True).by("factor")["amount_mean"].round(9).to_dict() == \
        {"labour": 60.0, "capital": -30.0}


def test_a_total_row_next_to_its_components_is_refused_or_ignored():
    rows = [[40.0, 20.0], [-50.0, 20.0], [-10.0, 40.0]]
    names = ["Compensation of employees", "Operating surplus", "Value added"]
    with pytest.raises(ModelError, match="map Value added to 'ignore'"):
        farm_food(rows, names)
    model, f = farm_food(rows, names, factor_map={"Value added": "ignore"})
    assert mt.trace(f, model, keep_draws=True).by("factor")["amount_mean"].round(9).to_dict() == \
        {"labour": 60.0, "capital": -30.0}
    with pytest.raises(ModelError, match="factor_map values must be one of"):
        farm_food(rows, names, factor_map={"Value added": "total"})


def test_factor_block_columns_must_match_the_sectors():
    Z = pd.DataFrame([[40.0, 60.0], [70.0, 10.0]], index=FARM_FOOD, columns=FARM_FOOD)
    F = pd.DataFrame([[40.0, 20.0]], index=["Compensation"], columns=["farm", "fish"])
    with pytest.raises(ModelError, match=r"missing food; not in the table's sectors: fish"):
        mt.IOModel.from_pymrio(table(Z, pd.DataFrame({"f": [0.0, 30.0]}, index=FARM_FOOD),
                                     F=F))


def test_factor_names_are_read_from_the_table():
    assert classify_factor("Imports cif") == "imports"
    assert classify_factor("Taxes on imports") == "tax"
    assert classify_factor("Operating surplus: Rents on land") == "capital"
    assert classify_factor("Current taxes on production") == "tax"
    assert classify_factor("Something else") is None


# -- kind 4: the default solver converges on any productive table ------------------------------
def near_unit_table(n=600, seed=0):
    """Sparse (1 % dense) and productive; one sector buys 99.99 % of its inputs from itself."""
    rng = np.random.default_rng(seed)
    A = sp.random(n, n, density=0.01, random_state=rng, format="csr").toarray()
    sums = A.sum(axis=0)
    A = A / np.where(sums > 0, sums, 1.0) * 0.5
    A[:, 7] *= 1e-4
    A[7, 7] = 0.9999
    return sp.csr_array(A), rng.uniform(0.0, 1.0, n)


def test_default_solve_converges_near_a_spectral_radius_of_one():
    A, f = near_unit_table()
    assert linalg.spectral_radius(A) == pytest.approx(0.99990, abs=1e-5)
    with pytest.raises(ModelError, match="did not converge"):
        linalg.solve_leontief(A, f, method="neumann")     # the old default gave up
    reference = np.linalg.solve(np.eye(A.shape[0]) - A.toarray(), f)
    labels = tuple(f"s{k}" for k in range(A.shape[0]))
    model = mt.IOModel(labels=labels, A=A, entities=None, flows=None)
    for x in (model.solve(f), linalg.solve_many(A, f[:, None])[:, 0],
              linalg.solve_leontief(A, f, method="direct"),
              linalg.sparse_direct(A, np.column_stack([f, 2 * f]))[:, 0]):
        assert np.max(np.abs(x - reference) / np.abs(reference)) < 1e-9


def test_large_sparse_tables_fall_back_when_the_series_is_too_slow(monkeypatch):
    A, f = near_unit_table(n=400, seed=3)
    monkeypatch.setattr(linalg, "DENSE_AUTO_LIMIT", 100)      # take the large-table path
    reference = np.linalg.solve(np.eye(A.shape[0]) - A.toarray(), f)
    x = linalg.solve_leontief(A, f)
    assert np.max(np.abs(x - reference) / np.abs(reference)) < 1e-9


def test_batched_fixed_point_falls_back_to_a_direct_solve():
    A, f = near_unit_table(n=200, seed=5)
    pattern = sp.csr_array(A)
    data = np.vstack([pattern.data, pattern.data * 0.99])
    rhs = np.vstack([f, f])
    x = linalg.batched_neumann(pattern, data, rhs)
    for d in range(2):
        Ad = sp.csr_array((data[d], pattern.indices, pattern.indptr), shape=A.shape).toarray()
        reference = np.linalg.solve(np.eye(A.shape[0]) - Ad, f)
        assert np.max(np.abs(x[d] - reference) / np.abs(reference)) < 1e-9


def test_a_singular_table_is_a_clear_error():
    A = sp.csr_array(np.array([[1.0, 0.0], [0.0, 0.5]]))
    with pytest.raises(ModelError, match="not productive"):
        linalg.solve_leontief(A, np.ones(2))


def test_a_model_refuses_duplicate_labels_and_nan_coefficients():
    with pytest.raises(ModelError, match="entity labels are not unique: a") as info:
        mt.IOModel(labels=("a", "b", "a"), A=np.zeros((3, 3)), entities=None, flows=None)
    assert info.value.value == "a"
    with pytest.raises(ModelError, match="A has NaN or infinite coefficients"):
        mt.IOModel(labels=("a", "b"), A=np.array([[0.1, np.nan], [0.0, 0.2]]), entities=None,
                   flows=None)


def test_to_pymrio_aligns_a_labelled_final_demand(test_mrio, mrio_model):
    y = test_mrio.Y.sum(axis=1)
    shuffled = y.iloc[::-1]
    back = mrio_model.to_pymrio(shuffled)
    back.calc_all()
    np.testing.assert_allclose(back.x.to_numpy().ravel(), mrio_model.solve(y.to_numpy()),
                               rtol=1e-9)


def test_negative_demand_draws_are_conserved_through_the_precomputed_response():
    model = mt.IOModel.from_pymrio(table(Z3, Y3))
    rng = np.random.default_rng(11)
    F = rng.normal(0.0, 50.0, size=(40, 3))          # many draws, both signs
    result = mt.trace(F, model, keep_draws=True)
    np.testing.assert_allclose(result.draw_totals, F.sum(axis=1), rtol=1e-9, atol=1e-9)
    x = np.linalg.solve(np.eye(3) - model.A, F.T).T
    flows_by_entity = result.amounts_by("entity")
    va = (1.0 - model.A.sum(axis=0)) * x
    order = [flows_by_entity[1].index(label) for label in SECTORS]
    np.testing.assert_allclose(flows_by_entity[0][:, order], va, rtol=1e-9, atol=1e-9)


def test_a_demand_frame_with_entities_as_rows_is_explained(test_mrio, mrio_model):
    with pytest.raises(ModelError, match=r"entities as rows: pass df.T, or df.sum\(axis=1\)"):
        mt.trace(test_mrio.Y, mrio_model, keep_draws=True)
    draws = test_mrio.Y.T.iloc[:3]                          # three draws, one per row
    result = mt.trace(draws, mrio_model, keep_draws=True)
    np.testing.assert_allclose(result.draw_totals, draws.sum(axis=1).to_numpy(), rtol=1e-9)


# -- remaining gaps: positional arrays follow the table's rows; factor blocks must add up ----------
def test_a_positional_array_is_read_in_the_tables_row_order():
    # Z's columns listed (c, a, b), rows (a, b, c): the model's labels are the rows' order, so
    # the array (65, 75, 45), meant for a, b, c as pymrio's Y and x are, gives (100, 120, 80)
    model = mt.IOModel.from_pymrio(table(Z3[["c", "a", "b"]], Y3))
    assert model.labels == ("a", "b", "c")
    np.testing.assert_allclose(model.solve(np.array([65.0, 75.0, 45.0])), [100.0, 120.0, 80.0],
                               rtol=1e-12)
    series = model.solve(pd.Series({"c": 45.0, "a": 65.0, "b": 75.0}))
    assert series.round(9).to_dict() == {"a": 100.0, "b": 120.0, "c": 80.0}
    # the same from A (with its columns shuffled) as from Z
    A = Z3 / X3
    model = mt.IOModel.from_pymrio(table(None, A=A[["b", "c", "a"]]))
    assert model.labels == ("a", "b", "c")
    np.testing.assert_allclose(model.solve(np.array([65.0, 75.0, 45.0])), [100.0, 120.0, 80.0],
                               rtol=1e-12)


def test_rows_in_another_order_give_that_order():
    rows = ["c", "a", "b"]
    model = mt.IOModel.from_pymrio(table(Z3.loc[rows], Y3))
    assert model.labels == tuple(rows)
    np.testing.assert_allclose(model.solve(np.array([45.0, 65.0, 75.0])), [80.0, 100.0, 120.0],
                               rtol=1e-12)


# x = (100, 120, 80); column sums of Z = (40, 40, 35): value added (60, 80, 45)
F_GOOD = pd.DataFrame([[40.0, 50.0, 30.0], [20.0, 30.0, 15.0]],
                      index=["Compensation of employees", "Operating surplus"], columns=SECTORS)


def test_a_factor_block_that_adds_up_splits_value_added():
    model = mt.IOModel.from_pymrio(table(Z3, Y3, F=F_GOOD[["b", "c", "a"]]))
    by_factor = mt.trace(Y3["households"], model, keep_draws=True).by("factor")["amount_mean"]
    assert by_factor.round(9).to_dict() == {"labour": 120.0, "capital": 65.0}


def test_a_factor_block_that_does_not_add_up_is_refused_naming_the_sectors():
    F = F_GOOD.copy()
    F.loc["Operating surplus", "b"] = 10.0          # b's rows add up to 60, the table says 80
    with pytest.raises(ModelError) as info:
        mt.IOModel.from_pymrio(table(Z3, Y3, F=F))
    assert info.value.field == "factor_inputs" and info.value.value == "b"
    assert info.value.detail == (
        "the factor block does not add up to the table's value added (x - column sums of Z) in "
        "1 sector (b: rows add up to 60, the table says 80 (x 120 - inputs 40)); beyond 0.001 of"
        " output. Add the missing rows (e.g. imports, or a discrepancy row named in "
        "factor_map), or pass factor_tolerance= to accept the gap")
    # within the tolerance (0.1 % of b's output is 0.12): accepted; a looser one accepts more
    F.loc["Operating surplus", "b"] = 30.1
    mt.IOModel.from_pymrio(table(Z3, Y3, F=F))
    F.loc["Operating surplus", "b"] = 10.0
    model = mt.IOModel.from_pymrio(table(Z3, Y3, F=F), factor_tolerance=0.2)
    weights = model.flows.set_index(["entity", "factor"])["weight"]
    assert weights["b", "labour"] == pytest.approx(50 / 60, rel=1e-12)
    # the same check when the table gives A and Y (x is solved for) or A and x
    A = Z3 / X3
    with pytest.raises(ModelError, match=r"in 1 sector \(b: rows add up to 60"):
        mt.IOModel.from_pymrio(table(None, Y=Y3, A=A, F=F))
    with pytest.raises(ModelError, match=r"in 1 sector \(b: rows add up to 60"):
        mt.IOModel.from_pymrio(table(None, x=X3.to_frame("indout"), A=A, F=F))
    for bad in (-0.1, float("nan")):
        with pytest.raises(ModelError, match="factor_tolerance must be"):
            mt.IOModel.from_pymrio(table(Z3, Y3, F=F_GOOD), factor_tolerance=bad)


def test_a_single_value_added_row_is_not_a_split_and_not_checked():
    F = pd.DataFrame([[1.0, 2.0, 3.0]], index=["Value Added"], columns=SECTORS)
    model = mt.IOModel.from_pymrio(table(Z3, Y3, F=F))
    assert set(model.flows["factor"]) == {"value_added"}
    assert (model.flows["weight"] == 1.0).all()
