"""A tester's findings on the comparison briefing (h104): comparing the EUR 20 bn gigafactory
plan with a EUR 15 bn copy, the scorecard's 'Operational CO2 over the horizon' differed by
-930.6 kt CO2e, exactly the smaller budget's 25 %, and nothing said that the row is a total;
page 1's Summary was a list of input differences with no headline answer; figures per million
('10.9 FTE-years per EUR m') ran into the next column of the PDF's scorecard."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from briefings import plan_variant, text_of

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DRAWS = 300
CO2_ROW = "Operational CO2 over the horizon (electricity)"
JOBS_ROW = "Jobs paid for per million spent (FTE-years)"



def trace(ws, folder: Path, plan: str, **changes):
    from moneytrail.service import tasks

    return tasks.trace_plan(ws, plan_variant(SCENARIOS / f"{plan}.yaml", folder, **changes),
                            draws=DRAWS, seed=2)


@pytest.fixture(scope="module")
def runs(ws, tmp_path_factory):
    folder = tmp_path_factory.mktemp("h104")
    return {"base": trace(ws, folder, "eu-ai-gigafactories"),
            "smaller": trace(ws, folder, "eu-ai-gigafactories", id="gf-15",
                             title="EU AI gigafactories at EUR 15 bn",
                             description="The fund at EUR 15 bn.", budget={"amount": 15e9}),
            "efficient": trace(ws, folder, "efficiency-first-eu")}


def render(ws, results, fmt: str = "html") -> bytes:
    from moneytrail.report.briefing import render_briefing

    return render_briefing(ws, results, fmt=fmt, sensitivity=False)


@pytest.fixture(scope="module")
def budgets_html(ws, runs) -> str:
    return render(ws, [runs["base"], runs["smaller"]]).decode("utf-8")


def p50(result, label: str) -> float:
    card = result.tables["scorecard"].frame()
    row = card.loc[label]
    return float(row[[c for c in card.columns if c.endswith("_p50")][0]])


def tco(result) -> float:
    return float(result.tables["lifecycle"].frame().loc["tco", "p50"])


def summary_of(html: str) -> str:
    part = re.search(r'<section id="summary">(.*?)</section>', html, re.S)
    assert part, "no summary section"
    return part.group(1)


# -- 1. different budgets: a notice, and each total per million of budget -------------------
def test_the_summary_says_the_budgets_differ_and_opens_with_figures_per_budget(runs,
                                                                             budgets_html):
    from moneytrail.report.units import in_unit, percent

    base, smaller = runs["base"], runs["smaller"]
    summary = summary_of(budgets_html)
    headline = re.search(r'<div class="headline-answer">(.*?)</div>', summary, re.S)
    assert headline, "page 1 has no headline answer"
    # the answer comes first: before the list of what differs and the plans' summaries
    assert summary.index('class="headline-answer"') < summary.index('class="differences"')
    said = text_of(headline.group(1).encode())
    assert ("The plans' budgets differ (EUR 20.00 bn vs EUR 15.00 bn): totals such as jobs "
            "and CO2 grow with the budget") in said
    # the same shares of the spending: said so, not a list of zero differences
    assert "where the money ends up is alike" in said
    # per million of budget, from the stored runs: CO2 over the horizon / budget, jobs per
    # million as stored, TCO / budget
    co2 = [in_unit(p50(r, CO2_ROW) / (float(r.facts["total"]) / 1e6), "t CO2e per EUR million")
           for r in (base, smaller)]
    assert f"CO2 of the electricity over the horizon {co2[0]} vs {co2[1]}" in said
    jobs = [in_unit(p50(r, JOBS_ROW), "FTE-years per EUR million") for r in (base, smaller)]
    assert f"jobs paid for {jobs[0]} vs {jobs[1]}" in said
    shares = [percent(tco(r) / float(r.facts["total"])) for r in (base, smaller)]
    assert f": {shares[0]} vs {shares[1]} of the budget." in said
    # the budgets are 20 and 15 bn, the totals 4 : 3: per budget they are alike
    assert float(smaller.facts["total"]) == 15e9 and co2[0] == co2[1]


def test_the_scorecard_gives_each_total_per_million_of_budget(runs, budgets_html):
    from moneytrail.report.units import difference_text, difference_value, in_unit

    base, smaller = runs["base"], runs["smaller"]
    table = re.search(r"<caption[^>]*>Table \d+\. Scorecard.*?</table>", budgets_html, re.S)
    row = re.search(r'<th scope="row"[^>]*>' + re.escape(CO2_ROW) + r"</th>(.*?)</tr>",
                    table.group(0), re.S)
    cells = [text_of(c.encode()) for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]
    per = [p50(r, CO2_ROW) / (float(r.facts["total"]) / 1e6) for r in (base, smaller)]
    for cell, value in zip(cells, per, strict=False):
        assert f"{in_unit(value, 't CO2e per EUR million')} of budget" in cell, cell
    unit = "t CO2e per EUR million"
    gap = difference_text(difference_value(per[0], per[1], unit), unit)
    assert cells[2].endswith(f"({gap} of budget)"), cells[2]
    # the table's note says why
    note = text_of(budgets_html[table.end():].encode())
    assert note.index("The plans' budgets differ (EUR 20.00 bn vs EUR 15.00 bn)") < note.index(
        "beside each total; the TCO as a share of the budget in the summary")


def test_plans_of_one_budget_get_no_budget_notice(ws, runs):
    html = render(ws, [runs["base"], runs["efficient"]]).decode("utf-8")
    assert "budgets differ" not in html
    table = re.search(r"<caption[^>]*>Table \d+\. Scorecard.*?</table>", html, re.S).group(0)
    assert " of budget" not in table           # totals of one budget compare as they are


# -- 2. the headline answer names the largest differences in where the money ends up -------
def test_the_summary_names_the_largest_differences_in_where_the_money_ends_up(ws, runs):
    from moneytrail.report.units import difference_text, difference_value, lower_first, percent

    base, efficient = runs["base"], runs["efficient"]
    said = text_of(re.search(r'<div class="headline-answer">(.*?)</div>',
                             render(ws, [base, efficient]).decode("utf-8"), re.S)
                   .group(1).encode())
    # from the runs: the headline table's shares and the EU's and US owners' value added
    shares: dict[str, list[float]] = {}
    for result in (base, efficient):
        for label, row in result.tables["headline"].frame().iterrows():
            shares.setdefault(str(label), []).append(float(row["share_p50"]))
        for label in ("EU value added (location)", "US-owned value added (ownership)"):
            shares.setdefault(label, []).append(p50(result, label))
    largest = sorted(shares.items(), key=lambda kv: -abs(kv[1][1] - kv[1][0]))[:3]
    assert said.startswith("In short (medians; the plans in the order listed above): where "
                           "the money ends up differs most in ")
    for label, (first, second) in largest:
        gap = difference_text(difference_value(first, second, "share"), "share")
        words = lower_first(label)            # 'EU value added', 'wages, all countries'
        assert f"{words}, {percent(first)} vs {percent(second)} of the spending ({gap})" \
            in said, (label, said)


# -- 3. a figure per million wraps in its column instead of running into the next ----------
def test_the_pdf_scorecard_keeps_figures_per_million_in_their_column(ws, runs, tmp_path):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    pdf = tmp_path / "compare.pdf"
    pdf.write_bytes(render(ws, [runs["base"], runs["smaller"]], fmt="pdf"))
    page1 = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "In short (medians; the plans in the order listed above)" in " ".join(page1.split())
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    overlaps = []
    for page in re.findall(r"<page[^>]*>(.*?)</page>", boxes, re.S):
        if ">Metric<" not in page:          # the scorecard's pages (its head repeats)
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
