"""A tester's findings on a team's PostgreSQL store (h92), checked on SQLite and PostgreSQL.

A NUL or another control character in an address (a record key, an account name, a filter)
is a 400 naming the parameter on both stores, before any look-up (PostgreSQL cannot take a
NUL in text: it was a 500 there); a login name with one is a 400 naming `name`; a value the
database refuses (sqlalchemy DataError) is a 400, never a 500. A password read from stdin
with a Windows line ending works at the web login; a password with a control character is
refused. A refused revert is worded without the command line's --force, and the history page
says that revision numbers may skip after a failed write.
"""

from __future__ import annotations

import io

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, form_token, login, make_app, store_url  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.accounts import AccountError, check_password  # noqa: E402

CONTROL = "contains the control character U+0000; remove it"


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path_factory):
    with store_url(request.param, tmp_path_factory.mktemp("h92")) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()
        application.state.web.close()


def anonymous(app) -> TestClient:
    return TestClient(app, base_url=HTTPS, raise_server_exceptions=False)


@pytest.mark.parametrize(("path", "field"), [
    ("/api/v1/ledger/record/claim/%00", "key"),
    ("/api/v1/ledger/record/source/a%00b", "key"),
    ("/ledger/history/claim/x%00y", "key"),
    ("/ledger/deals/%00", "deal"),
    ("/api/v1/sources/a%00", "source"),
    ("/api/v1/ledger?region=E%00U", "region"),
    ("/ledger?sector=%1b", "sector"),
])
def test_a_control_character_in_an_address_is_a_400_naming_it(app, path, field):
    response = anonymous(app).get(path)
    assert response.status_code == 400, response.text
    if path.startswith("/api/"):
        body = response.json()
        assert body["field"] == field
        assert body["detail"] in (CONTROL, CONTROL.replace("U+0000", "U+001B"))
    else:
        assert "control character" in response.text and field in response.text


def test_signed_in_writes_with_a_nul_in_the_address_are_a_400(app):
    editor = login(app, "eve")
    assert editor.get("/ledger/edit/deal/%00").status_code == 400
    patch = TestClient(app, base_url=HTTPS).patch(
        "/api/v1/ledger/claim/%00", headers=bearer(app, "eve"),
        json={"changes": {"note": "x"}, "reason": "r", "expected_revision": 1})
    assert patch.status_code == 400 and patch.json()["field"] == "key", patch.text
    admin = login(app, "root")
    reset = admin.post("/api/v1/accounts/%00/password-reset", json={"hours": 2},
                       headers={"X-CSRF-Token": admin.csrf})
    assert reset.status_code == 400 and reset.json()["field"] == "name", reset.text
    assert reset.json()["detail"] == CONTROL


def test_a_login_name_with_a_nul_is_a_400_naming_the_name(app):
    client = anonymous(app)
    token = form_token(client.get("/login").text, "/login")
    response = client.post("/login", data={"name": "a\x00b", "password": "whatever",
                                           "csrf_token": token})
    assert response.status_code == 400, response.text
    assert "U+0000" in response.text and "name" in response.text


def test_a_value_the_database_refuses_is_a_400_not_a_500(app):
    """The last guard: a DataError that slipped past the checks (here raised by a route)."""
    from sqlalchemy.exc import DataError

    def refuse() -> None:
        raise DataError("select 1", {}, Exception("text fields cannot contain NUL (0x00) "
                                                  "bytes\nDETAIL: more"))

    if not any(getattr(r, "path", "") == "/api/v1/h92-refuse" for r in app.routes):
        app.add_api_route("/api/v1/h92-refuse", refuse)
    response = anonymous(app).get("/api/v1/h92-refuse")
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert "cannot contain NUL" in detail and "\n" not in detail and "DETAIL" not in detail


def test_a_password_piped_with_a_windows_line_ending_works_at_the_web_login(
        app, monkeypatch, capsys):
    from moneytrail.cli import main

    password = "crlf harbour violin 42"
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\r\n"))
    with pytest.raises(SystemExit) as done:
        main(["users", "add", "winnie", "--editor", "--password-stdin", "--db",
              str(app.state.web.ledger.url)])
    assert done.value.code == 0, capsys.readouterr().err
    login(app, "winnie", password)          # a 303: signed in with the password as typed


@pytest.mark.parametrize("char", ["\r", "\n", "\t", "\x00", "\x1b", "\x85"])
def test_a_password_with_a_control_character_is_refused(char):
    with pytest.raises(AccountError) as refused:
        check_password(f"quiet harbour{char}lamp violin", "ada")
    assert refused.value.field == "password"
    assert f"U+{ord(char):04X}" in refused.value.detail
    assert char not in str(refused.value)


def test_the_command_line_refuses_a_password_with_a_control_character(app, monkeypatch,
                                                                      capsys):
    from moneytrail.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("quiet harbour\tlamp violin\n"))
    with pytest.raises(SystemExit) as done:
        main(["users", "add", "tabby", "--editor", "--password-stdin", "--db",
              str(app.state.web.ledger.url)])
    err = " ".join(capsys.readouterr().err.split())
    assert done.value.code == 2 and "U+0009" in err and "password" in err


def test_a_refused_revert_on_the_web_does_not_offer_force(app):
    ledger = app.state.web.ledger
    claim = ledger.records("claim")[0]
    first = ledger.edit("claim", claim["ref"], {"note": "first"}, author="eve",
                        reason="r").revisions[0]
    ledger.edit("claim", claim["ref"], {"note": "second"}, author="mal", reason="r")
    admin = login(app, "root")
    refused = admin.post(f"/api/v1/ledger/revisions/{first}/revert",
                         headers={"X-CSRF-Token": admin.csrf}, json={"reason": "undo"})
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail.endswith("revert the later revisions first") and "--force" not in detail
    page = admin.get(f"/ledger/history/claim/{claim['ref']}").text
    token = form_token(page, f"/ledger/revert/{first}")
    form = admin.post(f"/ledger/revert/{first}", data={"csrf_token": token, "reason": "undo"})
    assert form.status_code == 409 and "--force" not in form.text
    assert "revert the later revisions first" in form.text


def test_the_history_page_says_numbers_may_skip_and_nothing_is_deleted(app):
    claim = app.state.web.ledger.records("claim")[0]
    page = anonymous(app).get(f"/ledger/history/claim/{claim['ref']}").text
    assert "A number may be missing after a write that failed or was cancelled" in page
    assert "no revision is ever deleted" in page


def test_passwords_of_the_fixture_still_pass_the_rule():
    from accounts_fixtures import PASSWORDS

    for name, password in PASSWORDS.items():
        check_password(password, name)
