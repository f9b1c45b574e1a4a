"""A tester's findings on the compare page (h104): the EUR 20 bn gigafactory plan against a
EUR 15 bn copy showed 'Operational CO2 over the horizon' 930.6 kt CO2e lower, exactly the
smaller budget's 25 %, with nothing saying the row is a total that grows with the budget; the
list of what differs between the plans repeated both full titles in every item."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402

DRAWS = 300
ROOT = Path(__file__).resolve().parents[2]
CO2_ROW = "Operational CO2 over the horizon (electricity)"
SMALLER = "EU AI gigafactories at EUR 15 bn"


def plan_path(stem: str) -> Path:
    return next(p for p in reference_scenarios() if p.stem == stem)


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """Web-style traces of the EU plan at EUR 20 bn and at EUR 15 bn, and of the
    efficiency-first plan (EUR 20 bn)."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("h104") / "ledger.sqlite")
    eu = load_scenario(plan_path("eu-ai-gigafactories"))
    smaller = eu.model_copy(update={"id": "gf-15", "title": SMALLER, "description": "",
                                    "budget": eu.budget.model_copy(update={"amount": 15e9})})
    with Workspace.open(db=db) as ws:
        runs = {"eu": tasks.trace_plan(ws, eu, draws=DRAWS, seed=1),
                "smaller": tasks.trace_plan(ws, smaller, draws=DRAWS, seed=1),
                "efficient": tasks.trace_plan(ws, load_scenario(plan_path(
                    "efficiency-first-eu")), draws=DRAWS, seed=1)}
    return db, runs


@pytest.fixture(scope="module")
def client(stored):
    from moneytrail.web import create_app

    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def page(client, *runs) -> str:
    response = client.get("/compare?runs=" + ",".join(r.run_id for r in runs))
    assert response.status_code == 200, response.text
    return response.text


def scorecard_row(html: str, label: str) -> tuple[str, list[str]]:
    table = re.search(r'<caption id="scorecard-caption">.*?</table>', html, re.S).group(0)
    row = re.search(r'<tr><th scope="row">(' + re.escape(label) + r".*?)</th>(.*?)</tr>",
                    table, re.S)
    assert row, label
    return text_of(row.group(1)), [text_of(c) for c in
                                   re.findall(r"<td[^>]*>(.*?)</td>", row.group(2), re.S)]


def p50(result, label: str) -> float:
    frame = result.tables["scorecard"].frame()
    return float(frame.loc[label, [c for c in frame.columns if c.endswith("_p50")][0]])


# -- 1. budgets that differ: a notice, and each total per million of budget -----------------
def test_the_compare_page_says_the_budgets_differ(client, stored):
    runs = stored[1]
    html = page(client, runs["eu"], runs["smaller"])
    notices = [text_of(n) for n in re.findall(
        r'<p class="notice notice-info budgets-differ"[^>]*>(.*?)</p>', html, re.S)]
    assert notices == [
        "The plans' budgets differ (EUR 20.00 bn vs EUR 15.00 bn): totals such as jobs and "
        "CO2 grow with the budget, so part of a total's difference comes from the budget "
        "alone. Compare the shares, the figures per million spent and each total per million "
        "of budget (under each total's median in the scorecard; the TCO as a share of the "
        "budget)."]
    # above the scorecard it concerns
    assert html.index("budgets-differ") < html.index('id="scorecard-caption"')


def test_a_total_row_gives_each_plan_per_million_of_its_budget(client, stored):
    from moneytrail.report.units import difference_text, difference_value, in_unit, percent

    runs = stored[1]
    first, second = runs["eu"], runs["smaller"]
    html = page(client, first, second)
    head, cells = scorecard_row(html, CO2_ROW)
    assert head == f"{CO2_ROW} a total: it grows with the budget"
    per = [p50(r, CO2_ROW) / (float(r.facts["total"]) / 1e6) for r in (first, second)]
    unit = "t CO2e per EUR million"
    # cells: plan 1, its weak rows, plan 2, its weak rows, the difference
    assert cells[0].endswith(f"{in_unit(per[0], unit)} of budget"), cells[0]
    assert cells[2].endswith(f"{in_unit(per[1], unit)} of budget"), cells[2]
    total_gap = difference_text(difference_value(p50(first, CO2_ROW), p50(second, CO2_ROW),
                                                 "t CO2e"), "t CO2e")
    budget_gap = difference_text(difference_value(per[0], per[1], unit), unit)
    assert cells[4] == f"{total_gap} {budget_gap} of budget", cells[4]
    # a row per million spent is no total: unchanged
    head, _ = scorecard_row(html, "Jobs paid for per million spent (FTE-years)")
    assert head == "Jobs paid for per million spent (FTE-years)"
    # the TCO in the list of runs: as a share of its plan's budget
    listed = re.search(r'<ol class="run-list">(.*?)</ol>', html, re.S).group(1)
    plans = [text_of(item) for item in re.split(r"<li><a href=", listed)[1:]]
    for result, said in zip((first, second), plans, strict=True):
        tco = float(result.tables["lifecycle"].frame().loc["tco", "p50"])
        share = percent(tco / float(result.facts["total"]))
        assert said.startswith(f'"/r/{result.run_id}"> {result.title}'), said
        assert f"; {share} of its budget); not the plan's lifetime cost" in said, said


def test_plans_of_one_budget_show_no_budget_notice(client, stored):
    runs = stored[1]
    html = page(client, runs["eu"], runs["efficient"])
    assert "budgets-differ" not in html and "of budget" not in html
    assert "of its budget" not in html and "a total: it grows" not in html


# -- 4. what differs: 'Plan 1' and 'Plan 2' under a key, the API keeps the titles ----------
def test_the_list_of_differences_names_the_plans_by_their_key(client, stored):
    runs = stored[1]
    first, second = runs["eu"], runs["efficient"]
    html = page(client, first, second)
    section = re.search(r'<section aria-labelledby="differ-h"[^>]*>(.*?)</section>', html,
                        re.S).group(1)
    key = re.search(r'<dl class="plan-key plan-key-always" id="differ-key">(.*?)</dl>',
                    section, re.S)
    assert key, "no key above the list"
    assert [text_of(t) for t in re.findall(r"<dt>(.*?)</dt>", key.group(1))] == \
        ["Plan 1", "Plan 2"]
    assert [text_of(t) for t in re.findall(r"<dd>(.*?)</dd>", key.group(1))] == \
        [first.title, second.title]
    items = [text_of(i) for i in re.findall(r"<li>(.*?)</li>", section, re.S)]
    assert len(items) > 5
    for item in items:
        assert first.title not in item and second.title not in item, item
        assert " in Plan 1" in item and " in Plan 2" in item, item
    assert "Share of the budget for AI accelerators: 39.0 % (30.0 % to 46.0 %) in Plan 1; " \
           "not bought in Plan 2." in items
    # the API (and the briefings) keep the quoted titles
    body = client.get(f"/api/v1/compare?runs={first.run_id},{second.run_id}").json()
    assert all(f"\u201c{first.title}\u201d" in s for s in body["differ"])
