"""Economic profit (rent) in the trace: a hand-computed two-firm example, conservation per
draw, markups, and rent shares that HHI cannot see."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import moneytrail as mt
from moneytrail.analysis.data import load_analysis
from moneytrail.analysis.market_power import (
    checked_capital,
    dominant_rent_share,
    markup_draws,
    rent_recipients,
    rent_table,
    split_rents,
    unsplit_firms,
    unsplit_note,
)
from moneytrail.engine.output import entity_output
from moneytrail.errors import DataPackageError
from moneytrail.scenarios.schema import Plan
from packages import miller_blair_plan, miller_blair_tables, write_package

COLUMNS = ["entity", "year", "measure", "low", "central", "high", "unit", "sources",
           "reliability", "note"]


def capital_rows(rows: list[tuple], spread: float = 0.0) -> pd.DataFrame:
    """(entity, measure, central) rows as a capital table (strings, as read from CSV)."""
    out = []
    for entity, measure, central in rows:
        low, high = central * (1 - spread), central * (1 + spread)
        if measure in ("income_tax_rate", "cost_of_capital", "gross_margin", "product_margin"):
            high = min(high, 1.0)
        out.append({"entity": entity, "year": "2025", "measure": measure, "low": str(low),
                    "central": str(central), "high": str(high), "unit": "",
                    "sources": "mb", "reliability": "assumption", "note": "test"})
    return checked_capital(pd.DataFrame(out, columns=COLUMNS), "capital.csv")


# The two-firm example (Miller & Blair's two sectors, here as firms): final demand (350,
# 1700), output x = (1000, 2000).
# agriculture: revenue 1000, operating profit 280, tax 25 % -> NOPAT 210 (its capital value
#   added in the trace is 0.20 x 1000 = 200), invested capital 1250, WACC 8 %
#   -> normal return 0.08 x 1250 / 1000 x 1000 = 100, rent 200 - 100 = 100.
# manufacturing: revenue 2000, operating profit 800, tax 25 % -> NOPAT 600 = capital value
#   added 0.30 x 2000, invested capital 3000, WACC 10 % -> normal 300, rent 300.
# Rent share of the plan: (100 + 300) / 2050 = 0.19512195...
TWO_FIRMS = [
    ("agriculture", "revenue", 1000.0), ("agriculture", "operating_income", 280.0),
    ("agriculture", "income_tax_rate", 0.25), ("agriculture", "invested_capital", 1250.0),
    ("agriculture", "cost_of_capital", 0.08),
    ("manufacturing", "revenue", 2000.0), ("manufacturing", "operating_income", 800.0),
    ("manufacturing", "income_tax_rate", 0.25), ("manufacturing", "invested_capital", 3000.0),
    ("manufacturing", "cost_of_capital", 0.10), ("manufacturing", "rd_expense", 150.0),
    ("manufacturing", "gross_margin", 0.6), ("agriculture", "product_margin", 0.9),
]


SPEND = {"food": 350 / 2050, "goods": 1700 / 2050}     # final demand (350, 1700)


@pytest.fixture(scope="module")
def data():
    return load_analysis()


def two_firms(spread: float = 0.0) -> dict:
    """Miller & Blair's two sectors as two firms."""
    tables = miller_blair_tables(spread=spread)
    tables["entities"][0]["kind"] = "firm"
    return tables


@pytest.fixture(scope="module")
def uncertain_model(tmp_path_factory):
    root = write_package(tmp_path_factory.mktemp("mbu"), two_firms(spread=0.05))
    return mt.load_model(2025, path=root)


@functools.cache
def ANALYSIS():       # noqa: N802  (one analysis data set for the property test's examples)
    return load_analysis()


@pytest.fixture
def mb_result(tmp_path):
    root = write_package(tmp_path / "mb", two_firms())
    plan = Plan.model_validate(miller_blair_plan(draws=50, spend=SPEND))
    return mt.trace(plan, mt.load_model(2025, path=root), keep_draws=True)


def test_two_firm_rent_share_is_hand_computed(mb_result, data):
    split = split_rents(mb_result, data, capital_rows(TWO_FIRMS))
    assert np.allclose(entity_output(mb_result), [1000.0, 2000.0])
    rent, names = split.by_entity()
    assert dict(zip(names, np.median(rent, axis=0), strict=True)) == pytest.approx(
        {"agriculture": 100.0, "manufacturing": 300.0})
    assert np.allclose(split.share(), 400 / 2050)
    assert np.allclose(split.normal.sum(axis=1), 400.0)
    table = rent_table(split)
    assert table.loc[("total", "economic profit (rent)"), "share_p50"] == pytest.approx(
        400 / 2050)
    assert table.loc[("owner_country", "US"), "share_p50"] == pytest.approx(300 / 2050)


