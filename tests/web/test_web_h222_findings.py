"""A tester's findings (helper h222): the builder opened from a private saved plan ran it in
public once the session had ended in another tab (the saved plan was looked up as anonymous,
found nothing and let the run go); a reset link came back to life when its account was
disabled and enabled again; saving an identical plan as public left the private saved plan
private without a word."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import bearer, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, page_text  # noqa: E402

BASE = "https://testserver"
SAVED_TITLE = "Cabinet paper – saved title"


@pytest.fixture(scope="module")
def app(module_app):
    """One app for all the tests of this module (tests/web/conftest.py)."""
    return module_app


text = page_text


def stored_inputs(app) -> str:
    """Every stored run's inputs (queued, running or done), as one text."""
    from sqlalchemy import text as sql

    with app.state.web.ledger.engine.connect() as conn:
        return " ".join(row[0] or "" for row in conn.execute(sql("select inputs from runs")))


def private_plan_form(app, title: str) -> tuple[dict, dict[str, str]]:
    """eve's new private saved plan (titled SAVED_TITLE) and the builder's form for it, as
    "Edit the plan in the builder" gives it (no visibility select; saved_id set), retitled
    `title` and filled in."""
    from moneytrail.web import builder

    plan = {**builder.reference_mapping("eu-ai-gigafactories"), "draws": 100}
    response = TestClient(app, base_url=BASE).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": SAVED_TITLE, "description": "", "visibility": "private", "plan": plan})
    assert response.status_code == 201, response.text
    saved = response.json()
    eve = login(app, "eve", base=BASE)
    fields = form_fields(eve.get(f"/build?saved={saved['id']}&rev={saved['revision']}").text)
    assert fields.get("saved_id") == str(saved["id"]) and "visibility" not in fields
    fields.update({"title": title, "budget": "10 bn", "spend-0-category": "accelerators",
                   "spend-0-central": "1", "draws": "100", "action": "run"})
    return saved, fields


def held_for(client: TestClient, fields: dict[str, str], saved: dict) -> str:
    """Post the form as `client`; assert it was held for the session and not run; the
    builder page it leads to."""
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/build?") and "held=session" in location, location
    page = client.get(location)
    assert page.status_code == 200
    words = text(page.text)
    assert "Not run: this form was opened from a saved plan, and you are not logged in as " \
           "its owner now" in words
    assert 'value="run_public"' in page.text and "Run publicly anyway" in words
    # nothing of the saved plan is said: its title, its visibility
    assert SAVED_TITLE not in words and "(private" not in words
    return page.text


# -- 1: a form bound to a saved plan never runs publicly for anyone but its owner -------------
def test_a_saved_plans_form_posted_after_logout_is_held_not_run_publicly(app):
    saved, fields = private_plan_form(app, "Held after logout")
    eve = login(app, "eve", base=BASE)
    assert eve.post("/logout", data={"csrf_token": eve.csrf},
                    follow_redirects=False).status_code == 303
    held_for(eve, fields, saved)                         # the other tab's Run, logged out
    assert "Held after logout" not in stored_inputs(app)
    # Enter too, and a browser without any cookie
    held_for(eve, {**fields, "action": "enter"}, saved)
    held_for(TestClient(app, base_url=BASE), fields, saved)
    assert "Held after logout" not in stored_inputs(app)
    # who presses "Run publicly anyway" gets the public run they asked for
    response = eve.post("/build", data={**fields, "action": "run_public"},
                        follow_redirects=False)
    assert re.fullmatch(r"/r/[0-9a-f]+", response.headers["location"]), response.text


def test_a_saved_plans_form_posted_by_another_account_is_held(app):
    saved, fields = private_plan_form(app, "Held for mal")
    mal = login(app, "mal", base=BASE)
    held_for(mal, {**fields, "csrf_token": mal.csrf}, saved)
    held_for(mal, {**fields, "csrf_token": mal.csrf, "saved_id": "999999"}, saved)
    held_for(mal, {**fields, "csrf_token": mal.csrf, "saved_id": "2x"}, saved)
    assert "Held for mal" not in stored_inputs(app)


def test_the_owners_run_of_a_private_saved_plan_is_still_held_as_private(app):
    saved, fields = private_plan_form(app, "Owner's run")
    eve = login(app, "eve", base=BASE)
    response = eve.post("/build", data={**fields, "csrf_token": eve.csrf},
                        follow_redirects=False)
    assert "held=private" in response.headers["location"], response.headers



# -- 3: an identical plan saved as public is not the private one ------------------------------
def save(client: TestClient, fields: dict[str, str]) -> str:
    response = client.post("/saved", data={**fields, "action": "save",
                                           "csrf_token": client.csrf},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


def test_saving_an_identical_plan_as_public_gives_a_public_plan(app):
    mal = login(app, "mal", base=BASE)
    fields = form_fields(mal.get("/build").text)
    fields.update({"title": "Public at last", "budget": "10 bn", "draws": "100",
                   "spend-0-category": "accelerators", "spend-0-central": "1",
                   "visibility": "private"})
    first = save(mal, fields)
    assert re.fullmatch(r"/saved/\d+\?done=saved", first), first
    assert save(mal, fields) == first.replace("done=saved", "done=identical")
    public = save(mal, {**fields, "visibility": "public"})
    assert re.fullmatch(r"/saved/\d+\?done=saved", public), public
    assert public.split("?")[0] != first.split("?")[0]
    plan_id = public.split("?")[0].rsplit("/", 1)[1]
    # the public plan is what was asked for: anyone can read it
    page = TestClient(app, base_url=BASE).get(f"/saved/{plan_id}")
    assert page.status_code == 200 and "Public at last" in text(page.text)
    # and saving it as public once more repeats it: nothing new
    again = save(mal, {**fields, "visibility": "public"})
    assert again == public.replace("done=saved", "done=identical"), again
    assert "(same title, description, plan and visibility)" in text(mal.get(again).text)

# last: disabling eve revokes her API keys, which the tests above use
def test_a_saved_plans_form_posted_after_the_account_was_disabled_is_held(app):
    saved, fields = private_plan_form(app, "Held when disabled")
    eve = login(app, "eve", base=BASE)
    app.state.accounts.disable("eve")
    try:
        held_for(eve, {**fields, "csrf_token": eve.csrf}, saved)
    finally:
        app.state.accounts.enable("eve")
    assert "Held when disabled" not in stored_inputs(app)
