"""h244 on the web: whole-number fields with digit-group underscores. The builder's whole-number
fields ('Years of spending', 'Horizon', 'Year') typed as '1_0' and the ledger editor's 'Price
year' typed as '2_025' get one message each, saying to write the number without underscores
(the price year stacked four errors); the API's plan JSON refuses text with underscores in one
plain sentence naming the field and the value (it began 'a number in JSON, and ...')."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from test_web_builder_words import submit, summary  # noqa: E402

from moneytrail.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(db=str(tmp_path_factory.mktemp("h244") / "ledger.sqlite"),
                     start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(("changes", "line"), [
    ({"spend_years": "1_0"}, "f-spend_years Years of spending: not a number: write it "
     "without underscores (10, not 1_0) (you gave: 1_0)"),
    ({"horizon_years": "1_0"}, "f-horizon_years Horizon: not a number: write it without "
     "underscores (10, not 1_0) (you gave: 1_0)"),
    ({"year": "2_025"}, "f-year Year: not a number: write it without underscores (2025, not "
     "2_025) (you gave: 2_025)"),
    ({"seed": "1_0"}, "f-seed Random seed: not a number: write it without underscores (10, "
     "not 1_0) (you gave: 1_0)"),
])
def test_the_builder_refuses_a_whole_number_with_underscores_saying_what_to_write(
        client, changes, line):
    from form_checks import invalid_inputs, parse

    page, _ = submit(client, **changes)
    assert page.status_code == 400
    assert summary(page.text) == line
    assert invalid_inputs(parse(page.text)) == [line.split()[0]]      # one error, that field


def test_the_ledger_editor_refuses_a_price_year_with_underscores_in_one_message(module_app):
    from accounts_fixtures import login
    from form_checks import invalid_inputs, message_of, parse
    from test_web_ledger_form_errors import form_values

    editor = login(module_app, "eve")
    html = editor.get("/ledger/add/claim").text
    data = {**form_values(html, "/ledger/add/claim"), "ref": "c_h244_form",
            "deal": "l_stargate_us_2025_01", "stage": "announced", "low": "",
            "central": "1000", "high": "", "currency": "USD", "price_year": "2_025",
            "as_of": "2025-01-21", "source": "l_stargate_2025_01_center", "reason": "h244"}
    refused = editor.post("/ledger/add/claim", data=data)
    assert refused.status_code == 400, refused.text[:300]
    page = parse(refused.text)
    assert invalid_inputs(page) == ["f-price_year"]
    assert message_of(page, "f-price_year") == (
        "Not a number: write it without underscores (2025, not 2_025) (you gave: 2_025)")
    assert "c_h244_form" not in {r["ref"] for r in module_app.state.web.ledger.records("claim")}


@pytest.mark.parametrize(("changes", "field", "detail"), [
    ({"budget": {"amount": "20_000"}}, "budget.amount",
     "budget.amount must be a JSON number, not the text '20_000': write 20000 (without "
     "quotes or underscores)"),
    ({"year": "2_025"}, "year",
     "year must be a JSON number, not the text '2_025': write 2025 (without quotes or "
     "underscores)"),
])
def test_the_api_refuses_text_with_underscores_in_a_plain_sentence(client, changes, field,
                                                                   detail):
    body = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1000}, "spend": {"accelerators": 1.0}, "draws": 50,
            **changes}
    response = client.post("/api/v1/runs", json=body)
    assert response.status_code == 400, response.text
    problem = response.json()
    value = changes[field.split(".")[0]]
    value = value["amount"] if isinstance(value, dict) else value
    assert (problem["field"], problem["value"], problem["detail"]) == (field, value, detail)
