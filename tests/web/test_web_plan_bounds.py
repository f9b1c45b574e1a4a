"""Plans the web refuses against the data (a tester's findings): a procurement override naming
a supplier that does not sell in the category, and a budget above the largest GDP in the data
(macro/gdp.csv). The API answers 400 naming the field; the builder shows the form again with
the message beside it (status 400), and no run starts."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("plan-bounds") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def plan(**changes):
    body = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1000}, "spend": {"accelerators": 1.0}, "draws": 50}
    body.update(changes)
    return body


def builder_error(client, **changes) -> tuple[str, str]:
    """Post the reference plan's builder form with `changes` and action=run: (the input id
    the error stands next to, the error message); fails if a run was started."""
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    fields.update({"draws": "100", "action": "run", **changes})
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/build?plan="), "a run was started"
    page = client.get(response.headers["location"])
    assert page.status_code == 400, "the builder says the plan is valid"
    summary = re.search(r'<div class="notice error-summary".*?<a href="#([^"]+)">(.*?)</a>',
                        page.text, re.S)
    assert summary, "no error summary"
    return summary.group(1), " ".join(summary.group(2).split())


def test_builder_and_api_refuse_a_supplier_that_does_not_sell_the_category(client):
    """Model licences bought from Nvidia: a 400 naming procurement.model_licences.nvidia."""
    api = client.post("/api/v1/runs", json=plan(
        spend={"accelerators": 0.5, "model_licences": 0.5},
        procurement={"model_licences": {"nvidia": 1.0}}))
    assert api.status_code == 400, api.text
    assert (api.json()["field"], api.json()["value"]) == ("procurement.model_licences.nvidia",
                                                          "nvidia")
    assert "suppliers of model_licences: amazon," in api.json()["detail"]
    fields = form_fields(client.get("/build?reference=efficiency-first-eu").text)
    row = next(k[:-len("-supplier")] for k, v in fields.items()
               if k.startswith("proc-") and k.endswith("-supplier") and v == "mistral_ai")
    fields.update({"draws": "100", "action": "run", f"{row}-supplier": "nvidia"})
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.headers["location"].startswith("/build?plan="), "a run was started"
    page = client.get(response.headers["location"])
    assert page.status_code == 400
    assert f'id="{row}-supplier-error"' in page.text
    assert "nvidia does not sell model_licences" in page.text


def test_builder_and_api_refuse_a_budget_above_the_largest_economy(client):
    """1e17 EUR was accepted and printed 'EUR 100,000.00 tn': a 400 naming budget.amount and
    the GDP bound (macro/gdp.csv, x_wb_gdp_2024)."""
    api = client.post("/api/v1/runs", json=plan(budget={"amount": 1e17}))
    assert api.status_code == 400, api.text
    assert api.json()["field"] == "budget.amount"
    assert "GDP of the largest economy in the data package" in api.json()["detail"]
    assert "x_wb_gdp_2024" in api.json()["detail"]
    anchor, message = builder_error(client, budget="1e17")
    assert anchor == "f-budget" and "more than the GDP of the largest economy" in message
