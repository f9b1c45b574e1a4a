"""The API says why the efficiency-first plan has no budget per GPT-4-level training run (a
quarter of its budget buys compute, under the half the row needs), in the run's scorecard as
JSON and CSV and in the compare CSV's `<plan>_reason`; the gigafactories keep their figure."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

ROW = ("Whole plan budget divided by the GPT-4-level training runs its compute "
        "could make (not the cost of one run)")
# at 100 draws the median share of the plan's budget on rented compute is about 25 %
SAID = re.compile(r"n/a \(2\d % of the budget buys compute, owned 0 % and rented 2\d %, under "
                  r"the half this row needs\)")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("compute-share") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


@pytest.fixture(scope="module")
def runs(client) -> dict[str, str]:
    from runs_helpers import finished

    return {plan: finished(client, {"reference": plan, "draws": 100, "seed": 1})
            for plan in ("eu-ai-gigafactories", "efficiency-first-eu")}


def test_the_run_scorecard_json_and_csv_say_why(client, runs):
    rid = runs["efficiency-first-eu"]
    rows = client.get(f"/api/v1/runs/{rid}?table=scorecard").json()["rows"]
    key = next(iter(rows[0]))
    row = next(r for r in rows if r[key] == ROW)
    assert row["efficiency-first-eu_p50"] is None
    assert SAID.fullmatch(row["reason"]), row["reason"]
    listed = list(csv.DictReader(io.StringIO(
        client.get(f"/api/v1/runs/{rid}?format=csv&table=scorecard").text)))
    assert SAID.fullmatch(next(r for r in listed if r[key] == ROW)["reason"])
    heavy = client.get(f"/api/v1/runs/{runs['eu-ai-gigafactories']}?table=scorecard").json()
    row = next(r for r in heavy["rows"] if r[key] == ROW)
    assert row["eu-ai-gigafactories_p50"] > 0 and row["reason"] is None


def test_the_compare_csv_says_why(client, runs):
    first, second = runs["eu-ai-gigafactories"], runs["efficiency-first-eu"]
    response = client.get(f"/api/v1/compare?runs={first},{second}&format=csv&table=scorecard")
    assert response.status_code == 200, response.text
    row = next(r for r in csv.DictReader(io.StringIO(response.text)) if r["metric"] == ROW)
    assert row["efficiency-first-eu_p50"] == "" and float(row["eu-ai-gigafactories_p50"]) > 0
    assert SAID.fullmatch(row["efficiency-first-eu_reason"]), row
    assert row["difference_reason"]
