"""A reference plan's budget source in the plan builder holds for that amount in that currency
at that year's prices: changing only the currency (or the price year) of
/build?reference=eu-ai-gigafactories once kept the source `m_ec_investai_2025` and its note
"The EUR 20 bn gigafactory fund ...", so the run read "Budget USD 20.00 bn" citing a source
that says EUR 20 bn. Such a budget is now the user's own, as a changed amount is."""

from __future__ import annotations

import re

import pytest
import yaml

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, wait_done  # noqa: E402

from moneytrail.web.builder import USER_NOTE  # noqa: E402
from moneytrail.web.runs import decode_draft  # noqa: E402

PLAN = "eu-ai-gigafactories"
SOURCE = "m_ec_investai_2025"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("budget-currency") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def posted(client, action: str, **changes: str) -> str:
    """The reference plan's builder form with `changes`, posted with `action`: where it leads."""
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    fields.update(changes)
    response = client.post("/build", data={**fields, "action": action},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def checked_budget(client, **changes: str) -> dict:
    location = posted(client, "check", **changes)
    return decode_draft(re.search(r"plan=([^&]+)", location).group(1))["budget"]


def test_a_run_with_only_the_currency_changed_cites_no_source_for_the_budget(client):
    location = posted(client, "run", currency="USD", draws="200")
    run_id = re.fullmatch(r"/r/([0-9a-f]+)", location).group(1)
    assert wait_done(client, run_id)["status"] == "done"
    plan = yaml.safe_load(client.get(f"/api/v1/runs/{run_id}/plan.yaml").text)
    assert plan["currency"] == "USD"
    budget = plan["budget"]
    assert budget["amount"] == 20e9
    assert budget.get("source") is None
    assert budget["note"] == (USER_NOTE + f" The data gave EUR 20 bn at 2025 prices, "
                              f"source {SOURCE}.")
    assert "gigafactory fund" not in budget["note"]


def test_a_changed_price_year_drops_the_source_too(client):
    budget = checked_budget(client, price_year="2020")
    assert "source" not in budget
    assert budget["note"].startswith(USER_NOTE)


def test_an_unchanged_currency_and_price_year_keep_the_source(client):
    for changes in ({}, {"currency": "EUR"}, {"currency": "€"}, {"year": "2026"},
                    {"price_year": ""}):     # no price year: the year, 2025, as before
        budget = checked_budget(client, **changes)
        assert budget["source"] == SOURCE, changes
        assert budget["note"].startswith("The EUR 20 bn gigafactory fund"), changes


def test_a_price_year_the_form_refuses_keeps_the_source_for_when_it_is_corrected(client):
    """Price year `2_025` is refused (tester61); the form shown again with the error kept the
    budget's source only as long as the year read as one: the refused text counted as a new
    money year, so the source was dropped and did not come back once the year read 2025."""
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    fields["price_year"] = "2_025"
    response = client.post("/build", data={**fields, "action": "check"})
    assert "without underscores" in response.text
    again = form_fields(response.text)
    assert again["budget_source"] == SOURCE
    again["price_year"] = "2025"
    response = client.post("/build", data={**again, "action": "check"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    budget = decode_draft(re.search(r"plan=([^&]+)", response.headers["location"]).group(1))[
        "budget"]
    assert budget["source"] == SOURCE
    assert budget["note"].startswith("The EUR 20 bn gigafactory fund")
