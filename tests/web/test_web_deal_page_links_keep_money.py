"""A deal page's links to other ledger pages keep the reader's currency and price year (and
the ledger revision shown, where the target takes it): /ledger/deals/ID?currency=USD&
price_year=2024 once linked its parts, overlaps, "left out for it" deals, the ledger and the
totals bare, so a reader reading USD at 2024 prices landed on the next deal in EUR. Its
history links carry the money too, and the history page's link back to the deal keeps it."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

MONEY = {"currency": ["USD"], "price_year": ["2024"]}
# deals of the bundled ledger with parts, overlaps and deals left out of the totals for them
STARGATE = "l_stargate_us_2025_01"
INVESTAI = "l_eu_investai_2025_02"
GIGAFACTORY_FUND = "l_eu_gigafactory_fund_2025_02"      # part of InvestAI: left out for it


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("deal-page-links") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def ledger_links(client, url: str) -> dict[str, list[dict[str, list[str]]]]:
    """The page's links (its main part: the site's menu is the same on every page) to ledger
    pages, by path: the query of each."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    main = response.text.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    found: dict[str, list[dict[str, list[str]]]] = {}
    for href in re.findall(r'href="(/ledger[^"]*)"', main):
        parts = urlsplit(unescape(href))
        found.setdefault(parts.path, []).append(parse_qs(parts.query))
    return found


def deal_paths(links: dict[str, list[dict[str, list[str]]]]) -> set[str]:
    return {path.rsplit("/", 1)[1] for path in links if path.startswith("/ledger/deals/")}


@pytest.mark.parametrize(("deal", "related"), [
    (STARGATE, {"l_stargate_us_equity_2025_01", "l_stargate_us_sites_2025_09",
                "l_stargate_us_abilene", "l_softbank_us_2024_12", "l_openai_compute_2025_10"}),
    (INVESTAI, {"l_eu_investai_eu_share_2025_02", GIGAFACTORY_FUND,
                "l_eu_ai_champions_2025_02", "l_eu_ai_continent_2025_04"}),
    (GIGAFACTORY_FUND, {INVESTAI, "l_eu_gigafactory_eu_grants_2026_06"}),
])
def test_a_deal_pages_links_keep_currency_and_price_year(client, deal, related):
    links = ledger_links(client, f"/ledger/deals/{deal}?currency=USD&price_year=2024")
    assert related <= deal_paths(links), sorted(deal_paths(links))
    assert {"/ledger", "/ledger/totals", f"/ledger/history/deal/{deal}"} <= set(links)
    for path, queries in links.items():
        if path.startswith(("/ledger/edit/", "/ledger/add/")):
            continue                        # an editor's forms: no amounts to convert
        for query in queries:
            assert query == MONEY, (path, query)


def test_a_related_deal_followed_is_in_the_readers_money(client):
    links = ledger_links(client, f"/ledger/deals/{GIGAFACTORY_FUND}?currency=USD&price_year=2024")
    assert links[f"/ledger/deals/{INVESTAI}"][0] == MONEY
    page = client.get(f"/ledger/deals/{INVESTAI}", params={k: v[0] for k, v in MONEY.items()})
    assert page.status_code == 200
    assert "Amounts are converted to USD at 2024 prices" in page.text


def test_at_a_past_revision_the_links_keep_it_but_history_takes_none(client):
    revision = client.app.state.web.ledger.state().revision - 1
    links = ledger_links(client, f"/ledger/deals/{STARGATE}?currency=USD&price_year=2024"
                                 f"&revision={revision}")
    assert "l_stargate_us_abilene" in deal_paths(links)
    # the past-revision notice's "current version of this page" drops the revision alone
    assert links.pop(f"/ledger/deals/{STARGATE}") == [MONEY]
    for path, queries in links.items():
        for query in queries:
            keeps = {**MONEY} if path.startswith("/ledger/history/") else \
                {**MONEY, "revision": [str(revision)]}
            assert query == keeps, (path, query)


def test_without_money_choices_the_links_stay_bare(client):
    links = ledger_links(client, f"/ledger/deals/{STARGATE}")
    assert "l_stargate_us_abilene" in deal_paths(links)
    assert all(query == {} for queries in links.values() for query in queries), links


def test_the_history_pages_link_back_to_the_deal_keeps_the_money(client):
    deal = ledger_links(client, f"/ledger/deals/{STARGATE}?currency=USD&price_year=2024")
    claim = next(path for path in deal if path.startswith("/ledger/history/claim/"))
    for history in (f"/ledger/history/deal/{STARGATE}", claim):
        back = ledger_links(client, f"{history}?currency=USD&price_year=2024")
        assert back[f"/ledger/deals/{STARGATE}"] == [MONEY], back
        assert ledger_links(client, history)[f"/ledger/deals/{STARGATE}"] == [{}]


def test_the_history_page_refuses_an_invalid_price_year(client):
    response = client.get(f"/ledger/history/deal/{STARGATE}?price_year=twenty")
    assert response.status_code == 400
    assert "price_year" in response.text


@pytest.mark.parametrize(("query", "field", "value"), [
    ("currency=XYZ", "currency", "XYZ"),
    ("price_year=1800", "price_year", "1800"),
    ("reverted=abc", "reverted", "abc"),
])
def test_the_history_page_checks_its_query_as_the_deal_page_does(client, query, field, value):
    """/ledger/history/deal/ID?currency=XYZ (or price_year=1800) was a 200 page whose link
    back to the deal led to a 400; ?reverted=abc (a revision number) was taken too. Each is
    now a 400 page naming the parameter and its value, as the deal page's is."""
    history = client.get(f"/ledger/history/deal/{STARGATE}?{query}")
    assert history.status_code == 400, history.text
    text = unescape(history.text)
    assert field in text and value in text
    if field != "reverted":
        deal = client.get(f"/ledger/deals/{STARGATE}?{query}")
        assert deal.status_code == 400
