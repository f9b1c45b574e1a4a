"""A saved plan whose budget was sent as text ('5 bn', which the scenario schema reads since
h120) was saved (201) but stored as typed, so running it was a 400 'Input should be a valid
number' (tester 36): the plan is stored with the amount the check read, and it runs."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, make_app, store_url  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    with store_url("sqlite", tmp_path_factory.mktemp("saved-text")) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


def test_a_budget_given_as_text_is_stored_as_its_number_and_runs(app):
    from moneytrail.web import builder

    plan = builder.reference_mapping("eu-ai-gigafactories")
    plan["draws"] = 100
    plan["budget"] = {**plan["budget"], "amount": "5 bn"}
    client = TestClient(app, base_url=HTTPS)
    headers = bearer(app, "eve")
    created = client.post("/api/v1/saved-plans", headers=headers,
                          json={"title": "Five", "description": "", "visibility": "private",
                                "plan": plan})
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    stored = client.get(f"/api/v1/saved-plans/{pid}", headers=headers).json()["plan"]
    assert stored["budget"]["amount"] == 5e9
    run = client.post(f"/api/v1/saved-plans/{pid}/runs", headers=headers)
    assert run.status_code in (200, 201, 202), run.text
