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
        assert summary.endswith("Every flow, as a mean of the draws, is in the table below.")
        assert summary.startswith("In figures: Medians of 200 draws, as in the run's tables: ")
    # the first invoices are in no median table: they are means, said so, as the flow table
    summary = text_of(page, "first-summary")
    data = json.loads(unescape(re.search(
        r'<script type="application/json" id="first-data">(.*?)</script>', page,
        re.S).group(1)))["data"][0]
    # each node's hover text: 'name: amount' (the amount as `money` writes it)
    labels = [text.rsplit(": ", 1)[0] for text in data["node"]["customdata"]]
    link = data["link"]
    root = next(i for i in link["source"] if i not in link["target"])
    total = sum(v for s, v in zip(link["source"], link["value"], strict=True) if s == root)
    into: dict[int, float] = {}
    for s, t, v in zip(link["source"], link["target"], link["value"], strict=True):
        if s != root:
            into[t] = into.get(t, 0.0) + v
    target = max(into, key=into.__getitem__)            # the largest first-invoice firm
    currency = data["valuesuffix"].strip()
    expected = (f"Means of the draws, as in the flow table: First invoices: "
                f"{unescape(labels[target])} {money(into[target], currency)} "
                f"({percent(into[target] / total)})")
    assert expected in summary, (expected, summary)
    assert "First invoices: Nvidia " in summary


ITEM = re.compile(r"^(.*?) ([A-Z]{3} [\d.,]+(?: [a-z]+)?)(?: \(([\d.,]+ %)\))?$")


def median_items(summary: str, headings: list[str]) -> dict[str, dict[str, tuple[str, str]]]:
    """The summary's median part as heading -> label -> (amount, share or '')."""
    part = summary.split("as in the run's tables: ", 1)[1]
    part = re.split(r" Means of the draws| Every flow", part)[0]
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for heading in headings:
        if f"{heading}: " not in part:
            continue
        body = part.split(f"{heading}: ", 1)[1].split(". ", 1)[0].rstrip(".")
        items = {}
        for item in body.split("; "):
            if re.fullmatch(r"\d+ more", item):
                continue
            found = ITEM.match(item)
            assert found, (item, summary)
            items[found.group(1)] = (found.group(2), found.group(3) or "")
        out[heading] = items
    return out


def table_cells(page: str, name: str, share_column: int | None) -> dict[str, tuple[str, str]]:
    """A run-page table's rows as label -> (median amount, median share or '')."""
    table = re.search(rf'<caption id="{name}-caption".*?</table>', page, re.S).group(0)
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        head = re.search(r'<th scope="row">(.*?)</th>', row, re.S)
        if not head:
            continue
        cells = [" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split())
                 for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        label = " ".join(unescape(re.sub(r"<[^>]+>", "", head.group(1))).split())
        out[label] = (cells[0], cells[share_column] if share_column is not None else "")
    return out


def test_the_run_pages_flow_summaries_give_the_tables_medians(client, run_id):
    """Each figure a flow chart's text alternative names is the cell of the run's table:
    the median amount (and median share) of the country, factor or category, not the mean
    the chart draws (a tester read EU EUR 4.05 bn (20.2 %) beside a table of 4.03 bn, 20.1 %)."""
    page = client.get(f"/r/{run_id}").text
    tables = {"What the plan buys": table_cells(page, "categories", None),
              "Where the value added is generated": table_cells(page, "country", 2),
              "By country, profits counted in the owners' country":
                  table_cells(page, "owner_country", 2),
              "Kept as wages, profits, taxes": table_cells(page, "factor", 2)}
    checked = 0
    for chart, headings in (("first", ["What the plan buys"]),
                            ("location", ["Where the value added is generated",
                                          "Kept as wages, profits, taxes"]),
                            ("ownership", ["By country, profits counted in the owners' country",
                                           "Kept as wages, profits, taxes"])):
        summary = text_of(page, f"{chart}-summary")
        named = median_items(summary, headings)
        assert set(named) == set(headings), (chart, summary)
        for heading, items in named.items():
            assert items, (chart, heading)
            for label, figures in items.items():
                assert tables[heading][label] == figures, (chart, label, figures,
                                                           tables[heading][label])
                checked += 1
    assert checked >= 15


def test_the_home_chart_states_the_largest_pledges(client):
    page = client.get("/").text
    attrs = chart_attrs(page, "reality-chart")
    assert attrs["aria-describedby"] == "reality-summary"
    assert attrs["aria-details"] == "reality-table"
    rows = client.get("/api/v1/home").json()["reality"]
    largest = max((r for r in rows if r["announced_central"] is not None),
                  key=lambda r: r["announced_central"])
    summary = text_of(page, "reality-summary")
    assert summary.startswith(f"In figures: The chart holds the {len(rows)} pledges with the "
                              "largest announced amounts in the ledger. Largest announced: ")
    assert money(largest["announced_central"], largest["currency"]) in summary


def test_the_home_summary_says_its_committed_figure_is_among_the_charted_pledges(client):
    """The chart holds the pledges with the largest announced amounts; a pledge with a larger
    committed amount and no announced one (OpenAI-Oracle's contract) is not in it, so the
    words must not call the chart's largest committed pledge the ledger's."""
    page = client.get("/").text
    summary = text_of(page, "reality-summary")
    rows = client.get("/api/v1/home").json()["reality"]
    charted = max((r for r in rows if r["committed_central"] is not None),
                  key=lambda r: r["committed_central"])
    deals = client.get("/api/v1/ledger?kind=pledge").json()["deals"]
    outside = [d for d in deals if d["id"] not in {r["id"] for r in rows}
               and (d["committed_central"] or 0) > charted["committed_central"]]
    assert outside                      # the tester's case: larger commitments not charted
    said = (f"Largest committed among them: {charted['name']} "
            f"{money(charted['committed_central'], charted['currency'])}")
    assert said in summary
    assert "Largest committed:" not in summary and "Largest spent:" not in summary


def test_the_home_summary_carries_the_tables_qualifiers(client):
    """A deal the home summary names carries the qualifiers its table row shows: 'Amazon
    capex 2025' is whole-company capex, not AI alone, in the table and so in the words."""
    page = client.get("/").text
    summary = text_of(page, "reality-summary")
    table = re.search(r'<details class="data-table" id="reality-table">.*?</table>', page,
                      re.S).group(0)
    rows = client.get("/api/v1/home").json()["reality"]
    spent = max((r for r in rows if r["disbursed_central"] is not None),
                key=lambda r: r["disbursed_central"])
    assert spent["whole_capex"]                        # the data the tester read
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", table, re.S) if spent["name"] in
               unescape(r))
    qualifier = re.search(r"\((whole-company capex[^)]*)\)", row).group(1)
    assert (f"Largest spent among them: {spent['name']} ({qualifier}) "
            f"{money(spent['disbursed_central'], spent['currency'])}") in summary
    for r in rows:                                      # every deal named, with its qualifiers
        if r["whole_capex"] and f" {r['name']} " in f" {summary} ":
            # the qualifier follows the name, after any mark of its place among the deals
            # ("(overlaps ...)"), before its amount
            said = summary[summary.index(r["name"]):]
            said = said[:said.index(" EUR ")]
            assert said.endswith(f"({qualifier})"), said


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
