"""Tester findings (h31): errors name the full path of a nested field (a saved plan's
`plan.title`, a run body's `scenario.year`, a ledger body's `record.low`); the builder and the
ledger forms quote what the user typed ('1,5'), not the number it was read as (1.5); a
comparison of two plans with one plan id gets a reproduce line with two distinct file names;
jobs per million name the price year they are at."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, login, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished, form_fields  # noqa: E402

REFERENCE = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = make_app(f"sqlite:///{tmp_path_factory.mktemp('h31') / 'ledger.sqlite'}")
    yield application
    application.state.jobs.shutdown()
    application.state.web.close()


@pytest.fixture(scope="module")
def plan():
    from moneytrail.web import builder

    mapping = builder.reference_mapping(REFERENCE)
    mapping["draws"] = 100
    return mapping


# -- 4. errors name the full path of a nested field ------------------------------------------
def test_saved_plan_api_names_plan_title_not_title(app, plan):
    client = TestClient(app, base_url=HTTPS)
    bad = {**plan, "title": "x\u202ey"}
    created = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                          json={"title": "Fine", "plan": bad})
    assert created.status_code == 400, created.text
    assert created.json()["field"] == "plan.title"

    saved = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                        json={"title": "Fine", "plan": plan}).json()
    edit = client.patch(f"/api/v1/saved-plans/{saved['id']}", headers=bearer(app, "eve"),
                        json={"expected_revision": saved["revision"],
                              "plan": {**plan, "year": 1999}})
    assert edit.status_code in (400, 422), edit.text
    assert edit.json()["field"] == "plan.year"
    whole = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                        json={"title": "Fine", "plan": {**plan, "spend": {}}})
    assert whole.status_code in (400, 422)
    assert whole.json()["field"].startswith("plan.spend")


def test_run_body_with_a_scenario_names_scenario_paths(app, plan):
    client = TestClient(app, base_url=HTTPS)
    response = client.post("/api/v1/runs", json={"scenario": {**plan, "year": 1999}})
    assert response.status_code in (400, 422), response.text
    assert response.json()["field"] == "scenario.year"
    response = client.post("/api/v1/runs", json={"scenario": [1, 2]})
    assert response.status_code in (400, 422), response.text
    assert response.json()["field"] == "scenario"
    top = client.post("/api/v1/runs", json={**plan, "year": 1999})       # a plan at the top
    assert top.json()["field"] == "year"


def test_ledger_api_names_record_and_changes_paths(app):
    client = TestClient(app, base_url=HTTPS)
    claim = "stargate_us_announced"
    record = client.get(f"/api/v1/ledger/record/claim/{claim}").json()
    edit = client.patch(f"/api/v1/ledger/claim/{claim}", headers=bearer(app, "eve"),
                        json={"changes": {"low": -5}, "reason": "negative",
                              "expected_revision": record["revision"]})
    assert edit.status_code in (400, 422), edit.text
    assert edit.json()["field"] == "changes.low", edit.json()
    added = client.post("/api/v1/ledger/claim", headers=bearer(app, "eve"),
                        json={"record": {**{k: record[k] for k in
                                            ("deal", "stage", "currency", "price_year",
                                             "as_of", "source")},
                                         "ref": "h31-test", "low": 9, "central": 5,
                                         "high": 7},
                              "reason": "out of order"})
    assert added.status_code in (400, 422), added.text
    assert added.json()["field"] == "record.low/central/high", added.json()
    stale = client.patch(f"/api/v1/ledger/claim/{claim}", headers=bearer(app, "eve"),
                         json={"changes": {"note": "x"}, "reason": "stale",
                               "expected_revision": record["revision"] + 5})
    assert stale.status_code == 409 and stale.json()["field"] != "changes.expected_revision"
