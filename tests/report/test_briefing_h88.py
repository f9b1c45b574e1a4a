"""A data journalist's findings on the briefing's scorecard (h88): a plan with a 50 % supplier
cap on accelerators showed an HHI change of +0 (the largest rise over markets) though the
accelerator market's HHI falls; the compute row was called the final training run's cost
though it is the whole budget over the runs; the rent rows did not say they are lower
bounds."""

from __future__ import annotations

import re
from html import unescape

import pytest
import yaml
from briefings import REFERENCE


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def html(ws, tmp_path_factory) -> str:
    from moneytrail.report.briefing import render_briefing
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks

    data = yaml.safe_load(REFERENCE.read_text())
    data.update(id="gf-capped", procurement={"accelerators": {"nvidia": {"central": 0.5},
                                                              "amd": {"central": 0.5}}})
    path = tmp_path_factory.mktemp("h88") / "gf-capped.yaml"
    path.write_text(yaml.safe_dump(data))
    result = tasks.trace_plan(ws, load_scenario(path), draws=300, seed=1)
    return render_briefing(ws, [result], fmt="html", sensitivity=False).decode("utf-8")


def row_of(html: str, label: str) -> str:
    return text_of(next(r for r in re.findall(r"<tr>.*?</tr>", html, re.S) if label in r))


def test_the_hhi_change_shows_the_fall_and_names_its_market(html):
    row = row_of(html, "HHI change, the largest rise or fall among the markets bought in")
    assert "in AI accelerators" in row
    assert re.search(r"[−-]\d+ points", row), row
    assert "No rise" not in row
    # its 90 % interval is kept beside the market (tester 29: the market replaced it)
    assert len(re.findall(r"[−-]\d+", row)) >= 3, row


def test_the_compute_row_is_the_whole_budget_over_the_runs(html):
    text = text_of(html)
    assert "final training run's only" not in text and "Final-run" not in text
    row = row_of(html, ("Whole plan budget divided by the GPT-4-level training runs its compute "
        "could make (not the cost of one run)"))
    assert "EUR" in row
    assert "the plan's whole budget (buildings, power, staff, grants and all else, not its " \
           "compute alone)" in text


def test_the_rent_rows_say_what_bound_they_are(html):
    text = text_of(html)
    row_of(html, "Economic profit (rent), share of the plan (lower bound)")
    row_of(html, "Rent to firms already dominant (share of the rent measured)")
    assert "the rent share is a lower bound" in text
    assert "Not split for lack of data (firms, median share of the plan's capital value " \
           "added):" in text
