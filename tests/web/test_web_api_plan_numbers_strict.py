"""One rule for a plan's numbers in the JSON API: JSON keeps numbers as numbers. POST
/api/v1/runs refused a budget of "2 bn" ('Input should be a valid number') while POST and
PATCH /api/v1/saved-plans took it (tester 36 had made them read it); now every JSON endpoint
that takes a plan refuses text in a number field, saying what to write and naming the field's
path. Plan files (YAML, the CLI) and the web builder still read money words."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

TWO_BN = ("a number in JSON, e.g. 2000000000; money words like '2 bn' are for plan files "
          "and the builder")


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def plan(**changes):
    from moneytrail.web import builder

    mapping = builder.reference_mapping("eu-ai-gigafactories")
    mapping["draws"] = 100
    mapping.update(changes)
    return mapping


def two_bn(mapping):
    return {**mapping, "budget": {**mapping["budget"], "amount": "2 bn"}}


def problem(response):
    assert response.status_code == 400, response.text
    body = response.json()
    return body["field"], body.get("value"), body["detail"]


def test_runs_refuse_money_words_saying_what_to_write(app):
    client = TestClient(app, base_url=HTTPS)
    assert problem(client.post("/api/v1/runs", json=two_bn(plan()))) == \
        ("budget.amount", "2 bn", TWO_BN)
    assert problem(client.post("/api/v1/runs", json={"scenario": two_bn(plan())})) == \
        ("scenario.budget.amount", "2 bn", TWO_BN)
    shares = plan(spend={"accelerators": "39 %", "facility": 0.61})
    assert problem(client.post("/api/v1/runs", json=shares)) == \
        ("spend.accelerators", "39 %",
         "a number in JSON, e.g. 0.39; text like '39 %' is for plan files and the builder")


def test_saved_plans_take_the_same_rule_on_create_and_patch(app):
    client = TestClient(app, base_url=HTTPS)
    headers = bearer(app, "eve")
    meta = {"title": "Two", "description": "", "visibility": "private"}
    assert problem(client.post("/api/v1/saved-plans", headers=headers,
                               json={**meta, "plan": two_bn(plan())})) == \
        ("plan.budget.amount", "2 bn", TWO_BN)
    created = client.post("/api/v1/saved-plans", headers=headers,
                          json={**meta, "plan": {**plan(), "budget": {
                              **plan()["budget"], "amount": 2_000_000_000}}})
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    patched = client.patch(f"/api/v1/saved-plans/{pid}", headers=headers,
                           json={"expected_revision": 1, "plan": two_bn(plan())})
    assert problem(patched) == ("plan.budget.amount", "2 bn", TWO_BN)
    stored = client.get(f"/api/v1/saved-plans/{pid}", headers=headers).json()["plan"]
    assert stored["budget"]["amount"] == 2e9                         # unchanged
    run = client.post(f"/api/v1/saved-plans/{pid}/runs", headers=headers)
    assert run.status_code in (200, 201, 202), run.text


def test_plan_files_and_the_builder_still_read_money_words(app, tmp_path):
    from moneytrail.web.jobs import plan_from_mapping

    ws = app.state.workspace
    assert plan_from_mapping(ws, two_bn(plan())).budget.amount == 2e9       # the builder
    with pytest.raises(Exception, match="a number in JSON, e.g. 2000000000"):
        plan_from_mapping(ws, two_bn(plan()), strict=True)


def test_the_api_docs_say_it():
    root = Path(__file__).resolve().parents[2]
    docs = " ".join((root / "docs" / "errors.md").read_text(encoding="utf-8").split())
    assert "money words like '2 bn' are for plan files and the builder" in docs
