"""One unit formatter for the terminal, the briefing and the web (report.units): the same
value prints the same everywhere, without scientific notation, CO2 and FTE in one style."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

from moneytrail.report import terminal, units
from moneytrail.report.briefing import text
from moneytrail.service.result import Table
from moneytrail.web import format as web_format

UNITS = ("share", "probability", "points", "t CO2e", "FTE", "USD", "EUR",
         "FTE per USD million", "t CO2e per EUR million", "number")
SCIENTIFIC = re.compile(r"\de[+-]?\d", re.IGNORECASE)


def test_terminal_briefing_and_web_share_one_formatter():
    assert terminal.in_unit is units.in_unit
    assert text.in_unit is units.in_unit
    for unit in UNITS:
        assert web_format.in_unit(1234.5, unit) == units.in_unit(1234.5, unit)


@pytest.mark.parametrize("unit", UNITS)
def test_no_scientific_notation_and_one_missing_dash(unit):
    from moneytrail.scenarios.schema import MAX_BUDGET

    magnitudes = [0.0] + [sign * 10.0 ** k * m for k in range(-4, 30) for m in (1.0, 3.7)
                          for sign in (1, -1)]
    for value in magnitudes:
        out = units.in_unit(value, unit)
        # money beyond any budget a plan may hold (1e17) is written short, '1e+300' (h107)
        beyond = units.beyond_budgets(value) if unit in ("USD", "EUR") else None
        if beyond is not None:
            assert abs(value) > MAX_BUDGET and out == f"{unit} {beyond}", (value, unit, out)
            continue
        assert not SCIENTIFIC.search(out), (value, unit, out)
        ends = units.interval_text(value, 2 * value, unit, like=value)
        if unit in ("USD", "EUR") and abs(2 * value) > MAX_BUDGET:    # both ends short (h113)
            assert ends == f"{unit} {value:.3g}–{2 * value:.3g}", (value, unit, ends)
            continue
        assert not SCIENTIFIC.search(ends), (value, unit, ends)
    for missing in (None, float("nan"), float("inf"), "n/a"):
        assert units.in_unit(missing, unit) == "–"


@pytest.mark.parametrize(("tonnes", "printed"), [
    (3_640_000, "3.64 Mt CO2e"), (578_500, "578.5 kt CO2e"), (764.2, "764 t CO2e"),
    (0.0, "0 t CO2e")])
def test_co2_prints_in_tonnes_kilotonnes_or_megatonnes_with_its_gas(tonnes, printed):
    assert units.in_unit(tonnes, "t CO2e") == printed


@pytest.mark.parametrize(("fte", "printed"), [
    (812, "812 FTE"), (77_400, "77.4 k FTE"), (1_313_000, "1.31 m FTE")])
def test_jobs_print_as_a_head_count_of_fte(fte, printed):
    assert units.in_unit(fte, "FTE") == printed


def test_per_million_names_the_currency_it_is_per():
    assert units.in_unit(13.2, "FTE per USD million") == "13.2 FTE per USD m"
    assert units.interval_text(9.5, 32.4, "FTE per USD million") == "9.5–32.4 FTE per USD m"
    assert units.in_unit(109.4, "t CO2e per EUR million") == "109.4 t CO2e per EUR m"


def test_interval_ends_take_the_scale_of_their_median():
    assert units.median_interval(3.63e6, 2.47e6, 5.39e6, "t CO2e") == \
        "3.63 Mt CO2e (2.47–5.39 Mt CO2e)"
    assert units.median_interval(578_500, 232_000, 1_082_200, "t CO2e") == \
        "578.5 kt CO2e (232.0–1,082.2 kt CO2e)"
    assert units.median_interval(189_500, 154_500, 228_200, "FTE") == \
        "189.5 k FTE (154.5–228.2 k FTE)"
    assert units.median_interval(0.592, 0.558, 0.626, "share") == "59.2 % (55.8–62.6 %)"
    assert units.median_interval(None, 1, 2, "FTE") == "n/a"


def test_briefing_interval_is_the_shared_one():
    assert text.interval(0.265, 0.361) == "26.5–36.1 %"
    assert text.interval(2.47e6, 5.41e6, "t CO2e") == "2.47–5.41 Mt CO2e"


def render(table) -> str:
    console = Console(width=160, record=True)
    console.print(terminal.rich_table(table))
    return console.export_text()


def test_breakdown_prints_its_note_saying_what_is_not_counted():
    frame = pd.DataFrame({"amount_mean": [2.0e9], "share_p50": [0.5], "share_p5": [0.4],
                          "share_p95": [0.6], "jobs_fte_p50": [np.nan],
                          "jobs_fte_p5": [np.nan], "jobs_fte_p95": [np.nan]},
                         index=pd.Index(["TW"], name="country"))
    table = Table.from_frame("country", frame, title="Value added by country", currency="USD",
                             units={f"jobs_fte_{s}": "FTE" for s in ("p50", "p5", "p95")},
                             note="Jobs cover 96.5% of the plan's labour value added; not "
                                  "counted: tsmc (TW: no FX rate for TWD).")
    out = render(table)
    assert "not counted: tsmc (TW: no FX rate for TWD)" in " ".join(out.split())
    assert "n/a" in out


def test_a_measures_table_prints_each_row_in_its_own_unit():
    frame = pd.DataFrame({"unit": ["FTE", "FTE per USD million"],
                          "amount_mean": [1.3e6, 13.1], "amount_p5": [9.5e5, 9.5],
                          "amount_p50": [1.313e6, 13.2], "amount_p95": [3.24e6, 32.4]},
                         index=pd.Index(["jobs (FTE), all", "jobs (FTE) per USD million spent"],
                                        name="measure"))
    table = Table.from_frame("jobs", frame, title="Jobs",
                             units={"unit": "text", **{f"amount_{s}": "by row" for s in
                                                       ("mean", "p5", "p50", "p95")}})
    out = render(table)
    assert "1.31 m FTE (0.95–3.24 m FTE)" in out
    assert "13.2 FTE per USD m (9.5–32.4 FTE per USD m)" in out
    assert not SCIENTIFIC.search(out)


@pytest.mark.parametrize(("p50", "p5", "p95", "unit", "printed"), [
    (59.2e9, 55.8e9, 62.6e9, "USD", "USD 59.20 bn (USD 55.80–62.60 bn)"),
    (19.71e9, 16.14e9, 23.4e9, "USD", "USD 19.71 bn (USD 16.14–23.40 bn)"),
    (7.5e6, 812_000.0, 12.0e6, "EUR", "EUR 7.50 m (EUR 0.81–12.00 m)"),
    (640.0, 512.0, 800.0, "EUR", "EUR 640 (EUR 512–800)"),
])
def test_money_intervals_carry_the_currency_once(p50, p5, p95, unit, printed):
    """A fresh tester read "55.8 bn – 62.6 bn" with no currency; each end with its own
    currency is noisy: the currency and size word appear once, in the median's scale."""
    out = units.median_interval(p50, p5, p95, unit)
    assert out == printed
    assert out.count(unit) == 2          # the median's and the interval's, once each


