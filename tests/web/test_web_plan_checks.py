"""A fresh tester's findings on plans from the web: the builder and the API refuse what a run
would fail on (site without grid data, no FX rates at the price year, an unsafe plan id, an
empty title) naming the field and value before any run starts; oversized bodies are a 413;
1e400 is called too large, shown as sent; the run page links only claims that follow a plan."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished, form_fields, wait_done  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("plan-checks") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


def plan(**changes):
    body = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1000}, "spend": {"accelerators": 1.0}, "draws": 50}
    body.update(changes)
    return body


def builder_error(client, **changes) -> tuple[str, str]:
    """Post the reference plan's builder form with `changes` and action=run: (the input id
    the error stands next to, the error message); fails if a run was started."""
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    fields.update({"draws": "100", "action": "run", **changes})
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/build?plan="), "a run was started"
    page = client.get(response.headers["location"])
    assert page.status_code == 400, "the builder says the plan is valid"
    assert "The plan is valid" not in page.text
    summary = re.search(r'<div class="notice error-summary".*?<a href="#([^"]+)">(.*?)</a>',
                        page.text, re.S)
    assert summary, "no error summary"
    anchor, message = summary.group(1), " ".join(summary.group(2).split())
    if f'id="{anchor}"' in page.text:        # a visible input: the error stands next to it
        assert f'<span class="error-message" id="{anchor}-error">' in page.text
    return anchor, message


def test_builder_refuses_a_site_without_grid_data_like_the_api(client):
    anchor, message = builder_error(client, site_country="BR")
    assert anchor == "f-site_country"
    assert "no grid intensity data for this site (known: " in message
    api = client.post("/api/v1/runs", json=plan(site_country="BR"))
    assert api.status_code == 400
    assert (api.json()["field"], api.json()["value"]) == ("site_country", "BR")


@pytest.mark.parametrize("bad_id", ["../../x", "a b", "x" * 500, "-rf", "x/y", ""])
def test_web_and_api_plan_ids_follow_the_rule(client, bad_id):
    response = client.post("/api/v1/runs", json=plan(id=bad_id))
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["field"] == "id"
    assert "letters, digits and dashes" in body["detail"]
    assert body["value"] == (bad_id if len(bad_id) <= 40 else bad_id[:40] + "\u2026")
    if bad_id:                            # an empty id field in the form means "my-plan"
        anchor, message = builder_error(client, id=bad_id)
        assert anchor == "f-id" and "letters, digits and dashes" in message


def test_a_good_id_at_the_limit_is_taken(client):
    from moneytrail.scenarios.schema import MAX_PLAN_ID

    ok = client.post("/api/v1/runs", json=plan(id="A1-" + "b" * (MAX_PLAN_ID - 3)))
    assert ok.status_code in (200, 202), ok.text
    too_long = client.post("/api/v1/runs", json=plan(id="b" * (MAX_PLAN_ID + 1)))
    assert too_long.status_code == 400 and too_long.json()["field"] == "id"


def test_a_stored_run_with_an_unsafe_id_downloads_under_a_safe_name(client):
    """Runs stored before ids were checked: the file name and the CLI line are safe."""
    from moneytrail.scenarios.schema import parse_scenario

    unsafe = parse_scenario(plan(id="../../x y"), source="web", id_rule=False)  # as before
    rid, _ = client.app.state.jobs.submit(unsafe, 20, 1)
    assert wait_done(client, rid)["status"] == "done"
    download = client.get(f"/api/v1/runs/{rid}/plan.yaml")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == 'attachment; filename="x-y.yaml"'
    assert "id: x-y\n" in download.text           # loads again as x-y.yaml
    page = client.get(f"/r/{rid}").text
    assert "moneytrail trace x-y.yaml" in page and "../../x" not in page


def test_price_year_without_fx_rates_is_refused_before_the_run(client):
    response = client.post("/api/v1/runs", json=plan(price_year=1990))
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["field"], body["value"]) == ("price_year", 1990)
    assert body["detail"].startswith("no FX rates to convert EUR to USD")
    anchor, message = builder_error(client, price_year="1990")     # a hidden field
    assert message.startswith("Price year: no FX rates") and "(you gave: 1990)" in message


def test_price_year_after_the_newest_data_year_is_refused_before_the_run(client):
    """The FX rates and deflators reach 2026: a 2030 price year is a 400 naming the field,
    the value and the newest year, in the API and beside the builder's input."""
    response = client.post("/api/v1/runs", json=plan(price_year=2030))
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["field"], body["value"]) == ("price_year", 2030)
    assert body["detail"].startswith("price year later than the newest year of the data "
                                     "package's FX rates and deflators (2026")
    anchor, message = builder_error(client, price_year="2030")
    assert "price year later than the newest year" in message and \
        "give a price year of 2026 or earlier" in message and "(you gave: 2030)" in message
    assert client.post("/api/v1/runs", json=plan(price_year=2026)).status_code in (200, 202)


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused(client, title):
    response = client.post("/api/v1/runs", json=plan(title=title))
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "title"
    assert "needs a title" in response.json()["detail"]
    anchor, message = builder_error(client, title=title)
    assert anchor == "f-title" and "needs a title" in message


