"""Leftovers fixed by h109.

1. A new password breaking several rules (too short, too common, containing the account
   name, too easy to guess) was refused with the first rule only, so it was fixed one rule
   per try: every rule it breaks is now said at once, in one message on its field, wherever
   a password is set (`users add`, the change and reset forms). A throttled change still
   skips the zxcvbn strength check.
2. `moneytrail users add NAME` said the name was taken only after the password had been
   typed (twice): it is checked before the prompt, and again when the account is written.
3. A HEAD request that hit an unhandled error got the 500 page's body (Starlette answers it
   outside the HeadAsGet middleware): it now has no body, its headers kept.
"""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import PASSWORDS, login, reset_form  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from form_checks import invalid_inputs, message_of, parse  # noqa: E402

from moneytrail.accounts import AccountError, check_password  # noqa: E402
from moneytrail.errors import ConflictError  # noqa: E402

SHORT = "at least 12 characters"
COMMON = "too common"
NAMED = "contains the account name"
WEAK = "too easy to guess"


# -- 1. every rule a new password breaks, at once ------------------------------------------
def test_every_broken_rule_is_in_the_one_error():
    with pytest.raises(AccountError) as refused:
        check_password("eve", "eve")           # short, on the common list and the name
    detail = refused.value.detail
    assert refused.value.field == "password" and refused.value.problems == ()
    assert detail.startswith("this password breaks 3 rules: ")
    for rule in (SHORT, COMMON, NAMED):
        assert rule in detail, (rule, detail)
    assert WEAK not in detail                # a common password is not scored as well
    with pytest.raises(AccountError) as refused:
        check_password("tiny", "ada")          # short and weak: zxcvbn's verdict too
    assert SHORT in refused.value.detail and WEAK in refused.value.detail
    with pytest.raises(AccountError) as refused:
        check_password("bobbobbob-2024", "bob")
    assert NAMED in refused.value.detail and WEAK in refused.value.detail


def test_one_broken_rule_keeps_its_own_message():
    for password, message in (
            ("plum orchid", "a password needs at least 12 characters"),
            ("password1234", "this password is too common; choose another (a few unrelated "
                             "words make a good one)"),
            ("ada is my name!", "this password contains the account name; choose another "
                                "(a few unrelated words make a good one)")):
        with pytest.raises(AccountError) as refused:
            check_password(password, "ada")
        assert refused.value.detail == message


def test_the_change_form_shows_every_rule_in_one_message(app):
    eve = login(app, "eve")
    refused = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": "eve", "repeat_password": "eve"})
    assert refused.status_code == 400
    page = parse(refused.text)
    assert invalid_inputs(page) == ["new_password"]
    message = message_of(page, "new_password")          # exactly one message on the field
    assert message.startswith("This password breaks 3 rules")
    for rule in (SHORT, COMMON, NAMED):
        assert rule in message, (rule, message)


def test_the_reset_form_shows_every_rule_in_one_message(app):
    browser, token, csrf = reset_form(app, "eve")
    refused = browser.post("/reset-password", data={
        "token": token, "new_password": "Eve", "repeat_password": "Eve", "csrf_token": csrf})
    assert refused.status_code == 400
    message = message_of(parse(refused.text), "new_password")
    for rule in (SHORT, COMMON, NAMED):
        assert rule in message, (rule, message)


def test_a_throttled_change_lists_every_cheap_rule_and_still_skips_the_score(app,
                                                                             monkeypatch):
    from moneytrail.accounts import store

    scored: list[str] = []
    real = store.strength
    monkeypatch.setattr(store, "strength",
                        lambda password, name="": scored.append(password) or real(password,
                                                                                 name))
    eve = login(app, "eve")
    for i in range(8):
        last = eve.post("/account/password", data={
            "csrf_token": eve.csrf, "current_password": f"wrong guess number {i}",
            "new_password": "a calm new passphrase", "repeat_password": "x"})
    assert last.status_code == 429
    scored.clear()
    throttled = eve.post("/account/password", data={
        "csrf_token": eve.csrf, "current_password": PASSWORDS["eve"],
        "new_password": "eve4", "repeat_password": "eve4"})
    assert throttled.status_code == 429 and scored == []
    message = message_of(parse(throttled.text), "new_password")
    assert SHORT in message and NAMED in message and WEAK not in message


