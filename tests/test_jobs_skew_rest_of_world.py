"""Jobs figures say when their mean is far above the median (skewed draws) and how much of the
jobs rests on the rest of the world's average pay per FTE: the CLI jobs table, the web run
page and the briefing's jobs sentence, with figures read from the run's own tables.

A Stargate-style run: about 70 % of its FTE-years (mean) are in the rest of the world (ROW),
estimated from one world-average pay per FTE with a wide interval, and the total's mean is
about 1.3 times its median."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from html import unescape
from pathlib import Path

import pytest

from moneytrail.report.units import in_unit, percent

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"
TOTAL = "jobs (FTE-years), all"


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE),
           "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def records(payload: dict, table: str) -> list[dict]:
    if table in payload:                      # the API's rows of one table (?table=NAME)
        return payload[table]["rows"]
    names = [c["name"] for c in payload["tables"][table]["columns"]]
    return [dict(zip(names, row, strict=True)) for row in payload["tables"][table]["rows"]]


def words(text: str) -> str:
    """Text as a reader sees it: tags, table borders and line breaks gone."""
    return " ".join(unescape(re.sub(r"<[^>]+>|[│┃]", " ", text)).split())


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
def stargate() -> dict:
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--seed", "1",
              "--by", "country", "--by", "jobs", "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_run_is_skewed_and_mostly_rest_of_world(stargate):
    """The premise: the mean is well above the median and most FTE-years are in ROW."""
    jobs = {r["measure"]: r for r in records(stargate, "jobs")}
    row = {r["country"]: r for r in records(stargate, "country")}["ROW"]
    assert jobs[TOTAL]["amount_mean"] > 1.2 * jobs[TOTAL]["amount_p50"]
    assert row["jobs_fte_mean"] > 0.5 * jobs[TOTAL]["amount_mean"]


def test_cli_jobs_table_says_skew_and_rest_of_world_share(stargate):
    out = cli("show", stargate["run_id"], "--table", "jobs")
    assert out.returncode == 0, out.stderr
    text, want = words(out.stdout), expected(stargate)
    assert (f"Skewed: the mean over the draws, {want['mean']}, is {want['ratio']} times the "
            f"median, {want['median']}") in text
    assert (f"{want['share']} of these FTE-years (mean) are in the rest of the world") in text
    assert "one world-average pay per FTE" in text and "its interval is wide" in text


def test_briefing_jobs_sentence_says_skew_and_rest_of_world_share(stargate):
    from moneytrail.report.briefing.content import PlanBrief, jobs_reading_sentences
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    ws = Workspace.open(db=str(STORE))
    result = tasks.show_run(ws, stargate["run_id"])
    brief = PlanBrief(result=result, plan=tasks.stored_plan(result, to="brief it"),
                      name="stargate")
    text, want = " ".join(jobs_reading_sentences(brief)), expected(stargate)
    assert f"is {want['ratio']} times the median, {want['median']}" in text
    assert f"{want['share']} of these FTE-years (mean) are in the rest of the world" in text


def test_run_page_says_skew_and_rest_of_world_share(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    sys.path.insert(0, str(ROOT / "tests" / "web"))
    from runs_helpers import finished

    app = create_app(db=str(tmp_path / "web.sqlite"), start_reference_runs=False,
                     run_limit=(1000, 100))
    with TestClient(app) as client:
        rid = finished(client, {"reference": "stargate-style-us", "draws": 300, "seed": 1})
        page = client.get(f"/r/{rid}")
        payload = {name: client.get(f"/api/v1/runs/{rid}?table={name}").json()
                   for name in ("jobs", "country")}
    assert page.status_code == 200
    text = words(page.text)
    want = expected(payload)
    assert f"is {want['ratio']} times the median, {want['median']}" in text
    assert f"{want['share']} of these FTE-years (mean) are in the rest of the world" in text
