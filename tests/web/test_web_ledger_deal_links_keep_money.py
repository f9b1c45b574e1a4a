"""Deal links on the ledger and totals pages keep the reader's currency and price year (the
deal page takes both): /ledger/totals?currency=USD&price_year=2024 once linked each deal as a
bare /ledger/deals/ID, so a reader reading USD at 2024 prices landed on the deal in EUR."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("deal-links") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def deal_links(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    links = [unescape(h) for h in re.findall(r'href="(/ledger/deals/[^"]*)"', response.text)]
    assert links, url
    return links


def query_of(link: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(link).query)


@pytest.mark.parametrize("needs", ["", "&needs=yes"])
def test_the_totals_pages_deal_links_keep_currency_and_price_year(client, needs):
    links = deal_links(client, f"/ledger/totals?currency=USD&price_year=2024{needs}")
    for link in links:
        assert query_of(link) == {"currency": ["USD"], "price_year": ["2024"]}, link
    deal = client.get(links[0])
    assert deal.status_code == 200
    assert "USD" in deal.text and "2024 prices" in deal.text


def test_the_ledgers_deal_links_keep_the_currency(client):
    for link in deal_links(client, "/ledger?currency=USD&region=EU"):
        assert query_of(link) == {"currency": ["USD"]}, link
    for link in deal_links(client, "/ledger?currency=%E2%82%AC&price_year=2023"):
        assert query_of(link) == {"currency": ["EUR"], "price_year": ["2023"]}, link


def test_without_money_choices_the_deal_links_stay_bare(client):
    for url in ("/ledger", "/ledger/totals"):
        for link in deal_links(client, url):
            assert "?" not in link, link
