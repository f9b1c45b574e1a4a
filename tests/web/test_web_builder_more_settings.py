"""The builder's "More settings" (a budget officer's finding, h128): the plan's horizon (years of
operation the TCO counts), years of spending, price year and renewable share are inputs a person
can see and fill, as a plan file sets them; a run from the form keeps them (a horizon of 10 gives
a 10-year TCO); a bad value is refused by the plan checks the CLI uses, shown next to its input
with what was typed (400); a saved plan and a run's plan open in the builder with them filled.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, form_token, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, wait_done  # noqa: E402

from moneytrail.web.runs import decode_draft, encode_draft  # noqa: E402

SETTINGS = ("horizon_years", "spend_years", "price_year", "renewable_share")
APP_OPTIONS = {"run_limit": (1000, 100)}


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=HTTPS) as test_client:
        yield test_client


def input_tag(html: str, name: str) -> str:
    """The <input> element named `name` (the test fails when there is none)."""
    found = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    assert found, f"no input named {name}"
    return found.group(0)


def typed_in(html: str, **values: str) -> dict[str, str]:
    """The form a person posts after typing `values` into the page's visible inputs (a
    hidden input cannot be typed into: the test fails on one)."""
    for name in values:
        if f'<select id="{name}" name="{name}"' not in html:
            assert 'type="hidden"' not in input_tag(html, name), f"{name} is hidden"
    return {**form_fields(html), **values}


def plan_form(client, **values: str) -> dict[str, str]:
    """The blank builder filled in: EUR 10 bn of accelerators, 100 draws, and `values`."""
    return typed_in(client.get("/build").text, title="Ten-year compute", budget="10 bn",
                    **{"spend-0-category": "accelerators", "spend-0-central": "100 %",
                       "draws": "100"}, **values)


def post(client, fields: dict[str, str], action: str):
    response = client.post("/build", data={**fields, "action": action}, follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    return response.headers["location"]


def errors_by_input(html: str) -> dict[str, str]:
    """Each input's own error message (the span next to it), by the input's id."""
    return {i: " ".join(unescape(re.sub("<[^>]+>", "", t)).split()) for i, t in re.findall(
        r'<span class="error-message" id="([^"]+)-error">(.*?)</span>\s*(?=<|$)', html, re.S)}


def value_of(html: str, name: str) -> str:
    return unescape(re.search(r'value="([^"]*)"', input_tag(html, name)).group(1))


# -- the section ---------------------------------------------------------------------------------
def test_the_builder_shows_the_four_settings_with_their_defaults(client):
    html = client.get("/build").text
    section = re.search(r'<details class="builder-more" id="more-settings".*?</details>', html,
                        re.S)
    assert section, "no More settings section"
    text = " ".join(unescape(re.sub("<[^>]+>", " ", section.group(0))).split())
    for name in SETTINGS:
        tag = input_tag(section.group(0), name)
        assert 'type="text"' in tag and f'id="f-{name}"' in tag
        assert f'<label for="f-{name}">' in section.group(0)
        assert f'aria-describedby="f-{name}-hint"' in tag
    for words in ("Horizon: years of operation", "default, used when blank: 5 years",
                  "Years of spending", "default, used when blank: the horizon",
                  "Price year", "default, used when blank: the plan's year",
                  "Renewable share of the electricity",
                  "default, used when blank: the site's grid mix", "1 to 30"):
        assert words in text, words
    # a new plan sets none of them: the section is closed, the fields empty
    assert not re.search(r'id="more-settings"[^>]* open', html)
    assert all(value_of(html, name) == "" for name in SETTINGS)


# -- a run keeps them ----------------------------------------------------------------------------
def test_a_form_post_with_horizon_10_runs_with_a_ten_year_tco(client):
    fields = plan_form(client, horizon_years="10", spend_years="2", price_year="2024",
                       renewable_share="60 %")
    location = post(client, fields, "run")
    assert location.startswith("/r/"), location
    run_id = location.rsplit("/", 1)[1]
    assert wait_done(client, run_id)["status"] == "done"
    body = client.get(f"/api/v1/runs/{run_id}").json()
    plan = body["result"]["provenance"]["inputs"]["plan"]
    assert plan["horizon_years"] == 10 and plan["spend_years"] == 2
    assert plan["price_year"] == 2024
    assert plan["renewable_share"]["central"] == pytest.approx(0.6)
    lifecycle = client.get(f"/api/v1/runs/{run_id}?table=lifecycle").json()
    assert "Horizon: 10 years (set by the plan)" in lifecycle["note"], lifecycle["note"]
    # the same plan with the default horizon: its residual value is higher after 5 years
    default = post(client, plan_form(client), "run").rsplit("/", 1)[1]
    assert wait_done(client, default)["status"] == "done"
    five = client.get(f"/api/v1/runs/{default}?table=lifecycle").json()
    assert "Horizon: 5 years (the default" in five["note"], five["note"]


def test_a_runs_plan_opens_again_with_the_settings_filled(client):
    fields = plan_form(client, horizon_years="10", renewable_share="60 %")
    run_id = post(client, fields, "run").rsplit("/", 1)[1]
    assert wait_done(client, run_id)["status"] == "done"
    page = client.get(f"/r/{run_id}").text
    link = unescape(re.search(r'href="(/build\?plan=[^"]+)">Edit this plan', page).group(1))
    html = client.get(link).text
    assert value_of(html, "horizon_years") == "10"
    assert value_of(html, "renewable_share") == "60 %"
    assert re.search(r'id="more-settings"[^>]* open', html)


# -- bad values ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "typed", "message"), [
    ("horizon_years", "0", "write 1 or more"),
    ("horizon_years", "31", "write 30 or less"),
    ("horizon_years", "ten", "write a number of years such as 10"),
    ("spend_years", "2.5", "write a whole number"),
    ("price_year", "1980", "write 1990 or later"),
    ("renewable_share", "150", "write a share between 0 and 1, or a percent from 0 % to "
                               "100 %"),
    ("renewable_share", "60", "write a share between 0 and 1, or a percent from 0 % to "
                              "100 %; if you mean 60 percent, write 60 %"),
    ("renewable_share", "150 %", "write a share between 0 and 1"),
    ("renewable_share", "most", "write a number"),
])
def test_a_bad_setting_is_refused_next_to_its_field_keeping_what_was_typed(
        client, name, typed, message):
    for action in ("run", "check"):
        location = post(client, plan_form(client, **{name: typed}), action)
        assert location.startswith("/build?"), f"{action} started a run"
        page = client.get(location)
        assert page.status_code == 400
        errors = errors_by_input(page.text)
        assert list(errors) == [f"f-{name}"], errors
        assert errors[f"f-{name}"].startswith(f"Error: {message}"), errors
        assert f"(you gave: {typed})" in errors[f"f-{name}"]
        assert value_of(page.text, name) == typed
        assert re.search(r'id="more-settings"[^>]* open', page.text)
        assert 'aria-invalid="true"' in input_tag(page.text, name)


def test_every_bad_setting_is_marked_at_once_and_escaped(client):
    script = "<script>alert(1)</script>"
    location = post(client, plan_form(client, horizon_years="0", spend_years="99",
                                      price_year=script, renewable_share="150"), "check")
    page = client.get(location)
    assert page.status_code == 400
    assert set(errors_by_input(page.text)) == {f"f-{name}" for name in SETTINGS}
    assert script not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


@pytest.mark.parametrize(("horizon", "said"), [("3", "the horizon (3 years)"),
                                               ("", "the horizon (5 years)")])
def test_spending_over_more_years_than_the_horizon_is_refused_next_to_its_field(
        client, horizon, said):
    for action in ("run", "check"):
        location = post(client, plan_form(client, horizon_years=horizon, spend_years="10"),
                        action)
        assert location.startswith("/build?"), f"{action} started a run"
        page = client.get(location)
        assert page.status_code == 400
        errors = errors_by_input(page.text)
        assert list(errors) == ["f-spend_years"], errors
        assert errors["f-spend_years"].startswith(f"Error: write at most {said}, or raise "
                                                  "the horizon to 10 years or more"), errors
        assert "(you gave: 10)" in errors["f-spend_years"]
        assert "horizon_years" not in errors["f-spend_years"]


def test_the_api_refuses_spending_over_more_years_than_the_horizon(client):
    body = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0}, "draws": 50,
            "horizon_years": 3, "spend_years": 10}
    response = client.post("/api/v1/runs", json=body)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["field"] == "spend_years" and error["value"] in (10, "10"), error
    assert "must be at most the horizon" in str(error), error


def test_the_api_refuses_the_same_values_as_the_form(client):
    body = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
            "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0}, "draws": 50}
    for name, value in (("horizon_years", 0), ("renewable_share", 150)):
        response = client.post("/api/v1/runs", json={**body, name: value})
        assert response.status_code == 400 and response.json()["field"] == name


def test_clearing_a_setting_leaves_it_to_the_default(client):
    draft = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
             "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0},
             "horizon_years": 10, "spend_years": 2, "renewable_share": 0.6}
    html = client.get(f"/build?plan={encode_draft(draft)}").text
    fields = typed_in(html, horizon_years="", spend_years="", renewable_share="")
    location = post(client, fields, "check")
    plan = decode_draft(re.search(r"plan=([^&]+)", location).group(1))
    assert not {"horizon_years", "spend_years", "renewable_share"} & set(plan)


def test_a_sourced_renewable_share_keeps_its_source_until_changed(client):
    share = {"low": 0.5, "central": 0.6, "high": 0.7, "source": "s_ppa", "note": "PPA"}
    draft = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
             "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0},
             "renewable_share": share}
    html = client.get(f"/build?plan={encode_draft(draft)}").text
    assert value_of(html, "renewable_share") == "60 %"
    same = decode_draft(re.search(r"plan=([^&]+)", post(
        client, form_fields(html), "check")).group(1))
    assert same["renewable_share"] == share
    changed = decode_draft(re.search(r"plan=([^&]+)", post(
        client, typed_in(html, renewable_share="80 %"), "check")).group(1))
    assert changed["renewable_share"] == 0.8


# -- a saved plan keeps them ---------------------------------------------------------------------
def test_a_saved_plan_keeps_the_settings_and_edits_with_them_filled(app, client):
    eve = login(app, "eve")
    html = eve.get("/build").text
    fields = typed_in(html, title="Saved ten-year plan", budget="10 bn",
                      **{"spend-0-category": "accelerators", "spend-0-central": "100 %"},
                      horizon_years="10", spend_years="3", price_year="2024",
                      renewable_share="45 %")
    response = eve.post("/saved", data={**fields, "action": "save", "visibility": "private",
                                        "csrf_token": form_token(html, "/build")},
                        follow_redirects=False)
    assert response.status_code == 303, response.text[:500]
    saved_page = eve.get(response.headers["location"]).text
    link = unescape(re.search(r'href="([^"]+)">Edit the plan in the builder', saved_page)
                    .group(1))
    edit = eve.get(link).text
    assert {name: value_of(edit, name) for name in SETTINGS} == {
        "horizon_years": "10", "spend_years": "3", "price_year": "2024",
        "renewable_share": "45 %"}
    assert re.search(r'id="more-settings"[^>]* open', edit)
