"""A security tester's findings (h58): private JSON cacheable, the Host header used unchecked
in links and redirects, a lost edit when the session ended while the form was open, and
single-click delete and purge of saved plans."""

from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, form_token, login, make_app  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def create(app, plan, owner="eve", visibility="private", title="Private gigafactory") -> dict:
    response = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, owner),
        json={"title": title, "description": "not for caches", "visibility": visibility,
              "plan": plan})
    assert response.status_code == 201, response.text
    return response.json()


# -- 3: responses that depend on who is signed in are never stored ---------------------------
def test_a_private_plans_json_is_not_cacheable(app, plan):
    pid = create(app, plan)["id"]
    eve = login(app, "eve")
    for path in (f"/api/v1/saved-plans/{pid}", "/api/v1/saved-plans",
                 f"/api/v1/saved-plans/{pid}/revisions", "/api/v1/me"):
        for response in (eve.get(path),
                         TestClient(app, base_url=HTTPS).get(path, headers=bearer(app, "eve"))):
            assert response.status_code == 200, (path, response.text)
            assert response.headers.get("cache-control") == "private, no-store", path
    # anonymous public data keeps its own caching rules (nothing forced)
    assert "private" not in TestClient(app, base_url=HTTPS).get(
        "/api/v1/plans").headers.get("cache-control", "")


# -- 4: the Host header is checked --------------------------------------------------------------
def test_a_foreign_host_gets_400_and_links_use_an_allowed_host(tmp_path, monkeypatch):
    """The tester's finding: `Host: attacker.test` on `/saved/` redirected to
    http://attacker.test/saved, and share links, citations and reset links used it too."""
    monkeypatch.setenv("MONEYTRAIL_ALLOWED_HOSTS", "mt.example.org, *.mt.example.org")
    application = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    try:
        root = login_at(application, "https://mt.example.org", "root")
        evil = TestClient(application, base_url="https://mt.example.org")
        for host in ("attacker.test", "mt.example.org.attacker.test", "testserver"):
            for path in ("/saved/", "/", "/api/v1/ledger", "/login"):
                response = evil.get(path, headers={"host": host}, follow_redirects=False)
                assert response.status_code == 400, (host, path, response.status_code)
                assert "attacker" not in response.headers.get("location", "")
                assert response.headers["x-frame-options"] == "DENY"      # headers kept
        moved = evil.get("/saved/", follow_redirects=False)
        assert moved.status_code in (307, 308) and moved.headers["location"] == \
            "https://mt.example.org/saved"
        sub = TestClient(application, base_url="https://eu.mt.example.org")
        assert sub.get("/api/v1/ledger").json()["meta"]["url"].startswith(
            "https://eu.mt.example.org/")
        link = root.post("/api/v1/accounts/eve/password-reset", json={"hours": 1},
                         headers={"X-CSRF-Token": root.csrf}).json()["link"]
        assert link.startswith("https://mt.example.org/reset-password?token=")
        forged = root.post("/api/v1/accounts/eve/password-reset", json={"hours": 1},
                           headers={"X-CSRF-Token": root.csrf, "host": "attacker.test"})
        assert forged.status_code == 400 and "attacker" not in forged.text
    finally:
        application.state.jobs.shutdown()
        application.state.web.close()


def login_at(app, base: str, name: str):
    from accounts_fixtures import PASSWORDS

    client = TestClient(app, base_url=base)
    token = form_token(client.get("/login").text, "/login")
    assert client.post("/login", data={"name": name, "password": PASSWORDS[name],
                                       "csrf_token": token},
                       follow_redirects=False).status_code == 303
    client.csrf = form_token(client.get("/account").text, "/logout")
    return client


@pytest.mark.parametrize("bad", ["*", "example.org:8000", "https://example.org",
                                 "example.org/path", "exa mple.org"])
def test_bad_allowed_hosts_are_refused_in_one_line(bad):
    from moneytrail.errors import MoneytrailError
    from moneytrail.web.app import allowed_hosts

    assert allowed_hosts("") == ["localhost", "127.0.0.1", "[::1]"]       # the default
    with pytest.raises(MoneytrailError, match="allowed host") as exc:
        allowed_hosts(f"example.org,{bad}")
    assert exc.value.field == "--allowed-host"
    assert allowed_hosts(["Example.ORG, ::1", "10.0.0.5"]) == ["example.org", "[::1]",
                                                                 "10.0.0.5"]