def test_recipients_compare_the_rent_with_the_firms_profit_and_rd(mb_result, data):
    split = split_rents(mb_result, data, capital_rows(TWO_FIRMS))
    table = rent_recipients(split, data)
    assert list(table.index) == ["manufacturing", "agriculture"]
    usd_million = float(data.convert(1.0, "EUR", "USD", 2025)) / 1e6
    years = mb_result.plan.horizon_years if mb_result.plan.spend_years is None else \
        mb_result.plan.spend_years
    annual = 300 * usd_million / years
    # manufacturing's own economic profit: 800 x 0.75 - 0.10 x 3000 = 300 (USD million)
    assert table.loc["manufacturing", "of_economic_profit_p50"] == pytest.approx(annual / 300)
    assert table.loc["manufacturing", "of_rd_p50"] == pytest.approx(annual / 150)
    assert np.isnan(table.loc["agriculture", "of_rd_p50"])        # no R&D figure: not shown
    assert table.loc["manufacturing", "sources"] == "mb"


def test_rent_as_a_share_of_a_profit_that_is_rarely_positive_is_not_shown(mb_result, data):
    """Manufacturing with operating profit 400: NOPAT 400 x 0.75 = 300 = WACC 0.10 x invested
    capital 3000, so its own economic profit is about 0 and positive in about half the draws
    (inputs +-20 %): no ratio (Broadcom's 199 % came from 1 draw in 2000). With 800 it is
    positive in every draw and shown."""
    rows = [(e, m, 400.0 if (e, m) == ("manufacturing", "operating_income") else v)
            for e, m, v in TWO_FIRMS]
    table = rent_recipients(split_rents(mb_result, data, capital_rows(rows, 0.2)), data)
    assert np.isnan(table.loc["manufacturing", "of_economic_profit_p50"])
    table = rent_recipients(split_rents(mb_result, data, capital_rows(TWO_FIRMS, 0.2)), data)
    assert table.loc["manufacturing", "of_economic_profit_p50"] > 0


def test_markup_is_purchases_times_gross_margin(mb_result, data):
    amounts, rows = markup_draws(mb_result, data, capital=capital_rows(TWO_FIRMS))
    goods = (rows["supplier"] == "manufacturing").to_numpy()
    assert np.allclose(amounts[:, goods].sum(axis=1), 0.6 * 1700.0)
    assert np.allclose(amounts[:, ~goods], 0.0)        # no margin sourced for agriculture


def test_an_entity_without_data_stays_unsplit(mb_result, data):
    split = split_rents(mb_result, data, capital_rows(TWO_FIRMS[5:]))
    assert np.allclose(split.unsplit.sum(axis=1), 200.0)
    assert split.basis.loc["agriculture", "method"] == "not split (no data)"


def test_the_output_names_the_firms_left_unsplit_and_their_share(mb_result, data):
    """Agriculture has no data: its capital value added (200 of the plan's 200 + 600) is 25 %
    of the capital value added and 200 / 2050 of the spending, and the note says so."""
    split = split_rents(mb_result, data, capital_rows(TWO_FIRMS[5:]))
    table = unsplit_firms(split)
    assert list(table.index) == ["agriculture"]
    assert table.loc["agriculture", "share_of_capital"] == pytest.approx(0.25)
    assert table.loc["agriculture", "share_of_spending"] == pytest.approx(200 / 2050)
    note = unsplit_note(split)
    assert "agriculture 25.0 %" in note and "25.0 % in all" in note and "lower bound" in note
    full = split_rents(mb_result, data, capital_rows(TWO_FIRMS))
    assert unsplit_firms(full).empty and unsplit_note(full) == ""


