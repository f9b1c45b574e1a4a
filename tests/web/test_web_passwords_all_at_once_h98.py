"""The password forms report every problem of one submission at once (h98), each at its
input the plan builder's way (web.formerrors: a summary linking to the inputs, aria-invalid
and aria-describedby): a wrong current password, a new password breaking a rule and a repeat
that differs used to come one per submission. Nothing changes while any problem exists, and
the current password is still only ever said to be wrong (the rules are public). A new
password breaking one rule only is 'plum orchid' (too short): since h109 a password breaking
several rules ('short': too short and too easy to guess) has them all in one message."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, PASSWORDS, form_token, login, reset_form  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from form_checks import autofocused, invalid_inputs, message_of, parse, summary  # noqa: E402

NEW = "a brand new passphrase here"


def try_login(app, name: str, password: str) -> int:
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text, "/login")
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token},
                       follow_redirects=False).status_code


def test_change_form_reports_all_three_problems_at_once(app):
    eve = login(app, "eve")
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": "not my password at all",
        "new_password": "plum orchid", "repeat_password": "shorter"}, follow_redirects=False)
    assert refused.status_code == 400 and refused.headers["Cache-Control"] == "no-store"
    page = parse(refused.text)
    assert invalid_inputs(page) == ["current_password", "new_password", "repeat_password"]
    assert message_of(page, "current_password") == "The current password is wrong"
    assert message_of(page, "new_password") == "A password needs at least 12 characters"
    assert message_of(page, "repeat_password") == \
        "The two new passwords differ: type the same one twice"
    for name in ("current_password", "new_password", "repeat_password"):
        described = page.by_id[name]["attrs"]["aria-describedby"].split()
        assert described[0] == f"{name}-error"
    heading, links = summary(refused.text)
    assert heading == "There are 3 problems with this password change"
    assert links == [
        ("current_password", "Current password: the current password is wrong"),
        ("new_password", "New password: a password needs at least 12 characters"),
        ("repeat_password", "New password again: the two new passwords differ: type the "
                            "same one twice")]
    assert autofocused(refused.text) == ["current_password"]
    assert "not my password at all" not in refused.text and "shorter" not in refused.text
    assert try_login(app, "eve", PASSWORDS["eve"]) == 303


def test_a_right_current_password_with_other_problems_changes_nothing(app):
    """The current password right, the new one fine but typed differently: only the repeat
    is marked, and the password is not changed; the same new password equal to the current
    one is said once (not also the rules)."""
    eve = login(app, "eve")
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": "password1234", "repeat_password": "password12345"})
    page = parse(refused.text)
    assert refused.status_code == 400
    assert invalid_inputs(page) == ["new_password", "repeat_password"]
    assert "too common" in message_of(page, "new_password")
    same = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": PASSWORDS["eve"], "repeat_password": "x"})
    page = parse(same.text)
    assert invalid_inputs(page) == ["new_password", "repeat_password"]
    assert message_of(page, "new_password") == "The new password is the same as the " \
                                               "current one"
    assert len(summary(same.text)[1]) == 2
    assert try_login(app, "eve", PASSWORDS["eve"]) == 303
    assert try_login(app, "eve", "password1234") == 401


def test_a_wrong_current_password_never_says_the_new_one_equals_it(app):
    """With a wrong current password, a new password typed the same as it is judged by the
    rules only: nothing is said about the stored password beyond 'wrong'."""
    eve = login(app, "eve")
    guess = "my guess of the old passphrase"
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": guess, "new_password": guess,
        "repeat_password": guess})
    page = parse(refused.text)
    assert invalid_inputs(page) == ["current_password"]
    assert "same as the current" not in refused.text


def test_throttled_change_still_lists_the_new_password_problems(app):
    eve = login(app, "eve")
    statuses = []
    for i in range(8):
        statuses.append(eve.post("/account/password", data={
            "csrf_token": eve.csrf, "current_password": f"wrong guess number {i}",
            "new_password": "short", "repeat_password": "other"}).status_code)
    assert statuses[0] == 400 and statuses[-1] == 429
    throttled = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": "short", "repeat_password": "other"})
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) > 0
    page = parse(throttled.text)
    assert invalid_inputs(page) == ["new_password", "repeat_password"]
    heading, links = summary(throttled.text)
    assert heading == "There are 3 problems with this password change"
    assert "Too many failed logins; try again in" in throttled.text


def test_reset_form_reports_both_problems_at_once(app):
    browser, token, csrf = reset_form(app, "eve")
    refused = browser.post("/reset-password", data={
        "token": token, "new_password": "plum orchid", "repeat_password": "shorter",
        "csrf_token": csrf})
    assert refused.status_code == 400 and refused.headers["Cache-Control"] == "no-store"
    page = parse(refused.text)
    assert invalid_inputs(page) == ["new_password", "repeat_password"]
    assert message_of(page, "new_password") == "A password needs at least 12 characters"
    assert message_of(page, "repeat_password") == \
        "The two new passwords differ: type the same one twice"
    for name in ("new_password", "repeat_password"):
        assert page.by_id[name]["attrs"]["aria-describedby"].split()[0] == f"{name}-error"
    heading, links = summary(refused.text)
    assert heading == "There are 2 problems with this new password"
    assert [target for target, _ in links] == ["new_password", "repeat_password"]
    assert autofocused(refused.text) == ["new_password"]
    assert try_login(app, "eve", PASSWORDS["eve"]) == 303             # nothing changed
    done = browser.post("/reset-password", data={
        "token": token, "new_password": NEW, "repeat_password": NEW, "csrf_token": csrf})
    assert done.status_code == 200 and try_login(app, "eve", NEW) == 303
