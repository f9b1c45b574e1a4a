"""The published claim checks say which draws they use (a journalist's finding: /claims gave
160,211 FTE and 11.03 Mt where the 10,000-draw run pages give 160,321 and 11.07, and nothing
said why): the claims page, its API, the CLI table's caption and JSON, and the briefing name
the draws, the seed and the claims run's id, and say that a run page's figures differ
slightly by Monte Carlo error."""

from __future__ import annotations

import json
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.analysis.claims import DRAWS, SEED  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

SAID = f"Checked over {DRAWS:,} Monte Carlo draws with seed {SEED}"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("claims-draws") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def test_the_api_names_the_draws_seed_and_claims_run(client):
    checked = client.get("/api/v1/claims").json()["checked"]
    assert (checked["draws"], checked["seed"]) == (DRAWS, SEED)
    assert re.fullmatch(r"[0-9a-f]{32}", checked["run_id"])
    assert checked["text"].startswith(SAID) and "Monte Carlo error" in checked["text"]
    stored = client.get(f"/api/v1/runs/{checked['run_id']}")       # a stored, citable run
    assert stored.status_code == 200 and stored.json()["kind"] == "claims"


def test_the_claims_page_says_them_and_links_the_run(client):
    run = client.get("/api/v1/claims").json()["checked"]["run_id"]
    html = client.get("/claims").text
    assert SAID in html and "Monte Carlo error" in html
    assert f'href="/r/{run}"' in html
    assert client.get(f"/r/{run}").status_code == 200


def test_the_cli_caption_and_json_say_them(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
           "MONEYTRAIL_CACHE_DIR": str(tmp_path / "cache"), "COLUMNS": "400"}
    base = [sys.executable, "-m", "moneytrail", "claims", "check", "--draws", "200"]
    table = subprocess.run(base, capture_output=True, text=True, env=env, check=True)
    assert "Checked over 200 Monte Carlo draws with seed 1 (run " in " ".join(
        table.stdout.split())
    done = json.loads(subprocess.run(base + ["--format", "json"], capture_output=True,
                                     text=True, env=env, check=True).stdout)
    note = done["tables"]["claims"]["note"]
    assert note.startswith(f"Checked over 200 Monte Carlo draws with seed 1 (run "
                           f"{done['run_id']})")


def test_a_claims_run_stored_before_gets_the_sentence_as_it_is_read():
    import pandas as pd

    from moneytrail.service.result import Provenance, Result, Table
    from moneytrail.service.tasks import claims_with_basis

    frame = pd.DataFrame([{"claim": "a", "text": "A", "verdict": "supported",
                           "claim_assumption_or_weak_p50": 0.0}])
    old = Result(run_id="1" * 32, kind="claims", title="Claims",
                 provenance=Provenance(inputs={}, code_version="0.5.5", data_version="2.5.3",
                                       data_hash="x", seed=1, draws=2000),
                 tables={"claims": Table.from_frame("claims", frame, title="Claims")})
    note = claims_with_basis(old).tables["claims"].note
    assert note.startswith(f"{SAID} (run {'1' * 32}):")
    assert claims_with_basis(claims_with_basis(old)).tables["claims"].note == note


def test_the_reference_plans_draws_said_are_those_of_the_reference_runs_listed(client):
    """A tester's finding: /claims said '10,000 draws for the reference plans' while every
    reference run it listed had 2,000 (the app traces them at REFERENCE_DRAWS, not at the
    plan files' 10,000): the draws said are the listed reference runs' own."""
    from runs_helpers import finished

    from moneytrail.web.routes_runs import reference_run_ids

    app = client.app
    before = client.get("/api/v1/claims").json()
    assert not [r for r in before["runs"] if r["group"] == "reference"]   # none finished
    assert "draws for the reference plans" not in before["checked"]["text"]
    run = finished(client, {"reference": "eu-ai-gigafactories", "draws": 200, "seed": 3})
    reference_run_ids(app)
    saved = app.state.reference_ids
    app.state.reference_ids = {**saved, "eu-ai-gigafactories": run}
    try:
        body = client.get("/api/v1/claims").json()
        listed = [r for r in body["runs"] if r["group"] == "reference"]
        assert [r["draws"] for r in listed] == [200]
        assert "(200 draws for the reference plans)" in body["checked"]["text"]
        html = " ".join(client.get("/claims").text.split())
        assert "(200 draws for the reference plans)" in html and "10,000 draws" not in html
    finally:
        app.state.reference_ids = saved


def test_the_reference_draws_read_as_a_range_when_they_differ():
    from moneytrail.analysis.claims import draws_seed_text

    text = draws_seed_text(2000, 1, reference_draws=[2000, 10_000, 2000])
    assert "(2,000 to 10,000 draws for the reference plans)" in text
    assert "(10,000 draws for the reference plans)" in draws_seed_text(2000, 1)  # plan files
