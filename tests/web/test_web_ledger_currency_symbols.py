"""The ledger's currency option reads a currency symbol as the plan builder does
(numbers.currency_of_symbol): '€' is EUR and '£' GBP in the API, the pages and the CLI; '$',
which stands for several currencies, and unknown codes keep a clear 400 that says, in words,
what is missing before it names the data file."""
from __future__ import annotations

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient  # noqa: E402

EURO, POUND = "%E2%82%AC", "%C2%A3"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("currencysymbols") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test:
        yield test


@pytest.mark.parametrize(("symbol", "code"), [(EURO, "EUR"), (POUND, "GBP")])
def test_the_ledger_api_reads_a_currency_symbol_as_its_code(client, symbol, code):
    by_symbol = client.get(f"/api/v1/ledger?currency={symbol}")
    assert by_symbol.status_code == 200, by_symbol.text
    by_code = client.get(f"/api/v1/ledger?currency={code}").json()
    assert by_symbol.json()["deals"] == by_code["deals"]
    # the reproduce lines name the code, which every tool takes
    assert by_symbol.json()["reproduce"]["cli"] == by_code["reproduce"]["cli"] \
        == f"moneytrail ledger list --currency {code}"
    totals = client.get(f"/api/v1/ledger/totals?currency={symbol}")
    assert totals.status_code == 200, totals.text
    assert {row["currency"] for row in totals.json()["totals"]} == {code}


def test_the_ledger_pages_read_the_euro_sign(client):
    for path in ("/ledger", "/ledger/totals"):
        page = client.get(f"{path}?currency={EURO}")
        assert page.status_code == 200, (path, page.text[:300])
        assert "EUR" in page.text


@pytest.mark.parametrize("typed", ["%24", "XXX"])
def test_a_dollar_sign_or_an_unknown_code_is_still_refused_in_words(client, typed):
    answer = client.get(f"/api/v1/ledger?currency={typed}")
    assert answer.status_code == 400
    problem = answer.json()
    assert problem["field"] == "currency"
    assert problem["detail"].startswith("unknown currency: ")
    assert "EUR, GBP" in problem["detail"].split("known: ")[1]     # what to give instead
    if typed == "XXX":
        # what is missing first, in the reader's words; the file after it, for fact-checkers
        assert "no exchange rate for XXX in the data package (macro/fx.csv" \
            in problem["detail"]
    else:
        assert "$ stands for several currencies" in problem["detail"]
