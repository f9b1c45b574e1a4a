"""h242, bad input on the web and the API:

1. The ledger editor read a claim's amount written in other scripts' digits ('１０', '١٠ bn')
   as 10 while the ledger's command line, CSV files and API refuse them (data.checks.read_float:
   'not a number'); '1_0.5' and '20_000' are refused there too (h235).
2. `POST /api/v1/saved-plans` answered 422 for a body of the wrong shape and 400 for a bad
   plan, where `POST /api/v1/runs` answers 400 for both: now 400 with problem details.
3. `{"reference": ["x"]}` was echoed as Python's "['x']": the JSON type is named instead.
4. A saved plan's title of 5,000 characters was echoed 200 characters long in pydantic's words;
   it is shortened as /runs shortens a plan's title (text.shown_text), in the same words.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

LONG = "T" * 5000
SAID = "at most 200 characters (this one has 5,000); shorten it"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app, base_url=HTTPS, raise_server_exceptions=False)


@pytest.mark.parametrize("typed", ["1_0.5", "20_000", "１０", "١٠ bn"])
def test_the_ledger_editor_refuses_what_the_ledgers_command_line_refuses(app, typed):
    from form_checks import message_of, parse
    from test_web_ledger_form_errors import form_values

    editor = login(app, "eve")
    html = editor.get("/ledger/add/claim").text
    data = {**form_values(html, "/ledger/add/claim"), "ref": "c_h242_form",
            "deal": "l_stargate_us_2025_01", "stage": "announced", "low": "",
            "central": typed, "high": "", "currency": "USD", "price_year": "2025",
            "as_of": "2025-01-21", "source": "l_stargate_2025_01_center", "reason": "h242"}
    refused = editor.post("/ledger/add/claim", data=data)
    assert refused.status_code == 400, refused.text[:300]
    message = message_of(parse(refused.text), "f-central")
    assert message.startswith("Not a number") and message.endswith(f"(you gave: {typed})")
    assert "c_h242_form" not in {r["ref"] for r in app.state.web.ledger.records("claim")}


def saved(client, app, body, method="post", path="/api/v1/saved-plans"):
    return getattr(client, method)(path, headers=bearer(app, "eve"), json=body)


@pytest.mark.parametrize(("body", "field"), [
    ({"title": "x", "colour": 1}, "colour"),               # an unknown key
    ({"title": 5}, "title"),                                # a wrong JSON type
    ({"description": "no title"}, "title"),                 # a missing key
])
def test_saved_plan_bodies_of_the_wrong_shape_are_400_as_runs(client, app, plan, body, field):
    response = saved(client, app, {"plan": plan, **body})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert (problem["status"], problem["title"], problem["field"]) == (400, "Bad request", field)
    bad_plan = saved(client, app, {"title": "x", "plan": {**plan, "year": 1800}})
    assert bad_plan.status_code == 400 and bad_plan.json()["field"] == "plan.year"


def test_a_saved_plan_edit_without_its_revision_is_400(client, app):
    response = saved(client, app, {"title": "x"}, "patch", "/api/v1/saved-plans/1")
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "expected_revision"


@pytest.mark.parametrize("sent", [["x"], {"a": 1}])
def test_a_reference_of_the_wrong_type_is_named_by_its_json_type(client, sent):
    problem = client.post("/api/v1/runs", json={"reference": sent}).json()
    assert problem["field"] == "reference"
    assert "got an array" in problem["detail"] or "got an object" in problem["detail"]
    assert "value" not in problem and "['x']" not in str(problem)


def test_an_overlong_title_is_shortened_as_runs_shortens_it(client, app, plan):
    run = client.post("/api/v1/runs", json={**plan, "title": LONG}).json()
    made = saved(client, app, {"title": LONG, "plan": plan})
    assert made.status_code == 400, made.text
    problem = made.json()
    assert (problem["detail"], problem["value"]) == (run["detail"], run["value"]) == \
        (SAID, "T" * 40 + "\u2026")
    created = saved(client, app, {"title": "Short", "plan": plan}).json()
    edit = saved(client, app, {"expected_revision": created["revision"], "title": LONG},
                 "patch", f"/api/v1/saved-plans/{created['id']}")
    assert edit.status_code == 400 and edit.json()["value"] == "T" * 40 + "\u2026"
    description = saved(client, app, {"title": "x", "description": "d" * 5001, "plan": plan})
    assert description.status_code == 400
    assert description.json()["field"] == "description"
