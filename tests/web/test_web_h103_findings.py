"""A security tester's findings (OWASP ASVS L1, h103).

1. A draft link whose budget is 1e31 or more (`{"budget": {"amount": 1e+300}}`) was a 500:
   web.numbers.amount_text rounded in Decimal's default 28 digits (InvalidOperation). The
   builder now shows such a draft like any other out-of-range budget: the form with the
   amount (200), and with `check=1` a 400 with the error beside the budget. Every number
   formatter is checked on huge and tiny values.
2. The 500 page carried no security headers (the exception handler answers outside the
   header middleware): it now has the same headers as every other page.
3. SVG charts were `image/svg+xml` without a charset: every text download names utf-8.
4. A completed password reset left the account's API keys working: they are revoked.
"""

from __future__ import annotations

import base64
import json
import math
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.schema import MAX_BUDGET  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

HUGE_AND_TINY = [1e300, -1e300, 1e-300, -1e-300, 5e-324, 1.7976931348623157e308, 1e31]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("h103") / "ledger.sqlite"
    app = create_app(db=f"sqlite:///{db}", start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as test:
        yield test


def draft(plan: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(plan).encode()).decode().rstrip("=")


# -- 1. huge budgets in a draft link --------------------------------------------------------
@pytest.mark.parametrize("amount", [1e31, 1e300, -1e300, 1.7976931348623157e308])
def test_a_draft_with_a_huge_budget_shows_the_form_not_a_500(client, amount):
    link = f"/build?plan={draft({'budget': {'amount': amount}})}"
    shown = client.get(link)
    # h107: a budget over the cap is marked as soon as the draft loads (400), a negative
    # one when checked
    assert shown.status_code == (400 if amount > 0 else 200), shown.text[:300]
    field = re.search(r'<input[^>]*name="budget"[^>]*value="([^"]*)"', shown.text)
    if amount > 0:
        from moneytrail.web.numbers import read_number

        assert field and read_number(field.group(1), sizes=True) == amount
    checked = client.get(link + "&check=1")
    assert checked.status_code == 400, checked.text[:300]
    assert 'id="f-budget-error"' in checked.text or 'href="#f-budget"' in checked.text


@pytest.mark.parametrize("value", HUGE_AND_TINY)
def test_amount_text_writes_any_finite_float_and_reads_it_back(value):
    from moneytrail.web.builder import amount_words
    from moneytrail.web.numbers import amount_text, read_number

    text = amount_text(value)
    assert read_number(text, sizes=True) == value        # the very same number
    # as a person types it; beyond any budget a plan may hold in short exponent form (h107)
    assert ("e" in text) == (abs(value) > MAX_BUDGET)
    amount_words(value)                                  # the builder's use: no exception


def test_amount_text_keeps_the_exact_whole_part_of_a_huge_whole_float():
    """Rounded to 28 digits, 1e30 was written 1000000000000000019884624839000, which reads
    back as an int different from the float (1000000000000000019884624838656)."""
    from moneytrail.web.numbers import amount_text

    assert amount_text(2.0 ** 56) == str(2 ** 56)
    assert amount_text(1e30) == "1e+30"       # beyond any budget: short (h107)
    assert amount_text(20e9) == "20 bn" and amount_text(123.456) == "123.4560"


@pytest.mark.parametrize("value", HUGE_AND_TINY)
def test_every_number_formatter_takes_huge_and_tiny_values(value):
    from moneytrail.report import units
    from moneytrail.service.run_claims import amount_words
    from moneytrail.web.format import ledger_value

    assert units.number(value)
    words = amount_words(value, "EUR")
    assert words.startswith("EUR ") and words.split()[-1] != "-0"   # no 'EUR -0'
    for text in (repr(value), str(int(value)) if value.is_integer() else ""):
        if not text:
            continue
        shown = ledger_value(text, "amount")
        assert float(shown.replace(",", "")) == value    # exact, with thousands commas


def test_a_ledger_amount_of_many_digits_is_shown_exactly():
    """ledger_value rounded an amount of more than 28 digits (its docstring says exact)."""
    from moneytrail.web.format import ledger_value

    digits = str(int(1e300))
    assert ledger_value(digits, "central").replace(",", "") == digits


def test_a_tiny_negative_budget_is_not_worded_minus_zero():
    from moneytrail.service.run_claims import amount_words

    assert amount_words(-1e-300, "EUR") == "EUR 0"
    assert not math.isnan(float(amount_words(1e-300, "").replace(",", "")))


# -- 2. the 500 page has the security headers -----------------------------------------------
SECRET = "h103 internal detail: /srv/secret/path"


@pytest.fixture(scope="module")
def crashing(client):
    """The app with test-only routes that raise an unhandled error (a page, an API route)."""
    def boom() -> None:
        raise RuntimeError(SECRET)

    for path in ("/h103-boom", "/api/v1/h103-boom", "/embed/h103-boom"):
        client.app.router.add_api_route(path, boom, methods=["GET"], include_in_schema=False)
    return client


@pytest.mark.parametrize(("path", "method"), [("/h103-boom", "GET"), ("/h103-boom", "HEAD"),
                                              ("/api/v1/h103-boom", "GET")])
def test_an_unhandled_error_is_a_generic_500_with_every_security_header(crashing, path,
                                                                         method):
    response = crashing.request(method, path)
    assert response.status_code == 500
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert SECRET not in response.text and "RuntimeError" not in response.text
    if method == "GET":
        assert "Something went wrong on our side" in response.text


def test_an_unhandled_error_on_an_embed_page_keeps_the_embed_policy(crashing):
    response = crashing.get("/embed/h103-boom")
    assert response.status_code == 500
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"


# -- 3. every text download names its charset -------------------------------------------------
TEXT_TYPES = ("text/", "application/yaml", "application/xml", "image/svg+xml",
              "application/javascript")
JSON_TYPES = ("application/json", "application/problem+json")   # UTF-8 by RFC 8259, no charset


@pytest.fixture(scope="module")
def run_id(client):
    from runs_helpers import finished

    return finished(client, {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
                             "budget": {"amount": 1000}, "spend": {"accelerators": 1.0},
                             "draws": 50})


def test_every_text_response_names_utf8(client, run_id):
    """One of each kind the app sends: pages, the API's JSON and errors, CSV of a view and of
    a run's table, a run's plan YAML, a briefing, an SVG chart and the static files (the SVG
    favicon included). Text types carry `charset=utf-8`; JSON is UTF-8 by definition (RFC 8259
    registers no charset parameter)."""
    status = client.get(f"/api/v1/runs/{run_id}").json()
    table = next(iter(status["result"]["tables"]))
    paths = ["/", "/nope", f"/r/{run_id}", f"/r/{run_id}/report.html", "/api/v1/docs",
             "/api/v1/ledger", "/api/v1/nope", "/api/v1/openapi.json",
             "/api/v1/ledger?format=csv", f"/api/v1/runs/{run_id}?format=csv&table={table}",
             f"/api/v1/runs/{run_id}/plan.yaml", f"/r/{run_id}/chart/first.svg",
             "/static/favicon.svg", "/static/site.css", "/static/runs.js",
             "/static/plotly.min.js"]
    seen = set()
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        kind = response.headers["content-type"]
        media = kind.split(";")[0].strip()
        seen.add(media)
        if media.startswith(TEXT_TYPES):
            assert kind.endswith("; charset=utf-8"), (path, kind)
            response.content.decode("utf-8")              # and it is UTF-8
        else:
            assert media in JSON_TYPES, (path, kind)
    assert {"text/html", "text/csv", "application/yaml", "image/svg+xml", "text/css",
            "text/javascript", "application/json", "application/problem+json"} <= seen


# -- 4. a password reset revokes the account's API keys -------------------------------------
def test_a_completed_reset_revokes_the_accounts_api_keys(tmp_path):
    """A reset answers a lost or stolen password: a key made (or taken) before it stopped
    working only when the account was disabled. Keys of other accounts keep working; a
    link that is issued but never used changes nothing; a new key works after the reset."""
    from accounts_fixtures import form_token, make_app

    app = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        accounts = app.state.accounts
        client = TestClient(app, base_url="http://127.0.0.1")
        eve = {"Authorization": f"Bearer {app.state.keys[('eve', 'write')]}"}
        mal = {"Authorization": f"Bearer {app.state.keys[('mal', 'write')]}"}
        assert client.get("/api/v1/me", headers=eve).json()["account"] == "eve"
        unused = accounts.issue_reset("eve")
        token = accounts.issue_reset("eve")             # the newer link voids `unused`
        assert unused != token
        assert client.get("/api/v1/me", headers=eve).json()["account"] == "eve"
        page = client.get(f"/reset-password?token={token}")
        done = client.post("/reset-password", data={
            "token": token, "new_password": "a fresh harbour lamp at dusk",
            "repeat_password": "a fresh harbour lamp at dusk",
            "csrf_token": form_token(page.text, "/reset-password")})
        assert done.status_code == 200, done.text
        assert "API keys are revoked" in done.text
        for scope in ("read", "write"):
            header = {"Authorization": f"Bearer {app.state.keys[('eve', scope)]}"}
            assert accounts.by_key(app.state.keys[("eve", scope)]) is None
            assert client.get("/api/v1/me", headers=header).status_code == 401   # h107
        assert client.get("/api/v1/me", headers=mal).json()["account"] == "mal"
        assert next(row for row in accounts.list() if row["name"] == "eve")["api_keys"] == 0
        fresh = accounts.new_key("eve", "read")
        assert accounts.by_key(fresh).name == "eve"
    finally:
        app.state.jobs.shutdown()
        app.state.web.close()


def test_the_cli_says_a_reset_revokes_the_keys(tmp_path):
    from typer.testing import CliRunner

    from moneytrail.cli import app as cli

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "ada", "--password-stdin", "--db", db],
                          input="her first long passphrase\n")
    assert added.exit_code == 0, added.output
    key = runner.invoke(cli, ["users", "key", "ada", "--scope", "write", "--db", db])
    result = runner.invoke(cli, ["users", "reset-password", "ada", "--db", db])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "API keys are revoked" in said and "moneytrail users key ada" in said
    token = re.search(r"reset-password\?token=(\S+)", result.output).group(1)
    import moneytrail.ledger
    from moneytrail.accounts import Accounts

    with moneytrail.ledger.open(db) as ledger:
        accounts = Accounts(ledger.engine)
        secret = re.search(r"mt_\S+", key.output).group(0)
        assert accounts.by_key(secret).name == "ada"
        accounts.reset_password(token, "her second long passphrase")
        assert accounts.by_key(secret) is None
