"""A currency typed as a symbol in the plan builder: `€` (and the other symbols that stand for
one currency) is read as its ISO code, EUR; `$`, which stands for several, is still refused,
and no message then advises writing the amount in `$` or `€` (before, '€' as the currency
gave 'the amount is in EUR but the plan's currency is €: give it in € or change the
currency', a fix the field itself refuses)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.numbers import NumberTextError, currency_of_symbol, read_number  # noqa: E402
from moneytrail.web.runs import decode_draft  # noqa: E402

FORM = {"id": "my-plan", "title": "Symbol plan", "year": "2025", "buyer_region": "EU",
        "spend-0-category": "accelerators", "spend-0-central": "1", "draws": "100",
        "seed": "1", "action": "check"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from moneytrail.web import create_app

    db = tmp_path_factory.mktemp("currency_symbol") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://localhost") as test_client:
        yield test_client


def checked(client, currency: str, budget: str) -> tuple[str, dict]:
    response = client.post("/build", data={**FORM, "currency": currency, "budget": budget},
                           follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    location = response.headers["location"]
    page = unescape(re.sub(r"<[^>]+>", " ", client.get(location).text))
    return re.sub(r"\s+", " ", page), decode_draft(parse_qs(urlsplit(location).query)["plan"][0])


@pytest.mark.parametrize("budget", ["EUR 20 bn", "€20 bn", "20 bn"])
def test_the_euro_sign_as_currency_is_read_as_eur(client, budget):
    page, plan = checked(client, " € ", budget)
    assert plan["currency"] == "EUR"
    assert plan["budget"]["amount"] == 20_000_000_000
    assert "problem" not in page.lower() and "you gave" not in page


@pytest.mark.parametrize("budget", ["EUR 20 bn", "$20 bn", "20 bn ABC"])
def test_a_symbol_of_several_currencies_is_refused_with_a_valid_suggestion(client, budget):
    page, plan = checked(client, "$", budget)
    assert plan["currency"] == "$"
    assert "Currency: must be three capital letters, an ISO 4217 code such as EUR or USD" \
        in page
    assert not re.search(r"give (it|the amount) in [$€]", page), page
    assert "plan's currency $" not in page


def test_the_number_reader_advises_no_currency_that_is_not_one():
    assert currency_of_symbol("€") == "EUR" and currency_of_symbol("£") == "GBP"
    assert currency_of_symbol(" eur ") == "EUR" and currency_of_symbol("$") == "$"
    assert read_number("EUR 20 bn", sizes=True, currency="€") == 20_000_000_000
    with pytest.raises(NumberTextError) as refused:
        read_number("20 bn ABC", sizes=True, currency="€")
    assert "€" not in str(refused.value)
    with pytest.raises(NumberTextError) as refused:       # a real currency is still advised
        read_number("EUR 20 bn", sizes=True, currency="USD")
    assert "give it in USD" in str(refused.value)
