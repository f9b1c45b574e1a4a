"""The totals page's own links and its filter form keep the reader's choices: "Leave them
out" (estimates of need) keeps the grouping `by`, the stage, the currency and the price year;
"by region" keeps all of them but `by`; the form carries `by`, currency and price year along;
a region's link to the ledger keeps the currency and price year."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

CHOSEN = {"stage": "committed", "by": "sector,year", "needs": "yes", "currency": "USD",
          "price_year": "2024"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("totalslinks") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


def link(page: str, words: str) -> tuple[str, dict[str, str]]:
    """The path and query parameters of the link reading `words`."""
    found = re.search(rf'<a href="([^"]*)">{re.escape(words)}</a>', page)
    assert found, words
    parts = urlsplit(html.unescape(found.group(1)))
    query = parse_qs(parts.query, keep_blank_values=True)
    assert all(len(v) == 1 for v in query.values()), query
    return parts.path, {k: v[0] for k, v in query.items()}


def form_fields(page: str) -> dict[str, str]:
    """What the filter form sends: its selected options and hidden inputs."""
    form = re.search(r'<form class="filters".*?</form>', page, re.S).group(0)
    sent = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    for name, body in re.findall(r'<select id="[^"]*" name="(\w+)">(.*?)</select>', form, re.S):
        sent[name] = re.search(r'<option value="([^"]*)" selected>', body).group(1)
    return sent


def test_leave_them_out_keeps_the_grouping_and_every_other_choice(client):
    page = client.get("/ledger/totals", params=CHOSEN)
    assert page.status_code == 200, page.text
    path, query = link(page.text, "Leave them out")
    assert path == "/ledger/totals"
    assert query == {**CHOSEN, "needs": "no"}
    followed = client.get(path, params=query).text
    assert "<h1>Totals by sector, year</h1>" in followed
    assert "Estimates of need are included" not in followed


def test_by_region_link_keeps_every_choice_but_the_grouping(client):
    page = client.get("/ledger/totals", params=CHOSEN).text
    path, query = link(page, "by region")
    assert path == "/ledger/totals"
    assert query == {k: v for k, v in CHOSEN.items() if k != "by"}


def test_the_filter_form_sends_the_grouping_currency_and_price_year(client):
    page = client.get("/ledger/totals", params=CHOSEN).text
    assert form_fields(page) == CHOSEN
    by_region = client.get("/ledger/totals", params={"currency": "USD",
                                                     "price_year": "2024"}).text
    assert form_fields(by_region) == {"stage": "announced", "needs": "no", "currency": "USD",
                                      "price_year": "2024"}


def test_region_links_keep_the_currency_and_price_year(client):
    page = client.get("/ledger/totals", params={"currency": "USD", "price_year": "2024"}).text
    path, query = link(page, "United States")
    assert path == "/ledger"
    assert query == {"region": "US", "currency": "USD", "price_year": "2024"}


def test_without_choices_the_links_stay_short(client):
    page = client.get("/ledger/totals", params={"needs": "yes"}).text
    assert link(page, "Leave them out") == ("/ledger/totals", {"stage": "announced",
                                                               "needs": "no"})
