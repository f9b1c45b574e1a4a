"""Three leftovers in the report layer (h108): `is_money` took any three capital letters for
a currency ('FTE'); the comparison PDF showed a bare dash where a difference of money in two
currencies is withheld (the page and CSV say why); and the comparison's opening answer gave
figures per million of budget and the TCO as a share of the budget even for plans of one
budget, where they only restate the totals."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from briefings import plan_variant, text_of

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DRAWS = 200
JOBS_ROW = "Jobs paid for per million spent (FTE-years)"
MONEY_ROW = "Whole plan budget per GPT-4-level training run its compute could make"



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


# -- 2. a withheld difference says why ----------------------------------------------------
REASON = "not subtracted: the plans are in different currencies (EUR, USD)"


def test_the_briefing_says_why_a_difference_of_two_currencies_is_left_out(ws, runs):
    html = render(ws, [runs["eur"], runs["usd"]]).decode("utf-8")
    for label in (JOBS_ROW, MONEY_ROW):
        cells = scorecard_cells(html, label)
        assert cells[2] == REASON, (label, cells)
    # a share is subtracted as before
    cells = scorecard_cells(html, "EU value added (location)")
    assert cells[2].endswith("points") and "not subtracted" not in cells[2]


def test_the_reason_is_the_one_the_compare_page_and_csv_give(ws, runs):
    from moneytrail.web.runs import Names, compare_view

    view = compare_view([runs["eur"], runs["usd"]], Names(ws.valuechain),
                        "http://testserver/compare")
    row = next(r for r in view["scorecard"] if r["metric"] == JOBS_ROW)
    assert row["difference_reason"] == REASON and row["difference_p50"] is None


def test_the_pdf_shows_the_reason_in_place_of_a_bare_dash(ws, runs, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    pdf = tmp_path / "compare.pdf"
    pdf.write_bytes(render(ws, [runs["eur"], runs["usd"]], fmt="pdf"))
    lines = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    # the cell wraps in its column (three lines beside the figures' own lines): each row
    # withheld (jobs and CO2 per million, the money per training run) says why
    assert sum(line.endswith("not subtracted: the") for line in lines) == 3
    assert sum(line.endswith("plans are in different") for line in lines) == 3
    assert sum(line.endswith("currencies (EUR, USD)") for line in lines) == 3
    # and stays in its column
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    overlaps = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", boxes, re.S):
        if ">subtracted:<" not in page:
            continue
        words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<',
            page)]
        for i, one in enumerate(words):
            for other in words[i + 1:]:
                same_line = min(one[3], other[3]) - max(one[1], other[1]) > 2
                if same_line and min(one[2], other[2]) - max(one[0], other[0]) > 1:
                    overlaps.append((one[4], other[4]))
    assert overlaps == []


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
