"""The comparison briefing's list of what differs between the plans (h110): every bullet
named both full titles ('... in “Stargate-style US AI data-centre build-out (USD 100 bn first
tranche)”; not bought in “Efficiency-first EU alternative (...)”'), so the list filled one and
a half A4 pages. It now names the plans 'Plan 1', 'Plan 2' under a key with their titles, as
the compare page does, with the same wording (report.inputs.input_differences, plan_labels)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from briefings import ROOT

DRAWS = 200
PLANS = ("stargate-style-us", "efficiency-first-eu")


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u2068", "")
                    .replace("\u2069", "").split())


@pytest.fixture(scope="module")
def results(ws):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    return [tasks.trace_plan(ws, load_scenario(ROOT / "scenarios" / f"{plan}.yaml"),
                             draws=DRAWS, seed=3) for plan in PLANS]


@pytest.fixture(scope="module")
def summary(ws, results) -> str:
    from moneytrail.report.briefing import render_briefing

    html = render_briefing(ws, results, fmt="html", sensitivity=False).decode("utf-8")
    part = re.search(r'<section id="summary">(.*?)</section>', html, re.S)
    assert part, "no summary section"
    return part.group(1)


def test_the_list_of_differences_names_the_plans_by_a_key(results, summary):
    block = re.search(r'<div class="differences">(.*?)</div>\s*(?=<div class="summary">)',
                      summary, re.S)
    assert block, "no list of what differs"
    said = text_of(block.group(1))
    titles = [r.title for r in results]
    # the key: each short name with its full title, once
    assert f"Plan 1 {titles[0]} Plan 2 {titles[1]}" in said, said[:400]
    # the sentences use the short names (the US plan buys no staff, the EU plan no facility)
    assert "in Plan 1; not bought in Plan 2." in said
    assert "not bought in Plan 1;" in said
    assert said.count("Share of the budget for") >= 5
    # each full title once in the list (its key), not in every sentence
    for title in titles:
        assert said.count(title) == 1, (title, said.count(title))
        assert f"\u201c{title}\u201d" not in said


def test_each_title_appears_a_bounded_number_of_times_in_the_summary(results, summary):
    said = text_of(summary)
    # the key, the heading of the plan's own summary and its opening sentence
    for result in results:
        assert said.count(result.title) <= 4, (result.title, said.count(result.title))


def test_the_compare_page_and_the_briefing_share_one_wording():
    from moneytrail.report.inputs import input_differences, plan_labels

    assert plan_labels(3) == ["Plan 1", "Plan 2", "Plan 3"]
    plans = [{"currency": "EUR", "budget": {"amount": 1e9}},
             {"currency": "EUR", "budget": {"amount": 2e9}}]
    differ, _ = input_differences(plans, ["A", "B"], [(100, 1), (100, 1)], str, str,
                                  labels=plan_labels(2))
    assert differ[0] == "Budget: EUR 1.00 bn in Plan 1; EUR 2.00 bn in Plan 2."
