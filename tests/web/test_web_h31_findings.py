"""Tester findings (h31): errors name the full path of a nested field (a saved plan's
`plan.title`, a run body's `scenario.year`, a ledger body's `record.low`); the builder and the
ledger forms quote what the user typed ('1,5'), not the number it was read as (1.5); a
comparison of two plans with one plan id gets a reproduce line with two distinct file names;
jobs per million name the price year they are at."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished, form_fields  # noqa: E402

REFERENCE = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


# -- 4. errors name the full path of a nested field ------------------------------------------
def test_saved_plan_api_names_plan_title_not_title(app, plan):
    client = TestClient(app, base_url=HTTPS)
    bad = {**plan, "title": "x\u202ey"}
    created = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                          json={"title": "Fine", "plan": bad})
    assert created.status_code == 400, created.text
    assert created.json()["field"] == "plan.title"

    saved = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                        json={"title": "Fine", "plan": plan}).json()
    edit = client.patch(f"/api/v1/saved-plans/{saved['id']}", headers=bearer(app, "eve"),
                        json={"expected_revision": saved["revision"],
                              "plan": {**plan, "year": 1999}})
    assert edit.status_code in (400, 422), edit.text
    assert edit.json()["field"] == "plan.year"
    whole = client.post("/api/v1/saved-plans", headers=bearer(app, "eve"),
                        json={"title": "Fine", "plan": {**plan, "spend": {}}})
    assert whole.status_code in (400, 422)
    assert whole.json()["field"].startswith("plan.spend")


def test_run_body_with_a_scenario_names_scenario_paths(app, plan):
    client = TestClient(app, base_url=HTTPS)
    response = client.post("/api/v1/runs", json={"scenario": {**plan, "year": 1999}})
    assert response.status_code in (400, 422), response.text
    assert response.json()["field"] == "scenario.year"
    response = client.post("/api/v1/runs", json={"scenario": [1, 2]})
    assert response.status_code in (400, 422), response.text
    assert response.json()["field"] == "scenario"
    top = client.post("/api/v1/runs", json={**plan, "year": 1999})       # a plan at the top
    assert top.json()["field"] == "year"


def test_ledger_api_names_record_and_changes_paths(app):
    client = TestClient(app, base_url=HTTPS)
    claim = "stargate_us_announced"
    record = client.get(f"/api/v1/ledger/record/claim/{claim}").json()
    edit = client.patch(f"/api/v1/ledger/claim/{claim}", headers=bearer(app, "eve"),
                        json={"changes": {"low": -5}, "reason": "negative",
                              "expected_revision": record["revision"]})
    assert edit.status_code in (400, 422), edit.text
    assert edit.json()["field"] == "changes.low", edit.json()
    added = client.post("/api/v1/ledger/claim", headers=bearer(app, "eve"),
                        json={"record": {**{k: record[k] for k in
                                            ("deal", "stage", "currency", "price_year",
                                             "as_of", "source")},
                                         "ref": "h31-test", "low": 9, "central": 5,
                                         "high": 7},
                              "reason": "out of order"})
    assert added.status_code in (400, 422), added.text
    assert added.json()["field"] == "record.low/central/high", added.json()
    stale = client.patch(f"/api/v1/ledger/claim/{claim}", headers=bearer(app, "eve"),
                         json={"changes": {"note": "x"}, "reason": "stale",
                               "expected_revision": record["revision"] + 5})
    assert stale.status_code == 409 and stale.json()["field"] != "changes.expected_revision"


# -- 3. a comparison of two plans with one id: distinct file names ---------------------------
@pytest.fixture(scope="module")
def two_t8(app, plan):
    """Two builder drafts both called t8 (different budgets), run with the same draws and seed."""
    client = TestClient(app, base_url=HTTPS)
    runs = []
    for amount in (20_000_000_000, 5_000_000_000):
        body = {**plan, "id": "t8", "budget": {**plan["budget"], "amount": amount}}
        runs.append(finished(client, body))
    return runs


def test_compare_of_two_plans_with_one_id_names_two_files(app, two_t8):
    client = TestClient(app, base_url=HTTPS)
    body = client.get(f"/api/v1/compare?runs={','.join(two_t8)}").json()
    cli = body["reproduce"]["cli"]
    line = next(x for x in cli.splitlines() if x.startswith("moneytrail compare "))
    files = line.split()[2:4]
    assert files == [f"t8-{two_t8[0][:8]}.yaml", f"t8-{two_t8[1][:8]}.yaml"], cli
    for file, rid in zip(files, two_t8, strict=True):   # each file is fetched from its run
        assert f"curl -o {file} https://testserver/api/v1/runs/{rid}/plan.yaml" in cli
    page = unescape(client.get(f"/compare?runs={','.join(two_t8)}").text)
    assert line in page and "t8.yaml t8.yaml" not in page


def test_plan_file_names():
    from moneytrail.service.tasks import plan_file_names

    assert plan_file_names(["a", "b"], ["1" * 64, "2" * 64]) == ["a.yaml", "b.yaml"]
    assert plan_file_names(["t8", "t8"], ["ab" * 32, "cd" * 32]) == \
        ["t8-abababab.yaml", "t8-cdcdcdcd.yaml"]
    # a plan already called t8-abababab: the whole run id keeps the names apart
    names = plan_file_names(["t8", "t8", "t8-abababab"], ["ab" * 32, "cd" * 32, "ef" * 32])
    assert len(set(names)) == 3 and names[0] == f"t8-{'ab' * 32}.yaml"


def test_compare_briefing_names_one_file_per_plan(app, two_t8):
    html = unescape(TestClient(app, base_url=HTTPS).get(
        f"/compare/report.html?runs={','.join(two_t8)}").text)
    for rid in two_t8:
        assert f"moneytrail trace t8-{rid[:8]}.yaml --draws 100 --seed 1" in html
    assert "PLAN.yaml" not in html


# -- 2. errors quote what the user typed ------------------------------------------------------
def checked_builder(app, **changes: str) -> str:
    """The error line of the builder's checked form of the reference plan with `changes`."""
    client = login(app, "eve")
    fields = form_fields(client.get(f"/build?reference={REFERENCE}").text)
    fields.update(changes, action="check")
    page = client.post("/build", data=fields)
    assert page.status_code == 400, page.text
    found = re.search(r'<div class="notice error-summary".*?<p><a href="#([^"]+)">(.*?)</a>',
                      page.text, re.S)
    assert found, "no error summary"
    return found.group(1) + " " + unescape(found.group(2))


