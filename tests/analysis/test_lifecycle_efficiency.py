"""Lifecycle and efficiency: values follow the sourced parameters."""

import numpy as np
import pytest

import moneytrail as mt
from conftest import make_plan
from moneytrail.analysis.efficiency import capability_compute, reference_flops, training_runs
from moneytrail.analysis.lifecycle import lifecycle, lifecycle_draws
from moneytrail.analysis.purchases import plan_purchases
from moneytrail.analysis.stats import rng_for


def test_purchases_reproduce_the_trace(reference):
    for result in reference.values():
        purchases = plan_purchases(result)
        assert purchases.by_category().sum(axis=1).to_numpy() == pytest.approx(result.total)


def test_lifecycle_residual_value_and_energy(model, data):
    result = mt.trace(make_plan(horizon_years=3, site_country="FR"), model)
    draws = lifecycle_draws(result, data)
    assert np.median(draws["residual_value_share"]) == pytest.approx(0.72 ** 3, rel=0.1)
    assert np.all(draws["co2_tonnes"] > 0)
    # France's grid (44 g/kWh in 2024) against Poland's (615 g/kWh): same energy, 14x the CO2
    poland = lifecycle_draws(mt.trace(make_plan(horizon_years=3, site_country="PL"), model),
                             data)
    assert poland["energy_mwh"] == pytest.approx(draws["energy_mwh"])
    assert poland["co2_tonnes"] / draws["co2_tonnes"] == pytest.approx(614.98 / 44.18)
    table = lifecycle(result, data)
    assert table.loc["tco", "p50"] < result.total + table.loc["electricity_cost", "p95"]


def test_capability_compute_follows_the_trend(data):
    runs = training_runs(data)
    assert reference_flops(data) == 989e12      # H100 SXM dense BF16 peak, as in the table
    now = capability_compute(data, "gpt4", 2023, rng_for(1, 0), 2000)
    later = capability_compute(data, "gpt4", 2025, rng_for(1, 0), 2000)
    assert np.median(later) < np.median(now) / 4            # two years at ~8-month halving
    assert np.median(now) < runs.loc["gpt4", "flop_high"]
