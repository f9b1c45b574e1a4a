"""A tester's findings on unclear or technical messages (h249): the builder's empty Year says
"Enter a year" as its empty budget says "Enter a budget"; a password longer than any account
can have on the log-in or reset form is the form again with the password marked (not the
generic 422 page); an unknown field of a ledger write is named before its value's type; an
invalid key on a write is told to make a key that can write; a revert's path number that is
no revision number gets the project's one-line error; the amount cap is written "100,000 tn"
everywhere (one constant); a control or bidi character in the ledger's search is refused as
in a plan title; the OpenAPI schema names its models plainly."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, PASSWORDS, bearer, form_token, login, reset_form  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from form_checks import invalid_inputs, message_of, parse, summary  # noqa: E402
from runs_helpers import form_fields  # noqa: E402

from moneytrail.accounts.store import MAX_PASSWORD  # noqa: E402


def error_summary(html: str) -> str:
    found = re.search(r'<div class="notice error-summary".*?<p><a href="#([^"]+)">(.*?)</a>',
                      html, re.S)
    assert found, "no error summary"
    return found.group(1) + " " + unescape(found.group(2))


# -- 1. the builder's empty Year ----------------------------------------------------------
def test_an_empty_year_in_the_builder_says_enter_a_year(app):
    client = TestClient(app, base_url=HTTPS)
    fields = form_fields(client.get("/build?reference=eu-ai-gigafactories").text)
    fields.update(year="", action="check")
    page = client.post("/build", data=fields)
    assert page.status_code == 400
    assert error_summary(page.text) == "f-year Enter a year"
    assert "Field required" not in page.text


# -- 2. a password longer than any account's ------------------------------------------------
@pytest.mark.parametrize("length", [MAX_PASSWORD + 1, 5000])
def test_a_too_long_password_at_log_in_is_the_form_with_the_password_marked(app, length):
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text, "/login")
    refused = client.post("/login", data={"name": "eve", "password": "x" * length,
                                          "csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["password"]
    said = f"A password has at most {MAX_PASSWORD:,} characters (this one has {length:,})"
    assert message_of(page, "password") == said
    assert summary(refused.text)[1] == [("password", "Password: " + said[0].lower() + said[1:])]
    assert page.by_id["name"]["attrs"]["value"] == "eve"
    assert "x" * 50 not in refused.text and "String should have" not in refused.text
    again = form_token(refused.text, "/login")      # the form works again: log in
    done = client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                       "csrf_token": again}, follow_redirects=False)
    assert done.status_code == 303


def test_a_too_long_password_on_a_reset_link_marks_the_new_password(app):
    browser, token, csrf = reset_form(app, "eve")
    long = "x" * 5000
    refused = browser.post("/reset-password", data={
        "token": token, "new_password": long, "repeat_password": long, "csrf_token": csrf})
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["new_password"]
    assert f"at most {MAX_PASSWORD} characters" in message_of(page, "new_password")
    assert "String should have" not in refused.text


def test_a_too_long_new_password_when_changing_it_marks_the_field(app):
    eve = login(app, "eve")
    long = "x" * 5000
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": long, "repeat_password": long}, follow_redirects=False)
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["new_password"]
    assert f"at most {MAX_PASSWORD} characters" in message_of(page, "new_password")


# -- 3. an unknown field of a ledger write is named before its value's type --------------------
CLAIM = "stargate_us_announced"


def claim_revision(app) -> int:
    return int(app.state.web.ledger.get("claim", CLAIM)["revision"])


def edit_form(app):
    """Eve's logged-in client, the claim's edit address and its form's fields as shown."""
    client = login(app, "eve")
    action = f"/ledger/edit/claim/{CLAIM}"
    form = re.search(rf'<form method="post" action="{re.escape(action)}".*?</form>',
                     client.get(action).text, re.S).group(0)
    data = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    data.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    return client, action, data


@pytest.mark.parametrize("changes", [{"bogus": 1}, {"bogus": "x"}, {"bogus": [1]},
                                     {"central": "nine", "bogus": 1}])
def test_an_unknown_field_in_a_patch_is_named_before_any_value_type(app, changes):
    client = TestClient(app, base_url=HTTPS)
    refused = client.patch(f"/api/v1/ledger/claim/{CLAIM}", headers=bearer(app, "eve"),
                           json={"changes": changes, "reason": "check",
                                 "expected_revision": claim_revision(app)})
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["field"] == "changes.bogus"
    assert problem["detail"].startswith("unknown field for a claim (fields: ref, deal, ")
    assert "must be a string" not in problem["detail"]


