"""How many draws and which seed a run asked for over the HTTP API gets, and what it is told.

1. `POST /api/v1/saved-plans/{id}/runs` ignored its body: `{"draws": 1500, "seed": 7}` ran the
   plan's own settings, and bodies that are not JSON, of the wrong types or with unknown keys
   were accepted. No body (or `{}`) runs the plan's settings; `draws` and `seed` are honoured
   with the checks of `POST /api/v1/runs`; anything else is a one-line 4xx naming the field.
2. `POST /api/v1/runs` with `{"scenario": {..., "draws": 3000, "seed": 5}}` ran 2,000 draws
   but seed 5, silently. The plan's own draws and seed are honoured (draws or seed beside
   `scenario` win), and the answer says the draws and seed the run uses.
3. Draws above the general limit (`"draws": 100000000`) were refused naming that limit and the
   server's environment variable; the web/API limit (20,000) is the one that applies.
4. A queued or running run's table was a 400 ("this run is queued"): now 409 Conflict, so a
   polling client tells "not yet" from a bad request.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import bearer, count, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web.jobs import MAX_WEB_DRAWS  # noqa: E402

PLAN = "eu-ai-gigafactories"
BASE = "http://127.0.0.1"
QUEUED = "c0ffee00" + "0" * 24         # a run another process holds queued


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('run-bodies') / 'ledger.sqlite'}"
    application = make_app(url, run_limit=(1000, 100))
    application.state.jobs.store.start(QUEUED, kind="trace", label="stand-in", inputs={},
                                       data_version="x", data_hash="x", total=1,
                                       status="queued")
    yield application
    application.state.jobs.shutdown()
    application.state.web.close()


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=BASE, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def scenario(client) -> dict:
    """The reference plan's scenario as GET /api/v1/plans/{id} gives it, made cheap to run."""
    plan = client.get(f"/api/v1/plans/{PLAN}").json()["scenario"]
    return {**plan, "id": "own-plan", "draws": 120, "seed": 5}


@pytest.fixture(scope="module")
def saved_id(client, app, scenario) -> int:
    response = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                           json={"title": "Own plan", "plan": {**scenario, "draws": 110,
                                                               "seed": 3}})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def total_of(client, rid: str, headers: dict | None = None) -> int:
    """The draws the stored run computes (its status says done of total)."""
    response = client.get(f"/api/v1/runs/{rid}", headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()["total"]


# -- 1. the saved plan's run body -----------------------------------------------------------
def test_a_saved_plan_run_honours_draws_and_seed_of_its_body(client, app, saved_id):
    response = client.post(f"/api/v1/saved-plans/{saved_id}/runs", headers=bearer(app, "eve"),
                           json={"draws": 150, "seed": 7})
    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["draws"], body["seed"]) == (150, 7)
    assert total_of(client, body["run_id"], bearer(app, "eve")) == 150


@pytest.mark.parametrize("content", [None, b"", b"{}"])
def test_a_saved_plan_run_without_options_uses_the_plans_own(client, app, saved_id, content):
    headers = bearer(app, "eve")
    if content is not None:
        headers["Content-Type"] = "application/json"
    response = client.post(f"/api/v1/saved-plans/{saved_id}/runs", headers=headers,
                           content=content)
    assert response.status_code == 202, response.text
    assert (response.json()["draws"], response.json()["seed"]) == (110, 3)
    assert total_of(client, response.json()["run_id"], bearer(app, "eve")) == 110


@pytest.mark.parametrize(("content", "content_type", "status", "field"), [
    (b"xx", "application/json", 400, "body"),
    (b"xx", "text/plain", 415, "Content-Type"),
    (b"draws=5", "application/x-www-form-urlencoded", 415, "Content-Type"),
    (b"[1]", "application/json", 400, "body"),
    (b'{"draws": "abc"}', "application/json", 400, "draws"),
    (b'{"draws": 0}', "application/json", 400, "draws"),
    (b'{"draws": 2.5}', "application/json", 400, "draws"),
    (b'{"seed": -3}', "application/json", 400, "seed"),
    (b'{"seed": "1"}', "application/json", 400, "seed"),
    (b'{"drawz": 5}', "application/json", 400, "drawz"),
    (b'{"draws": 20001}', "application/json", 400, "draws"),
])
def test_a_saved_plan_run_refuses_a_bad_body_and_starts_nothing(client, app, saved_id, content,
                                                                  content_type, status, field):
    before = count(app, "saved_plan_runs")
    response = client.post(f"/api/v1/saved-plans/{saved_id}/runs",
                           headers={**bearer(app, "eve"), "Content-Type": content_type},
                           content=content)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["field"] == field
    assert "\n" not in response.json()["detail"]
    assert count(app, "saved_plan_runs") == before


