"""The account changes made on the web and through the API are kept in the accounts' history
(`account_events`, migration 0012) with who made them, on SQLite and PostgreSQL: a password
changed on the account page (by the account itself), a reset link issued through the API (by
the admin), the password set with it (by "reset link"), the first admin made from
MONEYTRAIL_ADMIN_PASSWORD. Refused attempts record nothing."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, PASSWORDS, form_token, login, make_app, store_url  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from moneytrail.accounts.models import Account, AccountEvent  # noqa: E402

NEW = "a brand new passphrase here"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path):
    with store_url(request.param, tmp_path) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


def events(app) -> list[tuple[str, str, str, str]]:
    """(account, kind, details, actor) of every event after the fixture's own, oldest
    first."""
    with app.state.web.ledger.engine.connect() as conn:
        rows = conn.execute(select(AccountEvent.account, AccountEvent.kind,
                                   AccountEvent.details, AccountEvent.actor)
                            .order_by(AccountEvent.id)).all()
    return [tuple(row) for row in rows if row[1] not in ("created", "key_created")
            and not (row[0] == "rita" and row[1] == "role_changed")]


def test_a_password_changed_on_the_account_page_is_recorded_by_its_owner(app):
    eve = login(app, "eve")
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": "not my password at all",
        "new_password": NEW}, follow_redirects=False)
    assert refused.status_code == 400 and events(app) == []       # a refused try: nothing
    done = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"], "new_password": NEW},
        follow_redirects=False)
    assert done.status_code == 303
    # eve's two keys (read and write) were revoked with the old password
    assert events(app) == [("eve", "password_changed", "sessions ended, 2 API keys revoked",
                            "eve")]


def test_a_reset_issued_through_the_api_and_used_names_the_admin_and_the_link(app):
    root = login(app, "root")
    eve = login(app, "eve")
    assert eve.post("/api/v1/accounts/mal/password-reset", json={"hours": 2},
                    headers={"X-CSRF-Token": eve.csrf}).status_code == 403
    assert root.post("/api/v1/accounts/nobody/password-reset", json={"hours": 2},
                     headers={"X-CSRF-Token": root.csrf}).status_code == 404
    assert events(app) == []                                       # refused: nothing
    response = root.post("/api/v1/accounts/mal/password-reset", json={"hours": 2},
                         headers={"X-CSRF-Token": root.csrf})
    assert response.status_code == 201, response.text
    token = response.json()["link"].split("token=", 1)[1]
    # the fixture's clock stands at 2026-11-30 12:00 UTC
    assert events(app) == [("mal", "reset_issued",
                            "link valid until 2026-11-30 14:00:00 UTC", "root")]
    browser = TestClient(app, base_url=HTTPS)
    csrf = form_token(browser.get(f"/reset-password?token={token}").text, "/reset-password")
    bad = browser.post("/reset-password", data={"token": token, "new_password": "password1234",
                                                "csrf_token": csrf})
    assert bad.status_code == 400 and len(events(app)) == 1       # a refused password
    done = browser.post("/reset-password", data={"token": token, "new_password": NEW,
                                                 "csrf_token": csrf})
    assert done.status_code == 200, done.text
    assert events(app)[1:] == [("mal", "password_reset",
                                "with the link issued 2026-11-30 12:00:00 UTC; sessions "
                                "ended, 2 API keys revoked", "reset link")]
    got = repr(events(app))
    assert token not in got and __import__("hashlib").sha256(token.encode()).hexdigest() \
        not in got


def test_the_first_admin_from_the_environment_is_recorded(app, monkeypatch):
    from moneytrail.web.auth import first_admin_from_env

    accounts = app.state.accounts
    with accounts.engine.begin() as conn:      # no enabled admin left: the variable counts
        conn.execute(update(Account).where(Account.name == "root").values(disabled=True))
    monkeypatch.setenv("MONEYTRAIL_ADMIN_PASSWORD", "the first boss's passphrase")
    monkeypatch.setenv("MONEYTRAIL_ADMIN_NAME", "chief")
    assert first_admin_from_env(accounts) == "chief"
    assert accounts.history("chief")[0]["actor"] == "MONEYTRAIL_ADMIN_PASSWORD (serve)"
    assert accounts.history("chief")[0]["details"] == "role admin"
