"""Findings h64 on the web: a TWD plan at a 2026 price year (no TWD rate for 2026) is refused
by the API and the builder naming price_year, as the CLI refuses it; a stored comparison run
gets its briefing from /r/<id>/report.html, as `moneytrail report <id>` makes it."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from test_web_plan_checks import builder_error, plan  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402
from moneytrail.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store with one comparison run, as `moneytrail compare` stores it."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("h64") / "ledger.sqlite")
    plans = [load_scenario(p) for p in reference_scenarios()
             if p.stem in ("stargate-style-us", "eu-ai-gigafactories")]
    with Workspace.open(db=db) as ws:
        compared = tasks.compare_plans(ws, plans, draws=100, seed=1)
    return db, compared


@pytest.fixture(scope="module")
def client(stored):
    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def test_a_price_year_the_restatement_cannot_reach_is_refused(client):
    response = client.post("/api/v1/runs", json=plan(currency="TWD", price_year=2026))
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["field"], body["value"]) == ("price_year", 2026)
    assert "no TWD exchange rate or price index for 2026" in body["detail"]
    assert "from price years 2015-2025" in body["detail"]
    anchor, message = builder_error(client, currency="TWD", price_year="2026")
    assert anchor == "f-price_year" and "no TWD exchange rate" in message
    ok = client.post("/api/v1/runs", json=plan(currency="TWD", price_year=2025))
    assert ok.status_code in (200, 202), ok.text


def test_a_comparison_run_has_a_report(client, stored):
    compared = stored[1]
    assert compared.kind == "compare"
    report = client.get(f"/r/{compared.run_id}/report.html")
    assert report.status_code == 200, report.text[:300]
    assert report.headers["content-type"].startswith("text/html")
    assert compared.run_id in report.text
