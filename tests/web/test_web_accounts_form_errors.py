"""Log-in, password and saved-plan forms tell what is wrong the plan builder's way (h68, WCAG
2.1 3.3.1, 3.3.2, 4.1.2): a summary (role alert) linking to the field, the field marked invalid
and described by its own message in words naming the form's label, the password rule tied to
the new-password field, and the security behaviour as before (no secret echoed, no-store, the
same status codes; log in does not say which of name or password is wrong)."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, PASSWORDS, bearer, form_token, login, reset_form  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from form_checks import autofocused, invalid_inputs, message_of, parse, summary  # noqa: E402

SECRET = "a brand new passphrase here"


def no_password_value(html: str) -> None:
    page = parse(html)
    for element in page.by_id.values():
        if element["attrs"].get("type") == "password":
            assert not element["attrs"].get("value"), element


def test_the_password_rule_is_tied_to_the_new_password_field(app):
    eve = login(app, "eve")
    page = parse(eve.get("/account/password").text)
    described = page.by_id["new_password"]["attrs"]["aria-describedby"].split()
    assert "new_password-hint" in described
    assert "At least 12 characters" in page.by_id["new_password-hint"]["text"]


def test_new_passwords_that_differ_mark_the_repeat_field(app):
    eve = login(app, "eve")
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": SECRET, "repeat_password": SECRET + "x"}, follow_redirects=False)
    assert refused.status_code == 400 and refused.headers["Cache-Control"] == "no-store"
    assert SECRET not in refused.text and PASSWORDS["eve"] not in refused.text
    no_password_value(refused.text)
    page = parse(refused.text)
    assert invalid_inputs(page) == ["repeat_password"]
    assert message_of(page, "repeat_password") == \
        "The two new passwords differ: type the same one twice"
    heading, links = summary(refused.text)
    assert heading == "There is a problem with this password change"
    assert links == [("repeat_password", "New password again: the two new passwords differ: "
                                         "type the same one twice")]
    assert autofocused(refused.text) == ["repeat_password"]
    weak = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": "short", "repeat_password": "short"}, follow_redirects=False)
    page = parse(weak.text)
    assert weak.status_code == 400 and invalid_inputs(page) == ["new_password"]
    assert "at least 12 characters" in message_of(page, "new_password")
    assert summary(weak.text)[1][0][1].startswith("New password: ")


def test_a_too_common_password_on_a_reset_link_marks_the_new_password(app):
    browser, token, csrf = reset_form(app, "eve")
    common = "password1234"
    refused = browser.post("/reset-password", data={
        "token": token, "new_password": common, "repeat_password": common,
        "csrf_token": csrf})
    assert refused.status_code == 400 and refused.headers["Cache-Control"] == "no-store"
    assert common not in refused.text
    page = parse(refused.text)
    assert invalid_inputs(page) == ["new_password"]
    assert "too common" in message_of(page, "new_password")
    assert "new_password-hint" in page.by_id["new_password"]["attrs"]["aria-describedby"]
    heading, links = summary(refused.text)
    assert links[0][0] == "new_password" and links[0][1].startswith("New password: this "
                                                                     "password is too common")
    assert autofocused(refused.text) == ["new_password"]


def test_a_failed_log_in_marks_both_fields_with_one_message(app):
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text, "/login")
    refused = client.post("/login", data={"name": "eve", "password": "not her password",
                                          "csrf_token": token}, follow_redirects=False)
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
    assert "not her password" not in refused.text
    no_password_value(refused.text)
    page = parse(refused.text)
    assert sorted(invalid_inputs(page)) == ["name", "password"]
    assert message_of(page, "name") == message_of(page, "password") == "Wrong name or password"
    assert page.by_id["name"]["attrs"]["value"] == "eve"
    assert summary(refused.text)[1] == [("name", "Wrong name or password")]
    assert autofocused(refused.text) == ["name"]


def test_a_blank_title_marks_the_title_field_in_words(app):
    from moneytrail.web import builder

    plan = builder.reference_mapping("eu-ai-gigafactories")
    created = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": "Lean gigafactory", "description": "", "visibility": "private",
              "plan": plan}).json()
    eve = login(app, "eve")
    action = f"/saved/{created['id']}/edit"
    refused = eve.post(action, data={"csrf_token": eve.csrf, "expected_revision": "1",
                                     "title": " ", "description": "kept as typed",
                                     "visibility": "private"})
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["title"]
    assert message_of(page, "title").startswith("A saved plan needs a title of 1 to 200")
    heading, links = summary(refused.text)
    assert links == [("title", "Title: a saved plan needs a title of 1 to 200 characters")]
    assert "kept as typed" in page.by_id["description"]["text"]
    assert autofocused(refused.text) == ["title"]
    stale = eve.post(action, data={"csrf_token": eve.csrf, "expected_revision": "1",
                                   "title": "new title", "description": "",
                                   "visibility": "private"}, follow_redirects=False)
    assert stale.status_code == 303
    conflict = eve.post(action, data={"csrf_token": eve.csrf, "expected_revision": "1",
                                      "title": "mine", "description": "",
                                      "visibility": "private"})
    assert conflict.status_code == 409
    assert "expected_revision" not in conflict.text.split('name="expected_revision"')[0]
    assert "Someone changed this plan since you opened the form" in conflict.text
    assert autofocused(conflict.text) == ["error-summary"]
