"""Tester findings (h47): jobs named in FTE-years with the jobs at one time beside them,
claims verdicts withheld under too few draws, sensitivity limits and points, value added
staying in the EU not read as profits."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EFFICIENCY = ROOT / "scenarios" / "efficiency-first-eu.yaml"


def efficiency_result(ws, spend_years: int):
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    plan = load_scenario(EFFICIENCY)     # spent within its horizon (scenarios.schema.Plan)
    horizon = {"horizon_years": spend_years} if spend_years > plan.horizon_years else {}
    plan = plan.model_copy(update={"spend_years": spend_years, **horizon})
    return tasks.trace_plan(ws, plan, draws=300, seed=1)


@pytest.fixture(scope="module")
def spent(ws):
    return {years: efficiency_result(ws, years) for years in (1, 10)}


def test_jobs_are_fte_years_with_the_jobs_at_one_time_beside_them(spent):
    one, ten = (spent[y].tables["jobs"].frame() for y in (1, 10))
    assert one.loc["jobs (FTE-years), all", "unit"] == "FTE-years"
    assert not [m for m in one.index if "while spent" in m or m.startswith("jobs (FTE),")]
    total = ten.loc["jobs (FTE-years), all", "amount_p50"]
    assert total == pytest.approx(one.loc["jobs (FTE-years), all", "amount_p50"])
    at_ten = ten.loc["jobs at one time (FTE: FTE-years / 10 years of spending), all"]
    at_one = one.loc["jobs at one time (FTE: FTE-years / 1 year of spending), all"]
    assert at_ten["unit"] == "FTE" and at_ten["amount_p50"] == pytest.approx(total / 10)
    assert at_one["amount_p50"] == pytest.approx(total)
    lasting = "jobs at one time (FTE: FTE-years / 10 years of spending), lasting (operations)"
    assert ten.loc[lasting, "amount_p50"] == pytest.approx(
        ten.loc["jobs (FTE-years), lasting (operations)", "amount_p50"] / 10)


def test_the_briefing_says_fte_years_and_the_jobs_at_one_time(ws, spent):
    from moneytrail.report.briefing import render_briefing

    html = render_briefing(ws, [spent[10]], fmt="html", sensitivity=False).decode("utf-8")
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    start = text.index("It pays for about")
    sentence = text[start:start + 400]
    assert re.match(r"It pays for about [\d.]+ k FTE-years of work", sentence), sentence
    assert re.search(r"about 2\d\.\d k FTE at one time over the 10 years the money is spent",
                     sentence), sentence


def test_value_added_accruing_to_a_place_is_not_called_owners_profits(ws, spent):
    from moneytrail.report.briefing import render_briefing

    html = render_briefing(ws, [spent[1]], fmt="html", sensitivity=False).decode("utf-8")
    text = unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))
    assert "accrues to owners in" not in text
    found = re.search(r"Counting profits in the country of the firms' owners, ([\d.]+) % of the "
                      r"spending is value added \(wages, profits and taxes\) accruing to the EU"
                      r"[^;]*; profits and depreciation to owners there are ([\d.]+) % of the "
                      r"spending\.", text)
    assert found, text[text.find("value added generated there"):][:400]
    assert float(found.group(2)) < float(found.group(1)) / 2      # mostly wages, not profits


def test_percentage_points_print_like_percent_without_the_sign():
    from moneytrail.report import units

    assert units.in_unit(0.05, units.PERCENTAGE_POINTS) == "5.0 points"
    assert units.in_unit(0.0012, units.PERCENTAGE_POINTS) == "0.12 points"