def test_country_breakdown_reads_for_people_and_names_who_gets_nothing():
    """ROW and EU are not countries: said in words, with a footnote for the EU row; a country
    with nothing in any draw is not a row of zeros but named in the caption."""
    frame = pd.DataFrame({"amount_mean": [8.0e9, 4.0e9, 3.0e9, 0.0],
                          "share_p50": [0.4, 0.2, 0.15, 0.0], "share_p5": [0.35, 0.18, 0.1, 0.0],
                          "share_p95": [0.45, 0.22, 0.2, 0.0]},
                         index=pd.Index(["US", "ROW", "EU", "FI"], name="country"))
    table = Table.from_frame("country", frame, title="Value added by country", currency="EUR")
    out = " ".join(render(table).split())
    assert "Rest of the world" in out and "│ ROW" not in out
    assert "EU, not split by member state" in out and units.EU_FOOTNOTE in out
    assert "No money reaches: FI." in out and "│ FI" not in out and "│ 0.0 %" not in out
    other = Table.from_frame("entity", frame.rename_axis("entity"), title="By firm",
                             currency="EUR")
    assert "│ ROW" in render(other)        # only country tables translate codes


@pytest.mark.parametrize(("p50", "p5", "p95", "unit", "printed"), [
    (-0.051, -0.083, -0.016, "share", "-5.1 points (-8.3 – -1.6)"),
    (0.02, -0.004, 0.045, "share", "+2.0 points (-0.4 – +4.5)"),
    (27_600.0, -114_000.0, 211_600.0, "FTE", "+27.6 k FTE (-114.0 – +211.6 k FTE)"),
    (7_597.0, -662.0, 16_549.0, "FTE", "+7,597 FTE (-662 – +16,549 FTE)"),
    (1.2e9, -3e8, 2.1e9, "USD", "+USD 1.20 bn (-0.30 – +2.10 bn)"),
    (-5e5, -2e6, 1e5, "t CO2e", "-500.0 kt CO2e (-2,000.0 – +100.0 kt CO2e)"),
    (1.5, -0.2, 3.3, "FTE per EUR million", "+1.5 FTE per EUR m (-0.2 – +3.3 FTE per EUR m)"),
    (float("nan"), 0.0, 0.0, "FTE", "n/a"),
])
def test_changes_are_signed_in_every_unit(p50, p5, p95, unit, printed):
    """The procurement table's change column: a change in jobs read '27.6 k FTE (-114.0-211.6
    k FTE)' beside '+2.0 points (+0.6 - +3.4)' for shares; every change now carries its sign,
    the ends too, so a gain and a loss cannot be mistaken."""
    assert units.change_text(p50, p5, p95, unit) == printed


