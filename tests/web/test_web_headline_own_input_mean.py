"""A tester's finding: the headline table of a run (its CSV: /api/v1/runs/RUN?format=csv&table=
headline) carried `assumption_or_weak_mean` but not the share on the plan's own inputs, so a
built plan's Nvidia row read as resting on sourced rows. The headline now carries
`own_input_mean` beside it, as the evidence table gives it (engine.evidence.OWN)."""

from __future__ import annotations

import csv
import io

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import built_run as run_from_builder  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

DRAWS, SEED = 200, 4


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("headline-own") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def built_run(client) -> str:
    return run_from_builder(client, DRAWS, SEED)


def headline_csv(client, run_id: str) -> list[dict[str, str]]:
    response = client.get(f"/api/v1/runs/{run_id}", params={"format": "csv",
                                                            "table": "headline"})
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def evidence_of(client, run_id: str) -> dict[str, dict]:
    rows = client.get(f"/api/v1/runs/{run_id}?table=evidence").json()["rows"]
    return {r["label"]: r for r in rows if r["dimension"] == "headline"}


def test_a_built_plans_headline_carries_its_share_on_own_inputs(client):
    run_id = built_run(client)
    rows, evidence = headline_csv(client, run_id), evidence_of(client, run_id)
    columns = list(rows[0])
    assert columns.index("own_input_mean") == columns.index("assumption_or_weak_mean") + 1
    nvidia = next(r for r in rows if r[columns[0]] == "Nvidia")
    assert float(nvidia["own_input_mean"]) == pytest.approx(
        evidence["Nvidia"]["own_input_mean"], rel=1e-9)
    assert float(nvidia["own_input_mean"]) > 0.5
    json_rows = client.get(f"/api/v1/runs/{run_id}?table=headline").json()["rows"]
    assert all("own_input_mean" in r for r in json_rows)


def test_a_reference_plans_headline_has_none_on_own_inputs(client):
    run_id = finished(client, {"reference": "eu-ai-gigafactories", "draws": DRAWS,
                               "seed": SEED})
    for row in headline_csv(client, run_id):
        assert row["own_input_mean"] in ("0.0", "0", "")