def test_aggregate_sectors_stay_unsplit_unless_asked(tmp_path, data):
    """An aggregate sector's capital value added is gross operating surplus (depreciation
    included): by default it is not split; sectors=True splits it like a firm."""
    root = write_package(tmp_path / "mbs", miller_blair_tables())   # agriculture: a sector
    plan = Plan.model_validate(miller_blair_plan(draws=20, spend=SPEND))
    result = mt.trace(plan, mt.load_model(2025, path=root), keep_draws=True)
    default = split_rents(result, data, capital_rows(TWO_FIRMS))
    assert np.allclose(default.unsplit.sum(axis=1), 200.0)
    assert default.basis.loc["agriculture", "method"].startswith("not split (aggregate")
    assert np.allclose(default.share(), 300 / 2050)
    both = split_rents(result, data, capital_rows(TWO_FIRMS), sectors=True)
    assert np.allclose(both.share(), 400 / 2050)


def test_roic_benchmark_splits_a_sector(mb_result, data):
    rows = TWO_FIRMS[5:] + [("agriculture", "cost_of_capital", 0.08),
                            ("agriculture", "roic", 0.16)]
    split = split_rents(mb_result, data, capital_rows(rows))
    rent, names = split.by_entity()
    assert np.allclose(rent[:, names.index("agriculture")], 100.0)   # 200 x (1 - 0.08/0.16)


def test_negative_rent_is_an_economic_loss(mb_result, data):
    rows = [r if r[1] != "invested_capital" or r[0] != "manufacturing"
            else ("manufacturing", "invested_capital", 9000.0) for r in TWO_FIRMS]
    split = split_rents(mb_result, data, capital_rows(rows))
    rent, names = split.by_entity()
    assert np.allclose(rent[:, names.index("manufacturing")], 600.0 - 900.0)
    assert np.allclose(split.share(), (100 - 300) / 2050)


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**31), spread=st.floats(0.0, 0.5))
def test_split_conserves_value_added_in_every_draw(seed, spread, uncertain_model):
    plan = Plan.model_validate(miller_blair_plan(draws=120, seed=seed))
    result = mt.trace(plan, uncertain_model, keep_draws=True)
    split = split_rents(result, ANALYSIS(), capital_rows(TWO_FIRMS, spread=spread))
    labels = result.flow_labels
    capital = (labels["factor"] == "capital").to_numpy()
    parts = split.normal + split.rent + split.unsplit
    assert np.allclose(parts[:, capital], result.flows[:, capital])
    assert np.allclose(parts[:, ~capital], 0.0)
    other = result.flows[:, ~capital].sum(axis=1)
    assert np.allclose(other + parts.sum(axis=1), result.draw_totals)
    assert np.allclose(result.draw_totals, plan.total)
    # output recovered from the trace's own draws solves x = f + A x
    x = entity_output(result)
    assert np.all(x >= result.demand - 1e-9)


def test_dominant_rent_share_counts_only_positive_rents(mb_result, data):
    split = split_rents(mb_result, data, capital_rows(TWO_FIRMS))
    share = dominant_rent_share(mb_result, data, threshold=0.5, split=split)
    # both firms hold 100 % of their market: all the rent goes to dominant firms
    assert np.allclose(share, 1.0)


def test_bad_capital_rows_name_file_line_and_field():
    frame = pd.DataFrame([{"entity": "x", "year": "2025", "measure": "wacc", "low": "0.1",
                           "central": "0.1", "high": "0.1", "unit": "", "sources": "s",
                           "reliability": "estimate", "note": ""}], columns=COLUMNS)
    with pytest.raises(DataPackageError, match=r"capital.csv:2.*measure.*wacc"):
        checked_capital(frame, "capital.csv")
    frame.loc[0, "measure"] = "cost_of_capital"
    frame.loc[0, "high"] = "1.5"
    with pytest.raises(DataPackageError, match="low <= central <= high|share"):
        checked_capital(frame.assign(central="0.2"), "capital.csv")


def test_invested_capital_per_revenue_is_preferred(mb_result, data):
    """The data's own ratio (no FX between the two figures) wins over revenue and capital."""
    rows = TWO_FIRMS + [("manufacturing", "invested_capital_per_revenue", 2.0)]
    split = split_rents(mb_result, data, capital_rows(rows))
    rent, names = split.by_entity()
    assert np.allclose(rent[:, names.index("manufacturing")], 600.0 - 0.10 * 2.0 * 2000.0)
    assert split.basis.loc["manufacturing", "method"] == "wacc x invested capital per revenue"


def test_capital_rows_must_cite_known_sources():
    frame = capital_rows(TWO_FIRMS[:1]).astype(str)
    with pytest.raises(DataPackageError, match="value 'mb'.*unknown source id"):
        checked_capital(frame, "capital.csv", {"other"})
