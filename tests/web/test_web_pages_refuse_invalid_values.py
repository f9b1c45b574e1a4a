"""Pages refuse an invalid value of a parameter their API takes, by the API's rule: a
tester's `/ledger/totals?by=bogus` answered 200 with totals by region (the page did not take
`by`, so it was dropped as an unknown, tracking-style parameter) where `/api/v1/ledger/totals`
answers 400. A page takes every query parameter of its `/api/v1` twin (but `format` and
`table`), so each is checked by the same code; the 400 page names the parameter and value."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def client(module_app):
    with TestClient(module_app, base_url="https://testserver") as test_client:
        yield test_client


def test_every_page_takes_the_query_parameters_of_its_api_twin(module_app):
    from moneytrail.web.query import API, declared

    routes = {(r.path, frozenset(r.methods)): r for r in module_app.routes
              if hasattr(r, "path") and getattr(r, "methods", None)}
    pairs = 0
    for (path, methods), page in routes.items():
        twin = routes.get((API + path, methods))
        if path.startswith(API) or "GET" not in methods or twin is None:
            continue
        pairs += 1
        missing = declared(twin)[0] - declared(page)[0] - {"format", "table"}
        assert not missing, (path, sorted(missing))
    assert pairs >= 5


@pytest.mark.parametrize(("query", "name", "value"), [
    ("by=bogus", "by", "bogus"),
    ("by=region,planet", "by", "planet"),
    ("stage=spent", "stage", "spent"),
])
def test_an_invalid_totals_value_is_a_400_page_naming_it(client, query, name, value):
    page = client.get(f"/ledger/totals?{query}")
    assert page.status_code == 400, page.text[:300]
    assert page.headers["content-type"].startswith("text/html")
    assert f"Check <strong>{name}</strong>: you gave <code>{value}</code>" in page.text
    api = client.get(f"/api/v1/ledger/totals?{query}")
    assert api.status_code == 400
    assert (api.json()["field"], api.json()["value"]) == (name, value)
    assert api.json()["detail"] in unescape(page.text)          # the same rule, same words


def test_a_valid_grouping_is_shown_and_kept_in_the_download(client):
    page = client.get("/ledger/totals?by=sector&stage=committed")
    assert page.status_code == 200
    html = unescape(page.text)
    assert "<h1>Totals by sector</h1>" in html
    api = client.get("/api/v1/ledger/totals?by=sector&stage=committed").json()
    caption = re.search(r'<caption id="totals-caption">(.*?)</caption>', html).group(1)
    assert caption == "Committed amounts by sector"
    for row in api["totals"]:                                  # each sector's row is shown
        assert f">{row['sector'] or 'not recorded'}<" in html, row["sector"]
    download = re.search(r'href="(/api/v1/ledger/totals\?[^"]*format=csv[^"]*)"', html)
    assert download is not None and "by=sector" in download.group(1)
    assert '<input type="hidden" name="by" value="sector">' in html
    by_region = unescape(client.get("/ledger/totals").text)
    assert "<h1>Totals by region</h1>" in by_region and 'name="by"' not in by_region
