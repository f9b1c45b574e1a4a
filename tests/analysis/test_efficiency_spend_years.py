"""Efficiency counts owned compute as the lifecycle does: what year k of the plan's spending
buys (a share 1 / spend_years of the hardware) is available from year k to the end of the
horizon, not over the whole horizon; rented compute is the hours the cloud spending rents,
whenever it is spent (docs/methods.md, 'Lifecycle and efficiency')."""

import numpy as np
import pytest
from analysis_plans import make_plan

import moneytrail as mt
from moneytrail.analysis.efficiency import efficiency_draws

# a plan that owns and rents compute: 70 % accelerators, 30 % cloud compute, 6-year horizon
SPEND = {"accelerators": 0.7, "cloud_compute": 0.3}


def draws_for(model, data, spend_years):
    plan = make_plan(horizon_years=6, spend_years=spend_years, spend=SPEND)
    return efficiency_draws(mt.trace(plan, model, keep_draws=True), data)


def owned(draws):
    return draws["compute_flop"] - draws["compute_flop_rented"]


def test_four_years_of_spending_own_less_compute_by_the_schedule(model, data):
    """Over 4 years of a 6-year horizon a quarter of the hardware is bought at the start of
    each of years 0, 1, 2, 3 and runs 6, 5, 4, 3 years: (6 + 5 + 4 + 3) / 4 = 4.5 years on
    average, so 4.5 / 6 = 0.75 of the accelerator-hours of buying it all in year 0 (the same
    draws of every parameter). The rented hours are what the money rents, whenever it is
    spent: the same. Before, efficiency counted every accelerator over all 6 years."""
    once = draws_for(model, data, 1)
    four = draws_for(model, data, 4)
    by_hand = (6 + 5 + 4 + 3) / 4 / 6
    assert by_hand == 0.75
    assert np.all(owned(four) < owned(once))
    assert owned(four) == pytest.approx(owned(once) * by_hand, rel=1e-12)
    assert four["compute_flop_rented"] == pytest.approx(once["compute_flop_rented"], rel=1e-12)
    assert np.all(four["compute_flop_rented"] > 0)
    # fewer runs for the same budget: a higher budget per training run
    assert np.all(four["gpt4_level_capabilities"] < once["gpt4_level_capabilities"])
    assert np.all(four["eur_per_capability"] > once["eur_per_capability"])


def test_all_owned_plan_scales_its_runs_by_the_schedule(model, data):
    """A plan that owns all its compute: its training runs scale by the same 0.75 and its
    budget per run by 1 / 0.75."""
    def run(spend_years):
        plan = make_plan(horizon_years=6, spend_years=spend_years)
        return efficiency_draws(mt.trace(plan, model, keep_draws=True), data)

    once, four = run(1), run(4)
    assert four["compute_flop"] == pytest.approx(once["compute_flop"] * 0.75, rel=1e-12)
    assert four["gpt4_level_capabilities"] == pytest.approx(
        once["gpt4_level_capabilities"] * 0.75, rel=1e-12)
    assert four["eur_per_capability"] == pytest.approx(once["eur_per_capability"] / 0.75,
                                                       rel=1e-12)


def test_spending_in_one_year_keeps_the_old_figures(model, data):
    """spend_years 1: everything is bought in year 0 and available over the whole horizon, as
    every accelerator was counted before (same plan, 300 draws, seed 3). The rented compute is
    that of code 0.5.6; the owned compute counts the plan's chip mix since data 'next' (AMD's
    share at the MI300X, test_efficiency_chip_mix.py): code 0.5.6 had a mean compute of
    2.836454583304101e+27 FLOP and a mean EUR per capability of 1,195,273.25."""
    once = draws_for(model, data, 1)
    assert np.mean(once["compute_flop"]) == pytest.approx(2.861834786622676e+27, rel=1e-9)
    assert np.median(once["compute_flop"]) == pytest.approx(2.8729175854409853e+27, rel=1e-9)
    assert np.mean(once["compute_flop_rented"]) == pytest.approx(1.9462369999957606e+26,
                                                                 rel=1e-9)
    assert np.mean(once["runs_of_gpt4_original_compute"]) == pytest.approx(
        153.01102057722426, rel=1e-9)
    assert np.mean(once["gpt4_level_capabilities"]) == pytest.approx(2468.1474838368363,
                                                                     rel=1e-9)
    assert np.mean(once["eur_per_capability"]) == pytest.approx(1182249.8498809293, rel=1e-9)
    assert np.median(once["eur_per_capability"]) == pytest.approx(971292.3016013306, rel=1e-9)


def test_the_note_says_when_the_owned_compute_counts(model, data):
    from moneytrail.analysis.efficiency import efficiency

    def note(**overrides):
        plan = make_plan(horizon_years=6, **overrides)
        return efficiency(mt.trace(plan, model, draws=20, seed=1, keep_draws=True),
                          data).attrs["note"]

    assert ("Owned compute: bought evenly over 4 years, each year's purchases count from the "
            "year they are bought to the end of the 6-year horizon, 4.5 years on average"
            in note(spend_years=4, spend=SPEND))
    assert ("Owned compute: all bought in the first year, it counts over the whole 6-year "
            "horizon" in note(spend_years=1))
    assert "Rented compute counts the hours the cloud spending rents." in note(spend_years=1)
    assert "Owned compute" not in note(spend={"cloud_compute": 1.0})   # it owns none
