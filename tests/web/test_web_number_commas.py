"""One rule for commas in typed numbers, as the web shows it (moneytrail.numbers.read_number;
the reader itself: tests/test_number_commas.py): a comma only separates thousands in groups of
three, and anything else with a comma ('1,5 bn', '0,39', '12,5') is refused in one line naming
the field and the text typed and saying to use a point for decimals; an HTTP 400, never a 5xx
and never read silently as a decimal. Before, the builder read '1,5 bn' as 1.5 bn."""

from __future__ import annotations

from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from test_web_numbers_compare import submit, summary  # noqa: E402

from moneytrail.numbers import DECIMAL_COMMA  # noqa: E402
from moneytrail.web import builder, create_app  # noqa: E402

POINT = "use a point for decimals: 12.5"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("number-commas") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize(("field", "typed", "where"), [
    ("budget", "1,5 bn", "Budget"), ("budget", "EUR 20,5 bn", "Budget"),
    ("spend-0-central", "0,39", "Category 1 (AI accelerators), Share")])
def test_the_builder_refuses_a_decimal_comma_in_one_line(client, field, typed, where):
    page, draft = submit(client, **{field: typed})
    assert page.status_code == 400
    line = summary(page.text)
    anchor = "f-budget" if field == "budget" else field
    assert line.startswith(f"{anchor} {where}: {DECIMAL_COMMA}")
    assert f"(you gave: {typed})" in line and "\n" not in line
    if field == "budget":
        assert draft["budget"]["amount"] == typed           # kept as typed, not 1.5e9


@pytest.mark.parametrize(("field", "typed", "path", "value"), [
    ("budget", "1,500 m", ("budget", "amount"), 1_500_000_000),
    ("budget", "20,000", ("budget", "amount"), 20_000),
    ("draws", "2,000", ("draws",), 2000)])
def test_the_builder_reads_thousands_commas(client, field, typed, path, value):
    page, draft = submit(client, **{field: typed})
    assert page.status_code == 200, summary(page.text)
    found = draft
    for key in path:
        found = found[key]
    assert found == value


def test_the_builders_rules_cap_says_to_use_a_point():
    rules, errors = builder.read_rules({"cap": "0,5", "weight": "1,5"}, ["accelerators"])
    assert rules["cap"] is None and rules["eu_weight"] is None
    assert [(e["anchor"], e["value"]) for e in errors] == \
        [("f-rules_cap", "0,5"), ("f-rules_weight", "1,5")]
    assert all(POINT in e["line"] for e in errors)
    rules, errors = builder.read_rules({"cap": "0.5", "weight": "1.5"}, ["accelerators"])
    assert (rules["cap"], rules["eu_weight"], errors) == (0.5, 1.5, [])


def test_the_api_refuses_a_decimal_comma_in_a_plan_saying_to_use_a_point(client):
    plan = {**builder.reference_mapping("eu-ai-gigafactories"), "draws": 100}
    plan["budget"] = {**plan["budget"], "amount": "1,5 bn"}
    response = client.post("/api/v1/runs", json=plan)
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["field"], body["value"]) == ("budget.amount", "1,5 bn")
    assert POINT in body["detail"] and "\n" not in body["detail"]


def test_the_api_check_of_an_own_figure_refuses_a_decimal_comma(client):
    params = {"run": "no-such-run", "quantity": "jobs_all", "countries": ["DE"],
              "side": "at_least", "number": "12,5"}
    response = client.get("/api/v1/claims/check", params=params)
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["field"], body["value"]) == ("number", "12,5")
    assert DECIMAL_COMMA in body["detail"]


def test_the_ledger_form_refuses_a_decimal_comma(tmp_path):
    import re

    from accounts_fixtures import login, make_app

    app = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    client = login(app, "eve")
    claim = "stargate_us_announced"
    html = client.get(f"/ledger/edit/claim/{claim}").text
    form = re.search(r'<form method="post" action="/ledger/edit/.*?</form>', html, re.S).group(0)
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    values.update(low="450,5 bn", reason="a decimal comma")
    refused = client.post(f"/ledger/edit/claim/{claim}", data=values, follow_redirects=False)
    assert refused.status_code == 400
    text = unescape(refused.text)
    assert POINT in text and "(you gave: 450,5 bn)" in text
    assert app.state.web.ledger.get("claim", claim)["low"] == "500000000000"