@pytest.mark.parametrize(("field", "typed", "anchor", "quoted", "converted"), [
    ("spend-0-central", "1,5", "spend-0-central", "(you gave: 1,5)", "1.5"),
    ("spend-0-central", "1,500", "spend-0-central", "(you gave: 1,500)", "1500"),
    ("budget", "-1,5 bn", "f-budget", "(you gave: -1,5 bn)", "1500000000"),
    ("draws", "2,000,000", "f-draws", "(you gave: 2,000,000)", "2000000"),
    ("year", "1,999", "f-year", "(you gave: 1,999)", "1999"),
])
def test_builder_errors_quote_the_text_as_typed(app, field, typed, anchor, quoted, converted):
    line = checked_builder(app, **{field: typed})
    assert line.startswith(anchor + " "), line
    assert quoted in line, line
    assert converted not in line, line             # not the number it was read as


def test_builder_errors_on_text_typed_as_read_are_unchanged(app):
    line = checked_builder(app, **{"spend-0-central": "1.5"})
    assert "write a share between 0 and 1, or a percent" in line   # in words (h59)
    assert line.endswith("(you gave: 1.5)")


def test_save_from_the_builder_quotes_the_text_as_typed(app):
    client = login(app, "eve")
    fields = form_fields(client.get(f"/build?reference={REFERENCE}").text)
    fields.update({"spend-0-central": "1,5", "visibility": "private", "action": "save",
                   "csrf_token": client.csrf})
    response = client.post("/saved", data=fields, follow_redirects=True)
    assert "(you gave: 1,5)" in unescape(response.text), response.text[:2000]


