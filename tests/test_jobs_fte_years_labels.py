"""Jobs over a plan's whole budget are FTE-years (jobs x years); only jobs at one time are FTE.
Labels that still said FTE for an FTE-years figure: the scorecard's jobs row, Jobs.summary(),
claim checks of trace.jobs with `per: total` and the jobs table's title. Stored runs whose
scorecard has the old row label still line up with new runs on the compare page and in the
compare briefing."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from moneytrail.analysis.claims import bound_text, figure_unit
from moneytrail.analysis.claims_schema import TraceJobsCheck
from moneytrail.analysis.scorecard import ROWS
from moneytrail.service.result import Provenance, Result, Table
from moneytrail.service.tasks import TITLES

OLD = "Jobs paid for per million spent (FTE)"
NEW = "Jobs paid for per million spent (FTE-years)"
EVIDENCE = ": evidence, on assumption or weak rows"


def test_scorecard_jobs_row_is_labelled_fte_years():
    row = next(r for r in ROWS if r[1] == "jobs_per_eur_million")
    assert row[0] == NEW and row[3] == "FTE-years per EUR million"


def test_stored_old_label_reads_as_the_new_one():
    from moneytrail.service.tasks import stored_scorecard_row

    assert stored_scorecard_row(OLD, "FTE-years per USD million") == \
        (NEW, "FTE-years per USD million")
    # runs stored before the unit was renamed: the figure was FTE-years all along
    assert stored_scorecard_row(OLD, "FTE per JPY million") == (NEW, "FTE-years per JPY million")
    assert stored_scorecard_row(OLD + EVIDENCE, "share") == (NEW + EVIDENCE, "share")
    assert stored_scorecard_row("EU value added (location)", "share") == \
        ("EU value added (location)", "share")


def stored_run(run_id: str, plan: str, jobs_label: str, unit: str, p50: float) -> Result:
    """A stored trace run with a scorecard of two rows (and the jobs row's evidence row)."""
    frame = pd.DataFrame(
        {"unit": ["share", unit, "share"],
         **{f"{plan}_{s}": [0.5, p50 * f, 0.1] for s, f in
            (("mean", 1.0), ("p5", 0.8), ("p50", 1.0), ("p95", 1.2))}},
        index=pd.Index(["EU value added (location)", jobs_label, jobs_label + EVIDENCE],
                       name="metric"))
    card = Table.from_frame("scorecard", frame, units={"unit": "text", **{
        c: "by row" for c in frame.columns if c != "unit"}})
    headline = Table.from_frame("headline", pd.DataFrame(
        {"share_p50": [1.0], "share_p5": [1.0], "share_p95": [1.0]},
        index=pd.Index(["all"], name="headline")))
    provenance = Provenance(inputs={"plan": {"id": plan, "year": 2025}}, code_version="x",
                            data_version="d", data_hash="h", created="2026-12-01", seed=1,
                            draws=200)
    return Result(run_id=run_id, kind="trace", title=plan, provenance=provenance,
                  tables={"scorecard": card, "headline": headline},
                  facts={"plan": plan, "currency": "EUR", "total": 1e9, "year": 2025})


def test_compare_page_aligns_a_run_stored_with_the_old_label():
    pytest.importorskip("fastapi")
    from moneytrail.web.runs import compare_view

    old = stored_run("a" * 32, "old-plan", OLD, "FTE per EUR million", 10.0)
    new = stored_run("b" * 32, "new-plan", NEW, "FTE-years per EUR million", 12.0)
    names = SimpleNamespace(category=str, entity=str)       # the plans set no suppliers
    view = compare_view([old, new], names, "http://x/compare")  # type: ignore[arg-type]
    rows = {r["metric"]: r for r in view["scorecard"]}
    assert OLD not in rows and len(rows) == 2
    jobs = rows[NEW]
    assert jobs["unit"] == "FTE-years per EUR million"
    assert (jobs["run1_p50"], jobs["run2_p50"]) == (10.0, 12.0)
    assert jobs["difference_p50"] == 2.0          # the rows line up, so they subtract


def test_run_page_scorecard_of_an_old_run_keeps_its_evidence_weight():
    pytest.importorskip("fastapi")
    from moneytrail.web.runs import scorecard_rows

    rows = {r["metric"]: r for r in scorecard_rows(
        stored_run("a" * 32, "old-plan", OLD, "FTE per EUR million", 10.0))}
    assert NEW in rows and OLD not in rows
    assert rows[NEW]["unit"] == "FTE-years per EUR million"
    assert rows[NEW]["weight"] is not None and rows[NEW]["weight"]["p50"] == 0.1


def test_compare_briefing_aligns_a_run_stored_with_the_old_label():
    from moneytrail.report.briefing.content import PlanBrief, scorecard_rows

    def brief(result: Result) -> PlanBrief:
        return PlanBrief(result=result, plan=FakePlan(result.title),  # type: ignore[arg-type]
                         name=result.title)

    old = stored_run("a" * 32, "old-plan", OLD, "FTE per EUR million", 10.0)
    new = stored_run("b" * 32, "new-plan", NEW, "FTE-years per EUR million", 12.0)
    rows = dict(scorecard_rows([brief(old), brief(new)]))
    assert OLD not in rows and NEW in rows
    cells = rows[NEW]
    # and, for two plans, the second minus the first (finding h80)
    assert [c.main for c in cells] == ["10.0 FTE-years per EUR m", "12.0 FTE-years per EUR m",
                                       "+2.0 FTE-years per EUR m"]
    assert all("on assumption or weak rows" in c.sub for c in cells[:2])


class FakePlan:
    """The fields of a plan the scorecard rows of a briefing read."""

    def __init__(self, plan_id: str) -> None:
        self.id, self.year, self.price_year = plan_id, 2025, None


def test_jobs_summary_says_fte_years():
    from moneytrail.analysis.jobs import Jobs

    class Fte:
        tables = {"basis": None}

        @staticmethod
        def by(name: str) -> pd.DataFrame:
            stats = {"amount_mean": 1.0}
            if name == "total":
                return pd.DataFrame([stats], index=["all"])
            if name == "part":
                return pd.DataFrame([stats], index=[
                    "temporary (construction and equipment, FTE-years)"])
            return pd.DataFrame([stats], index=["firms' employees per revenue (filings)"])

    jobs = Jobs(fte=Fte(), wages=None, coverage=1.0, uncovered=[],  # type: ignore[arg-type]
                compensation=pd.DataFrame(), anchored=pd.DataFrame(), not_anchored=[],
                implied_pay=pd.DataFrame(), sources=[])
    labels = list(jobs.summary().index)
    assert labels == ["jobs (FTE-years), all",
                      "jobs (FTE-years), temporary (construction and equipment)",
                      "jobs (FTE-years) from firms' employees per revenue (filings)"]


def check(per: str, part: str = "temporary") -> TraceJobsCheck:
    return TraceJobsCheck.model_validate({
        "computation": "trace.jobs", "min": 1000,
        "args": {"scenario": "stargate-style-us", "countries": ["US"], "part": part,
                 "per": per}})


def test_claim_checks_of_total_jobs_say_fte_years_and_of_jobs_at_one_time_fte():
    assert bound_text(check("total")) == "at least 1,000 FTE-years"
    assert figure_unit(check("total")) == "FTE-years"
    assert bound_text(check("year")) == "at least 1,000 FTE"
    assert figure_unit(check("year")) == "FTE"


def test_jobs_table_title_names_fte_years():
    assert "(FTE-years)" in TITLES["jobs"]