def test_hhi_point_intervals_name_the_unit_once():
    """The scorecard's HHI change read '+0 points (+0 points – +0 points)'."""
    assert units.median_interval(12.0, -3.0, 140.0, "points") == "+12 points (-3 – +140 points)"


VALUES = (0.0, 0.0004, 0.0037, 0.31234, 7.0, 812.0, 12_345.0, 4.4249e11, 1.466e12, -2.5e9,
          2.44e28, None, float("nan"))


def test_the_web_pages_format_through_report_units_only():
    """The web's filters and run-table cells are report.units: amounts, shares, plain numbers,
    ranges and cells by unit read the same on a page as in the terminal and the briefing."""
    from moneytrail.web.runs import cell_text

    for value in VALUES:
        assert web_format.money(value, "EUR") == units.money(value, "EUR")
        assert web_format.percent(value) == units.percent(value)
        assert web_format.number(value) == units.number(value)
        for unit in UNITS:
            assert cell_text(value, unit, "x") == units.in_unit(value, unit)
            assert web_format.interval(value, value, unit) in (
                units.interval_text(value, value, unit), "–")
    assert cell_text(2025, "", "price_year") == "2025" and cell_text(7, "", "seed") == "7"
    assert web_format.money_range(1.466e12, 1.494e12, "EUR") == "EUR 1.47–1.49 tn" \
        == units.interval_text(1.466e12, 1.494e12, "EUR")


@pytest.mark.parametrize(("low", "high", "printed"), [
    (1.466e12, 1.494e12, "EUR 1.47–1.49 tn"),
    (1.4661e12, 1.4669e12, "EUR 1.466–1.467 tn"),     # two decimals would print them alike
    (250_100.0, 8.3e6, "EUR 0.25–8.30 m"),
    (120.0, 980.0, "EUR 120–980")])
def test_a_money_range_names_the_currency_once_and_tells_its_ends_apart(low, high, printed):
    assert units.money_range(low, high, "EUR") == printed
    assert units.money_range(None, high, "EUR") == "–"


def test_an_amount_beside_a_range_takes_its_precision():
    assert units.money_in_range(1.4806e12, 1.466e12, 1.494e12, "EUR") == "EUR 1.48 tn"
    assert units.money_in_range(1.4667e12, 1.4661e12, 1.4669e12) == "1.467 tn"


def test_a_web_table_with_a_unit_column_formats_each_row_in_its_unit():
    """A lifecycle-style table (metric, unit, mean, p50): each row's numbers in the row's unit,
    as the terminal prints it ('3.71 Mt CO2e', 'EUR 12.43 bn', '20.0 %')."""
    from moneytrail.service.result import Column
    from moneytrail.web.runs import cell_text, row_unit

    table = Table(name="lifecycle", title="", index=(),
                  columns=(Column("metric", "text"), Column("unit", "text"), Column("p50", "")),
                  rows=(("co2_tonnes", "t CO2e", 3_710_000.0),
                        ("hardware_capex", "EUR", 12.43e9),
                        ("residual_value_share", "share", 0.2),
                        ("accelerators_h100e", "H100-equivalents", 586_884.0)))
    cells = [cell_text(row[2], row_unit(table, row, table.columns[2].unit), "p50")
             for row in table.rows]
    assert cells == ["3.71 Mt CO2e", "EUR 12.43 bn", "20.0 %", "586,884"]


def test_a_tiny_share_is_not_printed_as_zero():
    """A tester saw '0.00 % (0.00–0.00 %)' for EUR 222 k of a plan beside true zeros printed
    '0.0 % (0.0–0.0 %)'."""
    assert units.percent(1e-6) == "<0.001 %" and units.percent(-1e-6) == ">-0.001 %"
    assert units.percent(0.0) == "0.0 %" and units.percent(0.0001) == "0.010 %"
    # both ends below 0.001 %: said once, not '<0.001–<0.001 %' (a tester's finding)
    assert units.median_interval(2e-6, 1e-6, 4e-6, "share") == "<0.001 % (<0.001 %)"


