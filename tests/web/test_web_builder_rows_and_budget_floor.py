"""A budget officer's findings on the builder (no JavaScript): an empty row for every category
not used yet, so a six-category plan is typed in one go; a budget below the floor ('2' meant
as 2 bn) is warned about, not refused, in the builder, `moneytrail validate`, the API's run
answers and the stored run (service.tasks.plan_warnings; the floor: docs/methods.md "Budgets
too small to be meant"); a share given alone (no low, high) echoes the value given; a refused
"Save this plan" says nothing was saved."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import count, login, make_app, store_url  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields  # noqa: E402
from test_web_builder_words import submit, summary  # noqa: E402

import moneytrail as mt  # noqa: E402
from moneytrail.service import tasks  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

TINY = {"id": "tiny", "title": "Tiny", "year": 2025, "currency": "EUR", "buyer_region": "EU",
        "budget": {"amount": 2}, "spend": {"accelerators": {"central": 1.0}},
        "draws": 100, "seed": 1}
WARNED = "did you mean 2 bn? Write '2 bn'"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(db=str(tmp_path_factory.mktemp("rows") / "ledger.sqlite"),
                     start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def categories(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="spend-0-category".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]+)"', select)


def test_the_builder_offers_a_row_for_every_category_and_says_how_to_add_one(client):
    page = client.get("/build").text
    known = categories(page)
    assert len(known) >= 6
    assert len(re.findall(r'name="spend-\d+-category"', page)) == len(known)
    assert "To add a category, choose it in an empty row" in page
    assert 'id="more-categories"' in page            # the rest folded, no JavaScript needed
    # six categories typed in one go: one post, a valid plan
    fields = form_fields(page)
    fields.update({"budget": "20 bn", "title": "Six"})
    shares = ["0.5", "0.1", "0.1", "0.1", "0.1", "0.1"]
    for i, (category, share) in enumerate(zip(known, shares, strict=False)):
        fields.update({f"spend-{i}-category": category, f"spend-{i}-central": share,
                       f"spend-{i}-low": "", f"spend-{i}-high": ""})
    response = client.post("/build", data={**fields, "action": "check"},
                           follow_redirects=False)
    checked = client.get(response.headers["location"])
    assert checked.status_code == 200 and "The plan is valid" in checked.text
    rows = form_fields(checked.text)
    assert [rows[f"spend-{i}-category"] for i in range(6)] == known[:6]
    assert len(re.findall(r'name="spend-\d+-category"', checked.text)) == len(known)


def test_a_budget_below_the_floor_is_warned_about_in_the_builder(client):
    page, draft = submit(client, budget="2")
    assert page.status_code == 200 and "The plan is valid" in page.text
    assert draft["budget"]["amount"] == 2
    assert WARNED in unescape(page.text) and "EUR 1.00 m" in unescape(page.text)
    page, _ = submit(client, budget="2 bn")
    assert WARNED not in unescape(page.text)


def test_the_floor_is_one_service_warning_the_cli_and_api_show():
    with mt.Workspace.open() as ws:
        warnings = tasks.plan_warnings(ws, mt.parse_scenario(TINY))
        assert warnings == [{"kind": "small_budget", "amount": 2.0,
                             "floor": tasks.SMALL_BUDGET_FLOOR}]
        big = {**TINY, "budget": {"amount": tasks.SMALL_BUDGET_FLOOR}}
        assert tasks.plan_warnings(ws, mt.parse_scenario(big)) == []


def test_validate_warns_about_a_tiny_budget(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text("id: tiny\ntitle: Tiny\nyear: 2025\ncurrency: EUR\nbuyer_region: EU\n"
                    "budget: {amount: 2}\nspend: {accelerators: 1.0}\n")
    done = subprocess.run([sys.executable, "-m", "moneytrail", "validate", str(path)],
                          capture_output=True, text=True, env=os.environ)
    assert done.returncode == 0 and done.stdout.startswith("ok "), done.stderr
    assert WARNED in done.stderr


def test_the_api_run_answer_and_the_stored_run_carry_it(client):
    posted = client.post("/api/v1/runs", json={"scenario": TINY, "draws": 100, "seed": 1})
    assert posted.status_code in (200, 202), posted.text
    warning = posted.json()["warnings"][0]
    assert (warning["kind"], warning["amount"], warning["floor"], warning["currency"]) == \
        ("small_budget", 2.0, 1_000_000, "EUR")
    assert WARNED in warning["message"]
    rid = posted.json()["run_id"]
    for _ in range(600):
        body = client.get(f"/api/v1/runs/{rid}").json()
        if body["status"] in ("done", "error"):
            break
        time.sleep(0.1)
    assert body["status"] == "done" and body["warnings"] == posted.json()["warnings"]
    assert WARNED in unescape(client.get(f"/r/{rid}").text)


def test_a_share_given_alone_echoes_the_value_given(client):
    page = client.get("/build").text
    fields = form_fields(page)
    fields.update({"budget": "20 bn", "title": "x", "spend-0-central": "-1",
                   "action": "check"})
    response = client.post("/build", data=fields, follow_redirects=False)
    checked = client.get(response.headers["location"])
    assert checked.status_code == 400
    assert summary(checked.text) == (
        "spend-0-central Category 1 (AI accelerators), Share: write a share between 0 and 1, "
        "or a percent from 0 % to 100 % (you gave: -1)")
    assert 'id="spend-0-central-error"' in checked.text


@pytest.fixture(scope="module")
def accounts_app(tmp_path_factory):
    with store_url("sqlite", tmp_path_factory.mktemp("refused")) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


def test_a_refused_save_says_nothing_was_saved(accounts_app):
    eve = login(accounts_app, "eve")
    fields = form_fields(eve.get("/build").text)
    fields.update({"budget": "20 bn", "title": "Refused", "spend-0-central": "7",
                   "action": "save", "csrf_token": eve.csrf})
    before = count(accounts_app, "saved_plans")
    response = eve.post("/saved", data=fields, follow_redirects=False)
    assert response.status_code == 303
    page = eve.get(response.headers["location"])
    assert count(accounts_app, "saved_plans") == before
    notice = re.search(r'<div class="notice error-summary".*?</div>', page.text, re.S).group(0)
    assert "Nothing was saved" in unescape(notice)
    # a plain "Check" of the same draft does not say so: nothing was asked to be saved
    checked = eve.post("/build", data={**fields, "action": "check"}, follow_redirects=False)
    assert "Nothing was saved" not in eve.get(checked.headers["location"]).text


def test_a_budget_of_2000_is_warned_about_at_check_as_the_run_warns(client):
    """'2000' typed as the budget (the field is in the plan's currency: EUR 2,000, most likely
    2,000 million meant): the builder's Check says the very sentence the run's answer carries
    (one service function, tasks.plan_warnings), before anything runs."""
    page, draft = submit(client, budget="2000")
    assert page.status_code == 200 and "The plan is valid" in page.text
    assert draft["budget"]["amount"] == 2000
    said = unescape(page.text)
    assert "did you mean 2 000 m? Write '2 000 m'" in said
    plan = {**draft, "draws": 50, "seed": 1}
    posted = client.post("/api/v1/runs", json={"scenario": plan, "draws": 50, "seed": 1})
    assert posted.status_code in (200, 202), posted.text
    [warning] = [w for w in posted.json()["warnings"] if w["kind"] == "small_budget"]
    assert warning["message"] in said
    # the warning stands above the form, read before the Run button is reached
    assert said.index(warning["message"]) < said.index('<form method="post" action="/build"')