def test_oversized_run_body_is_a_413(client):
    body = b'{"x": "' + b"a" * 64_010 + b'"}'
    response = client.post("/api/v1/runs", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json()["field"] == "body" and "64,000" in response.json()["detail"]


@pytest.mark.parametrize("body", [
    b'{"reference": "eu-ai-gigafactories", "draws": 1e400}',
    b'{"id": "p", "title": "T", "year": 2025, "currency": "EUR", "budget": {"amount": 1000},'
    b' "spend": {"accelerators": 1.0}, "draws": 1e400}',
])
def test_an_infinite_draw_count_is_called_too_large_and_shown(client, body):
    response = client.post("/api/v1/runs", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    problem = response.json()
    assert (problem["field"], problem["value"]) == ("draws", "1e400")
    assert "too large to be finite" in problem["detail"]
    assert "fraction" not in problem["detail"]


def test_run_page_links_only_claims_that_depend_on_a_plan(client):
    from moneytrail.web.claims_runs import checkable_claims

    rid = finished(client, {"reference": "stargate-style-us", "draws": 200, "seed": 1})
    html = client.get(f"/r/{rid}").text
    section = html[html.index('id="claims-h"'):html.index('id="evidence-h"')]
    listed = re.findall(r'<article class="claim" aria-labelledby="claim-([^"]+)-h"', section)
    linked = re.findall(r'href="/claims/([^/"]+)/check\?run=', section)
    checkable = {c["id"] for c in checkable_claims()}
    assert "stargate-private-and-far-less-secured" in listed
    assert "stargate-private-and-far-less-secured" not in linked
    assert set(linked) == set(listed) & checkable
    for claim in linked:                     # each link answers (not "does not depend")
        assert claim in checkable


def test_builder_status_for_a_plan_error_is_the_apis(client):
    """A bad plan field is a 400 from the API and from the builder (the message beside the
    field), e.g. a price year after the data's newest FX and deflator year."""
    api = client.post("/api/v1/runs", json=plan(price_year=2027))
    assert api.status_code == 400
    assert (api.json()["field"], api.json()["value"]) == ("price_year", 2027)
    anchor, message = builder_error(client, price_year="2027")     # asserts the 400
    assert anchor == "f-price_year"
    assert "price year later than the newest year" in message


def draft_of(location: str) -> dict:
    import base64
    import json

    token = location.split("plan=", 1)[1].split("&", 1)[0]
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")

    def refuse(name):
        raise AssertionError(f"the builder's link holds {name}, which is not JSON")

    return json.loads(raw, parse_constant=refuse)


@pytest.mark.parametrize(("field", "typed", "anchor"), [
    ("price_year", "nan", "f-price_year"), ("price_year", "NaN", "f-price_year"),
    ("price_year", "Infinity", "f-price_year"), ("budget", "nan", "f-budget"),
    ("spend-0-central", "inf", "spend-0-central"), ("spend-1-low", "-Infinity", "spend-1-low"),
    ("draws", "-inf", "f-draws"), ("seed", "nan", "f-seed")])
def test_builder_refuses_non_finite_numbers_naming_the_field(client, field, typed, anchor):
    fields = form_fields(client.get(f"/build?reference={PLAN}").text)
    fields.update({"action": "check", field: typed})
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303
    draft = draft_of(response.headers["location"])          # strict JSON: no NaN in the link
    assert typed in json_strings(draft)
    got, message = builder_error(client, **{field: typed})
    assert got == anchor
    assert "not a finite number" in message and typed in message


def json_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return [value] if isinstance(value, str) else []


def test_a_draft_link_with_nan_is_refused_in_one_line(client):
    import base64

    token = base64.urlsafe_b64encode(b'{"id": "p", "price_year": NaN}').decode().rstrip("=")
    response = client.get(f"/build?plan={token}")
    assert response.status_code == 400
    assert "not a finite number" in response.text and "Traceback" not in response.text


def test_a_long_plan_id_is_refused_with_the_real_limit(client):
    response = client.post("/api/v1/runs", json=plan(id="x" * 5000))
    assert response.status_code in (400, 422), response.text
    body = response.json()
    assert body["field"] == "id"
    assert "at most 64 characters (this one has 5,000)" in body["detail"]
    assert "200 characters" not in body["detail"]
    anchor, message = builder_error(client, id="x" * 5000)
    assert anchor == "f-id" and "at most 64 characters" in message and "200 char" not in message
    # the text limit is the title's and the description's (one id check: the id rule)
    for field, limit in (("title", 200), ("description", 5000)):
        long = client.post("/api/v1/runs", json=plan(**{field: "t" * (limit + 1)}))
        assert long.status_code in (400, 413, 422), long.text
        assert (long.json()["field"], long.json()["detail"]) == (
            field, f"at most {limit:,} characters (this one has {limit + 1:,}); shorten it"
        ), long.json()