def test_a_share_has_the_precision_of_the_amount_beside_it():
    """A journalist saw '1.2 %' beside 'EUR 250.00 m' on a plan page (storage: 1.25 % of EUR
    20 bn): the share lost a digit the amount kept, so a reader could not check one against
    the other. A share prints three significant digits, as an amount does ('EUR 250 m' at
    least), with at least one decimal and at most three."""
    assert units.percent(0.0125) == "1.25 %"                 # was '1.2 %'
    assert units.percent(0.00375) == "0.375 %"               # was '0.38 %' (EUR 75.0 m)
    assert units.percent(0.0002) == "0.020 %"
    assert units.percent(0.312) == "31.2 %" and units.percent(1.0) == "100.0 %"
    assert units.percent(0.09996) == "10.0 %" and units.percent(-0.0125) == "-1.25 %"
    assert units.interval_text(0.008, 0.02, "share") == "0.800–2.00 %"
    # a reader can recompute the amount from the share and the budget to the digits shown
    budget = 20e9
    for share in (0.0125, 0.0375, 0.00375, 0.39, 0.0008):
        shown = float(units.percent(share).removesuffix(" %")) / 100
        assert units.money(shown * budget, "EUR") == units.money(share * budget, "EUR")


def test_a_change_reads_with_missing_ends_and_in_hhi_points():
    """Review: change_text converted the ends before checking them (None raised TypeError) and
    printed a change of HHI points as a bare '+120.00'."""
    assert units.change_text(0.02, None, None, "share") == "+2.0 points"
    assert units.change_text(1500.0, None, float("nan"), "FTE") == "+1,500 FTE"
    assert units.change_text(120.0, -3.0, 300.0, "points") == "+120 points (-3 – +300 points)"


NEGATIVE_ZERO = re.compile(r"(?<![\d.,])-0(?:\.0+)?(?![\d.,])")


@pytest.mark.parametrize("unit", ["share", "points", "FTE", "t CO2e", "EUR", "probability",
                                  "FTE per EUR million"])
def test_no_negative_zero_in_any_unit(unit):
    """A zero reached from below (-0.0, or -1e-9 rounded away) prints without a minus:
    'HHI delta -0 (0 - 0)' read as a fall where nothing changed."""
    texts = [units.in_unit(-0.0, unit), units.in_unit(-1e-9, unit),
             units.median_interval(-0.0, -1e-9, 0.0, unit), units.number(-0.0),
             units.change_text(-1e-9, -1e-9, 0.0, unit)]
    for shown in texts:
        assert not NEGATIVE_ZERO.search(shown), shown
    assert NEGATIVE_ZERO.search("-0 (0 – 0)")         # the pattern finds what it was for


def test_stored_times_read_to_the_minute_in_utc():
    """One helper for every stored time the pages and the CLI show (the templates added
    ' UTC' by hand, the claims page cut str(datetime)[:16])."""
    import datetime as dt

    from moneytrail.report.units import stored_time

    want = "2026-12-01 06:06 UTC"
    assert stored_time("2026-12-01T06:06:08") == want
    assert stored_time("2026-12-01T06:06:08+00:00") == want
    assert stored_time("2026-12-01 06:06:08.5Z") == want
    assert stored_time("2026-12-01T07:06:08+01:00") == want
    assert stored_time(dt.datetime(2026, 12, 1, 6, 6, 8)) == want
    assert stored_time(dt.datetime(2026, 12, 1, 7, 6, 8,
                                   tzinfo=dt.timezone(dt.timedelta(hours=1)))) == want
    assert stored_time(None) == "" and stored_time("soon") == "soon"


def test_lower_first_keeps_acronyms():
    from moneytrail.report.units import lower_first

    assert lower_first("Networking") == "networking"
    assert lower_first("AI accelerators") == "AI accelerators"
    assert lower_first("") == ""


def test_per_million_figures_below_one_keep_two_significant_digits():
    """JPY 3 tn buys 0.067 FTE per JPY million: not '0.1 (0.0–0.2)' (h44 finding 3); from 1
    up one decimal as before."""
    from moneytrail.report.units import in_unit, interval_text

    unit = "FTE per JPY million"
    assert in_unit(0.0671, unit) == "0.067 FTE per JPY m"
    assert interval_text(0.0441, 0.1642, unit, 0.0671) == "0.044–0.164 FTE per JPY m"
    assert in_unit(0.44, unit) == "0.44 FTE per JPY m"
    assert in_unit(14.83, "FTE per USD million") == "14.8 FTE per USD m"
    assert interval_text(9.5, 32.4, "FTE per USD million", 14.8) == "9.5–32.4 FTE per USD m"


