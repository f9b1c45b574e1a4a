"""Reviewers' findings on the web API's error responses: a 50,000-character supplier key,
spending category or site country came back whole in both `field` and `value` (a 100 KB
response), a long claim id whole in `instance`; a title of 199 characters padded with white
space was refused as 203 characters while a scenario file with it was accepted."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

LONG = "k" * 50_000
ECHO = 500          # characters of user input an error response may hold, at most


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, base_url=HTTPS, raise_server_exceptions=False)


def plan_mapping() -> dict:
    from moneytrail.errors import ScenarioError
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.scenarios.yamlio import read_yaml

    path = next(p for p in reference_scenarios() if p.stem == "eu-ai-gigafactories")
    return dict(read_yaml(path, ScenarioError, what="scenario file"))


@pytest.mark.parametrize("change, field", [
    (lambda m: m.update(procurement={"accelerators": {LONG: 1.0}}),
     "procurement.accelerators."),
    (lambda m: m["spend"].update({LONG: 0.1}), "spend."),
    (lambda m: m.update(site_country=LONG), "site_country"),
])
def test_a_huge_key_or_value_is_not_echoed_whole(client, change, field):
    plan = plan_mapping()
    change(plan)
    for body, prefix in ((plan, ""), ({"scenario": plan}, "scenario.")):
        response = client.post("/api/v1/runs", json=body)
        assert 400 <= response.status_code < 500, response.text[:300]
        assert len(response.content) < 2 * ECHO + 2_000, len(response.content)
        problem = response.json()
        assert problem["field"].startswith(prefix + field), problem["field"][:100]
        assert len(problem["field"]) <= ECHO and len(problem.get("value", "")) <= ECHO
        assert "\u2026" in problem["field"] + problem.get("value", "")     # shortened


def test_a_long_claim_id_is_not_echoed_whole_in_instance(client):
    response = client.get(f"/api/v1/claims/{'c' * 5_000}/check", params={"run": "x"})
    assert 400 <= response.status_code < 500, response.text[:300]
    problem = response.json()
    assert problem["instance"].startswith("/api/v1/claims/ccc")
    assert len(problem["instance"]) <= ECHO and len(response.content) < 2_000 + ECHO


def test_short_values_are_echoed_as_sent(client):
    plan = plan_mapping()
    plan["spend"]["unicorns"] = 0.1
    problem = client.post("/api/v1/runs", json=plan).json()
    assert (problem["field"], problem["value"]) == ("spend.unicorns", "unicorns")
    assert problem["instance"] == "/api/v1/runs"


def test_a_title_is_measured_after_stripping_as_the_schema_does(client):
    from moneytrail.scenarios.schema import MAX_TITLE, parse_scenario

    plan = plan_mapping()
    plan["title"] = "  " + "t" * (MAX_TITLE - 1) + "  "
    assert parse_scenario(dict(plan)).title == "t" * (MAX_TITLE - 1)   # a file: accepted
    response = client.post("/api/v1/runs", json={"scenario": plan, "draws": 20})
    assert response.status_code in (200, 202), response.text[:300]
    plan["title"] = "  " + "t" * (MAX_TITLE + 1) + "  "
    problem = client.post("/api/v1/runs", json=plan).json()
    assert problem["field"] == "title" and f"this one has {MAX_TITLE + 1:,}" in problem["detail"]
