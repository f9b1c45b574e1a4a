"""A plan that buys more a year than a whole market sells is flagged, with the numbers
(tester 9: EUR 20 tn of accelerators gave 'NVIDIA: EUR 19.06 tn' without a word)."""

import os
import subprocess
import sys

import pytest

import moneytrail as mt
from moneytrail.analysis.concentration import oversized_markets, spend_years
from moneytrail.service import tasks


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


def huge_plan(amount: float) -> mt.Plan:
    return mt.parse_scenario({
        "id": "huge", "title": "Huge", "year": 2025, "currency": "EUR", "buyer_region": "EU",
        "budget": {"amount": amount},
        "spend": {"accelerators": {"low": 0.5, "central": 0.6, "high": 0.7},
                  "facility": {"low": 0.3, "central": 0.4, "high": 0.5}},
        "draws": 200, "seed": 1})


def huge_file(folder):
    """The EUR 20 tn plan of `huge_plan` as a scenario file."""
    scenario = folder / "huge.yaml"
    scenario.write_text(
        "id: huge\ntitle: Huge\nyear: 2025\ncurrency: EUR\nbuyer_region: EU\n"
        "budget: {amount: 20000000000000}\n"
        "spend:\n  accelerators: {low: 0.5, central: 0.6, high: 0.7}\n"
        "  facility: {low: 0.3, central: 0.4, high: 0.5}\ndraws: 200\nseed: 1\n")
    return scenario


def accelerator_sources(ws) -> tuple[list[str], list[str]]:
    """The ids and titles of the sources of the EU accelerators market size of 2025."""
    sizes = ws.analysis["market_sizes"]
    row = sizes[(sizes["category"] == "accelerators") & (sizes["buyer_region"] == "EU")
                & (sizes["year"] == 2025)].iloc[0]
    ids = str(row["sources"]).split(";")
    frame = ws.analysis.sources.set_index("id")
    return ids, [str(frame.loc[s, "title"]) for s in ids]


def test_yearly_purchases_against_the_central_market_size_by_hand(ws):
    plan = huge_plan(20e12)
    sizes = ws.analysis["market_sizes"]
    row = sizes[(sizes["category"] == "accelerators") & (sizes["buyer_region"] == "EU")
                & (sizes["year"] == 2025)].iloc[0]
    market = float(row["central"]) * ws.analysis.money.factor(row["currency"], 2025, "EUR",
                                                                2025)
    found = {r["category"]: r for r in oversized_markets(plan, ws.analysis)}
    per_year = 20e12 * 0.6 / spend_years(plan)
    assert found["accelerators"]["plan_per_year"] == pytest.approx(per_year, rel=1e-12)
    assert found["accelerators"]["market_size"] == pytest.approx(market, rel=1e-12)
    assert found["accelerators"]["ratio"] == pytest.approx(per_year / market, rel=1e-12)
    assert found["accelerators"]["sources"] == row["sources"]
    # a budget whose accelerators a year are just below the market's size is not flagged
    below = huge_plan(0.999 * market * spend_years(plan) / 0.6)
    assert "accelerators" not in {r["category"] for r in oversized_markets(below, ws.analysis)}


def test_the_market_size_is_restated_at_the_plans_price_year(ws):
    """A plan for 2025 at 2024 prices (in USD, the accelerators market's currency is USD too)
    meets the 2025 market restated to 2024 prices with the US deflator, as its budget is
    expressed; converting at the plan year only left the market at 2025 prices."""
    plan = mt.parse_scenario({
        "id": "huge", "title": "Huge", "year": 2025, "price_year": 2024, "currency": "USD",
        "buyer_region": "EU", "budget": {"amount": 20e12},
        "spend": {"accelerators": {"low": 0.5, "central": 0.6, "high": 0.7},
                  "facility": {"low": 0.3, "central": 0.4, "high": 0.5}},
        "draws": 200, "seed": 1})
    sizes = ws.analysis["market_sizes"]
    row = sizes[(sizes["category"] == "accelerators") & (sizes["buyer_region"] == "EU")
                & (sizes["year"] == 2025)].iloc[0]
    money = ws.analysis.money
    deflate = money.index("cpi_us", 2024) / money.index("cpi_us", 2025)
    assert deflate < 0.99                          # a real difference, not rounding
    found = {r["category"]: r for r in oversized_markets(plan, ws.analysis)}
    market = float(row["central"]) * deflate
    assert found["accelerators"]["market_size"] == pytest.approx(market, rel=1e-12)
    assert found["accelerators"]["ratio"] == pytest.approx(
        20e12 * 0.6 / spend_years(plan) / market, rel=1e-12)
    # the same plan without a price year of its own: the 2025 market at 2025 prices
    same = plan.model_copy(update={"price_year": None})
    found = {r["category"]: r for r in oversized_markets(same, ws.analysis)}
    assert found["accelerators"]["market_size"] == pytest.approx(float(row["central"]),
                                                                 rel=1e-12)


