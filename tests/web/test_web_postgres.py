"""The web app on a PostgreSQL store (`moneytrail serve --db postgresql://...`).

Runs when MONEYTRAIL_TEST_POSTGRES_URL is set (`make test` sets it); under CI a missing server
fails instead of skipping, as in the ledger tests.
"""

from __future__ import annotations

import os

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402
from packages import fresh_postgres  # noqa: E402

pytestmark = pytest.mark.postgres
PG_ENV = "MONEYTRAIL_TEST_POSTGRES_URL"


@pytest.fixture(scope="module")
def pg_store():
    base = os.environ.get(PG_ENV, "")
    if not base:
        message = f"{PG_ENV} is not set (run `make test`, or scripts/postgres.sh start)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    yield from fresh_postgres(base, "mt_web")


def test_pages_on_postgres(pg_store):
    app = create_app(db=pg_store)
    with TestClient(app) as client:
        deals = client.get("/api/v1/ledger?region=EU").json()["deals"]
        assert deals and {d["region"] for d in deals} == {"EU"}
        deal = client.get(f"/api/v1/ledger/deals/{deals[0]['id']}").json()
        assert deal["history"] and deal["claims"]
        source = deal["sources"][0]["id"]
        body = client.get(f"/api/v1/sources/{source}").json()
        assert body["source"]["id"] == source and "primary_ref" in body["source"]
        assert client.get("/ledger/totals").status_code == 200
        bad = client.get("/api/v1/ledger?year=abc")
        assert bad.status_code == 400 and bad.json()["field"] == "year"


def test_a_run_on_postgres(pg_store):
    """A background run stored in PostgreSQL's runs table, polled to done, shown as a page."""
    import time

    app = create_app(db=pg_store, start_reference_runs=False)
    with TestClient(app) as client:
        created = client.post("/api/v1/runs", json={"reference": "eu-ai-gigafactories",
                                                    "draws": 200, "seed": 5})
        assert created.status_code == 202, created.text
        run = created.json()["run_id"]
        deadline = time.monotonic() + 120
        while (body := client.get(f"/api/v1/runs/{run}").json())["status"] not in (
                "done", "error"):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert body["status"] == "done", body["error"]
        assert body["result"]["run_id"] == run
        assert client.get(f"/r/{run}").status_code == 200