def test_an_unknown_field_in_a_new_record_is_named_before_any_value_type(app):
    client = TestClient(app, base_url=HTTPS)
    refused = client.post("/api/v1/ledger/source", headers=bearer(app, "eve"),
                          json={"record": {"id": "src_h249", "bogus": 7}, "reason": "check"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "record.bogus"
    assert refused.json()["detail"].startswith("unknown field for a source (fields: ")


# -- 4. an invalid key is told to make a key that can do what it asked -------------------------
@pytest.mark.parametrize(("method", "path", "scope"), [
    ("patch", f"/api/v1/ledger/claim/{CLAIM}", "write"),
    ("post", "/api/v1/ledger/claim", "write"),
    ("post", "/api/v1/ledger/revisions/1/revert", "write"),
    ("get", f"/api/v1/ledger/claim/{CLAIM}", "read")])
def test_an_invalid_key_is_told_to_make_one_that_can_do_the_request(app, method, path, scope):
    client = TestClient(app, base_url=HTTPS)
    options = {} if method == "get" else {"json": {"reason": "x"}}
    refused = getattr(client, method)(path, headers={"Authorization": "Bearer wrong"},
                                      **options)
    assert refused.status_code == 401
    detail = refused.json()["detail"]
    assert f"`moneytrail users key NAME --scope {scope}`" in detail
    if scope == "write":
        assert "--scope read" not in detail and "editor or admin" in detail


# -- 5. a revert's revision number in the path ---------------------------------------------------
@pytest.mark.parametrize("number", ["abc", "1.5", "-1", "%20"])
def test_a_revert_of_no_revision_number_names_the_field_in_the_projects_words(app, number):
    root = login(app, "root")
    refused = root.post(f"/api/v1/ledger/revisions/{number}/revert", json={"reason": "x"},
                        headers={"X-CSRF-Token": root.csrf})
    assert refused.status_code == 400
    problem = refused.json()
    assert problem["field"] == "number"
    assert problem["value"] == number.replace("%20", " ")
    assert problem["detail"].startswith("not a revision number (a whole number from 1")
    assert "Input should be" not in refused.text


# -- 6. the amount cap in words, one constant ------------------------------------------------
def test_the_amount_cap_is_one_constant_written_in_words():
    from moneytrail.ledger.validate import MAX_AMOUNT, cap_message
    from moneytrail.numbers import AMOUNT_CAP, AMOUNT_CAP_WORDS
    from moneytrail.scenarios.schema import BUDGET_CAP, MAX_BUDGET

    assert MAX_AMOUNT == MAX_BUDGET == AMOUNT_CAP == 10 ** 17
    assert AMOUNT_CAP_WORDS == "100,000 tn"
    for message in (cap_message(1), cap_message(-1), BUDGET_CAP):
        assert "100,000 tn" in message and "e+" not in message and "1e17" not in message


def test_the_ledger_form_and_api_write_the_cap_in_words(app):
    client, action, data = edit_form(app)
    data.update(high="2e17", reason="cap")
    refused = client.post(action, data=data)
    assert refused.status_code == 400
    said = message_of(parse(refused.text), "f-high")
    assert "More than 100,000 tn (the cap on any amount" in said and "e+17" not in said
    api = TestClient(app, base_url=HTTPS).patch(
        f"/api/v1/ledger/claim/{CLAIM}", headers=bearer(app, "eve"),
        json={"changes": {"high": 2e17}, "reason": "cap",
              "expected_revision": claim_revision(app)})
    assert api.status_code == 400
    assert api.json()["detail"].startswith("more than 100,000 tn (the cap on any amount")


# -- 7. a control or bidi character in the ledger's search ---------------------------------------
@pytest.mark.parametrize("q", ["%E2%80%AE", "star%E2%80%AEgate", "%E2%80%8F", "a%07b"])
def test_a_control_character_in_the_ledger_search_is_refused_as_in_a_plan_title(app, q):
    from moneytrail.text import text_problem

    client = TestClient(app, base_url=HTTPS)
    page = client.get(f"/ledger?q={q}")
    assert page.status_code == 400
    char = {"%E2%80%AE": "\u202e", "%E2%80%8F": "\u200f", "%07": "\x07"}[
        next(k for k in ("%E2%80%AE", "%E2%80%8F", "%07") if k in q)]
    assert char not in page.text
    title = re.search(r"<title>(.*?)</title>", page.text, re.S).group(1)
    assert title.startswith("Bad request")
    said = text_problem(char)                         # the words a plan title gets
    assert said and said in unescape(page.text)
    api = client.get(f"/api/v1/ledger?q={q}")
    assert api.status_code == 400
    assert api.json()["field"] == "q" and api.json()["detail"] == said


def test_a_plain_ledger_search_still_works(app):
    page = TestClient(app, base_url=HTTPS).get("/ledger?q=stargate")
    assert page.status_code == 200 and "matching \u201cstargate\u201d" in page.text


# -- 8. plain, unique model names in the OpenAPI schema ----------------------------------
def test_the_openapi_schema_names_its_models_plainly(app):
    client = TestClient(app, base_url=HTTPS)
    schema = client.get("/api/v1/openapi.json").json()
    names = list(schema["components"]["schemas"])
    assert all(re.fullmatch(r"[A-Z][A-Za-z]+", name) for name in names), names
    assert {"LedgerEditBody", "SavedPlanEditBody", "LedgerAddBody",
            "SavedPlanCreateBody"} <= set(names)
    assert "moneytrail__" not in client.get("/api/v1/openapi.json").text
    refs = re.findall(r'"\$ref": ?"#/components/schemas/([^"]+)"',
                      client.get("/api/v1/openapi.json").text)
    assert refs and set(refs) <= set(names)


def test_a_price_year_of_23_digits_is_one_error_not_three(app):
    """A price year 99999999999999999999999 was 'not a year' and then 'no exchange rate for
    USD in 1e+23' and 'no price index for 1e+23' (tester61): the rate and the index are
    looked up only for a year; the form and the API say 'not a year' once."""
    api = TestClient(app, base_url=HTTPS).patch(
        f"/api/v1/ledger/claim/{CLAIM}", headers=bearer(app, "eve"),
        json={"changes": {"price_year": 99999999999999999999999}, "reason": "year",
              "expected_revision": claim_revision(app)})
    assert api.status_code == 400
    detail = api.json()["detail"]
    assert "exchange rate" not in detail and "price index" not in detail, detail
    client, action, data = edit_form(app)
    data.update(price_year="99999999999999999999999", reason="year")
    refused = client.post(action, data=data)
    assert refused.status_code == 400
    page = unescape(refused.text)
    assert "exchange rate for" not in page and "price index for" not in page