def test_reference_plans_fit_their_markets(ws):
    for path in mt.reference_scenarios():
        assert oversized_markets(mt.load_scenario(path), ws.analysis) == [], path
        assert tasks.scale_facts(ws, mt.load_scenario(path)) == {}


def test_the_cli_prints_one_warning_line_per_outgrown_market(tmp_path):
    scenario = huge_file(tmp_path)
    out = subprocess.run([sys.executable, "-m", "moneytrail", "trace", str(scenario)],
                         capture_output=True, text=True, env=os.environ, check=True).stdout
    warnings = [line for line in out.splitlines() if line.startswith("Warning: ")]
    assert len(warnings) == 2
    assert warnings[0].startswith("Warning: The plan buys EUR 2.40 tn of AI accelerators a year")
    assert "times the whole market's yearly sales in the data" in warnings[0]


def test_the_warning_names_the_market_sizes_sources_by_title(tmp_path, ws):
    """Readers see the sources' titles (as everywhere else), not ids like a_nvidia_fy2026_dc;
    the JSON keeps the ids and adds the titles."""
    import json

    ids, titles = accelerator_sources(ws)
    scenario = huge_file(tmp_path)
    out = subprocess.run([sys.executable, "-m", "moneytrail", "trace", str(scenario)],
                         capture_output=True, text=True, env=os.environ, check=True).stdout
    warning = " ".join(line for line in out.splitlines()
                       if "of AI accelerators a year" in line)
    warning = " ".join(warning.split())
    assert all(f"“{title}”" in warning for title in titles), warning
    assert not any(sid in warning for sid in ids), warning
    data = json.loads(subprocess.run(
        [sys.executable, "-m", "moneytrail", "trace", str(scenario), "--format", "json"],
        capture_output=True, text=True, env=os.environ, check=True).stdout)
    row = data["facts"]["oversized_markets"][0]
    assert row["sources"] == ";".join(ids) and row["titles"] == titles


def test_the_run_page_and_api_carry_the_warning(tmp_path):
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    app = create_app(db=str(tmp_path / "store.db"))
    plan = {"id": "huge", "title": "Huge", "year": 2025, "currency": "EUR",
            "buyer_region": "EU", "budget": {"amount": 20e12},
            "spend": {"accelerators": {"low": 0.5, "central": 0.6, "high": 0.7},
                      "facility": {"low": 0.3, "central": 0.4, "high": 0.5}}}
    with TestClient(app) as client:
        posted = client.post("/api/v1/runs", json={"scenario": plan, "draws": 200, "seed": 1})
        assert posted.status_code in (200, 202), posted.text
        rid = posted.json()["run_id"]
        import time

        for _ in range(1200):
            status = client.get(f"/api/v1/runs/{rid}").json()["status"]
            if status in ("done", "error"):
                break
            time.sleep(0.1)
        assert status == "done"
        page = client.get(f"/r/{rid}").text
        facts = client.get(f"/api/v1/runs/{rid}").json()["result"]["facts"]
    import re
    from html import escape

    notes = re.findall(r'<p class="notice notice-info oversized-market" role="note">(.*?)</p>',
                       page, re.S)
    assert len(notes) == 2 and "EUR 2.40 tn of AI accelerators a year" in notes[0]
    with mt.Workspace.open() as workspace:
        ids, titles = accelerator_sources(workspace)
    for sid, title in zip(ids, titles, strict=True):     # linked by title, in <bdi>
        # the publisher follows the title for screen readers only (distinct link names)
        link = re.escape(f'<a href="/sources/{sid}" title="source id: {sid}"><bdi>'
                         f'{escape(title)}</bdi>')
        assert re.search(link + r'(<span class="visually-hidden"> \(<bdi>[^<]+</bdi>\)</span>)?'
                         r'</a>', notes[0]), notes[0]
    assert "source-meta" not in notes[0]
    assert [row["category"] for row in facts["oversized_markets"]] == ["accelerators",
                                                                       "facility"]


def test_the_briefing_summary_says_it(tmp_path):
    from html import unescape

    scenario = huge_file(tmp_path)
    html = tmp_path / "huge.html"
    subprocess.run([sys.executable, "-m", "moneytrail", "report", str(scenario), "-o",
                    str(html)], capture_output=True, text=True, env=os.environ, check=True)
    text = " ".join(unescape(html.read_text()).split())
    assert "The plan buys EUR 2.40 tn of AI accelerators a year" in text
    with mt.Workspace.open() as workspace:
        ids, titles = accelerator_sources(workspace)
    sentence = text[text.index("The plan buys EUR 2.40 tn of AI accelerators"):]
    sentence = sentence[:sentence.index("extrapolation.")]
    assert all(f"“{title}”" in sentence for title in titles), sentence
    assert not any(sid in sentence for sid in ids), sentence
