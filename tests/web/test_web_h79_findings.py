"""Analyst tester's findings (h79) on the HTTP API: a ledger amount of 1e400 said "not a
number" with the value "inf" (now: beyond the amount cap, shown as sent, as on the CLI);
{"reference": 5} was a 404 "no reference plan" instead of a 400 about its type; the API
said a CLI trace run has 15 tables while `moneytrail show --table` listed 13."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("fastapi")
from argon2 import PasswordHasher  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.accounts import Accounts  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

DEAL = "l_stargate_us_2025_01"
SOURCE = "l_stargate_2025_01_center"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return f"sqlite:///{tmp_path_factory.mktemp('h79') / 'l.sqlite'}"


@pytest.fixture(scope="module")
def app(db):
    application = create_app(db=db,
                             start_reference_runs=False, run_limit=(1000, 1000))
    accounts = Accounts(application.state.web.ledger.engine, hasher=FAST)
    application.state.accounts = accounts
    accounts.add("eve", "editor quiet harbour lamp", role="editor")
    application.state.key = accounts.new_key("eve", "write")
    return application


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url="https://testserver") as test_client:
        yield test_client


def problem_of(response, status=400):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    return body["field"], body.get("value"), body["detail"]


def claim_body(central: str) -> bytes:
    record = {"ref": "c_h79", "deal": DEAL, "stage": "announced", "low": 100,
              "central": "CENTRAL", "high": 100, "currency": "USD", "price_year": 2025,
              "as_of": "2025-01-21", "source": SOURCE, "note": ""}
    text = json.dumps({"record": record, "reason": "h79"})
    return text.replace('"CENTRAL"', central).encode()


@pytest.mark.parametrize("sent", ["1e400", "-1e400"])
def test_a_ledger_amount_too_large_for_a_float_is_beyond_the_cap(client, app, sent):
    """Shown as sent (not 'inf'); worded as the command line words it (h232: beyond the
    amount cap, as 2e17 is, where it said 'too large to be finite')."""
    before = len(app.state.web.ledger.history())
    response = client.post("/api/v1/ledger/claim", content=claim_body(sent),
                           headers={"Authorization": f"Bearer {app.state.key}",
                                    "Content-Type": "application/json"})
    field, value, detail = problem_of(response)
    assert field == "record.central" and value == sent
    beyond = "less than -100,000 tn" if sent.startswith("-") else "more than 100,000 tn"
    assert detail.startswith(f"{beyond} (the cap on any amount") and "not a number" not in detail
    assert len(app.state.web.ledger.history()) == before


@pytest.mark.parametrize("reference, got", [(5, "an integer"), (None, "null"),
                                            (["eu-ai-gigafactories"], "an array")])
def test_a_reference_that_is_not_text_is_a_400_about_its_type(client, reference, got):
    field, _, detail = problem_of(client.post("/api/v1/runs", json={"reference": reference}))
    assert field == "reference" and got in detail and "no reference plan" not in detail


def test_the_api_and_show_count_a_cli_trace_runs_tables_alike(client, app, db, capsys):
    import re

    import moneytrail as mt
    from moneytrail.cli import main
    from moneytrail.scenarios.reference import reference_dir
    from moneytrail.service import tasks
    from moneytrail.service.runs import RunStore

    plan = mt.load_scenario(reference_dir() / "eu-ai-gigafactories.yaml")
    with mt.Workspace.open() as ws:
        result = tasks.trace_plan(ws, plan, draws=20, seed=9, analyses=False,
                                  store=RunStore(app.state.web.ledger.engine))
    count = len(result.tables)
    _, _, detail = problem_of(client.get(f"/api/v1/runs/{result.run_id}?format=csv"))
    said = [int(n) for n in re.findall(r"(\d+) tables?", detail)]
    assert said == [count], detail
    assert "flows_location" in detail           # the charts' flows, named apart
    with pytest.raises(SystemExit) as info:
        main(["show", result.run_id, "--table", "flows_location", "--db", db])
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    assert [int(n) for n in re.findall(r"(\d+) tables", err)] == [count], err
    assert "web app" in err
