"""Jobs and embodied CO2 meet the plan's money at the plan year's level, as chip prices and
market sizes do (tester finding h55): a plan at an earlier price year is restated before its
money meets pay per FTE (its currency's deflator) and the intensities per USD million of
revenue (the ledger's rule to USD of the plan year, AnalysisData.plan_money_nominal). Before,
EUR 20 bn at 2015 prices gave 22 % fewer jobs and less CO2 than the same EUR 25.75 bn at
2025 prices, while the compute and operational CO2 were restated."""

import numpy as np
import pytest
from analysis_plans import make_plan

import moneytrail as mt
from moneytrail.analysis.footprints import fx_factor, restated, usd_per_plan_unit
from moneytrail.analysis.jobs import AVERAGES, BASIS, FILINGS, footprint_draws, footprints_of

SPEND = {"spend": {"accelerators": 0.4, "facility": 0.3, "servers": 0.3}}


@pytest.fixture(scope="module")
def traces(model):
    nominal = mt.trace(make_plan(**SPEND), model, keep_draws=True)
    at_2015 = mt.trace(make_plan(**SPEND, price_year=2015), model, keep_draws=True)
    return nominal, at_2015


def test_jobs_and_co2_are_restated_from_the_price_year(traces, data):
    nominal, at_2015 = traces
    hicp = data.money.factor("EUR", 2015, "EUR", 2025)        # 128.75 / 100 in data 2.4
    usd = data.money.factor("EUR", 2015, "USD", 2025) / data.money.factor("EUR", 2025,
                                                                          "USD", 2025)
    assert hicp > 1.2 and usd > 1.2
    jobs_n, co2_n = footprints_of(nominal, data)
    jobs_p, co2_p = footprints_of(at_2015, data)
    # CO2 per USD million of revenue: the plan's money in USD of the plan year
    assert co2_n is not None and co2_p is not None
    assert co2_p.footprint.per_draw["total"][:, 0] == pytest.approx(
        co2_n.footprint.per_draw["total"][:, 0] * usd, rel=1e-9)
    # FTE on national pay: pay per FTE in the plan's money (HICP); on filings: employees per
    # USD million of revenue (USD of the plan year)
    basis = list(jobs_n.fte.labels[BASIS])
    avg, fil = basis.index(AVERAGES), basis.index(FILINGS)
    assert jobs_p.fte.per_draw[BASIS][:, avg] == pytest.approx(
        jobs_n.fte.per_draw[BASIS][:, avg] * hicp, rel=1e-9)
    assert jobs_p.fte.per_draw[BASIS][:, fil] == pytest.approx(
        jobs_n.fte.per_draw[BASIS][:, fil] * usd, rel=1e-9)


def test_per_million_figures_are_per_million_at_the_price_year(traces, data):
    nominal, at_2015 = traces
    draws_n, draws_p = footprint_draws(nominal, data), footprint_draws(at_2015, data)
    # the same budget at 2015 prices is more money: more jobs and CO2 per (2015) EUR million
    for name in ("jobs_per_eur_million", "co2_embodied_per_eur_million"):
        assert np.all(draws_p[name] > draws_n[name] * 1.2)
    assert draws_p["jobs_per_eur_million"] == pytest.approx(draws_p["jobs_fte"] / 1e3)


def test_the_plan_year_as_price_year_changes_nothing_bit_for_bit(model, data):
    plain = mt.trace(make_plan(**SPEND), model, keep_draws=True)
    same = mt.trace(make_plan(**SPEND, price_year=2025), model, keep_draws=True)
    assert restated(data.money, same.require_plan()) == 1.0
    assert usd_per_plan_unit(data.money, same.require_plan()) == \
        fx_factor(data.money, "EUR", 2025, "USD")
    a, b = footprint_draws(plain, data), footprint_draws(same, data)
    for name in a:
        assert np.array_equal(a[name], b[name])


def test_the_jobs_note_says_the_price_year_is_restated():
    from moneytrail.service.footprints import jobs_price_compare_note, jobs_price_note

    note = jobs_price_note("EUR", 2015, [2024], plan_year=2025)
    assert "not deflated to 2025, the plan year" in note
    assert "restated from 2015 to 2025 prices" in note
    assert "another currency or price year shows a few per cent" not in note
    assert "restated" not in jobs_price_note("EUR", 2025, [2024], plan_year=2025)
    both = jobs_price_compare_note(["a", "b"], ["EUR", "EUR"], [2015, 2025], "EUR")
    assert "different currencies or price years show a few per cent" not in both
    assert "restated to its plan year's prices" in both
