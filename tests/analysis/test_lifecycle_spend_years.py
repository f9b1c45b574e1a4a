"""The lifecycle follows the plan's years of spending (`spend_years`): the budget is spent
evenly over them, and each year's purchases depreciate and draw power only from the year they
are bought to the end of the horizon (docs/methods.md, 'Lifecycle cost and TCO')."""

import numpy as np
import pytest
from analysis_plans import make_plan

import moneytrail as mt
from moneytrail.analysis.lifecycle import lifecycle_draws


def draws_for(model, data, **overrides):
    plan = make_plan(horizon_years=6, site_country="FR", **overrides)
    return lifecycle_draws(mt.trace(plan, model, keep_draws=True), data)


def test_later_purchases_are_worth_more_and_use_less_power(model, data):
    once = draws_for(model, data, spend_years=1)
    spread = draws_for(model, data, spend_years=4)
    # the same hardware and units, bought over 4 years instead of at once
    assert spread["hardware_capex"] == pytest.approx(once["hardware_capex"])
    assert spread["accelerators_h100e"] == pytest.approx(once["accelerators_h100e"])
    assert np.all(spread["residual_value"] > once["residual_value"])
    assert np.all(spread["electricity_cost"] < once["electricity_cost"])
    assert np.all(spread["co2_tonnes"] < once["co2_tonnes"])
    assert np.all(spread["tco"] < once["tco"])


def test_two_vintages_by_hand(model, data):
    """Half the hardware bought in year 0 runs 6 years, half bought in year 1 runs 5: the
    residual value is capex x ((1-d)^6 + (1-d)^5) / 2 and the energy 5.5 / 6 of buying it all
    at once (the same draws of every parameter: one stream per quantity)."""
    once = draws_for(model, data, spend_years=1)
    two = draws_for(model, data, spend_years=2)
    kept = (once["residual_value"] / once["hardware_capex"]) ** (1.0 / 6.0)   # 1 - d
    expected = once["hardware_capex"] * (kept ** 6 + kept ** 5) / 2.0
    assert two["residual_value"] == pytest.approx(expected, rel=1e-12)
    assert two["energy_mwh"] == pytest.approx(once["energy_mwh"] * 5.5 / 6.0, rel=1e-12)
    assert two["electricity_cost"] == pytest.approx(once["electricity_cost"] * 5.5 / 6.0,
                                                    rel=1e-12)
    assert two["tco"] == pytest.approx(
        once["tco"] + (two["electricity_cost"] - once["electricity_cost"])
        - (two["residual_value"] - once["residual_value"]), rel=1e-12)


def test_spending_at_once_keeps_the_horizon_figures(model, data):
    """spend_years 1: everything is bought in year 0 and runs the whole horizon."""
    once = draws_for(model, data, spend_years=1)
    share = once["residual_value"] / once["hardware_capex"]
    assert np.median(share) == pytest.approx(0.72 ** 6, rel=0.15)


def test_the_note_says_when_the_hardware_is_bought():
    from moneytrail.service.lifecycle import spending_text

    assert "evenly over 4 years (the plan's years of spending)" in spending_text(
        make_plan(horizon_years=6, spend_years=4))
    assert "4.5 years on average" in spending_text(make_plan(horizon_years=6, spend_years=4))
    assert "the plan sets no years of spending" in spending_text(make_plan(horizon_years=3))
    assert "whole horizon" in spending_text(make_plan(horizon_years=3, spend_years=1))