def test_users_add_names_every_rule_the_password_breaks(tmp_path):
    from typer.testing import CliRunner

    from moneytrail.cli import app as cli

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    refused = CliRunner().invoke(cli, ["users", "add", "bob", "--password-stdin", "--db", db],
                                 input="bob\n")
    assert isinstance(refused.exception, AccountError), refused.output
    for rule in (SHORT, COMMON, NAMED):
        assert rule in refused.exception.detail, (rule, refused.exception.detail)


# -- 2. users add: a taken name before the password prompt --------------------------------
def test_users_add_refuses_a_taken_name_before_asking_for_the_password(tmp_path):
    from typer.testing import CliRunner

    from moneytrail.cli import app as cli

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "ada", "--password-stdin", "--db", db],
                          input="her first long passphrase\n")
    assert added.exit_code == 0, added.output
    again = runner.invoke(cli, ["users", "add", " ada ", "--db", db], input="")
    assert isinstance(again.exception, ConflictError), (again.exception, again.output)
    assert again.exception.field == "name" and "Password" not in again.output


def test_users_add_checks_the_name_again_when_writing(tmp_path, monkeypatch):
    """The name taken while the password is typed (another admin, at the same time): the
    write transaction still refuses it, and the account first made is kept."""
    import moneytrail.ledger
    from moneytrail.accounts import Accounts
    from moneytrail.cli import users

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    typed = "a second long passphrase"

    def meanwhile(from_stdin: bool) -> str:
        with moneytrail.ledger.open(db) as ledger:
            Accounts(ledger.engine).add("ada", "the first admin passphrase")
        return typed

    monkeypatch.setattr(users, "read_password", meanwhile)
    from typer.testing import CliRunner

    from moneytrail.cli import app as cli

    raced = CliRunner().invoke(cli, ["users", "add", "ada", "--db", db])
    assert isinstance(raced.exception, ConflictError), (raced.exception, raced.output)
    with moneytrail.ledger.open(db) as ledger:
        accounts = Accounts(ledger.engine)
        assert [row["name"] for row in accounts.list()] == ["ada"]
        accounts.login("ada", "the first admin passphrase", client="test")


# -- 3. HEAD on an unhandled error: no body, the headers kept ------------------------------
async def asgi_head(app, path: str) -> list[dict]:
    """The ASGI messages the app sends for HEAD `path` (TestClient drops a HEAD answer's body
    itself, so it cannot tell whether the app sent one; a server may not)."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "HEAD", "scheme": "http", "path": path, "raw_path": path.encode(),
             "root_path": "", "query_string": b"", "headers": [(b"host", b"127.0.0.1")],
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 80)}
    with pytest.raises(RuntimeError, match="h109 boom"):   # re-raised after the answer
        await app(scope, receive, send)
    return sent


def test_head_of_an_unhandled_error_has_no_body_and_keeps_the_headers(tmp_path):
    from moneytrail.web import create_app

    app = create_app(db=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
                     start_reference_runs=False)

    def boom() -> None:
        raise RuntimeError("h109 boom")

    for path in ("/h109-boom", "/api/v1/h109-boom"):
        app.router.add_api_route(path, boom, methods=["GET"], include_in_schema=False)
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        for path in ("/h109-boom", "/api/v1/h109-boom"):
            get = client.get(path)
            assert get.status_code == 500 and get.content
            sent = client.portal.call(asgi_head, app, path)
            start = sent[0]
            assert start["type"] == "http.response.start" and start["status"] == 500
            body = b"".join(m.get("body", b"") for m in sent[1:]
                            if m["type"] == "http.response.body")
            assert body == b"", (path, body[:80])
            headers = {k.decode(): v.decode() for k, v in start["headers"]}
            for header in ("content-type", "content-length", "content-security-policy",
                           "x-frame-options", "x-content-type-options", "referrer-policy",
                           "cross-origin-opener-policy"):
                assert headers.get(header) == get.headers.get(header), header
            head = client.head(path)
            assert head.status_code == 500 and head.headers["x-frame-options"] == "DENY"
