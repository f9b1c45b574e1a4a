"""Tester findings h241 in the web app: 2. a refused run request (400) costs no run token;
3. the claim form's reference hint and error state the rule the ledger applies; 4. the
password pages state the real rules; 5. "Save this plan" with an unreadable budget shows
the field error only."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402

from moneytrail.web.jobs import TokenBucket  # noqa: E402

HTTPS = "https://testserver"
PLAN = "eu-ai-gigafactories"


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# -- 2. only runs started take a run token --------------------------------------------------
def test_refused_api_run_requests_use_up_no_run_tokens(app):
    """Eight bad bodies, each a 400, then a good one: it starts (before: 429 "too many runs
    started from your address" although no run had started)."""
    client = TestClient(app, base_url=HTTPS)
    app.state.limiter = TokenBucket(2, 1 / 3600)
    for _ in range(8):
        bad = client.post("/api/v1/runs", json={"reference": PLAN, "draws": "many"})
        assert bad.status_code == 400, bad.text
    good = client.post("/api/v1/runs", json={"reference": PLAN, "draws": 100})
    assert good.status_code in (200, 202), good.text
    client.post("/api/v1/runs", json={"reference": PLAN, "draws": 101})
    third = client.post("/api/v1/runs", json={"reference": PLAN, "draws": 102})
    assert third.status_code == 429 and "too many runs started" in third.text


def test_refused_builder_runs_use_up_no_run_tokens(app):
    """The builder's Run with a field error comes back to the form (no run), costing no
    token; the next good Run starts."""
    client = TestClient(app, base_url=HTTPS)
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    app.state.limiter = TokenBucket(1, 1 / 3600)
    for _ in range(3):
        bad = client.post("/build", data={**fields, "budget": "abc", "action": "run"},
                          follow_redirects=False)
        assert bad.status_code == 303 and "/build?" in bad.headers["location"], bad.text
    good = client.post("/build", data={**fields, "action": "run"}, follow_redirects=False)
    assert good.status_code == 303 and good.headers["location"].startswith("/r/"), good.text


# -- 3. the claim reference's rule, in the same words on the form and in its error -----------
def test_the_claim_ref_hint_and_error_state_the_rule_the_ledger_applies(app):
    """The hint said "letters, digits, _ . or -", the error "letters, digits and _ only",
    and `t58-test` was accepted: both now say the rule the ledger applies (SLUG_RE)."""
    from accounts_fixtures import login
    from form_checks import invalid_inputs, parse
    from test_web_ledger_form_errors import form_values

    from moneytrail.ledger.validate import SLUG_RE

    rule = "letters, digits, _ . or -"
    assert SLUG_RE.match("t58-test.v2_a") and not SLUG_RE.match("<script>x</script>")
    client = login(app, "eve")
    html = client.get("/ledger/add/claim").text
    assert f"{rule}, unique" in text_of(html)
    data = {**form_values(html, "/ledger/add/claim"), "ref": "<script>x</script>",
            "deal": "l_stargate_us_2025_01", "stage": "committed", "low": "1", "central": "1",
            "high": "1", "currency": "USD", "price_year": "2025", "as_of": "2025-01-21",
            "source": "l_stargate_openai_2025_01", "reason": "test"}
    refused = client.post("/ledger/add/claim", data=data)
    assert refused.status_code == 400
    assert invalid_inputs(parse(refused.text)) == ["f-ref"]
    assert f"refs use {rule} only" in text_of(refused.text)
    assert "digits and _ only" not in text_of(refused.text)


# -- 4. the password pages state the rules the store applies ----------------------------------
def test_the_password_pages_state_the_guessability_check(app):
    """The change-password and reset pages said "no other rules" after the 12 characters,
    yet `passwordpassword` is refused as too easy to guess: the hint names that check."""
    from accounts_fixtures import PASSWORDS, form_token, login
    from form_checks import message_of, parse

    eve = login(app, "eve")
    root = login(app, "root")
    link = root.post("/api/v1/accounts/eve/password-reset", json={"hours": 2},
                     headers={"X-CSRF-Token": root.csrf}).json()["link"]
    token = link.split("token=", 1)[1]
    reset = TestClient(app, base_url=HTTPS).get(f"/reset-password?token={token}").text
    assert form_token(reset, "/reset-password")
    for html in (eve.get("/account/password").text, reset):
        hint = parse(html).by_id["new_password-hint"]["text"]
        assert "no other rules" not in hint
        assert "At least 12 characters" in hint and "hard enough to guess" in hint, hint
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": "passwordpassword", "repeat_password": "passwordpassword"},
        follow_redirects=False)
    assert refused.status_code == 400
    assert "too easy to guess" in message_of(parse(refused.text), "new_password")


# -- 5. an unreadable budget is no other budget -----------------------------------------------
def test_saving_with_an_unreadable_budget_shows_the_field_error_only(app):
    """"Save this plan" with Budget `abc` also said the text was "written for its budget of
    EUR 20.00 bn; this plan's budget is another": the budget was invalid, not changed."""
    from accounts_fixtures import login
    from form_checks import invalid_inputs, parse

    eve = login(app, "eve")
    fields = form_fields(eve.get(f"/build?reference={PLAN}").text)
    saved = eve.post("/saved", data={**fields, "budget": "abc", "action": "save",
                                     "csrf_token": eve.csrf}, follow_redirects=True)
    assert saved.status_code == 400, saved.status_code
    assert invalid_inputs(parse(saved.text)) == ["f-budget"]
    text = text_of(saved.text)
    assert "Nothing was saved" in text
    assert "written for its budget" not in text and "budget is another" not in text
    # a budget changed to another number still says where the text came from
    changed = eve.post("/build", data={**fields, "budget": "30 bn", "action": "check"},
                       follow_redirects=True)
    assert "written for its budget of EUR 20.00 bn; this plan's budget is EUR 30.00 bn" \
        in text_of(changed.text)
