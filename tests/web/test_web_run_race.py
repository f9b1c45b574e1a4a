"""The same plan submitted at once to two web servers on one store (and twice to one of them):
the run is recorded once and computed once, by whichever server recorded it (the other sees
its live lease, service.runs); every request is answered (no 5xx), every poll ends `done`,
and both servers then serve the one stored result."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402

from moneytrail.service import tasks  # noqa: E402
from moneytrail.web import create_app  # noqa: E402
from packages import fresh_postgres  # noqa: E402

PLAN = {"reference": "eu-ai-gigafactories", "draws": 300, "seed": 23}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    base = os.environ.get("MONEYTRAIL_TEST_POSTGRES_URL", "")
    if not base:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("MONEYTRAIL_TEST_POSTGRES_URL is not set")
        pytest.skip("MONEYTRAIL_TEST_POSTGRES_URL is not set (scripts/postgres.sh start)")
    yield from fresh_postgres(base, "mt_race")


def test_two_servers_racing_on_one_plan_both_serve_the_run(store_url, monkeypatch):
    real_trace = tasks.ws_trace
    traced = []

    def counted_trace(*args, **kwargs):
        traced.append(1)
        return real_trace(*args, **kwargs)

    monkeypatch.setattr(tasks, "ws_trace", counted_trace)
    first = create_app(db=store_url, start_reference_runs=False, run_limit=(1000, 100))
    second = create_app(db=store_url, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(first) as a, TestClient(second) as b:
        with ThreadPoolExecutor(3) as pool:
            posts = list(pool.map(lambda c: c.post("/api/v1/runs", json=PLAN), (a, a, b)))
        assert [p.status_code for p in posts] == [202, 202, 202], [p.text for p in posts]
        run = posts[0].json()["run_id"]
        assert {p.json()["run_id"] for p in posts} == {run}
        for client in (a, b):
            status = wait_done(client, run)
            assert status["status"] == "done", status
        assert len(traced) == 1                # one server computed it, the other waited
        results = [c.get(f"/api/v1/runs/{run}").json()["result"] for c in (a, b)]
        assert results[0] == results[1] and results[0]["run_id"] == run
        again = b.post("/api/v1/runs", json=PLAN)
        assert again.status_code == 200 and again.json()["status"] == "done"
