"""A tester setting up a team (h207), on SQLite and PostgreSQL.

1. No way to change an account's role: `users add cat --admin` on an existing account only said
   the name exists. `moneytrail users role NAME ROLE` changes it (a demotion holds at the
   account's next request: sessions and keys are checked against the current role), the
   "exists" error points at it, and `users enable` undoes `users disable`.
2. `users key dan --scope write` gave a reader a write key that was then refused (403): it is
   refused at creation, in one line naming the role command.
3. The `users` commands that write did not say which store they wrote to (without --db or
   MONEYTRAIL_DATABASE_URL: the personal SQLite file): each now ends with a line naming it.
4. A form saved from the session of an account disabled meanwhile was told the session ended
   "after 30 minutes without activity, or by logging out elsewhere": the page now names an
   administrator's disabling (or a password reset) too.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, PASSWORDS, bearer, count, login, make_app, store_url  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from moneytrail.accounts import AccountError, AuthError  # noqa: E402
from moneytrail.errors import ConflictError  # noqa: E402

CLAIM = "stargate_us_announced"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path):
    with store_url(request.param, tmp_path) as url:
        application = make_app(url)
        application.state.url = url
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


def users(app, *args: str, stdin: str = ""):
    """`moneytrail users ARGS --db` the app's store."""
    from moneytrail.cli import app as cli

    return CliRunner().invoke(cli, ["users", *args, "--db", app.state.url], input=stdin)


def edit_form(client, page: str) -> dict[str, str]:
    import html
    import re

    form = re.search(r'<form method="post" action="/ledger/edit/.*?</form>',
                     client.get(page).text, re.S).group(0)
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    return {name: html.unescape(value) for name, value in values.items()}


def note_of(app) -> str:
    return app.state.web.ledger.get("claim", CLAIM)["note"]


# -- 1. users role, the "exists" hint, users enable -----------------------------------------
def test_a_demoted_editors_open_session_and_keys_can_no_longer_write(app):
    eve = login(app, "eve")
    page = f"/ledger/edit/claim/{CLAIM}"
    form = edit_form(eve, page)
    form.update(note="demoted meanwhile", reason="checked the filing")
    demoted = users(app, "role", "eve", "reader")
    assert demoted.exit_code == 0, demoted.output
    assert "'eve' is now a reader (was an editor)" in demoted.stdout
    saved = eve.post(page, data=form, follow_redirects=False)
    assert saved.status_code == 403, saved.text[:300]
    assert note_of(app) != "demoted meanwhile"
    assert eve.get("/api/v1/me").json()["role"] == "reader"          # the session is kept
    api = TestClient(app, base_url=HTTPS).patch(
        f"/api/v1/ledger/claim/{CLAIM}", headers=bearer(app, "eve"),
        json={"fields": {"note": "by key"}, "reason": "r", "expected_revision": 1})
    assert api.status_code == 403, api.text
    # promoted again: the same session saves (a fresh form: the revision it was loaded at)
    assert users(app, "role", "eve", "editor").exit_code == 0
    form = edit_form(eve, page)
    form.update(note="promoted again", reason="checked the filing")
    assert eve.post(page, data=form, follow_redirects=False).status_code == 303
    assert note_of(app) == "promoted again"


def test_users_role_is_checked_and_says_when_nothing_changed(app):
    same = users(app, "role", "eve", "editor")
    assert same.exit_code == 0 and "already an editor: nothing changed" in same.stdout
    bad = users(app, "role", "eve", "owner")
    assert isinstance(bad.exception, AccountError) and bad.exception.field == "role"
    unknown = users(app, "role", "nobody", "admin")
    assert unknown.exception is not None and unknown.exception.exit_code == 4
    assert users(app, "role", "rita", "admin").exit_code == 0
    roles = {row["name"]: row["role"] for row in app.state.accounts.list()}
    assert roles["rita"] == "admin" and roles["eve"] == "editor"


def test_users_add_on_an_existing_name_points_at_the_role_command(app):
    again = users(app, "add", "eve", "--admin", "--password-stdin",
                  stdin="another long passphrase\n")
    assert isinstance(again.exception, ConflictError), again.output
    assert again.exception.exit_code == 5 and again.exception.field == "name"
    assert str(again.exception).endswith(
        "an account with this name exists; to change its role: moneytrail users role eve admin")


