"""A tester's findings in the briefings: a deal's amount restated to another price year, text cut
mid-word, source counts that disagree, a Sankey column headed "As", a tornado's middle line read
as the median, "matches" for a shared source, captions left at the foot of a page."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from briefings import ROOT

pypdf = pytest.importorskip("pypdf")


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("scenario,amount,part,tie", [
    ("stargate-style-us.yaml", 500e9, "(the plan's budget is 20.0 % of it)",
     "Its budget source is also a source of the ledger deal"),
    # moneytrail's own hypothetical plan is not announced: it borrows the deal's size only
    ("efficiency-first-eu.yaml", 20e9, "(about the same amount as the plan's budget)",
     "This is moneytrail's own hypothetical plan, not an announced one: it only borrows the "
     "size of its budget from the ledger deal")])
def test_a_deal_is_restated_at_the_plans_price_year_and_said_to_share_a_source(
        ws, scenario, amount, part, tie):
    """Stargate's USD 500 bn (2025 prices, the plan's price year) was printed as USD 517.13 bn
    (restated to the default 2026) and the budget as 19.3 % of it; and a deal found through the
    budget's source was said to 'match' the plan."""
    from moneytrail.report.briefing.content import (
        PlanBrief,
        SourceBook,
        matching_deals,
        reality_sentence,
    )
    from moneytrail.scenarios import load_scenario

    plan = load_scenario(ROOT / "scenarios" / scenario)
    deals = matching_deals(ws, plan, SourceBook.of(ws))
    assert deals and deals[0]["price_year"] == (plan.price_year or plan.year)
    assert deals[0]["announced_value"] == pytest.approx(amount, rel=1e-9)
    sentence = reality_sentence(PlanBrief(result=None, plan=plan, name=plan.id,  # type: ignore
                                          reality=deals))
    assert "matches" not in sentence
    assert sentence.startswith(tie)
    assert "budget source is" in sentence
    assert part in sentence
    assert f"at {plan.price_year or plan.year} prices" in sentence


def test_labels_are_cut_at_word_boundaries_or_wrapped_whole():
    from moneytrail.report.briefing.charts import short, wrap

    label = "Advanced Micro Devices: share of the EU AI accelerator market"
    assert short(label, 54) == "Advanced Micro Devices: share of the EU AI…"
    assert short("EU construction and power equipment", 30) == "EU construction and power…"
    assert short("short", 10) == "short" and short("Supercalifragilistic", 8) == "Superca…"
    lines = wrap(label, 30)
    assert " ".join(lines) == label and all(len(line) <= 30 for line in lines)


def test_tornado_and_interval_charts_print_whole_labels_and_name_the_middle_line():
    from moneytrail.report.briefing import charts

    label = "Electronic components, Asia: share of the US networking market"
    svg = charts.tornado_svg([charts.Swing(label, 0.29, 0.31)], 0.318, lambda v: f"{v:.3f}",
                             label_id="f", title="t", axis="a")
    shown = " ".join(re.findall(r">([^<>]+)</text>", svg))
    assert all(word in shown.split() for word in label.split())
    assert "…" not in shown and "central 0.318" not in shown
    assert "every parameter at its central value: 0.318" in shown
    long = "US hyperscalers (Amazon, Microsoft, Google) and their cloud subsidiaries"
    svg = charts.interval_svg([charts.Interval(long, 0.3, 0.2, 0.4)], lambda v: f"{v:.2f}",
                              label_id="g", title="t", axis="a")
    shown = " ".join(re.findall(r">([^<>]+)</text>", svg))
    assert all(word in shown.split() for word in long.split()) and "…" not in shown


def test_sankey_right_column_says_what_it_holds():
    from moneytrail.report.briefing import charts

    data = charts.Sankey(categories=[charts.Node("Chips", 1.0)], plan=charts.Node("P", 1.0),
                         countries=[charts.Node("US", 1.0)],
                         factors=[charts.Node("Wages", 0.6), charts.Node("Profits", 0.4)],
                         flows={("US", "Wages"): 0.6, ("US", "Profits"): 0.4})
    svg = charts.sankey_svg(data, lambda v: f"{v:.1f}", label_id="s", title="t")
    headings = re.findall(r'font-weight="bold" fill="#000">([^<]+)</text>', svg)
    assert "As" not in headings
    assert "Kept as wages, profits, taxes" in headings


def test_sankey_long_factor_name_is_shown_whole():
    """'Profits and depreciation' (the capital share, as the web app names it) did not fit
    the Sankey's right column and was cut to 'Profits and...'; it is written on lines of its
    own above its amount."""
    from moneytrail.report.briefing import charts

    data = charts.Sankey(categories=[charts.Node("Chips", 1.0)], plan=charts.Node("P", 1.0),
                         countries=[charts.Node("US", 1.0)],
                         factors=[charts.Node("Wages", 0.6),
                                  charts.Node("Profits and depreciation", 0.4)],
                         flows={("US", "Wages"): 0.6,
                                ("US", "Profits and depreciation"): 0.4})
    svg = charts.sankey_svg(data, lambda v: f"EUR {v:.1f} bn", label_id="s", title="t")
    shown = re.findall(r">([^<>]+)</text>", svg)
    assert "Profits and" in shown and "depreciation" in shown and "EUR 0.4 bn" in shown
    assert "Wages EUR 0.6 bn" in shown and not any("…" in t for t in shown)


