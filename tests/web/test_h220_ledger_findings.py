"""A journalist's findings on the ledger pages (h220): a deal asked for at a revision before it
existed says so (not "no deal with this id"), with links to it now and to its history; code-like
filters are read in any case and shown canonical; a text search `q` over the deals; controls
for currency and price year on /ledger and /ledger/totals."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

DEAL = "l_stargate_us_2025_01"


@pytest.fixture(scope="module")
def client(module_app):
    return TestClient(module_app, base_url=HTTPS)


def text_of(html: str) -> str:
    """A page's words as read (an inline <bdi> joins the words around it)."""
    html = re.sub(r"</?bdi>", "", html)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def added_at(client, kind: str, key: str) -> int:
    history = client.app.state.web.ledger.history(kind=kind, key=key)
    return int(history[history["before"] == "null"]["revision"].min())


# -- 1. a deal before it existed ----------------------------------------------------------
def test_a_deal_at_a_revision_before_it_was_added_says_when_it_was(client):
    added = added_at(client, "deal", DEAL)
    assert added > 1
    page = client.get(f"/ledger/deals/{DEAL}?revision={added - 1}")
    assert page.status_code == 404
    text = text_of(page.text)
    assert (f"deal {DEAL} did not exist yet at revision {added - 1}; it was added at "
            f"revision {added}") in text
    assert "no deal with this id" not in text
    assert "<h1>Not in the ledger yet at that revision</h1>" in page.text
    assert f'href="/ledger/deals/{DEAL}"' in page.text
    assert f'href="/ledger/history/deal/{DEAL}"' in page.text
    api = client.get(f"/api/v1/ledger/deals/{DEAL}?revision={added - 1}")
    assert api.status_code == 404
    assert api.json()["detail"].endswith(f"it was added at revision {added}")
    assert api.json()["field"] == "deal" and api.json()["value"] == DEAL


def test_a_deal_never_added_stays_no_deal_with_this_id(client):
    added = added_at(client, "deal", DEAL)
    page = client.get(f"/ledger/deals/l_nothing_like_it?revision={added}")
    assert page.status_code == 404
    assert "no deal with this id" in text_of(page.text)
    assert "did not exist yet" not in text_of(page.text)


# -- 2. code-like filters in any case --------------------------------------------------------
def test_region_is_read_in_any_case_and_shown_as_its_code(client):
    upper = client.get("/ledger?region=US")
    lower = client.get("/ledger?region=us")
    assert lower.status_code == 200, lower.text
    assert '<option value="US" selected>' in lower.text
    assert re.findall(r'href="/ledger/deals/([^"?]+)', lower.text) == \
        re.findall(r'href="/ledger/deals/([^"?]+)', upper.text)
    api = client.get("/api/v1/ledger?region=us").json()
    assert api["filters"]["region"] == "US"
    assert {d["region"] for d in api["deals"]} == {"US"}


@pytest.mark.parametrize(("path", "name", "given", "canonical"), [
    ("/api/v1/ledger", "kind", "Pledge", "pledge"),
    ("/api/v1/ledger", "sector", "PRIVATE", "private"),
    ("/api/v1/ledger/totals", "stage", "Committed", "committed")])
def test_code_filters_are_read_in_any_case(client, path, name, given, canonical):
    answer = client.get(f"{path}?{name}={given}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["filters"][name] == canonical


def test_an_unknown_region_stays_a_400_naming_the_known_ones(client):
    answer = client.get("/api/v1/ledger?region=narnia")
    assert answer.status_code == 400
    body = answer.json()
    assert body["field"] == "region" and body["value"] == "narnia"
    assert "unknown region (use " in body["detail"] and "US" in body["detail"]
    page = client.get("/ledger?region=%3Cb%3Enarnia")
    assert page.status_code == 400 and "<b>narnia" not in page.text


# -- 3. search and money controls ------------------------------------------------------------
def test_q_searches_deals_by_name_firm_and_id_in_any_case(client):
    deals = client.get("/api/v1/ledger").json()["deals"]
    records = {d["id"]: d for d in client.app.state.web.ledger.records("deal")}
    wanted = {d["id"] for d in deals if "openai" in " ".join(
        str(records[d["id"]][f]) for f in ("id", "name", "announcer", "description")).lower()}
    assert wanted and len(wanted) < len(deals)
    found = client.get("/api/v1/ledger?q=OpenAI").json()
    assert {d["id"] for d in found["deals"]} == wanted
    assert found["filters"]["q"] == "OpenAI"
    assert "--search OpenAI" in found["reproduce"]["cli"]
    by_id = client.get(f"/api/v1/ledger?q={DEAL[2:12].upper()}").json()["deals"]
    assert DEAL in {d["id"] for d in by_id}
    page = client.get("/ledger?q=openai")
    assert page.status_code == 200
    text = text_of(page.text)
    assert f"{len(wanted)} deals match “openai”" in text
    assert "unused" not in text.lower()
    assert re.search(r'<label for="f-q">[^<]+</label>\s*<input type="search" id="f-q" '
                     r'name="q" value="openai"', page.text)
    assert "/api/v1/ledger?q=openai" in page.text          # downloads keep the search


def test_q_combines_with_the_other_filters_and_is_escaped(client):
    both = client.get("/api/v1/ledger?q=openai&region=us").json()["deals"]
    assert both and {d["region"] for d in both} == {"US"}
    none = client.get("/ledger?q=%3Cscript%3Ex%3C%2Fscript%3E")
    assert none.status_code == 200
    assert "<script>x</script>" not in none.text
    assert "0 deals match “<script>x</script>”" in text_of(none.text)
    assert "No deal matches these filters." in text_of(none.text)


@pytest.mark.parametrize("path", ["/ledger", "/ledger/totals"])
def test_currency_and_price_year_have_labelled_controls(client, path):
    page = client.get(f"{path}?currency=usd&price_year=2023")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<label for="f-currency">Currency</label>' in html
    assert '<label for="f-price-year">Prices of year</label>' in html
    currency = re.search(r'<select id="f-currency" name="currency">(.*?)</select>', html, re.S)
    year = re.search(r'<select id="f-price-year" name="price_year">(.*?)</select>', html, re.S)
    assert currency and year
    converter = client.app.state.web.ledger.converter()
    assert re.findall(r'<option value="(\w+)"', currency.group(1)) == \
        sorted(converter.currencies)
    assert '<option value="USD" selected>' in currency.group(1)
    assert '<option value="2023" selected>' in year.group(1)
    assert set(re.findall(r'<option value="(\d+)"', year.group(1))) == \
        {str(y) for y in converter.price_years("USD")}
