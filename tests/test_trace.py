"""The trace on the Miller & Blair economy: golden attribution and conservation per draw."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import moneytrail as mt
from packages import miller_blair_plan, miller_blair_tables, write_package

# (I - A) x = f with A = [[.15, .25], [.2, .05]] and f = (600, 1450):
DET = 0.85 * 0.95 - 0.25 * 0.2
X_AGR = (0.95 * 600 + 0.25 * 1450) / DET
X_MAN = (0.2 * 600 + 0.85 * 1450) / DET


@pytest.fixture
def mb_model(mb_package):
    return mt.load_model(2025, path=mb_package)


def test_golden_value_added_by_entity_factor_and_country(mb_model):
    result = mt.trace(mt.parse_scenario(miller_blair_plan()), mb_model, draws=100, keep_draws=True)
    entity = result.by("entity")["amount_mean"]
    assert entity["agriculture"] == pytest.approx(0.65 * X_AGR, rel=1e-12)
    assert entity["manufacturing"] == pytest.approx(0.70 * X_MAN, rel=1e-12)
    factor = result.by("factor")["amount_mean"]
    assert factor["labour"] == pytest.approx(0.40 * X_AGR + 0.30 * X_MAN, rel=1e-12)
    assert factor["tax"] == pytest.approx(0.05 * X_AGR + 0.10 * X_MAN, rel=1e-12)
    country = result.by("country")
    assert country.loc["DE", "share_p50"] == pytest.approx(0.65 * X_AGR / 2050, rel=1e-12)
    assert result.total == 2050


def test_ownership_sends_profit_to_the_owner_country(tmp_path):
    tables = miller_blair_tables()
    for row in tables["cost_structures"]:       # manufacturing produces in DE, owned from US
        if row["entity"] == "manufacturing" and row["kind"] != "input":
            row["counterpart"] = "DE"
    model = mt.load_model(2025, path=write_package(tmp_path / "p", tables))
    result = mt.trace(mt.parse_scenario(miller_blair_plan()), model, draws=100, keep_draws=True)
    location = result.by("country")["amount_mean"]
    owner = result.by("owner_country")["amount_mean"]
    assert location["DE"] == pytest.approx(2050, rel=1e-12)
    assert owner["US"] == pytest.approx(0.30 * X_MAN, rel=1e-12)   # the profit only


def test_tiers_are_first_invoice_then_suppliers_and_add_up(mb_model):
    result = mt.trace(mt.parse_scenario(miller_blair_plan()), mb_model, draws=100, tiers=3,
                      keep_draws=True)
    tiers = result.by("tier")["amount_mean"]
    assert tiers.iloc[0] == pytest.approx(0.65 * 600 + 0.70 * 1450, rel=1e-12)
    f = np.array([600.0, 1450.0])
    A = np.array([[0.15, 0.25], [0.20, 0.05]])
    assert tiers.iloc[1] == pytest.approx(np.array([0.65, 0.70]) @ (A @ f), rel=1e-12)
    assert tiers.sum() == pytest.approx(2050, rel=1e-12)
    assert tiers.index[-1].startswith("tiers 4+")


def test_groups_overlap_and_supplier_shows_first_invoices(mb_model):
    result = mt.trace(mt.parse_scenario(miller_blair_plan()), mb_model, draws=100, keep_draws=True)
    groups = result.by("group")["amount_mean"]
    assert groups["industry"] == groups["us_big_tech"]
    supplier = result.by("supplier")["amount_mean"]
    assert supplier["manufacturing"] == pytest.approx(1450)


def test_headline_rows_are_computed_from_flows(mb_model):
    result = mt.trace(mt.parse_scenario(miller_blair_plan()), mb_model, draws=100, keep_draws=True)
    table = mt.headline(result)["amount_mean"]
    assert table["US hyperscalers (Amazon, Microsoft, Google)"] == pytest.approx(0.7 * X_MAN)
    assert table["EU workers (wages earned in the EU)"] == pytest.approx(0.4 * X_AGR)
    assert table["Nvidia"] == 0
    assert (table["Wages, all countries"] + table["Profits and depreciation (capital)"]
            + table["Taxes"]) == pytest.approx(2050)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spread=st.floats(0.0, 0.15), seed=st.integers(0, 2**32 - 1),
       food=st.floats(0.01, 0.99), budget=st.floats(1.0, 1e12))
def test_value_added_equals_spending_in_every_draw(tmp_path_factory, spread, seed, food,
                                                    budget):
    root = write_package(tmp_path_factory.mktemp("p"), miller_blair_tables(spread=spread))
    model = mt.load_model(2025, path=root)
    plan = mt.parse_scenario(miller_blair_plan(
        budget={"amount": budget},
        spend={"food": {"central": food, "low": food / 2, "high": min(1.0, food * 1.5)},
               "goods": {"central": 1 - food}}))
    result = mt.trace(plan, model, draws=150, seed=seed, keep_draws=True)
    np.testing.assert_allclose(result.draw_totals, budget, rtol=1e-9)
    np.testing.assert_allclose(result.tiers.sum(axis=1), budget, rtol=1e-9)
    assert np.all(result.flows >= -1e-9 * budget)


def test_same_seed_same_numbers_whatever_the_chunk_size(mb_uncertain_package):
    model = mt.load_model(2025, path=mb_uncertain_package)
    plan = mt.parse_scenario(miller_blair_plan())
    a = mt.trace(plan, model, draws=1000, seed=5, chunk_size=100, keep_draws=True)
    b = mt.trace(plan, model, draws=1000, seed=5, chunk_size=5000, keep_draws=True)
    c = mt.trace(plan, model, draws=1000, seed=6, keep_draws=True)
    np.testing.assert_array_equal(a.flows, b.flows)
    assert not np.array_equal(a.flows, c.flows)
    assert a.info["seed"] == 5 and a.info["draws"] == 1000


def test_uncertainty_gives_an_interval_around_the_central_value(mb_uncertain_package):
    model = mt.load_model(2025, path=mb_uncertain_package)
    result = mt.trace(mt.parse_scenario(miller_blair_plan()), model, draws=4000, seed=2,
                      keep_draws=True)
    row = result.by("entity").loc["agriculture"]
    assert row["share_p5"] < 0.65 * X_AGR / 2050 < row["share_p95"]
    assert row["share_p95"] - row["share_p5"] > 0.01


def test_purchases_by_category_add_up_to_the_demand_and_the_budget(mb_uncertain_package):
    model = mt.load_model(2025, path=mb_uncertain_package)
    plan = mt.parse_scenario(miller_blair_plan(
        spend={"food": {"central": 0.3, "low": 0.2, "high": 0.4}, "goods": 0.7}))
    result = mt.trace(plan, model, draws=500, seed=4, keep_draws=True)
    rows = result.purchase_rows
    assert list(rows["category"]) == ["food", "goods"]
    np.testing.assert_allclose(result.purchases.sum(axis=1), 2050, rtol=1e-12)
    index = [model.index[s] for s in rows["supplier"]]
    np.testing.assert_allclose(result.purchases, result.demand[:, index], rtol=1e-12)
    food = result.purchases[:, 0] / 2050
    assert 0.2 < np.percentile(food, 50) < 0.4 and food.std() > 0.01
