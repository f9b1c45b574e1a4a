"""The ownership view (`owner_country`) splits all value added, wages and taxes included:
profits count in the owners' country, wages and taxes where they are paid (model.builder).
A tester read it headed "where the profit goes" on the run page; every place it is shown (run
page table, chart and toggle, the chart's flow table, the briefing, the terminal) now says what
it counts (engine.dimensions.OWNERSHIP_TITLE / OWNERSHIP_NOTE)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

from moneytrail.engine.dimensions import OWNERSHIP_NOTE, OWNERSHIP_TITLE  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

WRONG = re.compile(r"where (the )?profits? go|profit goes|profits go there", re.I)


def words(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("ownership") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def run_id(client) -> str:
    return finished(client, {"reference": "eu-ai-gigafactories", "draws": 100, "seed": 3})


def test_the_run_page_heads_the_ownership_view_as_all_value_added(client, run_id):
    page = client.get(f"/r/{run_id}").text
    text = words(page)
    assert not WRONG.search(text), WRONG.search(text)
    heading = re.search(r'<h3 id="owner_country-h">(.*?)</h3>\s*<p class="ownership-note">'
                        r'(.*?)</p>', page, re.S)
    assert heading, "the ownership table's heading and its note"
    assert unescape(heading.group(1)) == ("By country, profits counted in the owners' country "
                                          "(ownership)")
    assert unescape(heading.group(2)) == OWNERSHIP_NOTE
    assert "wages and taxes count in the country where they are paid" in OWNERSHIP_NOTE.lower()
    assert "ownership (profits to the owners' country)" in text          # the chart toggle
    api = client.get(f"/api/v1/runs/{run_id}?table=owner_country").json()
    assert api["title"] == OWNERSHIP_TITLE
    flows = client.get(f"/api/v1/runs/{run_id}?table=flows_ownership").json()
    assert not WRONG.search(flows["title"]), flows["title"]


def test_the_briefing_says_what_the_ownership_table_counts(client, run_id):
    briefing = client.get(f"/r/{run_id}/report.html")
    assert briefing.status_code == 200
    text = words(briefing.text)
    assert not WRONG.search(text), WRONG.search(text)
    assert "Profits counted in the owners' country (ownership)" in text
    assert OWNERSHIP_NOTE in text


def test_the_terminal_table_says_what_the_ownership_view_counts(client, run_id):
    from rich.console import Console

    from moneytrail.report.terminal import breakdown_table
    from moneytrail.service.result import Result

    body = client.get(f"/api/v1/runs/{run_id}").json()
    table = Result.from_dict(body["result"]).tables["owner_country"]
    console = Console(width=400, record=True)
    console.print(breakdown_table(table))
    printed = " ".join(console.export_text().split())
    assert printed.startswith(OWNERSHIP_TITLE)
    assert OWNERSHIP_NOTE in printed
