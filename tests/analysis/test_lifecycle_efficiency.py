"""Lifecycle and efficiency: values follow the sourced parameters."""

import numpy as np
import pytest
from analysis_plans import make_plan

import moneytrail as mt
from moneytrail.analysis.efficiency import capability_compute, reference_flops, training_runs
from moneytrail.analysis.lifecycle import lifecycle, lifecycle_draws
from moneytrail.analysis.purchases import plan_purchases
from moneytrail.analysis.stats import Stream


def test_purchases_reproduce_the_trace(reference):
    for result in reference.values():
        purchases = plan_purchases(result)
        assert purchases.by_category().sum(axis=1).to_numpy() == pytest.approx(result.total)


def test_lifecycle_residual_value_and_energy(model, data):
    # spend_years 1: all bought in year 0, so it runs the whole 3 years (spread over the
    # horizon, the default, later years' purchases run less: test_lifecycle_spend_years)
    result = mt.trace(make_plan(horizon_years=3, spend_years=1, site_country="FR"), model,
                      keep_draws=True)
    draws = lifecycle_draws(result, data)
    assert np.median(draws["residual_value_share"]) == pytest.approx(0.72 ** 3, rel=0.1)
    assert np.all(draws["co2_tonnes"] > 0)
    # France's grid (44 g/kWh in 2024) against Poland's (615 g/kWh): same energy, 14x the CO2
    poland = lifecycle_draws(mt.trace(make_plan(horizon_years=3, spend_years=1,
                                                site_country="PL"), model,
                                      keep_draws=True),
                             data)
    assert poland["energy_mwh"] == pytest.approx(draws["energy_mwh"])
    assert poland["co2_tonnes"] / draws["co2_tonnes"] == pytest.approx(614.98 / 44.18)
    table = lifecycle(result, data)
    assert table.loc["tco", "p50"] < result.total + table.loc["electricity_cost", "p95"]


def test_capability_compute_follows_the_trend(data):
    runs = training_runs(data)
    assert reference_flops(data) == 989e12      # H100 SXM dense BF16 peak, as in the table
    now = capability_compute(data, "gpt4", 2023, Stream(1, "efficiency"), 2000)
    later = capability_compute(data, "gpt4", 2025, Stream(1, "efficiency"), 2000)
    assert np.median(later) < np.median(now) / 4            # two years at ~8-month halving
    assert np.median(now) < runs.loc["gpt4", "flop_high"]


def test_prices_are_read_in_their_own_currency_and_year(model, data):
    """M7/M8: a US price in USD/kWh is not converted to EUR and back; the data year shows."""
    plan = make_plan(currency="USD", buyer_region="US", site_country=None)
    result = mt.trace(plan, model, keep_draws=True)
    draws = lifecycle_draws(result, data)
    per_kwh = draws["electricity_cost"] / (draws["energy_mwh"] * 1000.0)
    assert np.median(per_kwh) == pytest.approx(0.0806, rel=0.03)     # EIA 2023, USD
    table = lifecycle(result, data)
    assert table.loc["electricity_cost", "data_year"] == 2023      # nearest year to 2025
    assert table.loc["co2_tonnes", "data_year"] == 2024
    eu = lifecycle(mt.trace(make_plan(site_country="FR"), model, keep_draws=True), data)
    assert eu.loc["electricity_cost", "data_year"] == 2024


def test_rented_compute_uses_energy_too(reference, data):
    """An efficiency-first plan rents its compute: its CO2 is not 0, and labelled rented."""
    from moneytrail.analysis.efficiency import efficiency_draws

    result = reference["efficiency-first-eu"]
    draws = lifecycle_draws(result, data)
    assert np.all(draws["co2_tonnes"] > 0)
    assert draws["co2_tonnes_rented"] == pytest.approx(draws["co2_tonnes"])
    assert np.all(draws["electricity_cost"] == 0)          # in the rent, not the plan's bill
    eff = efficiency_draws(result, data)
    assert eff["compute_flop_rented"] == pytest.approx(eff["compute_flop"])


def test_one_year_length_and_one_reference_chip(data):
    """M7: lifecycle and efficiency share the hours of a year and read the chip from the data."""
    from moneytrail.analysis import efficiency, hardware
    from moneytrail.analysis import lifecycle as lc

    assert hardware.HOURS_PER_YEAR == 365.25 * 24
    assert not hasattr(lc, "HOURS_PER_YEAR") or lc.HOURS_PER_YEAR == hardware.HOURS_PER_YEAR
    assert not hasattr(efficiency, "SECONDS_PER_YEAR")
    b200 = data["accelerators"].set_index("id").loc["b200"]
    assert hardware.kw_per_unit(b200, data) == pytest.approx(1.0 / 2250 * 989)


def test_a_data_gap_fails_only_the_metric_that_needs_it(model, data):
    """M5: no renewable share for a German site breaks only a renewable condition, with the
    scenario file and field in the message."""
    from moneytrail.analysis.conditions import check_conditions
    from moneytrail.analysis.metrics import Evaluation
    from moneytrail.errors import ScenarioError
    from moneytrail.scenarios.schema import Condition

    tables = {**data.tables, "grid": data["grid"][data["grid"]["country"] != "DE"]}
    gap = type(data)(package=data.package, sources=data.sources, tables=tables,
                     money=data.money)
    result = mt.trace(make_plan(site_country="DE"), model, keep_draws=True)
    evaluation = Evaluation.of(result, gap)
    table = check_conditions(evaluation, [Condition(metric="labour_share", min=0.0)])
    assert table["verdict"].iloc[0] == "met"
    with pytest.raises(ScenarioError) as exc:
        check_conditions(evaluation, [Condition(metric="labour_share", min=0.0),
                                      Condition(metric="co2_tonnes", max=1e9)])
    message = str(exc.value)
    assert "test.yaml" in message and "site_country" in message and "conditions.1" in message


def test_efficiency_rows_declare_their_units(reference, data):
    """The efficiency table had no units: FLOP printed as 29 written-out digits and the cost
    per capability as a bare number. Each row names its unit, as the lifecycle rows do."""
    from moneytrail.analysis.efficiency import efficiency

    table = efficiency(reference["efficiency-first-eu"], data)
    assert table.loc["compute_flop", "unit"] == "FLOP"
    assert table.loc["eur_per_capability", "unit"] == "EUR"
    assert list(table.columns[:2]) == ["unit", "mean"]