def test_plans_at_different_price_years_say_so():
    from moneytrail.report.units import prices_text
    from moneytrail.service.footprints import money_price_compare_note

    assert prices_text(2025, 2020) == " at 2020 prices"
    assert prices_text(2025, None) == prices_text(2025, 2025) == ""
    assert money_price_compare_note([2025, 2025], ["a", "b"]) == ""
    note = money_price_compare_note([2025, 2020], ["a", "b"])
    assert "(a: 2025, b: 2020)" in note and "not restated to one price year" in note
    assert "(2020, 2025)" in money_price_compare_note([2025, 2020])


def test_the_cli_trace_line_names_a_price_year_other_than_the_plans_year():
    from types import SimpleNamespace

    from moneytrail.cli.plans import reconciliation

    facts = {"title": "Plan", "total": 2e10, "currency": "EUR", "draws": 10, "seed": 1,
             "conservation_gap": 0.0, "year": 2025}

    def line(price_year):
        prov = SimpleNamespace(inputs={"plan": {"year": 2025, "price_year": price_year}},
                               data_version="x", data_label="x")
        return reconciliation(SimpleNamespace(facts=facts, provenance=prov))

    assert line(2020).startswith("Plan: EUR 20.00 bn at 2020 prices traced over 10 draws")
    assert line(None).startswith("Plan: EUR 20.00 bn traced over")


@pytest.mark.parametrize("args, printed", [
    ((0.0004, -2500, 3100, "FTE"), "+0 FTE (-2,500 – +3,100 FTE)"),
    ((0.0004, 0.0001, 0.0009, "FTE"), "+0.00040 FTE (+0.00010 – +0.00090 FTE)"),
    ((0.3, -0.2, 0.8, "t CO2e"), "+0.30 t CO2e (-0.20 – +0.80 t CO2e)")])
def test_a_change_under_one_takes_its_decimals_from_the_largest_figure(args, printed):
    """A median under one beside wide ends printed '-2,500.00000' (reviewer F)."""
    assert units.change_text(*args) == printed


def test_an_interval_under_one_takes_its_decimals_from_its_largest_end():
    assert units.interval_text(0.1, 900, "FTE", like=0.5) == "0–900 FTE"
    assert units.interval_text(0.00001, 0.00002, "FTE-years", like=0.000015) == \
        "0.000010–0.000020 FTE-years"


def test_a_zero_median_change_takes_the_scale_of_its_interval():
    # a median of 0 has no scale of its own; its interval was printed unscaled
    # ('+USD 0 (-1,000,000,000 – +2,000,000,000)')
    from moneytrail.report.units import change_text

    assert change_text(0.0, -1e9, 2e9, "USD") == "+USD 0.00 bn (-1.00 – +2.00 bn)"
    assert change_text(0.0, -3e6, 2e6, "t CO2e") == "+0.00 Mt CO2e (-3.00 – +2.00 Mt CO2e)"
    assert change_text(1.2e9, -0.3e9, 2.1e9, "USD") == "+USD 1.20 bn (-0.30 – +2.10 bn)"


@pytest.mark.parametrize("args, printed", [
    ((12_290.4, "EUR"), "EUR 12,290"),               # was 'EUR 12.29 k'
    ((179_560.0, "EUR"), "EUR 179,560"),
    ((999.0, "EUR"), "EUR 999"),
    ((1_500_000.0, "EUR"), "EUR 1.50 m"),
    ((20e9, "EUR"), "EUR 20.00 bn")])
def test_money_below_a_million_prints_whole_units_not_k(args, printed):
    """A budget officer saw 'Finland EUR 12.29 k' in a table of EUR m and bn: money has the
    size words of budgets (m, bn, tn) and prints whole units below a million; 'k' is for
    head counts and kt CO2e only."""
    assert units.money(*args) == printed
    assert units.in_unit(args[0], args[1]) == printed


def test_money_ranges_below_a_million_print_whole_units():
    assert units.money_range(90_670, 359_630, "EUR") == "EUR 90,670–359,630"
    assert units.interval_text(90_670, 359_630, "EUR", 179_560) == "EUR 90,670–359,630"
    assert web_format.interval(8_100, 15_200, "EUR", 12_290) == "EUR 8,100–15,200"
    assert units.count(43_500) == "43.5 k"                  # counts keep their 'k'
