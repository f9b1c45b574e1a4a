"""A run page never changes: a run computed with older code or data says that a newer version
exists and links to the re-run (the same plan, draws and seed on the current version), or
starts it."""

from __future__ import annotations

import copy
import json

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("rerun") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def store_as_old(client, result: dict, fake_id: str, **changes) -> None:
    """Store `result` under `fake_id` as if an older code version had computed it."""
    from sqlalchemy import update

    from moneytrail.ledger.models import Run

    result = copy.deepcopy(result)
    result["provenance"]["code_version"] = "0.0.1-old"
    result["run_id"] = fake_id
    for key, value in changes.items():
        result["provenance"][key] = value
        result["provenance"]["inputs"][key] = value
    store = client.app.state.jobs.store
    store.start(fake_id, kind="trace", label="old", inputs=result["provenance"]["inputs"],
                data_version="old", data_hash="old", total=1)
    with store.engine.begin() as conn:
        conn.execute(update(Run).where(Run.id == fake_id).values(
            status="done", result=json.dumps(result)))


@pytest.fixture(scope="module")
def current(client) -> dict:
    rid = client.post("/api/v1/runs", json={"reference": PLAN, "draws": 200,
                                            "seed": 4}).json()["run_id"]
    return wait_done(client, rid)


def test_old_run_links_to_the_stored_rerun(client, current):
    store_as_old(client, current["result"], "b" * 32)
    html = client.get("/r/" + "b" * 32).text
    assert "A newer version exists" in html and "0.0.1-old" in html
    # the same plan, draws and seed on this code and data is the current run itself
    assert f'<a href="/r/{current["run_id"]}">See the same plan, draws and seed' in html
    assert 'action="/r/' + "b" * 32 + '/rerun"' not in html


def test_old_run_starts_its_rerun(client, current):
    store_as_old(client, current["result"], "c" * 32, seed=77)
    html = client.get("/r/" + "c" * 32).text
    assert 'action="/r/' + "c" * 32 + '/rerun"' in html and "seed 77" in html
    response = client.post("/r/" + "c" * 32 + "/rerun", follow_redirects=False)
    assert response.status_code == 303
    new = response.headers["location"].rsplit("/", 1)[-1]
    assert new not in ("c" * 32, current["run_id"])
    body = wait_done(client, new)
    assert body["result"]["provenance"]["seed"] == 77
    assert body["result"]["provenance"]["draws"] == 200
    # the same plan, stored with the rerun's own draws and seed (tasks.run_plan_inputs)
    assert body["result"]["provenance"]["inputs"]["plan"] == \
        {**current["result"]["provenance"]["inputs"]["plan"], "draws": 200, "seed": 77}
    html = client.get("/r/" + "c" * 32).text                # now links to it
    assert f'<a href="/r/{new}">See the same plan, draws and seed' in html


def test_current_run_has_no_notice_and_cannot_be_rerun_blindly(client, current):
    html = client.get(f"/r/{current['run_id']}").text
    assert "A newer version exists" not in html
    assert client.post("/r/" + "0" * 32 + "/rerun").status_code == 404