def test_ledger_forms_quote_the_text_as_typed(app):
    client = login(app, "eve")
    claim = "stargate_us_announced"
    html = client.get(f"/ledger/edit/claim/{claim}").text
    form = re.search(r'<form method="post" action="/ledger/edit/.*?</form>', html, re.S).group(0)
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    values.update(low="-1,5", reason="a decimal comma")
    refused = client.post(f"/ledger/edit/claim/{claim}", data=values, follow_redirects=False)
    assert refused.status_code == 400
    text = unescape(refused.text)
    assert "(you gave: -1,5)" in text and "-1.5" not in text
    values.update(low="1,500 tn", reason="above central")
    refused = client.post(f"/ledger/edit/claim/{claim}", data=values, follow_redirects=False)
    text = unescape(refused.text)
    assert refused.status_code == 400 and "low <= central <= high" in text
    assert f"(you gave: 1,500 tn/{values['central']}/{values['high']})" in text
    values.update(low="750,5", reason="a decimal comma")    # quoted once, as before
    text = unescape(client.post(f"/ledger/edit/claim/{claim}", data=values).text)
    message = re.search(r'id="f-low-error">.*?</span>(.*?)</span>', text).group(1)
    assert message.count("750,5") == 1, message


# -- 1. jobs per million name their price year -----------------------------------------------
@pytest.fixture(scope="module")
def eur_usd(app, plan):
    """The reference plan (EUR) and the same plan in USD at the newest price year the data
    reach, 100 draws each."""
    from moneytrail.service.tasks import newest_money_year

    newest = newest_money_year(app.state.workspace.analysis.money)
    client = TestClient(app, base_url=HTTPS)
    eur = finished(client, plan)
    usd = finished(client, {**plan, "id": "gf-usd", "currency": "USD", "price_year": newest})
    return eur, usd, plan.get("price_year") or plan["year"], newest


def test_run_page_says_the_price_year_of_jobs_per_million(app, eur_usd):
    client = TestClient(app, base_url=HTTPS)
    eur, usd, year, newest = eur_usd
    for rid, currency, at in ((eur, "EUR", year), (usd, "USD", newest)):
        page = unescape(client.get(f"/r/{rid}").text)
        found = re.search(r'<p class="jobs-price-year">(.*?)</p>', page, re.S)
        assert found, "no price-year sentence in the jobs section"
        assert found.group(1).startswith(
            f"Jobs per {currency} million are at {at} prices, the plan's price year"), found


def test_compare_page_and_briefing_say_each_price_year(app, eur_usd):
    client = TestClient(app, base_url=HTTPS)
    eur, usd, year, newest = eur_usd
    runs = f"{eur},{usd}"
    wanted = "Jobs per EUR million are at each plan's price year ("
    page = unescape(client.get(f"/compare?runs={runs}").text)
    assert wanted in page and f": {year}, " in page and f": {newest})" in page
    briefing = unescape(client.get(f"/compare/report.html?runs={runs}").text)
    assert wanted in " ".join(briefing.split())


def test_a_key_given_twice_is_named_by_its_full_path(app):
    client = TestClient(app, base_url=HTTPS)
    raw = b'{"title": "Fine", "plan": {"id": "p", "title": "a", "title": "b"}}'
    response = client.post("/api/v1/saved-plans", content=raw, headers={
        **bearer(app, "eve"), "Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert (response.json()["field"], response.json()["value"]) == ("body", "plan.title")
    top = client.post("/api/v1/runs", content=b'{"reference": "x", "seed": 1, "seed": 2}',
                      headers={"Content-Type": "application/json"})
    assert (top.json()["field"], top.json()["value"]) == ("body", "seed")
