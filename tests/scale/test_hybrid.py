"""A hybrid model: firm entities whose supply chain continues through a sector table."""

import numpy as np
import pymrio
import pytest

import moneytrail as mt
from moneytrail.engine import linalg
from moneytrail.errors import ModelError
from packages import miller_blair_plan, miller_blair_tables, write_package

LINKS = {"manufacturing": {"reg1/manufactoring": 0.3, "reg2/electricity": 0.1}}


@pytest.fixture(scope="module")
def table():
    return mt.IOModel.from_pymrio(pymrio.load_test())


def firm_model(tmp_path, spread=0.0):
    return mt.load_model(2025, path=write_package(tmp_path / "p",
                                                  miller_blair_tables(spread=spread)))


def test_link_spends_the_weight_on_the_table_and_keeps_columns_at_one(tmp_path, table):
    hybrid = firm_model(tmp_path).link(table, LINKS)
    assert hybrid.n == 2 + table.n
    A = hybrid.A.toarray()
    j = hybrid.index["manufacturing"]
    assert A[hybrid.index["reg1/manufactoring"], j] == pytest.approx(0.3)
    assert A[:2, j] == pytest.approx(np.array([0.25, 0.05]) * 0.6)
    v = hybrid.value_added_coefficients()
    assert v[j] == pytest.approx(0.70 * 0.6)
    assert np.all(A[:2, 2:] == 0)


def test_hybrid_trace_equals_the_combined_system_with_tiers(tmp_path, table):
    hybrid = firm_model(tmp_path).link(table, LINKS)
    plan = mt.parse_scenario(miller_blair_plan())
    result = mt.trace(plan, hybrid, draws=100, tiers=4, keep_draws=True)
    f = np.zeros(hybrid.n)
    f[:2] = [600.0, 1450.0]
    x = np.linalg.solve(np.eye(hybrid.n) - hybrid.A.toarray(), f)
    v = hybrid.value_added_coefficients()
    entity = result.by("entity")["amount_mean"]
    assert entity["agriculture"] == pytest.approx(v[0] * x[0], rel=1e-10)
    assert entity["reg2/electricity"] == pytest.approx(v[hybrid.index["reg2/electricity"]]
                                                       * x[hybrid.index["reg2/electricity"]],
                                                       rel=1e-9)
    terms = linalg.tier_terms(hybrid.A, f, 4)
    np.testing.assert_allclose(result.tiers[0, :4], [v @ t for t in terms], rtol=1e-10)
    assert result.draw_totals[0] == pytest.approx(2050, rel=1e-12)


@pytest.mark.parametrize("noise", [None, 0.2])
def test_value_added_equals_spending_in_every_hybrid_draw(tmp_path, table, noise):
    hybrid = firm_model(tmp_path, spread=0.05).link(
        table, {"manufacturing": {"reg1/construction": 0.7, "reg3/electricity": 0.3},
                "agriculture": {"reg4/food": 0.2}})
    if noise:
        hybrid = hybrid.with_noise(noise)
    result = mt.trace(mt.parse_scenario(miller_blair_plan()), hybrid, draws=300, seed=4,
                      keep_draws=True)
    np.testing.assert_allclose(result.draw_totals, 2050, rtol=1e-9)
    assert result.by("entity").loc["manufacturing", "amount_p95"] < 1e-6   # all handed on
    assert result.by("country").loc["reg1", "share_p50"] > 0.1


@pytest.mark.parametrize("noise", [None, 0.2])
def test_shown_tiers_converge_and_tier_one_is_the_first_invoice(tmp_path, table, noise):
    """The last tier column is the remainder ("other"): with 80 tiers it must be ~0, and tier 1
    is the first invoice's own value added: agriculture keeps 0.65 of its revenue but spends 0.2
    of it on the table, manufacturing hands everything on (links of weight 0.7 + 0.3)."""
    hybrid = firm_model(tmp_path).link(
        table, {"manufacturing": {"reg1/construction": 0.7, "reg3/electricity": 0.3},
                "agriculture": {"reg4/food": 0.2}})
    if noise:
        hybrid = hybrid.with_noise(noise)
    plan = mt.parse_scenario(miller_blair_plan())
    result = mt.trace(plan, hybrid, draws=100, seed=4, tiers=80, keep_draws=True)
    np.testing.assert_allclose(result.tiers[:, 0], 0.65 * (1 - 0.2) * 600 + 0.0 * 1450,
                               rtol=1e-12)
    assert np.abs(result.tiers[:, -1]).max() < 1e-6 * 2050
    assert (result.tiers[:, 1:-1] >= 0).all()
    few = mt.trace(plan, hybrid, draws=100, seed=4, tiers=4, keep_draws=True)
    assert few.tiers[:, -1].min() > 1.0          # with 4 tiers a real remainder is left


def test_bad_links_are_refused(tmp_path, table):
    model = firm_model(tmp_path)
    with pytest.raises(ModelError, match="add up to"):
        model.link(table, {"manufacturing": {"reg1/construction": 0.8, "reg2/mining": 0.3}})
    with pytest.raises(ModelError, match="unknown table sector"):
        model.link(table, {"manufacturing": {"reg9/nothing": 0.1}})
    with pytest.raises(ModelError, match="unknown entity"):
        model.link(table, {"nobody": {"reg1/construction": 0.1}})