def test_users_enable_lets_a_disabled_account_log_in_again(app):
    key = app.state.keys["eve", "write"]
    assert users(app, "disable", "eve").exit_code == 0
    with pytest.raises(AuthError):
        app.state.accounts.login("eve", PASSWORDS["eve"], client="t")
    enabled = users(app, "enable", "eve")
    assert enabled.exit_code == 0, enabled.output
    assert "enabled 'eve'" in enabled.stdout and "moneytrail users key eve" in enabled.stdout
    assert app.state.accounts.login("eve", PASSWORDS["eve"], client="t").who.role == "editor"
    assert app.state.accounts.by_key(key) is None            # revoked keys stay revoked
    again = users(app, "enable", "eve")
    assert again.exit_code == 0 and "not disabled: nothing changed" in again.stdout


# -- 2. no write key for a reader ----------------------------------------------------------
def test_a_write_key_for_a_reader_is_refused_at_creation(app):
    keys = count(app, "api_keys")
    refused = users(app, "key", "rita", "--scope", "write")
    assert isinstance(refused.exception, AccountError), refused.output
    assert str(refused.exception) == ("rita is a reader: a write key needs an editor or admin "
                                      "account (moneytrail users role rita editor)")
    assert refused.stdout == "" and count(app, "api_keys") == keys
    assert users(app, "key", "rita", "--scope", "read").stdout.startswith("mt_")


# -- 3. every users command that writes names its store ------------------------------------
def test_every_users_write_names_its_store(app):
    from moneytrail.ledger.connection import store_name

    name = store_name(app.state.web.ledger.engine)
    kind = "SQLite file" if app.state.url.startswith("sqlite") else "database"
    expected = f"store: the {kind} {name}"
    added = users(app, "add", "cat", "--password-stdin", stdin="an orchard of quiet lemons\n")
    key = users(app, "key", "cat")
    assert added.exit_code == 0, added.output
    outputs = {"add": added.stdout, "key": key.stderr,
               "role": users(app, "role", "cat", "admin").stdout,
               "revoke-key": users(app, "revoke-key", key.stdout.strip()).stdout,
               "reset-password": users(app, "reset-password", "cat").stderr,
               "disable": users(app, "disable", "cat").stdout,
               "enable": users(app, "enable", "cat").stdout}
    for command, output in outputs.items():
        assert output.rstrip().endswith(expected), (command, output)
        assert "default store" not in output, command
    assert key.stdout.strip().startswith("mt_") and "\n" not in key.stdout.strip()


def test_the_store_line_hides_a_password_and_flags_the_default_store(monkeypatch):
    from sqlalchemy import create_engine

    from moneytrail.cli.users import store_line

    monkeypatch.delenv("MONEYTRAIL_DATABASE_URL", raising=False)
    team = SimpleNamespace(engine=create_engine(
        "postgresql+psycopg://it:s3cret@db.example/moneytrail"))
    line = store_line(team, "postgresql+psycopg://it:s3cret@db.example/moneytrail")
    assert line == "store: the database postgresql+psycopg://it:***@db.example/moneytrail"
    personal = SimpleNamespace(engine=create_engine("sqlite:////home/ann/ledger.sqlite"))
    assert store_line(personal, None) == (
        "store: the SQLite file /home/ann/ledger.sqlite (the default store: give --db URL or "
        "set MONEYTRAIL_DATABASE_URL to manage a team's accounts)")
    monkeypatch.setenv("MONEYTRAIL_DATABASE_URL", "sqlite:////home/ann/ledger.sqlite")
    assert store_line(personal, None) == "store: the SQLite file /home/ann/ledger.sqlite"


def test_users_without_db_names_the_default_store(tmp_path, monkeypatch):
    import moneytrail.ledger.location
    from moneytrail.cli import app as cli

    monkeypatch.delenv("MONEYTRAIL_DATABASE_URL", raising=False)
    monkeypatch.setattr(moneytrail.ledger.location, "default_path",
                        lambda: tmp_path / "personal" / "ledger.sqlite")
    added = CliRunner().invoke(cli, ["users", "add", "ann", "--password-stdin"],
                               input="an orchard of quiet lemons\n")
    assert added.exit_code == 0, added.output
    assert f"store: the SQLite file {tmp_path / 'personal' / 'ledger.sqlite'} (the default " \
        "store" in added.stdout


# -- 4. the page of a form saved after the account was disabled ----------------------------
def test_saving_after_the_account_was_disabled_names_that_reason(app):
    eve = login(app, "eve")
    page = f"/ledger/edit/claim/{CLAIM}"
    form = edit_form(eve, page)
    form.update(note="after disabling", reason="checked")
    assert users(app, "disable", "eve").exit_code == 0
    response = eve.post(page, data=form, follow_redirects=False)
    assert response.status_code == 401
    assert "because an administrator disabled your account" in response.text
    assert note_of(app) != "after disabling"
