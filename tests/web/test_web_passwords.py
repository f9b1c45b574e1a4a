"""Password change and admin-issued reset (issue 12) on SQLite and PostgreSQL.

A change needs the session, its CSRF token and the current password; it rotates the session
and ends the account's other sessions. A reset link is issued by an admin (CLI or API), stored
as a hash, expires, and works once. Both apply the same password rules as account creation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import (  # noqa: E402
    HTTPS,
    PASSWORDS,
    form_token,
    login,
    make_app,
    store_url,
)
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402

NEW = "a brand new passphrase here"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path):
    """A fresh app per test: passwords change here."""
    with store_url(request.param, tmp_path) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


def logged_in(client: TestClient) -> str | None:
    return client.get("/api/v1/me").json()["account"]


def try_login(app, name: str, password: str) -> int:
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text, "/login")
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf_token": token},
                       follow_redirects=False).status_code


def change(client: TestClient, current: str, new: str, csrf: str | None = None):
    return client.post("/account/password", data={
        "csrf_token": client.csrf if csrf is None else csrf, "current_password": current,
        "new_password": new}, follow_redirects=False)


def test_change_needs_the_current_password_rotates_and_ends_other_sessions(app):
    eve = login(app, "eve")
    laptop = login(app, "eve")                     # a second session of the same account
    page = eve.get("/account/password")
    assert page.status_code == 200 and form_token(page.text, "/account/password") == eve.csrf
    old_cookie = eve.cookies.get("__Host-moneytrail")
    assert change(eve, "not my password at all", NEW).status_code == 400
    assert change(eve, PASSWORDS["eve"], "short").status_code == 400
    assert change(eve, PASSWORDS["eve"], "password1234").status_code == 400   # common
    assert change(eve, PASSWORDS["eve"], "eve is my name okay").status_code == 400
    assert change(eve, PASSWORDS["eve"], NEW, csrf="").status_code == 403
    assert logged_in(laptop) == "eve" and try_login(app, "eve", PASSWORDS["eve"]) == 303
    response = change(eve, PASSWORDS["eve"], NEW)
    assert response.status_code == 303
    assert response.headers["location"] == "/account?password=changed"
    new_cookie = eve.cookies.get("__Host-moneytrail")
    assert new_cookie and new_cookie != old_cookie
    assert logged_in(eve) == "eve"                                  # this browser stays in
    assert logged_in(laptop) is None                                # the others are out
    replay = TestClient(app, base_url=HTTPS, cookies={"__Host-moneytrail": old_cookie})
    assert logged_in(replay) is None
    assert try_login(app, "eve", PASSWORDS["eve"]) == 401
    assert try_login(app, "eve", NEW) == 303


def test_change_refuses_anonymous_and_api_keys(app):
    anonymous = TestClient(app, base_url=HTTPS)
    assert anonymous.post("/account/password", data={
        "current_password": PASSWORDS["eve"], "new_password": NEW}).status_code == 401
    key = {"Authorization": f"Bearer {app.state.keys[('eve', 'write')]}"}
    assert anonymous.post("/account/password", headers=key, data={
        "current_password": PASSWORDS["eve"], "new_password": NEW}).status_code == 401
    assert anonymous.get("/account/password", follow_redirects=False).status_code == 303
    assert try_login(app, "eve", PASSWORDS["eve"]) == 303


def test_wrong_current_passwords_are_throttled(app):
    eve = login(app, "eve")
    statuses = [change(eve, f"wrong guess number {i}", NEW).status_code for i in range(8)]
    assert 429 in statuses
    app.state.clock.now += dt.timedelta(minutes=20)
    eve2 = login(app, "eve")
    assert change(eve2, PASSWORDS["eve"], NEW).status_code == 303


def reset_link(app, name: str = "eve") -> str:
    root = login(app, "root")
    response = root.post(f"/api/v1/accounts/{name}/password-reset", json={"hours": 2},
                         headers={"X-CSRF-Token": root.csrf})
    assert response.status_code == 201, response.text
    return response.json()["link"]


def test_admin_reset_link_is_hashed_single_use_and_ends_sessions(app):
    eve = login(app, "eve")
    link = reset_link(app)
    token = link.split("token=", 1)[1]
    assert link.startswith(HTTPS + "/reset-password?token=") and len(token) >= 43
    with app.state.web.ledger.engine.connect() as conn:
        stored = conn.execute(text("select token_hash from password_resets")).scalars().all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]      # never in the clear
    browser = TestClient(app, base_url=HTTPS)
    page = browser.get(f"/reset-password?token={token}")
    assert page.status_code == 200 and "eve" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    csrf = form_token(page.text, "/reset-password")
    # the same rules: a common password is refused and does not spend the token
    bad = browser.post("/reset-password", data={"token": token, "new_password": "password1234",
                                                "csrf_token": csrf})
    assert bad.status_code == 400 and "too common" in bad.text
    assert browser.post("/reset-password", data={"token": token, "new_password": NEW,
                                                 "csrf_token": "forged"}).status_code == 403
    done = browser.post("/reset-password", data={"token": token, "new_password": NEW,
                                                 "csrf_token": csrf})
    assert done.status_code == 200 and "is set" in done.text
    assert logged_in(eve) is None                                      # sessions ended
    assert try_login(app, "eve", NEW) == 303
    assert try_login(app, "eve", PASSWORDS["eve"]) == 401
    again = browser.post("/reset-password", data={"token": token, "new_password":
                                                  "yet another new passphrase",
                                                  "csrf_token": csrf})
    assert again.status_code == 400 and "unknown, used or expired" in again.text
    assert try_login(app, "eve", NEW) == 303


def test_reset_link_expires_and_a_newer_one_replaces_it(app):
    first = reset_link(app).split("token=", 1)[1]
    second = reset_link(app).split("token=", 1)[1]
    client = TestClient(app, base_url=HTTPS)
    assert client.get(f"/reset-password?token={first}").status_code == 400
    assert client.get(f"/reset-password?token={second}").status_code == 200
    app.state.clock.now += dt.timedelta(hours=2, seconds=1)
    page = client.get(f"/reset-password?token={second}")
    assert page.status_code == 400 and "expired" in page.text
    assert client.get("/reset-password?token=made-up").status_code == 400


def test_only_admins_issue_reset_links(app):
    eve = login(app, "eve")
    assert eve.post("/api/v1/accounts/rita/password-reset", json={},
                    headers={"X-CSRF-Token": eve.csrf}).status_code == 403
    root = login(app, "root")
    assert root.post("/api/v1/accounts/rita/password-reset", json={}).status_code == 403
    assert root.post("/api/v1/accounts/nobody/password-reset", json={},
                     headers={"X-CSRF-Token": root.csrf}).status_code == 404
    assert TestClient(app, base_url=HTTPS).post("/api/v1/accounts/rita/password-reset",
                                                json={}).status_code == 401
    with app.state.web.ledger.engine.connect() as conn:
        assert conn.execute(text("select count(*) from password_resets")).scalar() == 0


def test_cli_prints_a_reset_link_that_works(tmp_path):
    from typer.testing import CliRunner

    from moneytrail.cli import app as cli

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "ada", "--password-stdin", "--db", db],
                          input="her first long passphrase\n")
    assert added.exit_code == 0, added.output
    result = runner.invoke(cli, ["users", "reset-password", "ada", "--base-url",
                                 "https://mt.example.org", "--hours", "1", "--db", db])
    assert result.exit_code == 0, result.output
    link = re.search(r"https://mt\.example\.org/reset-password\?token=(\S+)", result.output)
    assert link
    bad = runner.invoke(cli, ["users", "reset-password", "nobody", "--db", db])
    assert bad.exit_code != 0 and "no account" in str(bad.exception)
    bad_url = runner.invoke(cli, ["users", "reset-password", "ada", "--base-url",
                                  "javascript:alert(1)", "--db", db])
    assert bad_url.exit_code == 2
    import moneytrail.ledger
    from moneytrail.accounts import Accounts

    with moneytrail.ledger.open(db) as ledger:
        accounts = Accounts(ledger.engine)
        assert accounts.reset_password(link.group(1), NEW) == "ada"
        assert accounts.login("ada", NEW, client="test").who.name == "ada"


def test_new_password_typed_twice_and_not_the_current_one(app):
    """The forms ask for the new password twice (a typo would lock the owner out), and the
    current password is not accepted as the new one (it was: 303 and a 'changed' notice)."""
    eve = login(app, "eve")
    page = eve.get("/account/password").text
    assert 'name="repeat_password"' in page and "New password again" in page
    mistyped = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"], "new_password": NEW,
        "repeat_password": NEW + "x"}, follow_redirects=False)
    assert mistyped.status_code == 400 and "the two new passwords differ" in mistyped.text
    same = change(eve, PASSWORDS["eve"], PASSWORDS["eve"])
    assert same.status_code == 400 and "same as the current one" in same.text
    assert try_login(app, "eve", PASSWORDS["eve"]) == 303 and try_login(app, "eve", NEW) == 401
    token = reset_link(app).split("token=", 1)[1]
    browser = TestClient(app, base_url=HTTPS)
    reset = browser.get(f"/reset-password?token={token}").text
    assert 'name="repeat_password"' in reset
    bad = browser.post("/reset-password", data={
        "token": token, "new_password": NEW, "repeat_password": "something else entirely",
        "csrf_token": form_token(reset, "/reset-password")})
    assert bad.status_code == 400 and "the two new passwords differ" in bad.text
    assert try_login(app, "eve", NEW) == 401               # nothing changed, link unspent
    assert "eve" in browser.get(f"/reset-password?token={token}").text


def test_a_reset_to_twelve_spaces_is_refused_and_the_old_password_still_works(app):
    """The tester's finding: a reset to 12 spaces was taken and then logged in. Now it is
    refused with the reason, the link stays usable, and no secret is echoed."""
    token = reset_link(app).split("token=", 1)[1]
    browser = TestClient(app, base_url=HTTPS)
    csrf = form_token(browser.get(f"/reset-password?token={token}").text, "/reset-password")
    for weak in (" " * 12, "abcdefghijkl", "moneytrail123"):
        bad = browser.post("/reset-password", data={"token": token, "new_password": weak,
                                                    "csrf_token": csrf})
        assert bad.status_code == 400 and "too easy to guess" in bad.text, weak
        assert try_login(app, "eve", weak) == 401
    assert try_login(app, "eve", PASSWORDS["eve"]) == 303


def test_a_too_long_password_is_never_echoed_and_the_error_page_is_not_stored(app):
    """The tester's finding: a 5,000-character password on /login (and new_password on
    /reset-password) came back on the 422 page ("you gave MySecretPassphrase-xxx…") with no
    Cache-Control. Now the page names the field and the rule only, and is not stored; since
    h249 it is the form again (400) with the password marked, not the generic 422 page."""
    secret = "MySecretPassphrase-" + "x" * 5000
    browser = TestClient(app, base_url=HTTPS)
    token = form_token(browser.get("/login").text, "/login")
    long_login = browser.post("/login", data={"name": "eve", "password": secret,
                                              "csrf_token": token})
    reset = reset_link(app).split("token=", 1)[1]
    csrf = form_token(browser.get(f"/reset-password?token={reset}").text, "/reset-password")
    long_reset = browser.post("/reset-password", data={"token": reset, "new_password": secret,
                                                       "repeat_password": secret,
                                                       "csrf_token": csrf})
    for response, field in ((long_login, "password"), (long_reset, "new_password")):
        assert response.status_code == 400, response.text
        assert "MySecretPassphrase" not in response.text, response.text[-800:]
        assert "you gave" not in response.text, response.text[-800:]
        assert f'id="{field}"' in response.text and "at most 1,024 characters" in \
            response.text.replace("at most 1024", "at most 1,024")
        assert response.headers["cache-control"] == "no-store"
