"""A plan that buys electricity in its budget: that power covers part of its hardware's use,
so the lifecycle adds only the rest to TCO and no MWh is counted twice in CO2
(docs/methods.md, 'Lifecycle cost and TCO': "The plan's own electricity")."""

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.analysis.jobs import footprint_draws, footprints_of
from moneytrail.analysis.lifecycle import (
    PRICE,
    embodied_co2,
    energy,
    lifecycle,
    lifecycle_draws,
)
from moneytrail.analysis.purchases import plan_purchases
from moneytrail.analysis.site import price_per_kwh, site_row
from moneytrail.analysis.stats import Stream

DRAWS, SEED = 400, 7
BUDGET = 5e9


def plan_of(spend, amount=BUDGET):
    """The researcher tester's plan: USD 5 bn, 10 % electricity, sited in Germany; the rest
    hardware and a building (no horizon or years of spending: 5 and 5)."""
    return mt.parse_scenario({"id": "tester-electricity", "title": "tester", "year": 2025,
                              "currency": "USD", "buyer_region": "EU", "site_country": "DE",
                              "budget": {"amount": amount}, "spend": spend}, source="t.yaml")


TESTER = {"accelerators": 0.6, "servers": 0.15, "facility": 0.15, "electricity": 0.1}


@pytest.fixture(scope="module")
def tester(model):
    return mt.trace(plan_of(TESTER), model, draws=DRAWS, seed=SEED, keep_draws=True,
                    outputs=True)


def by_hand(result, data):
    """The hardware's kWh, the lifecycle's price per kWh and the kWh the plan's own USD 0.5 bn
    of electricity covers, year by year: 5 years of spending over a 5-year horizon, so the
    hardware running is 1/5, 2/5, ... 5/5 of it and each year buys 1/5 of the electricity."""
    owned = energy(result, data, plan_purchases(result))["owned_kwh"]
    row = site_row(data["electricity_prices"], "DE", 2025, "electricity price")
    price = price_per_kwh(data, row, "USD", Stream(SEED, "lifecycle", (PRICE,)), DRAWS)
    bought = 0.1 * BUDGET / price
    per_year = owned / 3.0                     # runs 3 years on average: (5+4+3+2+1) / 5
    covered = sum(np.minimum(bought / 5, per_year * k / 5) for k in range(1, 6))
    return owned, price, bought, covered


def test_tco_adds_only_the_electricity_the_budget_does_not_buy(tester, data):
    owned, price, _, covered = by_hand(tester, data)
    draws = lifecycle_draws(tester, data)
    assert np.all(covered > 0)
    assert draws["electricity_cost"] == pytest.approx((owned - covered) * price, rel=1e-9, abs=1.0)
    assert draws["tco"] == pytest.approx(
        BUDGET + owned * price - covered * price - draws["residual_value"], rel=1e-9, abs=1.0)
    # the energy the hardware uses is still all of it
    assert draws["energy_mwh"] == pytest.approx(owned / 1000.0, rel=1e-12)


def test_co2_counts_the_covered_mwh_once(tester, model, data):
    owned, _, bought, covered = by_hand(tester, data)
    draws = lifecycle_draws(tester, data)
    grid = float(site_row(data["grid"], "DE", 2025, "grid intensity")["gco2_per_kwh"])
    # operational CO2: every kWh the hardware uses, at the site's grid, once
    assert draws["co2_tonnes"] == pytest.approx(owned * grid / 1e6, rel=1e-9)
    # the CO2 of the plan's own USD 0.5 bn of electricity at its first invoice (the power's
    # generation, its supplier's scope 1+2): the first tier of a plan buying only that, with
    # the same seed and draws (the same intensity draws)
    alone = mt.trace(plan_of({"electricity": 1.0}, 0.1 * BUDGET), model, draws=DRAWS,
                     seed=SEED, keep_draws=True, outputs=True)
    first_invoice = footprints_of(alone, data)[1].footprint.per_draw["tier"][:, 0]
    supply_chain = footprint_draws(tester, data)["co2_embodied_tonnes"]
    expected = supply_chain - covered / bought * first_invoice
    table = lifecycle(tester, data)              # the rows readers see: means add up
    assert table.loc["co2_embodied_tonnes", "mean"] == pytest.approx(expected.mean(), rel=1e-9)
    assert table.loc["co2_tonnes", "mean"] == pytest.approx((owned * grid / 1e6).mean(),
                                                            rel=1e-9)
    found = embodied_co2(tester, data, draws["co2_tonnes"], supply_chain, draws)
    assert found["co2_embodied_tonnes"] == pytest.approx(expected, rel=1e-9)
    total = found["co2_embodied_tonnes"] + draws["co2_tonnes"]
    assert total == pytest.approx(supply_chain + owned * grid / 1e6
                                  - covered / bought * first_invoice, rel=1e-9)
    assert found["co2_embodied_share"] == pytest.approx(expected / total, rel=1e-9)
    assert np.all(total < supply_chain + draws["co2_tonnes"])


def test_electricity_without_hardware_stays_as_before(model, data):
    plan = plan_of({"electricity": 0.5, "staff": 0.5}, 1e9)
    result = mt.trace(plan, model, draws=DRAWS, seed=SEED, keep_draws=True, outputs=True)
    draws = lifecycle_draws(result, data)
    assert np.all(draws["own_electricity_covered_mwh"] == 0)
    assert np.all(draws["electricity_cost"] == 0)
    assert np.all(draws["tco"] == 1e9)
    supply_chain = footprint_draws(result, data)["co2_embodied_tonnes"]
    found = embodied_co2(result, data, draws["co2_tonnes"], supply_chain, draws)
    assert np.array_equal(found["co2_embodied_tonnes"], supply_chain)


def test_reference_plans_buy_no_electricity(reference, data):
    """The reference plans have no electricity category: nothing is covered, so their
    lifecycle and CO2 are the old formulas, bit for bit."""
    for result in reference.values():
        assert "electricity" not in result.require_plan().spend
        draws = lifecycle_draws(result, data)
        assert np.all(draws["own_electricity_covered_mwh"] == 0)
        found = embodied_co2(result, data, draws["co2_tonnes"], None, draws)
        assert found == {} or np.array_equal(
            found["co2_embodied_tonnes"], footprint_draws(result, data)["co2_embodied_tonnes"])


def test_the_lifecycle_note_says_what_the_plans_own_electricity_covers(workspace):
    from moneytrail.service import tasks

    run = tasks.trace_plan(workspace, plan_of(TESTER), draws=200, seed=SEED, store=None)
    table = run.tables["lifecycle"]
    assert "The plan's own electricity purchases (USD 500 m, " in table.note
    assert " MWh its hardware uses over the horizon" in table.note
    frame = run.table("lifecycle")
    assert "Less the electricity the plan's own electricity category buys" in \
        frame.loc["electricity_cost", "counts"]
    # a plan without an electricity category reads as before
    other = tasks.trace_plan(workspace, plan_of({"accelerators": 0.9, "facility": 0.1}),
                             draws=200, seed=SEED, store=None)
    assert "own electricity" not in other.tables["lifecycle"].note
    assert "own electricity" not in " ".join(other.table("lifecycle")["counts"])
