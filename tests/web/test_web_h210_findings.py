"""A tester running a team's site behind a public address (h210), on SQLite and PostgreSQL.

1. With MONEYTRAIL_PUBLIC_URL set, `POST /api/v1/accounts/NAME/password-reset` wrote the link
   under the address the request reached (127.0.0.1 behind a proxy): it uses the public
   address, as `users reset-password` does.
2. `serve` printed the public address, but a request with its host name got 400 "Invalid host
   header": the public address's host name is an allowed host.
3. `users role carol reader` and `users disable carol` went through when carol was the only
   enabled admin: both are refused in one line naming `users role NAME admin`.
4. A second `users disable` said "disabled" again, a second `users revoke-key` "revoked": they
   say it already was.
5. `/api/v1/me` showed "scope": "write" for a key of an account now a reader: `can_write` says
   what the caller may do now (the scope stays the one issued).
6. `users role --help` reflowed its text into broken lines.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import FAST, HTTPS, bearer, login, make_app, store_url  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from moneytrail.accounts import AccountError, Accounts  # noqa: E402

PUBLIC = "https://money.example.org/app"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path):
    with store_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def app(store):
    application = make_app(store, public=PUBLIC)
    application.state.url = store
    yield application
    application.state.jobs.shutdown()
    application.state.web.close()


def users(url: str, *args: str):
    """`moneytrail users ARGS --db url`."""
    from moneytrail.cli import app as cli

    return CliRunner().invoke(cli, ["users", *args, "--db", url])


# -- 1. the reset link of the API is under the public address -------------------------------
def test_the_api_reset_link_is_under_the_public_address(app):
    root = login(app, "root")
    issued = root.post("/api/v1/accounts/eve/password-reset", json={},
                       headers={"X-CSRF-Token": root.csrf})
    assert issued.status_code == 201, issued.text
    assert issued.json()["link"].startswith(PUBLIC + "/reset-password?token=")


# -- 2. the public address's host name is answered -----------------------------------------
def test_the_public_host_name_is_an_allowed_host(app):
    assert "money.example.org" in app.state.allowed_hosts
    assert "localhost" in app.state.allowed_hosts           # the defaults stay
    page = TestClient(app, base_url="https://money.example.org").get("/login")
    assert page.status_code == 200, page.text[:200]
    assert TestClient(app, base_url="https://evil.example.net").get(
        "/login").status_code == 400


# -- 3. the last enabled admin -------------------------------------------------------------
def test_the_only_admin_is_neither_demoted_nor_disabled(store):
    import moneytrail.ledger

    ledger = moneytrail.ledger.open(store)
    with ledger:
        accounts = Accounts(ledger.engine, hasher=FAST)
        accounts.add("carol", "admin plum orchard rain", role="admin")
        accounts.add("dave", "editor quiet harbour lamp", role="editor")
    message = ("carol is the only admin: make another account admin first "
               "(moneytrail users role NAME admin)")
    for args in (("role", "carol", "reader"), ("role", "carol", "editor"),
                 ("disable", "carol")):
        refused = users(store, *args)
        assert isinstance(refused.exception, AccountError), refused.output
        assert str(refused.exception).endswith(message)
        assert "\n" not in str(refused.exception)                        # one line
    with ledger:
        with pytest.raises(AccountError):
            accounts.disable("carol")
        rows = {row["name"]: row for row in accounts.list()}
    assert rows["carol"]["role"] == "admin" and not rows["carol"]["disabled"]
    # with a second enabled admin, either may go
    assert users(store, "role", "dave", "admin").exit_code == 0
    assert users(store, "role", "carol", "reader").exit_code == 0
    # a disabled admin does not count: dave is again the only enabled one
    assert users(store, "role", "carol", "admin").exit_code == 0
    assert users(store, "disable", "carol").exit_code == 0
    refused = users(store, "role", "dave", "editor")
    assert "dave is the only admin" in str(refused.exception)


# -- 4. a second disable or revoke says so --------------------------------------------------
def test_a_second_disable_or_revoke_says_it_already_was(app):
    url = app.state.url
    first = users(url, "disable", "eve")
    assert first.exit_code == 0 and "disabled 'eve'" in first.stdout
    second = users(url, "disable", "eve")
    assert second.exit_code == 0, second.output
    assert "'eve' is already disabled: nothing changed" in second.stdout
    assert "disabled 'eve'" not in second.stdout
    key = app.state.keys[("mal", "read")]
    first = users(url, "revoke-key", key)
    assert first.exit_code == 0 and first.stdout.startswith("revoked")
    second = users(url, "revoke-key", key)
    assert second.exit_code == 0, second.output
    assert "already revoked: nothing changed" in second.stdout
    assert not second.stdout.startswith("revoked")


# -- 5. /api/v1/me says what the caller may do now -----------------------------------------
def test_me_says_a_demoted_accounts_write_key_cannot_write(app):
    client = TestClient(app, base_url=HTTPS)
    rita = client.get("/api/v1/me", headers=bearer(app, "rita")).json()
    assert rita["scope"] == "write" and rita["role"] == "reader"      # as before: unchanged
    assert rita["can_write"] is False
    assert client.get("/api/v1/me", headers=bearer(app, "eve")).json()["can_write"] is True
    assert client.get("/api/v1/me", headers=bearer(app, "eve", "read")).json()[
        "can_write"] is False
    assert login(app, "eve").get("/api/v1/me").json()["can_write"] is True
    assert client.get("/api/v1/me").json()["can_write"] is False      # anonymous


# -- 6. the help of `users role` (and its neighbours) ------------------------------------
@pytest.mark.parametrize("command", ["role", "disable", "enable"])
def test_users_help_text_is_reflowed_without_broken_lines(command):
    """Typer reflows a docstring's first paragraph but keeps the line breaks of later ones,
    so at 80 columns a later paragraph came out as a long line, a stub, a long line: every
    line of a paragraph but its last now fills the width."""
    from moneytrail.cli import app as cli

    shown = CliRunner().invoke(cli, ["users", command, "--help"],
                               env={"COLUMNS": "80", "TERMINAL_WIDTH": "80"})
    assert shown.exit_code == 0, shown.output
    prose = shown.output.split("\u256d", 1)[0].split("Usage:", 1)[1].split("\n")[1:]
    paragraphs = "\n".join(line.strip() for line in prose).strip().split("\n\n")
    for paragraph in paragraphs:
        lines = paragraph.split("\n")
        assert all(len(line) >= 60 for line in lines[:-1]), shown.output
