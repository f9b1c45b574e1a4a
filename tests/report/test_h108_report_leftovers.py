"""Three leftovers in the report layer (h108): `is_money` took any three capital letters for
a currency ('FTE'); the comparison PDF showed a bare dash where a difference of money in two
currencies is withheld (the page and CSV say why); and the comparison's opening answer gave
figures per million of budget and the TCO as a share of the budget even for plans of one
budget, where they only restate the totals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from briefings import plan_variant, text_of

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DRAWS = 200
JOBS_ROW = "Jobs paid for per million spent (FTE-years)"
MONEY_ROW = ("Whole plan budget divided by the GPT-4-level training runs its compute "
        "could make (not the cost of one run)")



# -- 1. is_money: currency codes only ----------------------------------------------------
@pytest.mark.parametrize("unit", ["EUR", "USD", "JPY", "CHF", "FTE per JPY million",
                                  "t CO2e per EUR million", "FTE-years per USD million"])
def test_currencies_and_figures_per_million_of_one_are_money(unit):
    from moneytrail.report.units import is_money

    assert is_money(unit)


@pytest.mark.parametrize("unit", ["FTE", "FTE-years", "t CO2e", "MWh", "FLOP", "ABC", "CO2",
                                  "ROW", "FTE per FTE million", "share", "eur", ""])
def test_unit_words_of_three_capitals_are_not_money(unit):
    from moneytrail.report.units import is_money

    assert not is_money(unit)


def test_every_currency_of_the_bundled_data_is_a_currency_code():
    from moneytrail.report.units import CURRENCY_CODES, is_money
    from moneytrail.scenarios.reference import bundled_currencies

    known = bundled_currencies()
    assert {"EUR", "USD", "JPY", "KRW"} <= known
    assert known <= CURRENCY_CODES
    assert all(is_money(code) for code in known)


# -- the runs compared below -------------------------------------------------------------
def trace(ws, folder: Path, plan: str, **changes):
    from moneytrail.service import tasks

    return tasks.trace_plan(ws, plan_variant(SCENARIOS / f"{plan}.yaml", folder, **changes),
                            draws=DRAWS, seed=5)


@pytest.fixture(scope="module")
def runs(ws, tmp_path_factory):
    folder = tmp_path_factory.mktemp("h108")
    return {"eur": trace(ws, folder, "eu-ai-gigafactories"),
            "usd": trace(ws, folder, "eu-ai-gigafactories", id="gf-usd", currency="USD",
                         title="EU AI gigafactories in dollars"),
            "smaller": trace(ws, folder, "eu-ai-gigafactories", id="gf-15",
                             title="EU AI gigafactories at EUR 15 bn",
                             description="The fund at EUR 15 bn.", budget={"amount": 15e9}),
            "efficient": trace(ws, folder, "efficiency-first-eu")}


def render(ws, results, fmt: str = "html") -> bytes:
    from moneytrail.report.briefing import render_briefing

    return render_briefing(ws, results, fmt=fmt, sensitivity=False)


def scorecard_cells(html: str, label: str) -> list[str]:
    table = re.search(r"<caption[^>]*>Table \d+\. Scorecard.*?</table>", html, re.S)
    assert table, "no scorecard table"
    row = re.search(r'<th scope="row"[^>]*>' + re.escape(label) + r"</th>(.*?)</tr>",
                    table.group(0), re.S)
    assert row, label
    return [text_of(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


# -- 2. money of two currencies is subtracted in EUR, the unit the scorecard shows -----------
def test_the_briefing_subtracts_two_currencies_in_eur(ws, runs):
    """The comparison briefing shows both plans' money in EUR (its units note says so), so it
    gives their difference in EUR; it used to say 'not subtracted: the plans are in different
    currencies' beside the two EUR figures."""
    html = render(ws, [runs["eur"], runs["usd"]]).decode("utf-8")
    assert "not subtracted" not in html
    for label in (JOBS_ROW, MONEY_ROW):
        cells = scorecard_cells(html, label)
        assert cells[2] != "–" and "EUR" in " ".join(cells[:2]), (label, cells)
    # a share is subtracted as before
    cells = scorecard_cells(html, "EU value added (location)")
    assert cells[2].endswith("points") and "not subtracted" not in cells[2]


def test_the_briefing_and_the_compare_page_agree(ws, runs):
    from moneytrail.web.runs import Names, compare_view

    view = compare_view([runs["eur"], runs["usd"]], Names(ws.valuechain),
                        "http://testserver/compare")
    row = next(r for r in view["scorecard"] if r["metric"] == JOBS_ROW)
    assert row["difference_reason"] is None and row["difference_p50"] is not None


def test_two_price_years_say_why_the_money_is_not_subtracted():
    from moneytrail.report.inputs import withheld_difference_reason

    assert withheld_difference_reason([2025, 2025]) == ""
    assert withheld_difference_reason([2020, 2025]) == (
        "not subtracted: the plans' money is at different price years (2020, 2025)")


def test_a_difference_in_one_currency_is_still_subtracted(ws, runs):
    from moneytrail.report.units import difference_text, difference_value, in_unit

    html = render(ws, [runs["eur"], runs["efficient"]]).decode("utf-8")
    assert "not subtracted" not in html
    cells = scorecard_cells(html, JOBS_ROW)
    unit = "FTE-years per EUR million"

    def p50(result) -> float:
        card = result.tables["scorecard"].frame()
        return float(card.loc[JOBS_ROW][[c for c in card.columns if c.endswith("_p50")][0]])

    first, second = p50(runs["eur"]), p50(runs["efficient"])
    assert cells[0].startswith(in_unit(first, unit).split(" per ")[0])
    assert cells[2] == difference_text(difference_value(first, second, unit), unit)


# -- 3. figures per budget only when the budgets differ -----------------------------------
def headline_of(html: str) -> str:
    part = re.search(r'<div class="headline-answer">(.*?)</div>', html, re.S)
    assert part, "no headline answer"
    return text_of(part.group(1))


def test_plans_of_one_budget_open_without_figures_per_budget(ws, runs):
    said = headline_of(render(ws, [runs["eur"], runs["efficient"]]).decode("utf-8"))
    assert said.startswith("In short (medians; the plans in the order listed above): where "
                           "the money ends up differs most in ")
    assert "Per million of budget" not in said
    assert "of the budget" not in said and "TCO" not in said
    assert "budgets differ" not in said


def test_plans_of_different_budgets_keep_their_figures_per_budget(ws, runs):
    from moneytrail.report.units import percent

    said = headline_of(render(ws, [runs["eur"], runs["smaller"]]).decode("utf-8"))
    assert "Per million of budget: jobs paid for " in said
    assert "CO2 of the electricity over the horizon " in said
    shares = [percent(float(r.tables["lifecycle"].frame().loc["tco", "p50"])
                      / float(r.facts["total"])) for r in (runs["eur"], runs["smaller"])]
    assert f": {shares[0]} vs {shares[1]} of the budget." in said
    assert "The plans' budgets differ (EUR 20.00 bn vs EUR 15.00 bn)" in said


def test_one_amount_in_two_currencies_is_two_budgets(ws, runs):
    said = headline_of(render(ws, [runs["eur"], runs["usd"]]).decode("utf-8"))
    assert "Per million of budget: " in said and "of the budget." in said
    assert "The plans' budgets differ (EUR 20.00 bn vs USD 20.00 bn)" in said
