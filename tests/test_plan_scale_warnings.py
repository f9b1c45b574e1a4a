"""A plan far larger than the markets it buys in is warned about wherever it is checked or
traced, not only in the trace's table (a tester's EUR 20 tn plan passed `moneytrail validate`
and the API without a word while paying Nvidia tens of times its yearly revenue at a fixed
supplier share). The warning names the category, the ratio to the whole market and the market
size's sources; the multiple it starts at is a labelled assumption (docs/methods.md "Plans
larger than their markets"). Reference plans (and so the demo) are not warned about."""

import json
import os
import re
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import pytest

import moneytrail as mt
from moneytrail.analysis import concentration
from moneytrail.service import tasks

ROOT = Path(__file__).parents[1]
HUGE = {"id": "huge", "title": "Huge", "year": 2025, "currency": "EUR", "buyer_region": "EU",
        "budget": {"amount": 20e12},
        "spend": {"accelerators": {"low": 0.5, "central": 0.6, "high": 0.7},
                  "staff": {"low": 0.3, "central": 0.4, "high": 0.5}}}


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


def huge_file(folder: Path) -> Path:
    """HUGE as a scenario file: EUR 20 tn, 60 % accelerators, 40 % staff (no market size)."""
    scenario = folder / "huge.yaml"
    scenario.write_text(
        "id: huge\ntitle: Huge\nyear: 2025\ncurrency: EUR\nbuyer_region: EU\n"
        "budget: {amount: 20000000000000}\n"
        "spend:\n  accelerators: {low: 0.5, central: 0.6, high: 0.7}\n"
        "  staff: {low: 0.3, central: 0.4, high: 0.5}\ndraws: 200\nseed: 1\n")
    return scenario


def accelerators_market(ws) -> tuple[float, list[str], list[str]]:
    """The EU accelerators market of 2025 in EUR (central), its source ids and titles."""
    sizes = ws.analysis["market_sizes"]
    row = sizes[(sizes["category"] == "accelerators") & (sizes["buyer_region"] == "EU")
                & (sizes["year"] == 2025)].iloc[0]
    size = float(row["central"]) * ws.analysis.money.factor(row["currency"], 2025, "EUR", 2025)
    ids = str(row["sources"]).split(";")
    titles = ws.analysis.sources.set_index("id").loc[ids, "title"].astype(str).tolist()
    return size, ids, titles


def ratio_text(ws) -> str:
    size, _, _ = accelerators_market(ws)
    per_year = 20e12 * 0.6 / concentration.spend_years(mt.parse_scenario(HUGE))
    return f"{per_year / size:,.1f} times the whole market's yearly sales"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "moneytrail", *args], capture_output=True,
                          text=True, env=os.environ)


def test_one_service_function_gives_the_warnings_with_the_multiple(ws):
    plan = mt.parse_scenario(HUGE)
    warnings = tasks.plan_warnings(ws, plan)
    assert [w["category"] for w in warnings] == ["accelerators"]   # staff: no market size
    size, ids, titles = accelerators_market(ws)
    warning = warnings[0]
    assert warning["kind"] == "oversized_market" and warning["multiple"] == 1.0
    assert warning["ratio"] == pytest.approx(
        20e12 * 0.6 / concentration.spend_years(plan) / size, rel=1e-12)
    assert warning["sources"].split(";") == ids and warning["titles"] == titles


def test_the_multiple_is_the_one_threshold(ws, monkeypatch):
    """A multiple above the plan's ratio silences the warning: the constant is the bound."""
    ratio = tasks.plan_warnings(ws, mt.parse_scenario(HUGE))[0]["ratio"]
    monkeypatch.setattr(concentration, "OVERSIZED_MULTIPLE", ratio * 1.01)
    assert tasks.plan_warnings(ws, mt.parse_scenario(HUGE)) == []


