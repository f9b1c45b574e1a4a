"""A budget officer's findings by keyboard (helper h219): Save after the session ended showed
~140 raw text boxes and a login link to an EMPTY builder; "Edit this plan" on a saved plan's
run opened an unlinked copy (saving it made a new plan) with the default horizon written out
as "5"."""

from __future__ import annotations

import html
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, PASSWORDS, form_token, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, page_text  # noqa: E402

TITLE = "Minister's <draft> – keep"


@pytest.fixture(scope="module")
def app(module_app):
    """One app for all the tests of this module (tests/web/conftest.py)."""
    return module_app


text = page_text


def filled(client) -> dict[str, str]:
    fields = form_fields(client.get("/build").text)
    fields.update({"title": TITLE, "budget": "10 bn", "spend-0-category": "accelerators",
                   "spend-0-central": "60 %", "spend-1-category": "facility",
                   "spend-1-central": "40 %", "draws": "100"})
    return fields


def hidden(page: str, name: str) -> str:
    found = re.search(rf'<input type="hidden" name="{name}" value="([^"]*)"', page)
    assert found, name
    return html.unescape(found.group(1))


def ended_save(app) -> tuple[TestClient, str]:
    """eve fills the builder, logs out in another tab, then presses Save: her client and
    the 401 page."""
    eve = login(app, "eve")
    fields = filled(eve)
    assert eve.post("/logout", data={"csrf_token": eve.csrf},
                    follow_redirects=False).status_code == 303
    response = eve.post("/saved", data={**fields, "action": "save"},
                        headers={"referer": HTTPS + "/build"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["cache-control"] == "no-store"
    return eve, response.text


# -- 1: the draft survives the login ----------------------------------------------------------
def test_save_after_the_session_ended_shows_no_raw_boxes_but_a_login_carrying_the_draft(app):
    _, page = ended_save(app)
    words = text(page)
    assert "Log in to save" in words and "nothing was saved" in words
    assert f"Your plan “{TITLE}” is kept" in words
    assert "<draft>" not in page                                    # escaped
    # the raw fields are not the page: no read-only boxes named after the form's inputs
    assert "readonly" not in page and "typed-fields" not in page
    for name in ("budget_sourced", "spend-6-reliability", "extra"):
        assert not re.search(rf"<label[^>]*>{name}</label>", page), name
    # a login form on the page carries the draft in its body, not in an address
    assert '<form method="post" action="/login"' in page
    assert hidden(page, "draft").startswith("plan=")
    assert "/login?next=" not in page


def test_logging_in_from_that_page_comes_back_to_the_filled_builder(app):
    eve, page = ended_save(app)
    response = eve.post("/login", data={
        "name": "eve", "password": PASSWORDS["eve"], "csrf_token": hidden(page, "csrf_token"),
        "next": hidden(page, "next"), "draft": hidden(page, "draft")}, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/build?plan="), location
    builder = eve.get(location)
    assert builder.status_code == 200
    fields = form_fields(builder.text)
    assert fields["title"] == TITLE
    assert fields["spend-0-category"] == "accelerators"
    assert fields["spend-1-category"] == "facility"
    assert fields["draws"] == "100"
    # and the Save button is there again, for the logged-in editor
    assert 'formaction="/saved"' in builder.text


def test_a_wrong_password_keeps_the_draft_in_the_login_form(app):
    eve, page = ended_save(app)
    draft = hidden(page, "draft")
    response = eve.post("/login", data={
        "name": "eve", "password": "wrong wrong wrong", "next": "/build", "draft": draft,
        "csrf_token": hidden(page, "csrf_token")}, follow_redirects=False)
    assert response.status_code == 401
    assert hidden(response.text, "draft") == draft


@pytest.mark.parametrize("draft", [
    "next=//evil.example/x", "plan=e30&next=https://evil.example", "https://evil.example",
    "plan=e30&saved=1/../../x", "plan=e30&plan=e30"])
def test_the_draft_field_never_leads_off_the_site(app, draft):
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text, "/login")
    response = client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                           "csrf_token": token, "next": "/account",
                                           "draft": draft}, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location == "/account" or location.startswith("/build?plan="), location


def test_the_draft_field_needs_the_login_forms_token(app):
    _, page = ended_save(app)
    other = TestClient(app, base_url=HTTPS)
    response = other.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                          "draft": hidden(page, "draft")},
                          follow_redirects=False)
    assert response.status_code == 403


def test_another_forms_refused_post_still_shows_its_fields(app):
    """Only the builder's Save gets the login form: a ledger edit keeps its typed fields."""
    eve = login(app, "eve")
    eve.post("/logout", data={"csrf_token": eve.csrf})
    response = eve.post("/saved/1/edit", data={"title": "kept title", "expected_revision": "1"},
                        follow_redirects=False)
    assert response.status_code == 401
    assert "readonly" in response.text and "kept title" in response.text


# -- 2: "Edit this plan" on a saved plan's run edits that plan ---------------------------------
def edit_link(page: str) -> tuple[str, str]:
    """The run page's first action link: (its address, its words)."""
    actions = re.search(r'<p class="actions">(.*?)</p>', page, re.S).group(1)
    found = re.search(r'<a href="([^"]*)">([^<]*)</a>', actions)
    return html.unescape(found.group(1)), text(actions)


def test_edit_on_a_saved_plans_run_makes_a_new_revision_and_keeps_defaults(app, plan):
    from accounts_fixtures import bearer
    from runs_helpers import wait_done

    from moneytrail.web.runs import decode_draft

    assert "horizon_years" not in plan
    created = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": "Edit from the run", "visibility": "public", "plan": plan})
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    eve = login(app, "eve")
    response = eve.post(f"/saved/{pid}/run", data={"csrf_token": eve.csrf},
                        follow_redirects=False)
    rid = response.headers["location"].removeprefix("/r/")
    assert wait_done(eve, rid)["status"] == "done"

    link, words = edit_link(eve.get(f"/r/{rid}").text)
    assert link.startswith("/build?plan=") and f"&saved={pid}&rev=1" in link, link
    assert "makes its next revision" in words
    draft = decode_draft(re.search(r"plan=([^&]+)", link).group(1))
    assert "horizon_years" not in draft                     # a default stays a default
    builder_page = eve.get(link).text
    fields = form_fields(builder_page)
    assert fields["horizon_years"] == ""
    assert fields["saved_id"] == str(pid) and fields["saved_revision"] == "1"
    fields["budget"] = "21 bn"
    saved = eve.post("/saved", data={**fields, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].startswith(f"/saved/{pid}")
    mine = eve.get("/api/v1/saved-plans").json()["plans"]
    assert [p["title"] for p in mine].count("Edit from the run") == 1    # no second plan
    stored = eve.get(f"/api/v1/saved-plans/{pid}").json()
    assert stored["revision"] == 2 and "horizon_years" not in stored["plan"]

    # someone else: a copy, and the page says so
    mal = login(app, "mal")
    link, words = edit_link(mal.get(f"/r/{rid}").text)
    assert "saved=" not in link and "Edit a copy of this plan" in words
    assert "saving the copy makes a new plan" in words and "revision 1" in words
    assert "horizon_years" not in decode_draft(re.search(r"plan=([^&]+)", link).group(1))
    # anyone not logged in: a copy too
    link, words = edit_link(TestClient(app, base_url=HTTPS).get(f"/r/{rid}").text)
    assert "saved=" not in link and "Edit a copy of this plan" in words