def test_serve_answers_to_loopback_names_and_its_own_address_by_default(monkeypatch):
    from moneytrail.web.server import server_hosts

    monkeypatch.delenv("MONEYTRAIL_ALLOWED_HOSTS", raising=False)
    loopback = ["localhost", "127.0.0.1", "[::1]"]
    assert server_hosts("127.0.0.1", ()) == loopback
    assert server_hosts("0.0.0.0", ()) == loopback
    assert server_hosts("192.168.1.5", ()) == [*loopback, "192.168.1.5"]
    assert server_hosts("0.0.0.0", ["mt.example.org"]) == ["mt.example.org"]
    monkeypatch.setenv("MONEYTRAIL_ALLOWED_HOSTS", "mt.example.org,10.0.0.5")
    assert server_hosts("0.0.0.0", ()) == ["mt.example.org", "10.0.0.5"]


def test_serve_refuses_a_wildcard_allowed_host_in_one_line(tmp_path):
    import os
    import subprocess
    import sys

    from typer.testing import CliRunner

    from moneytrail.cli import app as cli

    assert "--allowed-host" in CliRunner().invoke(cli, ["serve", "--help"]).output
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path),
           "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    done = subprocess.run([sys.executable, "-m", "moneytrail", "serve", "--port", "1",
                           "--allowed-host", "*"], capture_output=True, text=True, env=env,
                          timeout=120)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2 and len(lines) == 1 and "--allowed-host" in lines[0], lines


def test_serve_prints_an_address_it_answers_to_and_names_the_variable(monkeypatch):
    """Reviewer D: `serve --host 127.0.0.1 --allowed-host mt.example.org` printed
    http://127.0.0.1:8000/, which then answered 400; a '*' in MONEYTRAIL_ALLOWED_HOSTS was
    blamed on --allowed-host, an option never given."""
    import pytest

    from moneytrail.errors import MoneytrailError
    from moneytrail.web.server import open_url, server_hosts

    names = server_hosts("127.0.0.1", ["mt.example.org"])
    assert names == ["mt.example.org"]
    assert open_url("127.0.0.1", 8000, names).startswith("http://mt.example.org:8000/ ")
    assert "400" in open_url("127.0.0.1", 8000, names)
    assert open_url("127.0.0.1", 8000, server_hosts("127.0.0.1", [])) == \
        "http://127.0.0.1:8000/"
    monkeypatch.setenv("MONEYTRAIL_ALLOWED_HOSTS", "*")
    with pytest.raises(MoneytrailError) as caught:
        server_hosts("127.0.0.1", [])
    assert caught.value.field == "MONEYTRAIL_ALLOWED_HOSTS"
    with pytest.raises(MoneytrailError) as caught:
        server_hosts("127.0.0.1", ["*"])
    assert caught.value.field == "--allowed-host"


# -- 5: a form saved after the session ended keeps what was typed --------------------------------
CLAIM = "stargate_us_announced"


def edit_form_values(html: str) -> dict[str, str]:
    import re

    form = re.search(r'<form method="post" action="/ledger/edit/.*?</form>', html, re.S).group(0)
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    return values


@pytest.mark.parametrize("how", ["idle", "logout"])
def test_saving_after_the_session_ended_shows_what_was_typed_and_a_login_link(app, how):
    """The tester's finding: Save after an idle timeout (or a logout in another tab) showed a
    bare 401 ("Log in (or send an API key)…") without the typed note or a login link."""
    import datetime as dt
    import html
    import re

    eve = login(app, "eve")
    page = f"/ledger/edit/claim/{CLAIM}"
    form = edit_form_values(eve.get(page).text)
    note = 'checked <b>again</b> & "quoted": USD 100 bn'
    form.update(note=note, reason="press release of 21 January")
    if how == "idle":
        app.state.clock.now += dt.timedelta(minutes=31)
    else:
        other = eve.post("/logout", data={"csrf_token": eve.csrf}, follow_redirects=False)
        assert other.status_code == 303
    try:
        response = eve.post(page, data=form, headers={"referer": HTTPS + page},
                            follow_redirects=False)
    finally:
        if how == "idle":
            app.state.clock.now -= dt.timedelta(minutes=31)
    assert response.status_code == 401
    assert response.headers["cache-control"] == "no-store"
    body = response.text
    assert 'href="/login?next=/ledger/edit/claim/' + CLAIM + '"' in body.replace("%2F", "/")
    typed = [html.unescape(t) for t in re.findall(r"<textarea[^>]*readonly[^>]*>([^<]*)<", body)]
    assert note in typed and "<b>again</b>" not in body                   # escaped
    assert "press release of 21 January" in body and "readonly" in body
    assert form["csrf_token"] not in body                                 # no secret shown
    assert app.state.web.ledger.get("claim", CLAIM)["note"] != note       # nothing saved
    # Back (the form page again, without a session): a way to log in and come back
    back = TestClient(app, base_url=HTTPS).get(page)
    assert back.status_code == 401
    assert f'href="/login?next={page}"' in back.text.replace("%2F", "/")


