"""A plan at an earlier price year meets the plan year's chip prices, GPU rents and filings
in the plan year's money (AnalysisData.plan_money_nominal): the accelerators it buys, the
GPU hours it rents and its rent beside a firm's profit; the same draws otherwise."""

import numpy as np
import pytest
from analysis_plans import make_plan

import moneytrail as mt
from moneytrail.analysis.hardware import accelerator_units, rented_gpu_hours
from moneytrail.analysis.purchases import plan_purchases


def test_hardware_meets_the_plan_year_prices(model, data):
    spend = {"spend": {"accelerators": 0.5, "cloud_compute": 0.5}}
    nominal = mt.trace(make_plan(**spend), model, keep_draws=True)
    at_2024 = mt.trace(make_plan(**spend, price_year=2024), model, keep_draws=True)
    # EUR of 2024 -> USD of 2025 (2024's rate, then US inflation to 2025), against EUR of
    # 2025 -> USD of 2025 (2025's rate): the exchange rate moved as well as prices
    inflate = (data.money.factor("EUR", 2024, "USD", 2025)
               / data.money.factor("EUR", 2025, "USD", 2025))
    assert abs(inflate - 1) > 0.01
    units_nominal, _ = accelerator_units(nominal, plan_purchases(nominal), data)
    units_2024, _ = accelerator_units(at_2024, plan_purchases(at_2024), data)
    assert units_2024 == pytest.approx(units_nominal * inflate, rel=1e-12)
    hours_nominal = rented_gpu_hours(nominal, plan_purchases(nominal), data)
    hours_2024 = rented_gpu_hours(at_2024, plan_purchases(at_2024), data)
    assert np.all(hours_nominal > 0)
    assert hours_2024 == pytest.approx(hours_nominal * inflate, rel=1e-12)


def test_the_plan_year_as_price_year_changes_nothing(model, data):
    plain = mt.trace(make_plan(), model, keep_draws=True)
    same = mt.trace(make_plan(price_year=2025), model, keep_draws=True)
    a, _ = accelerator_units(plain, plan_purchases(plain), data)
    b, _ = accelerator_units(same, plan_purchases(same), data)
    assert np.array_equal(a, b)
