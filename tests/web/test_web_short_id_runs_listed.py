"""A short run id that several runs share lists them (400 page, run_choose.html) with what
tells them apart: the plan's title, draws, seed and when each was stored, not the bare ids
(two runs of one plan at other draws read alike otherwise)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.service.runs import RunStore  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

TWIN_A, TWIN_B = "abcdef02" + "0" * 24, "abcdef02" + "1" * 24
TITLE = "EU AI gigafactories"


@pytest.fixture
def client(tmp_path):
    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False)
    store = RunStore(app.state.jobs.store.engine)
    for rid, draws, seed in ((TWIN_A, 10_000, 1), (TWIN_B, 2_000, 3)):
        store.start(rid, kind="trace", label="eu-ai-gigafactories",
                    inputs={"plan": {"title": TITLE}, "draws": draws, "seed": seed},
                    data_version="x", data_hash="y", total=draws)
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def test_runs_sharing_a_short_id_are_listed_with_draws_seed_and_time(client):
    response = client.get(f"/r/{TWIN_A[:8]}", follow_redirects=False)
    assert response.status_code == 400
    items = [" ".join(unescape(re.sub(r"<[^>]+>", "", item)).split()) for item in
             re.findall(r"<li>(.*?)</li>", response.text.split('class="run-choices"')[1])]
    assert len(items) == 2
    stamp = r"stored \d{4}-\d\d-\d\d \d\d:\d\d UTC, running"
    assert re.fullmatch(rf"{TWIN_A}: {TITLE} \(10,000 draws, seed 1, {stamp}\)", items[0])
    assert re.fullmatch(rf"{TWIN_B}: {TITLE} \(2,000 draws, seed 3, {stamp}\)", items[1])
