"""HHI and CR-k: hand-checked golden numbers, and the change a plan causes."""

import numpy as np
import pytest

from moneytrail.analysis.concentration import (
    concentration_ratio,
    ec_reading,
    hhi,
    market_concentration,
    market_effects,
    plan_concentration,
    post_shares,
    us_reading,
)


def test_hhi_and_cr_golden():
    shares = np.array([0.5, 0.3, 0.2])
    assert hhi(shares) == pytest.approx(2500 + 900 + 400)
    assert concentration_ratio(shares, 2) == pytest.approx(0.8)
    # an aggregate of many firms counts as atomistic
    assert hhi(shares, np.array([False, False, True])) == pytest.approx(3400)
    assert concentration_ratio(shares, 3, np.array([True, False, False])) == pytest.approx(0.5)


def test_post_shares_golden():
    pre, size = np.array([0.6, 0.4]), np.array(100.0)
    # buying 50 from the small firm: 60/150 and 90/150 -> the same HHI (mirror image)
    after = post_shares(pre, size, np.array([0.0, 50.0]))
    assert after == pytest.approx([0.4, 0.6])
    assert hhi(after) - hhi(pre) == pytest.approx(0.0, abs=1e-9)
    # buying 50 from the leader: 110/150 and 40/150
    after = post_shares(pre, size, np.array([50.0, 0.0]))
    assert hhi(after) - hhi(pre) == pytest.approx((110 / 1.5) ** 2 + (40 / 1.5) ** 2 - 5200)


def test_guideline_readings(data):
    assert ec_reading(800, 500, data).startswith("below 1000")
    assert "unlikely" in ec_reading(1500, 200, data)
    assert ec_reading(1500, 300, data) == "outside the EC safe harbours"
    assert "unlikely" in ec_reading(2500, 100, data)
    assert ec_reading(2500, 200, data) == "outside the EC safe harbours"
    assert "presumption" in us_reading(1900, 150, data)
    assert us_reading(1900, 50, data).startswith("highly concentrated")
    assert us_reading(1700, 500, data).startswith("not highly")


def test_every_market_in_the_data_golden(workspace, data):
    table = market_concentration(workspace.valuechain, data=data, draws=200)
    acc = table.loc[("accelerators", "EU", 2025)]
    assert acc["hhi"] == pytest.approx(95.5 ** 2 + 4.2 ** 2 + 0.3 ** 2)     # 9137.98
    assert acc["top_supplier"] == "nvidia" and acc["cr1"] == pytest.approx(0.955)
    cloud = table.loc[("cloud_compute", "EU", 2024)]
    firms = [38.5, 24.17, 7.33, 2, 2, 1.5, 0.5, 0.4, 0.1, 3, 0.3]   # aggregates excluded
    assert cloud["hhi"] == pytest.approx(sum(s * s for s in firms), rel=1e-3)
    assert cloud["aggregate_share"] == pytest.approx(0.085 + 0.07 + 0.047, rel=1e-3)
    assert cloud["hhi_p5"] <= cloud["hhi_p50"] <= cloud["hhi_p95"]
    assert {2024, 2025} == set(table.index.get_level_values("year"))
    assert {"EU", "US"} == set(table.index.get_level_values("buyer_region"))


def test_buying_at_market_shares_changes_nothing_rules_do(reference, data):
    for plan in ("stargate-style-us", "eu-ai-gigafactories"):
        effects = market_effects(reference[plan], data)
        assert len(effects) >= 1
        for effect in effects:
            assert np.all(np.abs(effect.delta) < 1e-6)
    (cloud,) = market_effects(reference["efficiency-first-eu"], data)
    assert np.all(cloud.delta < 0)                       # EU-only procurement deconcentrates
    assert np.all(np.abs(cloud.delta_without_rules) < 1e-6)
    table = plan_concentration(reference["efficiency-first-eu"], data)
    assert table.loc["cloud_compute", "market_size_p50"] == pytest.approx(74e9, rel=0.1)
    assert "us_2023_guidelines" in table.columns


def test_purchases_enter_the_annual_market_spread_over_the_horizon(model, data):
    """A multi-year budget meets one year's market one year at a time (H1)."""
    from analysis_plans import make_plan

    import moneytrail as mt

    def cloud_plan(**extra):
        return make_plan(budget={"amount": 5e10}, spend={"cloud_compute": 1.0},
                         procurement={"cloud_compute": {"ovhcloud": 1.0}}, **extra)

    five = mt.trace(cloud_plan(horizon_years=5), model, keep_draws=True)
    one = mt.trace(cloud_plan(horizon_years=5, spend_years=1), model, keep_draws=True)
    table = plan_concentration(five, data)
    assert table.loc["cloud_compute", "plan_spend_per_year_p50"] == pytest.approx(1e10)
    assert table.loc["cloud_compute", "spend_years"] == 5
    (spread,), (lump,) = market_effects(five, data), market_effects(one, data)
    assert np.all(spread.plan_spend == pytest.approx(1e10))
    # the same shares before; a fifth of the purchases moves the shares less
    assert np.median(np.abs(spread.delta)) < np.median(np.abs(lump.delta))


def test_the_market_meets_the_plan_at_its_price_year(model, data):
    """A plan for 2025 at 2024 prices meets the 2025 market restated to 2024 prices (the
    euro area deflator), as its purchases are expressed; the same draws otherwise."""
    from analysis_plans import make_plan

    import moneytrail as mt

    cloud = {"budget": {"amount": 5e10}, "spend": {"cloud_compute": 1.0},
             "procurement": {"cloud_compute": {"ovhcloud": 1.0}}}
    (nominal,) = market_effects(mt.trace(make_plan(**cloud), model, keep_draws=True), data)
    (at_2024,) = market_effects(mt.trace(make_plan(**cloud, price_year=2024), model,
                                         keep_draws=True), data)
    deflate = data.money.index("hicp_ea", 2024) / data.money.index("hicp_ea", 2025)
    assert deflate < 0.99
    assert at_2024.size == pytest.approx(nominal.size * deflate, rel=1e-12)
    assert np.all(at_2024.plan_spend == nominal.plan_spend)
