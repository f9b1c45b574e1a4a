"""Jobs figures say when their mean is far above the median (skewed draws) and how much of the
jobs rests on the rest of the world's average pay per FTE: the CLI jobs table, the web run
page and the briefing's jobs sentence, with figures read from the run's own tables.

A Stargate-style run: about 70 % of its FTE-years (mean) are in the rest of the world (ROW),
estimated from one world-average pay per FTE with a wide interval, and the total's mean is
about 1.3 times its median."""

from __future__ import annotations

import sys

import pytest

from cli_runs import ROOT, records, words
from moneytrail.report.units import in_unit, percent

TOTAL = "jobs (FTE-years), all"


def expected(payload: dict) -> dict[str, str]:
    """The figures the sentences must carry, from the run's own tables."""
    jobs = {r["measure"]: r for r in records(payload, "jobs")}
    row = {r["country"]: r for r in records(payload, "country")}["ROW"]
    total = jobs[TOTAL]
    return {"share": percent(row["jobs_fte_mean"] / total["amount_mean"]),
            "mean": in_unit(total["amount_mean"], "FTE-years"),
            "median": in_unit(total["amount_p50"], "FTE-years"),
            "ratio": f"{total['amount_mean'] / total['amount_p50']:.1f}"}


@pytest.fixture(scope="module")
def stargate(cli_store) -> dict:
    return cli_store.trace("stargate-style-us", "--by", "country", "--by", "jobs")


def test_the_run_is_skewed_and_mostly_rest_of_world(stargate):
    """The premise: the mean is well above the median and most FTE-years are in ROW."""
    jobs = {r["measure"]: r for r in records(stargate, "jobs")}
    row = {r["country"]: r for r in records(stargate, "country")}["ROW"]
    assert jobs[TOTAL]["amount_mean"] > 1.2 * jobs[TOTAL]["amount_p50"]
    assert row["jobs_fte_mean"] > 0.5 * jobs[TOTAL]["amount_mean"]


def test_cli_jobs_table_says_skew_and_rest_of_world_share(stargate, cli_store):
    out = cli_store.cli("show", stargate["run_id"], "--table", "jobs")
    assert out.returncode == 0, out.stderr
    text, want = words(out.stdout), expected(stargate)
    assert (f"Skewed: the mean over the draws, {want['mean']}, is {want['ratio']} times the "
            f"median, {want['median']}") in text
    assert (f"{want['share']} of these FTE-years (mean) are in the rest of the world") in text
    assert "one world-average pay per FTE" in text and "its interval is wide" in text


def test_briefing_jobs_sentence_says_skew_and_rest_of_world_share(stargate, cli_store):
    from moneytrail.report.briefing.content import PlanBrief, jobs_reading_sentences
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    ws = Workspace.open(db=str(cli_store.path))
    result = tasks.show_run(ws, stargate["run_id"])
    brief = PlanBrief(result=result, plan=tasks.stored_plan(result, to="brief it"),
                      name="stargate")
    text, want = " ".join(jobs_reading_sentences(brief)), expected(stargate)
    assert f"is {want['ratio']} times the median, {want['median']}" in text
    assert f"{want['share']} of these FTE-years (mean) are in the rest of the world" in text


def test_run_page_says_skew_and_rest_of_world_share(tmp_path):
    pytest.importorskip("fastapi")
    sys.path.insert(0, str(ROOT / "tests" / "web"))
    from runs_helpers import run_page_and_tables

    page, payload = run_page_and_tables(
        tmp_path / "web.sqlite", {"reference": "stargate-style-us", "draws": 300, "seed": 1},
        ("jobs", "country"))
    text = words(page)
    want = expected(payload)
    assert f"is {want['ratio']} times the median, {want['median']}" in text
    assert f"{want['share']} of these FTE-years (mean) are in the rest of the world" in text
