"""A journalist tester's findings (helper h115): a private run's page offered its address for
sharing though it is "not found" for anyone but its owner (so did the compare page); the "takes
a few seconds" note sat beside the HTML download, not the slow PDF; a saved variant of a
reference plan kept the reference's description under another budget without the note the
builder shows; a reader account saw no Save button and no reason, and the login page did not
say how one gets an account; the home chart showed whole-company capex as AI pledges and a
spent bar longer than the announced one without a word."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import bearer, login, run_private_plan  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished  # noqa: E402

BASE = "http://127.0.0.1"
REFERENCE = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def app(module_app):
    """One app for all the tests of this module (tests/web/conftest.py)."""
    return module_app


def reference(**changes) -> dict:
    from moneytrail.web import builder

    return {**builder.reference_mapping(REFERENCE), "draws": 100, **changes}


def create(app, plan: dict, *, title: str, description: str = "",
           visibility: str = "private") -> int:
    response = TestClient(app, base_url=BASE).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": title, "description": description, "visibility": visibility,
              "plan": plan})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


@pytest.fixture(scope="module")
def private_run(app):
    """A run of eve's private saved plan, with eve's signed-in client."""
    return run_private_plan(app, reference(seed=115), "Private variant", base=BASE)


def test_a_private_run_does_not_offer_its_address_for_sharing(app, private_run):
    eve, rid = private_run
    assert TestClient(app, base_url=BASE).get(f"/r/{rid}").status_code == 404
    words = text(eve.get(f"/r/{rid}").text)
    assert "Share its address" not in words and "This page never changes" not in words
    assert "This run is of a private saved plan: only its owner, signed in, can open" in words
    assert "Its address works only for you" in words
    assert "To share it, make the plan public (“Make public” on the plan's page" in words


def test_a_public_run_still_offers_its_address(app):
    client = TestClient(app, base_url=BASE)
    rid = finished(client, {"reference": REFERENCE, "draws": 100, "seed": 7})
    words = text(client.get(f"/r/{rid}").text)
    assert f"Share its address: {BASE}/r/{rid}" in words
    assert "private saved plan" not in words


def test_the_compare_page_says_when_a_run_is_private(app, private_run):
    eve, rid = private_run
    public = finished(eve, {"reference": REFERENCE, "draws": 100, "seed": 8})
    other = finished(eve, {"reference": REFERENCE, "draws": 100, "seed": 9})
    words = text(eve.get(f"/compare?runs={public},{rid}").text)
    assert "At least one of these runs is of a private saved plan" in words
    assert "To share it, make the plan public" in words
    assert "private saved plan" not in text(
        TestClient(app, base_url=BASE).get(f"/compare?runs={public},{other}").text)


def test_the_slow_pdf_has_the_honest_note_and_the_html_keeps_its_own(app, private_run):
    eve, rid = private_run
    public = finished(eve, {"reference": REFERENCE, "draws": 100, "seed": 8})
    for page in (eve.get(f"/r/{rid}").text, eve.get(f"/compare?runs={public},{rid}").text):
        line = re.search(r'<p class="downloads">Briefing to hand on:.*?</p>', page).group(0)
        assert re.search(r'report\.pdf[^"]*" download>Download report \(PDF\)</a> '
                         r'<span class="hint">\(made on first request: can take half a '
                         r'minute\)</span> · <a href="[^"]*report\.html', line), line
        assert line.endswith('<span class="hint">(takes a few seconds)</span></p>')


def test_a_saved_variant_with_another_budget_says_whose_description_it_is(app):
    plan = reference()
    plan["budget"] = {**plan["budget"], "amount": 30e9} if isinstance(plan["budget"], dict) \
        else 30e9
    pid = create(app, plan, title="Bigger gigafactories", description=plan["description"],
                 visibility="public")
    words = text(TestClient(app, base_url=BASE).get(f"/saved/{pid}").text)
    assert "The description is the reference plan’s text, unchanged" in words
    assert "this plan's budget is EUR 30" in words
    # the reference's own budget: no note
    same = create(app, reference(), title="Same budget",
                  description=reference()["description"], visibility="public")
    assert "reference plan’s text" not in text(
        TestClient(app, base_url=BASE).get(f"/saved/{same}").text)


def test_a_reader_is_told_why_there_is_no_save_button(app):
    page = login(app, "rita", base=BASE).get("/build").text
    assert 'formaction="/saved"' not in page                  # no Save button
    words = text(page)
    assert "reader accounts cannot save plans" in words
    assert "An editor or admin account can; ask the site's admin" in words
    eve = login(app, "eve", base=BASE)
    assert "reader accounts cannot save plans" not in text(eve.get("/build").text)


def test_the_login_page_says_how_one_gets_an_account(app):
    words = text(TestClient(app, base_url=BASE).get("/login").text)
    assert "accounts are created by the site's admin" in words
    assert "moneytrail users add NAME" in words


def test_the_home_chart_names_whole_company_capex_and_spent_over_announced(app):
    client = TestClient(app, base_url=BASE)
    rows = client.get("/api/v1/charts/reality").json()["reality"]
    capex = [r["name"] for r in rows if r["purpose"] == "capex"]
    assert capex and all(r["whole_capex"] == (r["purpose"] == "capex") for r in rows)
    over = [r for r in rows if r["disbursed_central"] is not None
            and r["announced_central"] is not None
            and r["disbursed_central"] > r["announced_central"]]
    assert over                              # Amazon capex 2025 in the bundled ledger
    for path in ("/", "/embed/reality"):
        page = client.get(path).text
        caption = re.search(r"<figcaption>Bar chart: announced.*?</figcaption>", page,
                            re.S).group(0)
        named = text(re.search(r'<span class="whole-capex">(.*?)</span>', caption).group(1))
        assert named.startswith("Whole-company capital expenditure (all of the firm's "
                                "investment, not AI alone): ")
        listed = named.split(": ", 1)[1].rstrip(".").split(", ")
        assert listed == capex
        assert "A spent bar can be longer than the announced one" in text(caption)