def test_a_saved_plan_run_checks_the_caller_before_the_body(client, app, saved_id):
    response = client.post(f"/api/v1/saved-plans/{saved_id}/runs", content=b"xx",
                           headers={**bearer(app, "rita"), "Content-Type": "text/plain"})
    assert response.status_code == 403


# -- 2. the plan's draws and seed, said in the answer ---------------------------------------
def test_a_scenario_runs_with_its_own_draws_and_seed(client, scenario):
    response = client.post("/api/v1/runs", json={"scenario": scenario})
    assert response.status_code in (200, 202), response.text
    assert (response.json()["draws"], response.json()["seed"]) == (120, 5)
    assert total_of(client, response.json()["run_id"]) == 120


def test_draws_and_seed_beside_the_scenario_win(client, scenario):
    response = client.post("/api/v1/runs", json={"scenario": scenario, "draws": 130,
                                                 "seed": 9})
    assert response.status_code in (200, 202), response.text
    assert (response.json()["draws"], response.json()["seed"]) == (130, 9)
    assert total_of(client, response.json()["run_id"]) == 130


def test_every_run_answer_says_its_draws_and_seed(client, scenario):
    plain = client.post("/api/v1/runs", json={**scenario, "draws": 140})
    assert (plain.json()["draws"], plain.json()["seed"]) == (140, 5)
    reference = client.post("/api/v1/runs", json={"reference": PLAN, "draws": 100})
    assert (reference.json()["draws"], reference.json()["seed"]) == (100, 1)
    again = client.post("/api/v1/runs", json={"reference": PLAN, "draws": 100})
    assert again.json()["run_id"] == reference.json()["run_id"]
    assert (again.json()["draws"], again.json()["seed"]) == (100, 1)


def test_the_plan_document_posted_back_is_still_the_reference_run(client, app):
    """GET /api/v1/plans/{id}'s scenario says the reference runs' 2,000 draws, so posting
    the document back is the run the home page shows."""
    from moneytrail.web.routes_runs import REFERENCE_DRAWS

    document = client.get(f"/api/v1/plans/{PLAN}").json()
    assert document["scenario"]["draws"] == REFERENCE_DRAWS
    posted = client.post("/api/v1/runs", json=document).json()
    by_id = client.post("/api/v1/runs", json={"reference": PLAN}).json()
    assert posted["run_id"] == by_id["run_id"]
    assert posted["draws"] == by_id["draws"] == REFERENCE_DRAWS


# -- 3. the limit that applies --------------------------------------------------------------
@pytest.mark.parametrize("where", ["reference", "scenario", "inside scenario", "plan"])
def test_too_many_draws_name_the_web_limit(client, scenario, where):
    huge = 100_000_000
    body = {"reference": {"reference": PLAN, "draws": huge},
            "scenario": {"scenario": scenario, "draws": huge},
            "inside scenario": {"scenario": {**scenario, "draws": huge}},
            "plan": {**scenario, "draws": huge}}[where]
    response = client.post("/api/v1/runs", json=body)
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert f"{MAX_WEB_DRAWS:,}" in detail and "10,000,000" not in detail
    assert "MONEYTRAIL_MAX_DRAWS" not in detail
    assert response.json()["field"] in ("draws", "scenario.draws")


def test_too_many_draws_for_a_saved_plan_name_the_web_limit(client, app, saved_id):
    response = client.post(f"/api/v1/saved-plans/{saved_id}/runs", headers=bearer(app, "eve"),
                           json={"draws": 100_000_000})
    assert response.status_code == 400, response.text
    assert f"{MAX_WEB_DRAWS:,}" in response.json()["detail"]
    assert "MONEYTRAIL_MAX_DRAWS" not in response.json()["detail"]


# -- 4. not done yet: 409 -------------------------------------------------------------------
@pytest.mark.parametrize("query", ["?table=headline", "?format=csv&table=country",
                                   "?format=xlsx"])
def test_a_queued_runs_table_is_a_conflict_not_a_bad_request(client, query):
    response = client.get(f"/api/v1/runs/{QUEUED}{query}")
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "run id"
    assert "queued" in response.json()["detail"]
    assert client.get(f"/api/v1/runs/{QUEUED}").json()["status"] == "queued"


def test_a_queued_runs_chart_is_a_conflict(client):
    response = client.get(f"/api/v1/runs/{QUEUED}/charts/first.svg")
    assert response.status_code == 409, response.text
