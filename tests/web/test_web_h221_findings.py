"""A tester's findings on the draft carried through a login (helper h221): the visibility
chosen for a new plan came back "private"; logging in as another editor than the one
revising a saved plan kept the builder bound to that plan (Save then gave a 403)."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, PASSWORDS, bearer, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, page_text  # noqa: E402

TITLE = "Public <plan> of the ministry"


@pytest.fixture(scope="module")
def app(module_app):
    """One app for all the tests of this module (tests/web/conftest.py)."""
    return module_app


text = page_text


def hidden(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def ended(client, fields: dict[str, str]) -> str:
    """`client` logs out in another tab, then presses Save on `fields`: the 401 page."""
    assert client.post("/logout", data={"csrf_token": client.csrf},
                       follow_redirects=False).status_code == 303
    response = client.post("/saved", data={**fields, "action": "save"},
                           headers={"referer": HTTPS + "/build"}, follow_redirects=False)
    assert response.status_code == 401
    return response.text


def relogin(client, page: str, name: str) -> str:
    """Log in as `name` from the 401 page's form: the address the login leads to."""
    response = client.post("/login", data={
        "name": name, "password": PASSWORDS[name], "csrf_token": hidden(page, "csrf_token"),
        "next": hidden(page, "next"), "draft": hidden(page, "draft")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["location"]


# -- 1: the draft keeps every field of the form ---------------------------------------------
def test_the_chosen_visibility_and_rules_survive_the_login(app):
    eve = login(app, "eve")
    fields = form_fields(eve.get("/build").text)
    fields.update({"title": TITLE, "budget": "10 bn", "spend-0-category": "accelerators",
                   "spend-0-central": "100 %", "draws": "100", "visibility": "public",
                   "rules_cap": "40 %", "rules_weight": "3",
                   "rules-cat-accelerators": "1"})
    location = relogin(eve, ended(eve, fields), "eve")
    assert location.startswith("/build?plan=") and "vis=public" in location, location
    builder = eve.get(location)
    assert builder.status_code == 200, text(builder.text)
    back = form_fields(builder.text)
    assert back["visibility"] == "public"
    assert back["rules_cap"] == "40 %" and back["rules_weight"] == "3"
    assert 'name="rules-cat-accelerators" value="1" checked' in builder.text
    # every other input comes back as the builder's own "Check" shows it (values as read;
    # "Check" resets the unapplied rules inputs to their defaults)
    checked = eve.post("/build", data={**fields, "action": "check", "csrf_token": eve.csrf},
                       follow_redirects=False)
    assert checked.status_code == 303
    expected = form_fields(eve.get(checked.headers["location"]).text)
    skip = ("csrf_token", "rules_cap", "rules_weight")
    assert {k: v for k, v in back.items() if k not in skip} == {
        k: v for k, v in expected.items() if k not in skip}
    # and Save makes the public plan asked for
    saved = eve.post("/saved", data={**back, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, text(saved.text)
    pid = int(re.search(r"/saved/(\d+)", saved.headers["location"]).group(1))
    assert eve.get(f"/api/v1/saved-plans/{pid}").json()["visibility"] == "public"


def test_private_stays_the_default_and_a_checked_form_keeps_public(app):
    eve = login(app, "eve")
    page = eve.get("/build").text
    assert form_fields(page)["visibility"] == "private"
    fields = form_fields(page)
    fields.update({"budget": "10 bn", "visibility": "public", "action": "check"})
    response = eve.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303 and "vis=public" in response.headers["location"]
    assert form_fields(eve.get(response.headers["location"]).text)["visibility"] == "public"


@pytest.mark.parametrize("draft", ["plan=e30&vis=secret", "plan=e30&vis=public&vis=private"])
def test_an_unknown_visibility_in_the_draft_is_refused(app, draft):
    from accounts_fixtures import form_token

    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text, "/login")
    response = client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                           "csrf_token": token, "next": "/account",
                                           "draft": draft}, follow_redirects=False)
    assert response.headers["location"] == "/account"


# -- 2: another account than the saved plan's owner logs in -------------------------------
@pytest.fixture(scope="module")
def eves_private_plan(app, plan) -> int:
    created = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": "Eve's secret <plan>", "visibility": "private", "plan": plan})
    assert created.status_code == 201, created.text
    return created.json()["id"]


def revision_form(client, pid: int) -> tuple[str, dict[str, str]]:
    """The builder of saved plan `pid` as "Edit the plan in the builder" opens it."""
    link = html.unescape(re.search(r'href="(/build\?plan=[^"]*saved=[^"]*)"',
                                   client.get(f"/saved/{pid}").text).group(1))
    page = client.get(link).text
    return page, form_fields(page)


def test_logging_in_as_another_editor_opens_the_draft_as_a_new_plan(app, eves_private_plan):
    pid = eves_private_plan
    eve = login(app, "eve")
    page, fields = revision_form(eve, pid)
    assert f"Save as a new revision of saved plan {pid}" in text(page)
    fields["title"] = "Mal's copy"
    location = relogin(eve, ended(eve, fields), "mal")
    assert "saved=" not in location and "rev=" not in location, location
    builder = eve.get(location)
    assert builder.status_code == 200
    words = text(builder.text)
    assert (f"You are logged in as mal, not the owner of saved plan {pid}: saving makes a "
            "new plan of yours.") in words
    assert "Save as a new revision" not in words
    assert "Eve's secret" not in words                          # nothing of eve's plan
    back = form_fields(builder.text)
    assert "saved_id" not in back and back["title"] == "Mal's copy"
    saved = eve.post("/saved", data={**back, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, text(saved.text)
    new = int(re.search(r"/saved/(\d+)", saved.headers["location"]).group(1))
    assert new != pid
    assert eve.get(f"/api/v1/saved-plans/{new}").json()["owner"] == "mal"
    # eve's plan is as it was
    mine = TestClient(app, base_url=HTTPS).get(f"/api/v1/saved-plans/{pid}",
                                               headers=bearer(app, "eve")).json()
    assert mine["revision"] == 1 and mine["title"] == "Eve's secret <plan>"


def test_the_owner_logging_in_again_keeps_the_revision(app, eves_private_plan):
    pid = eves_private_plan
    eve = login(app, "eve")
    _, fields = revision_form(eve, pid)
    location = relogin(eve, ended(eve, fields), "eve")
    assert f"saved={pid}&rev=" in location, location
    assert f"Save as a new revision of saved plan {pid}" in text(eve.get(location).text)


def test_opening_another_owners_revision_address_offers_a_new_plan_only(app,
                                                                         eves_private_plan):
    pid = eves_private_plan
    _, fields = revision_form(login(app, "eve"), pid)
    address = next(link for link in [
        html.unescape(re.search(r'href="(/build\?plan=[^"]*saved=[^"]*)"',
                                login(app, "eve").get(f"/saved/{pid}").text).group(1))])
    mal = login(app, "mal")
    page = mal.get(address)
    assert page.status_code == 200
    words = text(page.text)
    assert f"not the owner of saved plan {pid}: saving makes a new plan of yours" in words
    assert "Save as a new revision" not in words and "Eve's secret" not in words
    assert "saved_id" not in form_fields(page.text)
    # a plan id that is not there reads the same: nothing tells the two apart
    other = mal.get(re.sub(r"saved=\d+", "saved=999999", address)).text
    assert "not the owner of saved plan 999999: saving makes a new plan" in text(other)
    # a reader sees no Save fieldset and no note
    assert "not the owner" not in text(login(app, "rita").get(address).text)


@pytest.mark.parametrize("plan_id", ["0", "999999999999", "2147483648"])
def test_an_id_that_cannot_be_a_plan_reads_as_anyone_elses_and_is_no_error(app, plan_id):
    from moneytrail.web.runs import encode_draft

    page = login(app, "mal").get(f"/build?plan={encode_draft({'title': 'x'})}"
                                 f"&saved={plan_id}&rev=1")
    assert page.status_code < 500
    assert "Save as a new revision" not in text(page.text)


def test_the_owner_of_a_deleted_plan_is_told_it_is_deleted_not_that_it_is_anothers(app, plan):
    created = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": "Soon deleted", "visibility": "private", "plan": plan})
    pid = created.json()["id"]
    eve = login(app, "eve")
    _, fields = revision_form(eve, pid)
    assert TestClient(app, base_url=HTTPS).delete(
        f"/api/v1/saved-plans/{pid}", headers=bearer(app, "eve")).status_code in (200, 204)
    location = relogin(eve, ended(eve, fields), "eve")
    assert "saved=" not in location, location
    words = text(eve.get(location).text)
    assert f"Saved plan {pid} is deleted: saving makes a new plan of yours." in words
    assert "not the owner" not in words and "Save as a new revision" not in words


@pytest.fixture(scope="module")
def pg_app(tmp_path_factory):
    """The app on a fresh PostgreSQL schema: its plan ids are a 32-bit column."""
    from accounts_fixtures import make_app, store_url

    with store_url("postgres", tmp_path_factory.mktemp("h221")) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


@pytest.mark.postgres
def test_on_postgresql_an_id_beyond_the_column_is_no_error(pg_app, plan):
    from moneytrail.web.runs import encode_draft

    created = TestClient(pg_app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(pg_app, "eve"),
        json={"title": "On PostgreSQL", "visibility": "private", "plan": plan})
    pid = created.json()["id"]
    token = encode_draft({"title": "x"})
    eve, mal = login(pg_app, "eve"), login(pg_app, "mal")
    assert "Save as a new revision of saved plan" in text(
        eve.get(f"/build?plan={token}&saved={pid}&rev=1").text)
    assert "not the owner of saved plan" in text(
        mal.get(f"/build?plan={token}&saved={pid}&rev=1").text)
    for big in ("2147483648", "999999999999"):
        page = mal.get(f"/build?plan={token}&saved={big}&rev=1")
        assert page.status_code < 500 and "not the owner" in text(page.text)
