"""A source page names the other source ids of the same document (h90): one page recorded by
the ledger as `l_investai_ec_dsj` and by the value chain as `m_ec_investai_2025` showed only
half its uses on each id's page."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

CHAIN_ID = "m_ec_investai_2025"          # cited by debate claims and the reference plans
LEDGER_ID = "l_investai_ec_dsj"          # cited by the InvestAI deals and claims
TITLE = "Commission launches new InvestAI initiative"
SCRIPT = "<script>alert('same')</script>"
HOSTILE_DEAL = "l_eu_gigafactory_fund_2025_02"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("h90") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False)
    app.state.web.ledger.edit("deal", HOSTILE_DEAL, {"name": f"Fund {SCRIPT}"},
                              author="test", reason="stored XSS test")
    with TestClient(app) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def same_part(html: str) -> str:
    start = html.index('id="same-h"')
    return html[start:html.index("</section>", start)]


def test_the_chain_ids_page_names_the_ledger_id_and_what_cites_it(client):
    html = client.get(f"/sources/{CHAIN_ID}").text
    part = same_part(html)
    assert f'href="/sources/{LEDGER_ID}"' in part
    words = text_of(part)
    assert "Same document" in words and TITLE in words and LEDGER_ID in words
    # the ledger's rows citing the other id: the InvestAI deal and its claims
    assert 'href="/ledger/deals/l_eu_investai_2025_02"' in part
    assert "investai_announced" in words and "EUR 200.00 bn" in words
    assert "4 rows cite it" in words
    assert "4 more cite the same document under another id" in text_of(html)


def test_the_ledger_ids_page_names_the_chain_id_and_what_cites_it(client):
    part = same_part(client.get(f"/sources/{LEDGER_ID}").text)
    assert f'href="/sources/{CHAIN_ID}"' in part
    words = text_of(part)
    assert "debate claim" in words and "public-money-to-nvidia-and-hyperscalers" in words
    assert "reference plan" in words and 'href="/plans/eu-ai-gigafactories"' in part


def test_the_source_json_lists_the_same_document(client):
    body = client.get(f"/api/v1/sources/{CHAIN_ID}").json()
    [other] = body["same_document"]
    assert other["id"] == LEDGER_ID and other["href"] == f"/sources/{LEDGER_ID}"
    assert other["title"].startswith(TITLE)
    assert {u["key"] for u in other["used_by"]} >= {"l_eu_investai_2025_02",
                                                    "investai_announced"}
    three = client.get("/api/v1/sources/m_stargate_openai_2025").json()["same_document"]
    assert [o["id"] for o in three] == ["a_stargate_openai_2025_01",
                                       "l_stargate_openai_2025_01"]
    # CSV stays one table: the page's own rows
    assert client.get(f"/api/v1/sources/{CHAIN_ID}?format=csv").status_code == 200


def test_a_source_alone_on_its_url_has_no_same_document_part(client):
    html = client.get("/sources/c_assumption_odm_bom").text
    assert 'id="same-h"' not in html
    assert client.get("/api/v1/sources/c_assumption_odm_bom").json()["same_document"] == []


def test_the_same_document_part_escapes_what_it_shows(client):
    part = same_part(client.get(f"/sources/{CHAIN_ID}").text)
    assert SCRIPT not in part and "&lt;script&gt;" in part


def test_the_url_index_is_built_once_per_app(client, monkeypatch):
    state = client.app.state.web
    client.get(f"/sources/{CHAIN_ID}")
    assert state._source_urls is not None

    def no_reading(*args, **kwargs):
        raise AssertionError("sources read again")

    monkeypatch.setattr("moneytrail.data.package.open_package", no_reading)
    assert client.get(f"/sources/{LEDGER_ID}").status_code == 200


def test_a_source_note_naming_its_sibling_links_that_id_not_itself(client):
    """The Bernstein note's row says it is dated 'as value chain source
    m_bernstein_gw_capex_2025': on its own page that link goes to the sibling id written,
    not (as every other page's links do, by document) back to the page itself."""
    html = client.get("/sources/c_bernstein_gw_capex").text
    note = re.search(r'<p class="note">.*?</p>', html, re.S)
    assert note, "no note"
    assert 'href="/sources/m_bernstein_gw_capex_2025"' in note.group(0)
    assert 'href="/sources/c_bernstein_gw_capex"' not in note.group(0)
