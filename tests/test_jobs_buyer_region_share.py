"""Beside the jobs total, the share of it in the plan's buyer region: 'Of which in the EU:
...' on the run page, in the briefing's jobs sentence and in the CLI's jobs table, with
figures read from the run's own tables (the EU: the per-draw row of labour in every member
state and the EU-wide sectors, whose mean is the sum of the country table's EU rows; a
US plan: its US row of the country table), never summed percentiles."""

from __future__ import annotations

import sys

import pytest

from cli_runs import ROOT, CliStore, records, words
from moneytrail.report.units import in_unit, interval_text, percent

TOTAL = "jobs (FTE-years), all"
EU_WORKERS = "EU workers (wages earned in the EU)"


def eu_members(store: CliStore) -> set[str]:
    from moneytrail.service.workspace import Workspace

    return Workspace.open(db=str(store.path)).valuechain.eu_members()   # holds the 'EU' row


def expected(payload: dict, region: str) -> str:
    """The sentence's figures from the run's own tables: the region's per-draw row (median,
    90 % interval), / the years of spending for one time, its mean / the total's mean."""
    jobs = {r["measure"]: r for r in records(payload, "jobs")}
    total = jobs[TOTAL]
    once = next(r for m, r in jobs.items() if m.startswith("jobs at one time")
                and m.endswith(", all"))
    years = round(total["amount_mean"] / once["amount_mean"])
    if region == "EU":
        row = {r["where the money ends up"]: r for r in records(payload, "headline")}[EU_WORKERS]
        place = "the EU"
    else:
        row = {r["country"]: r for r in records(payload, "country")}[region]
        place = "the United States"
    p5, p50, p95 = (row[f"jobs_fte_{s}"] for s in ("p5", "p50", "p95"))
    once_spread = interval_text(p5 / years, p95 / years, "FTE", p50 / years)
    return (f"Of which in {place}: {in_unit(p50, 'FTE-years')} (median; 90 % interval "
            f"{interval_text(p5, p95, 'FTE-years', p50)}), about {in_unit(p50 / years, 'FTE')} "
            f"at one time over the {years} years the money is spent ({once_spread})"
            f"; {percent(row['jobs_fte_mean'] / total['amount_mean'])} of the total (means)")


def traced(store: CliStore, plan: str) -> dict:
    """The run of `plan` traced into the store, as stored (`show`)."""
    return store.show(store.trace(plan)["run_id"])


@pytest.fixture(scope="module")
def gigafactories(cli_store) -> dict:
    return traced(cli_store, "eu-ai-gigafactories")


@pytest.fixture(scope="module")
def stargate(cli_store) -> dict:
    return traced(cli_store, "stargate-style-us")


def test_eu_row_is_the_sum_of_the_country_tables_eu_rows(gigafactories, cli_store):
    """The premise: the per-draw EU row's mean is the sum of the country table's rows of
    member states and the EU-wide sectors (means add up), a minority of the total."""
    members = eu_members(cli_store)
    country = records(gigafactories, "country")
    summed = sum(r["jobs_fte_mean"] for r in country if r["country"] in members)
    row = {r["where the money ends up"]: r
           for r in records(gigafactories, "headline")}[EU_WORKERS]
    assert row["jobs_fte_mean"] == pytest.approx(summed, rel=1e-9)
    total = {r["measure"]: r for r in records(gigafactories, "jobs")}[TOTAL]
    assert 0 < summed < 0.5 * total["amount_mean"]
    # its median is of the EU's total per draw, not a sum of the rows' medians
    assert row["jobs_fte_p5"] != pytest.approx(
        sum(r["jobs_fte_p5"] for r in country if r["country"] in members), rel=1e-6)


def test_cli_jobs_table_says_the_eu_share(gigafactories, cli_store):
    out = cli_store.cli("show", gigafactories["run_id"], "--table", "jobs")
    assert out.returncode == 0, out.stderr
    assert expected(gigafactories, "EU") in words(out.stdout)


def test_cli_jobs_table_says_the_us_share_of_a_us_plan(stargate, cli_store):
    out = cli_store.cli("show", stargate["run_id"], "--table", "jobs")
    assert out.returncode == 0, out.stderr
    text = words(out.stdout)
    assert expected(stargate, "US") in text
    assert "Of which in the EU" not in text


def test_briefing_jobs_sentence_says_the_eu_share(gigafactories, cli_store):
    from moneytrail.report.briefing.content import PlanBrief, footprint_sentence
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    ws = Workspace.open(db=str(cli_store.path))
    result = tasks.show_run(ws, gigafactories["run_id"])
    brief = PlanBrief(result=result, plan=tasks.stored_plan(result, to="brief it"),
                      name="gigafactories")
    text, want = footprint_sentence(brief), expected(gigafactories, "EU")
    assert "; o" + want[1:] in text              # inside the sentence: '...; of which in'
    # beside the headline: right after the jobs at one time, before the CO2
    assert text.index("at one time over") < text.index("of which in the EU") \
        < text.index("t CO2e")


def test_run_page_says_the_eu_share_beside_the_jobs_table(tmp_path):
    pytest.importorskip("fastapi")
    sys.path.insert(0, str(ROOT / "tests" / "web"))
    from runs_helpers import run_page_and_tables

    page, payload = run_page_and_tables(
        tmp_path / "web.sqlite", {"reference": "eu-ai-gigafactories", "draws": 300, "seed": 1},
        ("jobs", "headline"))
    text = words(page)
    want = expected(payload, "EU")
    assert want in text
    assert text.index(want) < text.index("Jobs paid for (FTE-years")   # above the table
