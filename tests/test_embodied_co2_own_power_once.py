"""A plan that buys electricity in its budget: the generation of the power its hardware uses
is in operational CO2, so every figure of embodied CO2 shown beside it (the co2 table, the
scorecard and what reads it: compare, briefing) leaves it out by the lifecycle's one rule
(analysis.lifecycle.embodied_net), and embodied + operational there equals the lifecycle's
total. Bought power the hardware does not use is warned about, in TWh."""

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.report.units import oversized_sentence, warning_entries
from moneytrail.service import tasks
from moneytrail.service.workspace import Workspace

DRAWS, SEED = 200, 5


def plan_of(spend):
    """The tester's plan: USD 5 bn, sited in Germany, hardware, a building and electricity."""
    return mt.parse_scenario({"id": "tester-power", "title": "tester", "year": 2025,
                              "currency": "USD", "buyer_region": "EU", "site_country": "DE",
                              "budget": {"amount": 5e9}, "spend": spend}, source="t.yaml")


BUYS_POWER = {"accelerators": 0.6, "servers": 0.15, "facility": 0.15, "electricity": 0.1}
# more electricity than the hardware can use: the tester's 1.74 TWh bought, 1.45 TWh used
TOO_MUCH_POWER = {"accelerators": 0.45, "servers": 0.1, "facility": 0.15, "electricity": 0.3}
NO_POWER = {"accelerators": 0.7, "servers": 0.15, "facility": 0.15}


@pytest.fixture(scope="module")
def ws():
    with Workspace.open() as opened:
        yield opened


def run(ws, spend):
    return tasks.trace_plan(ws, plan_of(spend), draws=DRAWS, seed=SEED, store=None)


def row(frame, prefix):
    """The one row of `frame` whose label starts with `prefix` (labels say what they leave
    out)."""
    found = [label for label in frame.index if str(label).startswith(prefix)
             and ": evidence" not in str(label)]
    assert len(found) == 1, (prefix, list(frame.index))
    return frame.loc[found[0]]


@pytest.mark.parametrize("spend", [BUYS_POWER, TOO_MUCH_POWER], ids=["buys", "too-much"])
def test_co2_table_plus_operational_is_the_lifecycle_total(ws, spend):
    result = run(ws, spend)
    co2 = result.tables["co2"].frame()
    life = result.tables["lifecycle"].frame()
    embodied = row(co2, "embodied CO2, all tiers")["amount_mean"]
    operational = life.loc["co2_tonnes", "mean"]
    # means add up over draws: the table's embodied + operational is the lifecycle's total
    assert embodied + operational == pytest.approx(
        life.loc["co2_embodied_tonnes", "mean"] + operational, rel=1e-9)
    # the figure says it leaves the power out, and the row of what it leaves out is there
    assert row(co2, "embodied CO2, all tiers").name.endswith("operational CO2")
    left_out = row(co2, "embodied CO2, own power left out")["amount_mean"]
    tiers = [label for label in co2.index if str(label).startswith("embodied CO2, tier")]
    assert left_out > 0
    # the tiers (first invoice net of the power) still add up to the all-tiers figure
    assert sum(co2.loc[t, "amount_mean"] for t in tiers) == pytest.approx(embodied, rel=1e-9)


def test_scorecard_embodied_is_the_net_figure(ws):
    result = run(ws, BUYS_POWER)
    card = result.tables["scorecard"].frame()
    co2 = result.tables["co2"].frame()
    label = result.facts["plan"]
    per_million = row(card, "Embodied CO2 of the supply chain per million spent")
    assert "operational CO2" in per_million.name
    # the scorecard (compare and briefing read it) says the co2 table's net figure
    assert per_million[f"{label}_mean"] == pytest.approx(
        row(co2, "embodied CO2 per USD million spent")["amount_mean"], rel=1e-9)