@pytest.mark.parametrize("wages, profits, taxes", [(0.02, 0.02, 0.96), (0.93, 0.02, 0.05),
                                                     (0.6, 0.3, 0.1), (0.49, 0.01, 0.5)])
def test_sankey_factor_labels_never_overlap(wages, profits, taxes):
    """The three-line 'Profits and / depreciation / amount' label was spaced as one line: a
    small profits node put its amount 4 px from the Taxes label (reviewer K). Every line of
    the right column's labels is at least a line apart, for any split."""
    from moneytrail.report.briefing import charts

    factors = [charts.Node("Wages", wages), charts.Node("Profits and depreciation", profits),
               charts.Node("Taxes", taxes)]
    data = charts.Sankey(categories=[charts.Node("Chips", 1.0)], plan=charts.Node("P", 1.0),
                         countries=[charts.Node("US", 1.0)], factors=factors,
                         flows={("US", f.label): f.amount for f in factors})
    svg = charts.sankey_svg(data, lambda v: f"EUR {v:.2f} bn", label_id="s", title="t")
    # the factor column's text lines: x of the factor labels (x_factor + node_w + 3 = 504)
    ys = sorted(float(y) for y in re.findall(r'<text x="504\.0" y="([\d.]+)"', svg))
    assert len(ys) == 5                 # Wages, Profits and / depreciation / amount, Taxes
    assert all(b - a >= 10.5 - 1e-9 for a, b in zip(ys, ys[1:], strict=False))
    assert max(ys) <= 24.0 + 262.0 + 8 + 1e-9


def test_scorecard_notes_of_several_plans_are_printed_once():
    from moneytrail.report.briefing.content import merged_note
    from moneytrail.report.units import export_rules_on, export_rules_text

    tail = ("Whole plan budget per GPT-4-level training run: the plan's whole budget over the "
            "runs. Economic profit (rent): capital value added above WACC.")
    notes = [f"Conditions met: the share of each plan's own conditions that it meets. {tail}"
             for _ in ("a", "b")]
    merged = merged_note(notes)
    assert merged.count("Conditions met") == 1 and merged.count("Whole plan budget") == 1
    assert merged_note([]) == ""
    # the runs' export-rules dates (h223: a fact of each run; a legacy note's sentence is
    # read and taken out) are said once, before the merged notes
    read = [export_rules_on(notes[0], {"export_rules_on": {"a": "2025-07-01"}}),
            export_rules_on("Export rules read on: b 2025-07-01 (a rule counts from the date "
                            f"its caps bind). {notes[1]}", {})]
    assert [rest for _, rest in read] == notes
    assert export_rules_text([pair for dates, _ in read for pair in dates]) == (
        "Export rules as of 1 July 2025 (a rule counts from the date its caps bind).")


def test_reasoning_is_whole_in_the_sources_and_counts_say_what_they_count(reference_html,
                                                                          reference_result):
    """About 25 cuts mid-word ('EU construction and power eq…'); and '131 sources' in the
    summary against an unlabelled '73 filing, ... 11 weak' (219) under every figure."""
    text = words(reference_html)
    assert not re.search(r"\w…", text.split(" Sources Every source cited")[-1])
    for cut in re.findall(r"Reasoning: ([^[]*?)… \(in full under Sources, \[(\d+)\]\)", text):
        assert f"[{cut[1]}]" in text and cut[0] in text.split(" Sources Every source cited")[-1]
    summary = re.search(r"rest on (\d+) sources \(.*?; distinct sources\).*?further sources "
                        r"\(.*?\): (\d+) in all under this plan's figures", text)
    assert summary, "the summary says which sources it counts"
    notes = set(re.findall(r"Sources \((\d+) distinct sources by reliability: ", text))
    assert summary[2] in notes
    assert re.search(rf"Sources ?: the {summary[2]} distinct sources as under Figure", text)


def test_a_table_caption_never_stays_alone_at_the_foot_of_a_page(reference_html):
    """Table 8's caption ('Scorecard ...') sat at the foot of page 7 of a comparison briefing
    with its rows on page 8: the scorecard table is set after fillers of growing height so its
    caption lands near the foot of a page, and must always share a page with its first row."""
    from weasyprint import HTML

    from moneytrail.report.briefing import stylesheet

    block = re.search(r'<div class="tablewrap">\s*<div class="tablescroll".*?</table>\s*</div>',
                      reference_html, re.S)
    assert block, "the reference briefing has a table longer than 12 rows"
    caption = re.search(r"<caption[^>]*>(.*?)</caption>", block[0])[1][:20]
    first = unescape(re.search(r'<tbody>\s*<tr><th scope="row"[^>]*>(.*?)</th>',
                               block[0])[1])[:12]
    apart = []
    for height in range(226, 252, 2):      # mm above the table on a 263 mm page body
        html = (f"<html><head><style>{stylesheet()}</style></head><body>"
                f"<div style='height:{height}mm'></div>{block[0]}</div></body></html>")
        pages = [p.extract_text() or "" for p in
                 pypdf.PdfReader(io.BytesIO(HTML(string=html).write_pdf())).pages]
        at = [i for i, page in enumerate(pages) if caption in unescape(page)]
        row = [i for i, page in enumerate(pages) if first in " ".join(page.split())]
        if at[:1] != row[:1]:
            apart.append(height)
    assert not apart, f"caption apart from its first row after fillers of {apart} mm"
