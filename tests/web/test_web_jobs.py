"""Jobs and embodied CO2 on the web run page and in the run's API tables (issue 14)."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    db = tmp_path_factory.mktemp("runs") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as client:
        response = client.post("/api/v1/runs", json={"reference": "eu-ai-gigafactories",
                                                      "draws": 300, "seed": 5})
        assert response.status_code == 202, response.text
        rid = response.json()["run_id"]
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            body = client.get(f"/api/v1/runs/{rid}").json()
            if body["status"] in ("done", "error"):
                break
            time.sleep(0.1)
        assert body["status"] == "done", body.get("error")
        yield client, body


def test_run_page_shows_jobs_and_co2_with_sources(run):
    client, body = run
    html = client.get(f"/r/{body['run_id']}").text
    assert "Jobs and CO2 beside the money" in html
    assert "per EUR m" in html            # the scorecard rows and the jobs table
    tables = body["result"]["tables"]
    assert {"jobs", "co2"} <= set(tables)
    assert "Sources: " in tables["jobs"]["note"] and "Sources: " in tables["co2"]["note"]
    csv = client.get(f"/api/v1/runs/{body['run_id']}?format=csv&table=jobs")
    assert csv.status_code == 200 and "jobs (FTE-years), all" in csv.text


def test_scorecard_has_jobs_and_co2_per_eur_million(run):
    _, body = run
    scorecard = body["result"]["tables"]["scorecard"]
    names = [c["name"] for c in scorecard["columns"]]
    rows = {r[names.index("metric")]: r for r in scorecard["rows"]}
    jobs = rows["Jobs paid for per million spent (FTE-years)"]
    assert jobs[names.index("unit")] == "FTE-years per EUR million"
    p5, p50, p95 = (jobs[names.index(f"eu-ai-gigafactories_{s}")] for s in ("p5", "p50", "p95"))
    assert 0 < p5 <= p50 <= p95