def test_a_plan_without_electricity_keeps_its_figures(ws):
    result = run(ws, NO_POWER)
    co2 = result.tables["co2"].frame()
    assert "embodied CO2, all tiers" in co2.index
    assert not any("left out" in str(label) for label in co2.index)
    life = result.tables["lifecycle"].frame()
    assert co2.loc["embodied CO2, all tiers", "amount_mean"] == pytest.approx(
        life.loc["co2_embodied_tonnes", "mean"], rel=1e-9)
    assert "unused_electricity" not in result.facts


def test_bought_power_not_used_is_warned_about_in_twh(ws):
    result = run(ws, TOO_MUCH_POWER)
    fact = result.facts["unused_electricity"]
    assert fact["bought_twh"] > fact["used_twh"] > 0
    assert 0 < fact["unused_twh"] <= fact["bought_twh"]
    warnings = tasks.facts_warnings(result.facts)
    entry = [w for w in warning_entries(warnings, "USD") if w["kind"] == "unused_electricity"]
    assert len(entry) == 1
    message = entry[0]["message"]
    assert f"{fact['bought_twh']:,.2f} TWh" in message
    assert f"{fact['used_twh']:,.2f} TWh" in message
    # the CLI's and briefing's wording of the same warning
    assert oversized_sentence(warnings[-1], "USD") == message
    # the figures are the lifecycle's medians, in TWh
    bought = float(np.median(result.tables["lifecycle"].frame().loc["energy_mwh", "p50"]))
    assert fact["used_twh"] == pytest.approx(bought / 1e6, rel=1e-6)


def test_power_the_hardware_uses_is_not_warned_about(ws):
    small = {"accelerators": 0.7, "servers": 0.15, "facility": 0.14, "electricity": 0.01}
    result = run(ws, small)
    assert "unused_electricity" not in result.facts


def test_the_run_page_and_api_show_the_unused_power(tmp_path):
    import re
    import time

    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    app = create_app(db=str(tmp_path / "store.db"))
    plan = {"id": "tester-power", "title": "tester", "year": 2025, "currency": "USD",
            "buyer_region": "EU", "site_country": "DE", "budget": {"amount": 5e9},
            "spend": TOO_MUCH_POWER}
    with TestClient(app) as client:
        posted = client.post("/api/v1/runs", json={"scenario": plan, "draws": DRAWS,
                                                   "seed": SEED})
        assert posted.status_code in (200, 202), posted.text
        rid = posted.json()["run_id"]
        for _ in range(1200):
            status = client.get(f"/api/v1/runs/{rid}").json()["status"]
            if status in ("done", "error"):
                break
            time.sleep(0.1)
        assert status == "done"
        page = client.get(f"/r/{rid}").text
        answer = client.get(f"/api/v1/runs/{rid}").json()
    fact = answer["result"]["facts"]["unused_electricity"]
    notes = re.findall(r'<p class="notice notice-info unused-electricity" role="note">(.*?)</p>',
                       page, re.S)
    assert len(notes) == 1
    assert f"buys {fact['bought_twh']:,.2f} TWh" in notes[0]
    assert f"uses {fact['used_twh']:,.2f} TWh" in notes[0]
    warned = [w for w in answer.get("warnings", []) if w["kind"] == "unused_electricity"]
    assert len(warned) == 1 and warned[0]["bought_twh"] == fact["bought_twh"]


def test_the_briefing_says_the_unused_power_and_the_net_embodied_co2(ws):
    import html as html_lib
    import re

    from moneytrail.report.briefing import render_briefing

    result = run(ws, TOO_MUCH_POWER)
    page = render_briefing(ws, [result], fmt="html", sensitivity=False).decode()
    text = " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    fact = result.facts["unused_electricity"]
    assert (f"The plan buys {fact['bought_twh']:,.2f} TWh of electricity in its budget; its "
            f"hardware uses {fact['used_twh']:,.2f} TWh") in text
    assert "per million spent (scope 1+2, less own power in operational CO2)" in text