def test_validate_warns_on_stderr_naming_category_ratio_and_sources(ws, tmp_path):
    done = run("validate", str(huge_file(tmp_path)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok ")
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning ")]
    assert len(warnings) == 1, done.stderr
    assert warnings[0].startswith("warning The plan buys EUR 2.40 tn of AI accelerators a "
                                  f"year, {ratio_text(ws)}")
    _, _, titles = accelerators_market(ws)
    assert all(f"“{title}”" in warnings[0] for title in titles), warnings[0]


def test_trace_as_json_warns_on_stderr_and_keeps_its_json(ws, tmp_path):
    done = run("trace", str(huge_file(tmp_path)), "--format", "json", "--draws", "200")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)                  # stdout is the JSON, nothing else
    assert data["facts"]["oversized_markets"][0]["multiple"] == 1.0
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning ")]
    assert len(warnings) == 1 and "of AI accelerators a year" in warnings[0]
    assert ratio_text(ws) in warnings[0]


def test_reference_plans_and_the_demo_are_not_warned_about(ws):
    from moneytrail.scenarios.reference import reference_scenarios

    paths = list(reference_scenarios()) + sorted((ROOT / "scenarios").glob("*.yaml"))
    assert len(paths) >= 6
    for path in paths:                              # `moneytrail demo` traces these
        assert tasks.plan_warnings(ws, mt.load_scenario(path)) == [], path
    done = run("validate", str(paths[0]))
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    app = create_app(db=str(tmp_path_factory.mktemp("web") / "store.db"))
    with TestClient(app) as test_client:
        yield test_client


def test_the_api_run_answers_carry_the_warnings(ws, client):
    posted = client.post("/api/v1/runs", json={"scenario": HUGE, "draws": 200, "seed": 1})
    assert posted.status_code in (200, 202), posted.text
    warnings = posted.json()["warnings"]
    _, ids, titles = accelerators_market(ws)
    assert [w["category"] for w in warnings] == ["accelerators"]
    warning = warnings[0]
    assert warning["kind"] == "oversized_market" and warning["multiple"] == 1.0
    assert warning["sources"] == ids and warning["titles"] == titles
    assert warning["currency"] == "EUR"
    assert warning["message"].startswith("The plan buys EUR 2.40 tn of AI accelerators a year, "
                                         + ratio_text(ws))
    rid = posted.json()["run_id"]
    for _ in range(1200):
        body = client.get(f"/api/v1/runs/{rid}").json()
        if body["status"] in ("done", "error"):
            break
        time.sleep(0.1)
    assert body["status"] == "done"
    assert body["warnings"] == warnings               # the stored run says the same
    # a reference plan: an empty list, not a missing key
    reference = client.post("/api/v1/runs", json={"reference": "efficiency-first-eu",
                                                  "draws": 200, "seed": 1})
    assert reference.json()["warnings"] == []


def test_the_builder_shows_the_warning_after_check(ws, client):
    from moneytrail.web.runs import encode_draft

    page = client.get(f"/build?plan={encode_draft(HUGE)}&check=1").text
    notes = re.findall(r'<p class="notice notice-info oversized-market" role="note">(.*?)</p>',
                       page, re.S)
    assert len(notes) == 1, page
    assert "The plan buys EUR 2.40 tn of AI accelerators a year, " + ratio_text(ws) \
        in " ".join(notes[0].split()).replace("&#39;", "'")
    _, ids, titles = accelerators_market(ws)
    for sid, title in zip(ids, titles, strict=True):     # linked by title, escaped
        # the publisher follows the title for screen readers only (distinct link names)
        link = re.escape(f'<a href="/sources/{sid}" title="source id: {sid}"><bdi>'
                         f'{escape(title)}</bdi>')
        assert re.search(link + r'(<span class="visually-hidden"> \(<bdi>[^<]+</bdi>\)</span>)?'
                         r'</a>', notes[0]), notes[0]
    from moneytrail.web import builder

    for stem in ("eu-ai-gigafactories", "stargate-style-us", "efficiency-first-eu"):
        draft = encode_draft(builder.reference_mapping(stem))
        checked = client.get(f"/build?plan={draft}&check=1")
        assert checked.status_code == 200 and "The plan is valid" in checked.text
        assert "oversized-market" not in checked.text, stem
