"""A reviewer's findings (h105) on accounts and short run ids (the compare page's are in
test_web_h101_findings.py).

3. Changing one's password kept the account's API keys, while a completed reset revokes them
   "so a key taken with it does not outlive it": a change now revokes them too, in the same
   transaction, and the success message says so.
4. Wording: `--scope read|write` pasted into a shell pipes into `write`; the reset page's
   "its API keys" read as the password's.
5. A throttled password change still ran the zxcvbn strength check (milliseconds under a
   process-wide lock); it now lists only the cheap rules.
6. Short ids: visibility was checked per id after `limit=20`, so 20 private runs sharing a
   prefix hid a public one; it is now part of the query (RunStore.ids_starting `visible=`).
"""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, PASSWORDS, form_token, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

NEW = "a fresh harbour lamp at dusk"


def change(client, current: str, new: str):
    return client.post("/account/password", data={
        "csrf_token": client.csrf, "current_password": current, "new_password": new,
        "repeat_password": new})


def test_a_password_change_revokes_the_accounts_api_keys(app):
    accounts = app.state.accounts
    eve = login(app, "eve")
    assert accounts.by_key(app.state.keys[("eve", "write")]).name == "eve"
    done = change(eve, PASSWORDS["eve"], NEW)
    assert done.status_code == 200 and done.url.path == "/account", done.text
    said = " ".join(re.sub(r"<[^>]+>", " ", done.text).split())
    assert "your API keys are revoked" in said
    for scope in ("read", "write"):
        assert accounts.by_key(app.state.keys[("eve", scope)]) is None
    assert accounts.by_key(app.state.keys[("mal", "write")]).name == "mal"
    fresh = accounts.new_key("eve", "read")
    assert accounts.by_key(fresh).name == "eve"


def test_a_refused_password_change_keeps_the_keys(app):
    eve = login(app, "eve")
    assert change(eve, "not the password at all", NEW).status_code == 400
    assert app.state.accounts.by_key(app.state.keys[("eve", "read")]).name == "eve"


def test_a_throttled_change_skips_the_strength_check(app, monkeypatch):
    from moneytrail.accounts import store

    scored: list[str] = []
    real = store.strength
    monkeypatch.setattr(store, "strength",
                        lambda password, name="": scored.append(password) or real(password,
                                                                                 name))
    eve = login(app, "eve")
    statuses = [change(eve, f"wrong guess number {i}", NEW).status_code for i in range(8)]
    assert statuses[0] == 400 and statuses[-1] == 429
    assert scored                          # an attempt that is not throttled is scored
    scored.clear()
    throttled = change(eve, PASSWORDS["eve"], "x" * 1024)
    assert throttled.status_code == 429
    assert scored == []
    short = change(eve, PASSWORDS["eve"], "short")
    assert short.status_code == 429 and "at least 12 characters" in short.text
    assert scored == []


def test_ids_starting_applies_visibility_before_its_limit(app):
    from moneytrail.service.runs import RunStore

    engine = app.state.web.ledger.engine
    prefix = "aaaa0000"
    for i in range(21):
        RunStore(engine, private=True).start(
            prefix + f"{i:024x}", kind="trace", label="hidden", inputs={},
            data_version="x", data_hash="x", total=1, status="done")
    public = prefix + "f" * 24
    RunStore(engine).start(public, kind="trace", label="open", inputs={}, data_version="x",
                           data_hash="x", total=1, status="done")
    client = TestClient(app, base_url=HTTPS)
    moved = client.get(f"/r/{prefix}", follow_redirects=False)
    assert moved.status_code == 307 and moved.headers["location"] == f"/r/{public}"


def test_the_reset_page_names_whose_keys_are_revoked(app):
    token = app.state.accounts.issue_reset("eve")
    browser = TestClient(app, base_url=HTTPS)
    csrf = form_token(browser.get(f"/reset-password?token={token}").text, "/reset-password")
    done = browser.post("/reset-password", data={
        "token": token, "new_password": NEW, "repeat_password": NEW, "csrf_token": csrf})
    assert done.status_code == 200
    assert "eve&#39;s API keys are revoked" in done.text or "eve's API keys" in done.text


def test_the_reset_links_api_summary_says_keys_are_revoked(app):
    spec = TestClient(app, base_url=HTTPS).get("/api/v1/openapi.json")
    if spec.status_code == 404:
        spec = TestClient(app, base_url=HTTPS).get("/openapi.json")
    post = spec.json()["paths"]["/api/v1/accounts/{name}/password-reset"]["post"]
    assert "revokes its API keys" in post["summary"]


def test_no_shell_pipe_in_the_key_advice(tmp_path):
    from typer.testing import CliRunner

    from moneytrail.cli import app as cli

    db = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "ada", "--password-stdin", "--db", db],
                          input="her first long passphrase\n")
    assert added.exit_code == 0, added.output
    result = runner.invoke(cli, ["users", "reset-password", "ada", "--db", db])
    said = " ".join(result.output.split())
    assert "read|write" not in said
    assert "moneytrail users key ada --scope read (or --scope write)" in said
    helped = " ".join(runner.invoke(cli, ["users", "reset-password", "--help"]).output.split())
    assert "read|write" not in helped
