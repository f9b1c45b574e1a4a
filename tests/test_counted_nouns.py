"""A count of one takes the singular: '1 draw', '1 condition', '1 firm', never '1 draws'
(moneytrail.draws.counted, the one rule for '{n} things' the tool writes)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from moneytrail.draws import counted


def test_counted_takes_the_singular_for_one():
    assert counted(1, "condition") == "1 condition"
    assert counted(2, "condition") == "2 conditions"
    assert counted(0, "row") == "0 rows"
    assert counted(1200, "row") == "1,200 rows"
    assert counted(1, "category", "categories") == "1 category"
    assert counted(3, "category", "categories") == "3 categories"


def test_the_cli_line_of_a_one_draw_trace_says_one_draw():
    from moneytrail.cli.plans import reconciliation

    facts = {"title": "Tiny plan", "total": 1e9, "currency": "EUR", "year": 2025,
             "draws": 1, "seed": 7, "conservation_gap": 0.0}
    result = SimpleNamespace(facts=facts, provenance=SimpleNamespace(
        inputs={"plan": {"year": 2025}}, data_version="2.5.3", data_label="2.5.3"))
    line = reconciliation(result)
    assert "traced over 1 draw (seed 7)" in line, line


def test_the_compared_inputs_say_one_draw():
    from moneytrail.report.inputs import compared_inputs

    plans = [{"id": "a", "conditions": [{"metric": "labour_share", "min": 0.3}]},
             {"id": "b", "conditions": []}]
    differ, _ = compared_inputs(plans, [(1, 4), (2, 4)], str, str)
    found = dict(differ)
    assert found["Draws and seed: "] == ["1 draw, seed 4", "2 draws, seed 4"]
    assert found["Conditions: "] == ["1 condition", "none"]


def test_the_data_summary_counts_one_row():
    from moneytrail.data.summary import _breakdown

    said = _breakdown(pd.Series(["estimate", "assumption", "assumption"]),
                      pd.Series([1.0, 1.0, 1.0]))
    assert "(1 row)" in said and "(2 rows)" in said, said


def test_one_unsplit_firm_below_a_tenth_of_a_percent_is_one_firm(monkeypatch):
    from moneytrail.analysis import market_power

    frame = pd.DataFrame({"share_of_capital": [0.0002], "share_of_spending": [0.0001]},
                         index=["tiny"])
    monkeypatch.setattr(market_power, "_not_split", lambda split: ["tiny"])
    monkeypatch.setattr(market_power, "_unsplit_by_entity",
                        lambda split: (np.full((4, 1), 2.0), ["tiny"], np.full(4, 10_000.0)))
    monkeypatch.setattr(market_power, "_unsplit_firms", lambda *args: frame)
    note = market_power.unsplit_note(SimpleNamespace())     # type: ignore[arg-type]
    assert "1 firm below 0.1 %;" in note, note
    assert "1 firms" not in note


def test_a_briefing_resting_on_one_source_says_one_source():
    from moneytrail.report.briefing.content import assumption_sentence

    item = SimpleNamespace(reliability="official", source="s1")
    brief = SimpleNamespace(direct_sources=["s1"], market_sources=[], cost_sources=[],
                            footprint_sources=["s2"], plan=SimpleNamespace(
                                spend={"accelerators": item, "staff": item}),
                            table=lambda name: None)
    from moneytrail.report.briefing.content import SourceBook

    book = SourceBook(rows={s: {"id": s, "url": f"https://example.org/{s}",
                                "reliability": "official"} for s in ("s1", "s2")})
    said = assumption_sentence(brief, book)                  # type: ignore[arg-type]
    assert "rest on 1 source (" in said, said
    assert "rest on 1 further source (" in said, said


@pytest.fixture(scope="module")
def one_draw_run(tmp_path_factory):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    store = tmp_path_factory.mktemp("one-draw") / "store.sqlite"
    app = create_app(db=f"sqlite:///{store}", start_reference_runs=False)
    client = TestClient(app, base_url="http://127.0.0.1")
    response = client.post("/api/v1/runs", json={"reference": "eu-ai-gigafactories",
                                                 "draws": 1, "seed": 11})
    assert response.status_code in (200, 202), response.text
    rid = response.json()["run_id"]
    import time

    for _ in range(2400):
        if client.get(f"/api/v1/runs/{rid}").json()["status"] in ("done", "error"):
            break
        time.sleep(0.05)
    yield client, rid
    app.state.jobs.shutdown()
    app.state.web.close()


def test_the_citation_of_a_one_draw_run_says_one_draw(one_draw_run):
    import html

    client, rid = one_draw_run
    page = html.unescape(client.get(f"/r/{rid}").text)
    assert "1 draw, seed 11" in page and "1 draws" not in page
