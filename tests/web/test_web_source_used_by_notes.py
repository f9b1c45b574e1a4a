"""A source page's rows that cite it show their own note and the other sources they cite.

The Bernstein note is cited by some 220 supplier-cost rows ("Purchases of Google from
Schneider Electric, 2024: 0.4 % (0.24–0.56 %)") whose notes say they are estimates built from
several sources; the page showed neither the note nor those sources, so a reader took the
figure for Bernstein's own."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

COSTS_ID = "c_bernstein_gw_capex"              # cited by the cost-structure rows
MARKETS_ID = "m_bernstein_gw_capex_2025"       # the same page, cited by market shares
ROW_KEY = "google/2024/input/schneider_electric"
NOTE_START = "Google Cloud (incl. Workspace) costs ~86% of revenue"
NOTE_END = "power/sites by region."
OTHERS = ("c_google_cloud_2024", "c_implan_dc_capex", "c_server_lives",
          "c_assumption_depreciation_as_input", "c_assumption_cloud_regions")
SCRIPT = "<script>alert('note')</script>"
HOSTILE_DEAL = "l_eu_gigafactory_fund_2025_02"
DEAL_SOURCE = "l_investai_ec_dsj"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("used-by-notes") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    app.state.web.ledger.edit("deal", HOSTILE_DEAL, {"note": f"Fund {SCRIPT} " + "x" * 200},
                              author="test", reason="stored XSS test")
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def row_html(html: str, key: str) -> str:
    """The table row (or list item) of the page's record `key`."""
    at = html.index(f'title="record id: {key}"')
    start = max(html.rfind("<tr", 0, at), html.rfind("<li", 0, at))
    end = html.index("</tr>" if html[start:start + 3] == "<tr" else "</li>", at)
    return html[start:end]


def test_a_cost_row_shows_its_whole_note_and_links_its_other_sources(client):
    html = client.get(f"/sources/{COSTS_ID}").text
    row = row_html(html, ROW_KEY)
    words = text_of(row)
    assert ("Purchases of Google (Alphabet) from Schneider Electric, 2024: "
            "0.4 % (0.24–0.56 %)") in words
    # the note, shortened, with the whole of it one click away
    assert "<details" in row and "<summary" in row
    assert NOTE_START in words and NOTE_END in words
    for other in OTHERS:
        assert f'href="/sources/{other}"' in row, other
    assert f'href="/sources/{COSTS_ID}"' not in row        # not the page's own source


def test_the_same_documents_list_shows_the_notes_and_other_sources_too(client):
    html = client.get(f"/sources/{MARKETS_ID}").text
    start = html.index('id="same-h"')
    part = html[start:html.index("</section>", start)]
    row = row_html(part, ROW_KEY)
    assert NOTE_START in text_of(row)
    assert 'href="/sources/c_google_cloud_2024"' in row


def test_the_api_and_csv_carry_the_note_and_other_sources(client):
    body = client.get(f"/api/v1/sources/{COSTS_ID}").json()
    row = next(u for u in body["used_by"] if u["key"] == ROW_KEY)
    assert row["note"].startswith(NOTE_START)
    assert row["other_sources"].split(";") == list(OTHERS)
    csv = client.get(f"/api/v1/sources/{COSTS_ID}", params={"format": "csv"}).text
    assert "other_sources" in csv.splitlines()[0] and "c_google_cloud_2024;" in csv


def test_a_stored_note_is_escaped(client):
    html = client.get(f"/sources/{DEAL_SOURCE}").text
    assert SCRIPT not in html
    assert "&lt;script&gt;" in html


def test_other_sources_are_named_by_title_and_linked_by_the_id_written(client):
    """'Also cites' showed bare ids (c_google_cloud_2024) to readers: each is now its title,
    linked under the id the row writes, the id on hover."""
    html = client.get(f"/sources/{COSTS_ID}").text
    row = row_html(html, ROW_KEY)
    also = row[row.index('class="row-sources"'):]
    for other in OTHERS:
        title = client.get(f"/api/v1/sources/{other}").json()["source"]["title"]
        assert f'href="/sources/{other}" title="source id: {other}"' in also, other
        assert other not in text_of(also), other
        assert title.split()[0] in text_of(also), (other, title)