def test_a_password_form_after_the_session_ended_shows_no_password(app):
    eve = login(app, "eve")
    csrf = eve.csrf
    eve.post("/logout", data={"csrf_token": csrf})
    response = eve.post("/account/password", data={
        "csrf_token": csrf, "current_password": "the old secret phrase",
        "new_password": "the new secret phrase", "repeat_password": "the new secret phrase"})
    assert response.status_code == 401 and "/login?next=" in response.text
    assert "secret phrase" not in response.text and csrf not in response.text


def test_a_mangled_revision_on_delete_or_purge_is_refused_not_skipped(app, plan):
    """Reviewer D: expected_revision=abc (or 13 digits) skipped the stale-revision check and
    deleted the plan; the edit form refuses such a revision with 400."""
    pid = create(app, plan, title="Mangled revision")["id"]
    eve = login(app, "eve")
    for bad in ("abc", "9999999999999", "²"):
        done = eve.post(f"/saved/{pid}/delete", data={"csrf_token": eve.csrf, "confirm": "yes",
                                                      "expected_revision": bad},
                        follow_redirects=False)
        assert done.status_code == 400, (bad, done.status_code)
        assert eve.get(f"/api/v1/saved-plans/{pid}").status_code == 200        # still there
    assert eve.post(f"/saved/{pid}/delete", data={"csrf_token": eve.csrf, "confirm": "yes",
                                                  "expected_revision": "1"},
                    follow_redirects=False).status_code == 303
    done = eve.post(f"/saved/{pid}/purge", data={"csrf_token": eve.csrf, "confirm": "yes",
                                                 "expected_revision": "x"},
                    follow_redirects=False)
    assert done.status_code == 400
    assert not eve.get(f"/api/v1/saved-plans/{pid}/trail").json()["purged"]


def test_price_year_takes_ascii_digits_only(app):
    """Reviewer D: ?price_year=٢٠٢٠ (Arabic-Indic) or ２０２０ (full width) priced as 2020,
    while `--price-year` refuses them."""
    from fastapi.testclient import TestClient

    client = TestClient(app, base_url=HTTPS)
    for bad in ("\u0662\u0660\u0662\u0660", "\uff12\uff10\uff12\uff10"):
        got = client.get("/api/v1/ledger", params={"price_year": bad})
        assert got.status_code == 400 and got.json()["field"] == "price_year", got.text
    assert client.get("/api/v1/ledger", params={"price_year": "2024"}).status_code == 200


# -- 5: delete and purge ask first ---------------------------------------------------------------
def test_delete_and_purge_of_a_saved_plan_ask_for_confirmation(app, plan):
    """The tester's finding: "Delete this plan" and "Purge" were one-click posts. Now the
    first post shows a confirmation page (no JavaScript needed) and changes nothing; only a
    post with confirm=yes deletes or purges."""
    saved = create(app, plan, title="Plan to remove")
    pid = saved["id"]
    eve = login(app, "eve")
    asked = eve.post(f"/saved/{pid}/delete", data={"csrf_token": eve.csrf,
                                                   "expected_revision": "1"},
                     follow_redirects=False)
    assert asked.status_code == 200 and "Plan to remove" in asked.text
    assert eve.get(f"/api/v1/saved-plans/{pid}").status_code == 200        # still there
    confirm = form_token(asked.text, f"/saved/{pid}/delete")
    assert 'name="confirm" value="yes"' in asked.text
    done = eve.post(f"/saved/{pid}/delete", data={"csrf_token": confirm, "confirm": "yes",
                                                  "expected_revision": "1"},
                    follow_redirects=False)
    assert done.status_code == 303 and eve.get(f"/saved/{pid}").status_code == 404
    asked = eve.post(f"/saved/{pid}/purge", data={"csrf_token": eve.csrf,
                                                  "expected_revision": "2"},
                     follow_redirects=False)
    assert asked.status_code == 200 and "Plan to remove" in asked.text \
        and "cannot be undone" in asked.text
    trail = eve.get(f"/api/v1/saved-plans/{pid}/trail").json()
    assert not trail["purged"]
    done = eve.post(f"/saved/{pid}/purge", data={"csrf_token": eve.csrf, "confirm": "yes",
                                                 "expected_revision": "2"},
                    follow_redirects=False)
    assert done.status_code == 303
    assert eve.get(f"/api/v1/saved-plans/{pid}/trail").json()["purged"]
    # the pages' buttons lead to the confirmation; another account still gets 404
    mal = login(app, "mal")
    other = create(app, plan, title="Not mal's")["id"]
    assert mal.post(f"/saved/{other}/delete", data={"csrf_token": mal.csrf},
                    follow_redirects=False).status_code == 404
