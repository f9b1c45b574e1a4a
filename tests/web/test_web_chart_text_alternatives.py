"""Every chart's text alternative gives its main figures, not only its kind (WCAG 1.1.1):
the run page's flow charts name the largest flows of each column with amounts and shares of
the plan, the home chart the largest pledges, the compare chart each plan's medians; each
chart points at that text (aria-describedby) and at its data table (aria-details; no link
to it, which would add a tab stop per chart). The words are the PDF's figure descriptions
(report.briefing.charts.describe_columns / describe_intervals)."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.report.units import money, percent  # noqa: E402
from moneytrail.web import create_app  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("alt") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run_id(client) -> str:
    return finished(client, {"reference": "eu-ai-gigafactories", "draws": 200, "seed": 3})


def text_of(html: str, element_id: str) -> str:
    found = re.search(rf'<(\w+)[^>]* id="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
    assert found, element_id
    return " ".join(unescape(re.sub(r"<[^>]+>", "", found.group(2))).split())


def chart_attrs(html: str, chart_id: str) -> dict[str, str]:
    tag = re.search(rf'<div id="{chart_id}"[^>]*>', html).group(0)
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def test_the_run_pages_flow_charts_state_their_largest_flows(client, run_id):
    page = client.get(f"/r/{run_id}").text
    for chart in ("first", "location", "ownership"):
        attrs = chart_attrs(page, f"{chart}-chart")
        assert attrs["aria-describedby"] == f"{chart}-summary"
        assert attrs["aria-details"] == f"{chart}-table"
        assert re.search(rf'<details class="data-table" id="{chart}-table">\s*<summary>', page)
        summary = text_of(page, f"{chart}-summary")
        assert summary.endswith("Every flow is in the table below.")
        data = json.loads(unescape(re.search(
            rf'<script type="application/json" id="{chart}-data">(.*?)</script>', page,
            re.S).group(1)))["data"][0]
        labels, link = data["node"]["customdata"], data["link"]
        root = next(i for i in link["source"] if i not in link["target"])
        total = sum(v for s, v in zip(link["source"], link["value"], strict=True) if s == root)
        first = [(v, t) for s, t, v in zip(link["source"], link["target"], link["value"],
                                           strict=True) if s == root]
        value, target = max(first)                       # the largest flow out of the plan
        currency = data["valuesuffix"].strip()
        expected = f"{unescape(labels[target])} {money(value, currency)} ({percent(value / total)})"
        assert expected in summary, (chart, expected, summary)
    assert text_of(page, "first-summary").startswith("In figures: What the plan buys: ")
    assert "First invoices: Nvidia " in text_of(page, "first-summary")


def test_the_home_chart_states_the_largest_pledges(client):
    page = client.get("/").text
    attrs = chart_attrs(page, "reality-chart")
    assert attrs["aria-describedby"] == "reality-summary"
    assert attrs["aria-details"] == "reality-table"
    rows = client.get("/api/v1/home").json()["reality"]
    largest = max((r for r in rows if r["announced_central"] is not None),
                  key=lambda r: r["announced_central"])
    summary = text_of(page, "reality-summary")
    assert summary.startswith("In figures: Largest announced: ")
    assert money(largest["announced_central"], largest["currency"]) in summary


def test_the_compare_chart_states_each_plans_medians(client, run_id):
    other = finished(client, {"reference": "stargate-style-us", "draws": 200, "seed": 5})
    body = client.get(f"/api/v1/compare?runs={run_id},{other}").json()
    page = client.get(f"/compare?runs={run_id},{other}").text
    attrs = chart_attrs(page, "compare-chart")
    assert attrs["aria-describedby"] == "compare-summary"
    assert attrs["aria-details"] == "headline-table" and 'id="headline-table"' in page
    summary = text_of(page, "compare-summary")
    row = body["headline"][0]
    assert (f"{row['label']}: {percent(row['run1_p50'])} (90 % interval "
            f"{percent(row['run1_p5'])} to {percent(row['run1_p95'])})") in summary
