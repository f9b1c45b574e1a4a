"""h232 on the web: a ledger amount of 1e400 in a JSON body is beyond the cap as on the command
line (it said 'too large to be finite'); 1e-400 is refused as too small to store in the JSON
API and the editor's form (both stored it as 0); a plan's budget written as a whole number of
400 digits names the cap ('Input should be a valid number (got an integer)' before)."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from form_checks import message_of, parse  # noqa: E402
from test_web_ledger_form_errors import form_values  # noqa: E402

CAP = ("the cap on any amount, in whatever currency or unit it is counted, there to catch "
       "typos such as 1e30): check the amount and its unit")
TOO_SMALL = "too small to store (it rounds to 0): give 0 or a larger number"
BIG = "9" * 400


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def claim_body(central: str) -> bytes:
    record = {"ref": "c_h232", "deal": "l_stargate_us_2025_01", "stage": "announced",
              "low": 0, "central": "@C@", "high": 1e15, "currency": "KRW",
              "price_year": 2025, "as_of": "2025-01-21", "source": "l_stargate_2025_01_center"}
    return json.dumps({"record": record, "reason": "h232"}).replace('"@C@"', central).encode()


def problem(response):
    assert response.status_code == 400, response.text
    body = response.json()
    return body["field"], body.get("value"), body["detail"]


@pytest.mark.parametrize(("sent", "said"), [
    ("1e400", f"more than 100,000 tn ({CAP}"), ("-1e400", f"less than -100,000 tn ({CAP}"),
    (BIG, f"more than 100,000 tn ({CAP}"), ("1e-400", TOO_SMALL), ("-5e-330", TOO_SMALL)])
def test_api_ledger_amounts_a_float_cannot_hold_are_refused_as_on_the_cli(app, sent, said):
    client = TestClient(app, base_url=HTTPS)
    before = len(app.state.web.ledger.history())
    response = client.post("/api/v1/ledger/claim", content=claim_body(sent),
                           headers={**bearer(app, "eve"), "Content-Type": "application/json"})
    field, value, detail = problem(response)
    assert field == "record.central" and detail.startswith(said), detail
    if sent != BIG:
        assert value == sent
    assert "world GDP" not in detail and len(app.state.web.ledger.history()) == before


@pytest.mark.parametrize("typed", ["1e-400", "1e-400 bn"])
def test_the_editor_form_refuses_an_amount_that_would_be_stored_as_0(app, typed):
    client = login(app, "eve")
    html = client.get("/ledger/add/claim").text
    data = {**form_values(html, "/ledger/add/claim"), "ref": "c_h232_form",
            "deal": "l_stargate_us_2025_01", "stage": "announced", "low": "", "central": typed,
            "high": "", "currency": "USD", "price_year": "2025", "as_of": "2025-01-21",
            "source": "l_stargate_2025_01_center", "reason": "h232"}
    refused = client.post("/ledger/add/claim", data=data)
    assert refused.status_code == 400, refused.text[:300]
    assert TOO_SMALL in message_of(parse(refused.text), "f-central").lower()
    assert "c_h232_form" not in {r["ref"] for r in app.state.web.ledger.records("claim")}


@pytest.mark.parametrize(("amount", "said"), [
    (BIG, "a budget can be at most 100,000 tn in the plan's currency, the upper bound "
          "(there to catch typos): check the amount and its size word"),
    ("-" + BIG, "a budget must be more than zero: at least 1, one unit of the plan's "
                "currency")])
def test_a_400_digit_budget_in_a_json_body_names_the_cap(app, amount, said):
    from moneytrail.web import builder

    plan = builder.reference_mapping("eu-ai-gigafactories")
    plan["draws"] = 100
    plan["budget"] = {**plan["budget"], "amount": "@A@"}
    body = json.dumps(plan).replace('"@A@"', amount).encode()
    response = TestClient(app, base_url=HTTPS).post(
        "/api/v1/runs", content=body, headers={"Content-Type": "application/json"})
    field, value, detail = problem(response)
    assert (field, detail) == ("budget.amount", said)
    assert value.endswith("(400 digits)")
