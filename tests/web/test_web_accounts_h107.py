"""h107: a password change with empty fields says each one is required (not the new
password's length rule) and marks every empty field."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import PASSWORDS, login, reset_form  # noqa: E402
from form_checks import invalid_inputs, message_of, parse, summary  # noqa: E402


def test_an_empty_password_change_says_each_field_is_required(app):
    eve = login(app, "eve")
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": "", "new_password": "",
        "repeat_password": ""}, follow_redirects=False)
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["current_password", "new_password", "repeat_password"]
    for anchor in ("current_password", "new_password", "repeat_password"):
        assert message_of(page, anchor) == "Required", anchor
    assert "12 characters" not in " ".join(line for _, line in summary(refused.text)[1])


def test_an_empty_repeat_field_alone_is_required(app):
    eve = login(app, "eve")
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": "a brand new passphrase here", "repeat_password": ""},
        follow_redirects=False)
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["repeat_password"]
    assert message_of(page, "repeat_password") == "Required"


def test_an_empty_reset_form_says_each_field_is_required(app):
    browser, token, csrf = reset_form(app, "eve")
    refused = browser.post("/reset-password", data={
        "token": token, "new_password": "", "repeat_password": "", "csrf_token": csrf},
        follow_redirects=False)
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["new_password", "repeat_password"]
    assert message_of(page, "new_password") == message_of(page, "repeat_password") == "Required"


def test_a_reset_with_an_empty_repeat_field_is_refused(app):
    browser, token, csrf = reset_form(app, "eve")
    refused = browser.post("/reset-password", data={
        "token": token, "new_password": "a brand new passphrase here", "repeat_password": "",
        "csrf_token": csrf}, follow_redirects=False)
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["repeat_password"]
    assert message_of(page, "repeat_password") == "Required"
