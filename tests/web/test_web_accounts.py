"""Accounts in the web app and the JSON API (issue 12), on SQLite and on PostgreSQL.

Every test here can fail: each write endpoint is tried by anonymous callers, readers, sessions
without or with a wrong CSRF token and read-scope keys, and the ledger's history must not move;
login cookies, rotation, logout, open redirects, throttling, stored XSS and SQL injection.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from urllib.parse import quote

import pytest

pytest.importorskip("fastapi")
from argon2 import PasswordHasher  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import text  # noqa: E402

from moneytrail.accounts import Accounts  # noqa: E402
from moneytrail.accounts.store import MAX_DELAY  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PG_ENV = "MONEYTRAIL_TEST_POSTGRES_URL"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORDS = {"root": "admin plum orchard rain", "eve": "editor quiet harbour lamp",
             "rita": "reader green tea kettle"}
SOURCE = "l_stargate_2025_01_center"
HTTPS = "https://testserver"
SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def postgres_schema() -> str:
    base = os.environ.get(PG_ENV, "")
    if not base:
        message = f"{PG_ENV} is not set (run `make test`, or scripts/postgres.sh start)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return base


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path_factory):
    """The web app on a fresh store with an admin, an editor and a reader."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('acc') / 'ledger.sqlite'}"
    else:
        from sqlalchemy import create_engine

        base = postgres_schema()
        schema = f"mt_acc_{uuid.uuid4().hex[:12]}"
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'create schema "{schema}"'))
        separator = "&" if "?" in base else "?"
        url = f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    application = create_app(db=url)
    clock = Clock()
    accounts = Accounts(application.state.web.ledger.engine, clock=clock, hasher=FAST)
    application.state.accounts = accounts
    application.state.clock = clock
    # rita's write key is made while she is an editor, then she is made a reader: `new_key`
    # refuses a reader a write key (h207); a demoted account's key may only read
    for name, role in (("root", "admin"), ("eve", "editor"), ("rita", "editor")):
        accounts.add(name, PASSWORDS[name], role=role)
    application.state.keys = {(name, scope): accounts.new_key(name, scope)
                              for name in ("eve", "rita") for scope in ("read", "write")}
    accounts.set_role("rita", "reader")
    yield application
    application.state.web.close()
    if schema:
        with engine.begin() as conn:
            conn.execute(text(f'drop schema "{schema}" cascade'))
        engine.dispose()


@pytest.fixture(autouse=True)
def no_throttle(app):
    """Each test starts without failed-login counters (they are per client address)."""
    with app.state.web.ledger.engine.begin() as conn:
        conn.execute(text("delete from login_throttle"))


def revisions(app) -> int:
    with app.state.web.ledger.engine.connect() as conn:
        return conn.execute(text("select count(*) from revisions")).scalar()


def form_token(html: str, action: str = "/login") -> str:
    """The CSRF token of the page's form posting to `action`."""
    form = re.search(rf'<form method="post" action="{action}".*?</form>', html, re.S).group(0)
    return re.search(r'name="csrf_token" value="([^"]*)"', form).group(1)


def login(app, name: str, base: str = HTTPS, next: str = "/") -> TestClient:
    """A client logged in as `name` (through the login form)."""
    client = TestClient(app, base_url=base)
    token = form_token(client.get("/login").text)
    response = client.post("/login", data={"name": name, "password": PASSWORDS[name],
                                           "csrf_token": token, "next": next},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    client.csrf = form_token(client.get("/account").text, "/logout")
    return client


def session_cookie(client: TestClient) -> str:
    return client.cookies.get("__Host-moneytrail")


# -- login, cookies, logout ----------------------------------------------------------------
def test_session_cookie_flags_over_https(app):
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text)
    response = client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                           "csrf_token": token}, follow_redirects=False)
    cookie = next(c for c in response.headers.get_list("set-cookie")
                  if c.startswith("__Host-moneytrail="))
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "path=/", "samesite=lax"} <= flags
    assert not any(f.startswith("domain") for f in flags)
    value = cookie.split(";")[0].split("=", 1)[1]
    assert len(value) == 22                     # 128 bits, URL-safe base64


def test_plain_http_cookie_is_not_secure_and_not_host_prefixed(app):
    client = login(app, "eve", base="http://testserver")
    assert client.cookies.get("moneytrail") and not session_cookie(client)
    assert client.get("/api/v1/me").json()["account"] == "eve"


def test_login_rotates_the_session_id(app):
    client = login(app, "eve")
    before = session_cookie(client)
    token = form_token(client.get("/login").text)
    client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                "csrf_token": token}, follow_redirects=False)
    after = session_cookie(client)
    assert after and after != before
    stale = TestClient(app, base_url=HTTPS, cookies={"__Host-moneytrail": before})
    assert stale.get("/api/v1/me").json()["account"] is None


def test_login_form_needs_its_csrf_token(app):
    client = TestClient(app, base_url=HTTPS)
    client.get("/login")
    for token in ("", "0" * 64):
        response = client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                               "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 403
        assert not session_cookie(client)
    other = TestClient(app, base_url=HTTPS)        # a token from another browser's form
    stolen = form_token(other.get("/login").text)
    response = client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                           "csrf_token": stolen}, follow_redirects=False)
    assert response.status_code == 403


def test_wrong_password_and_unknown_name_get_the_same_answer(app):
    client = TestClient(app, base_url=HTTPS)
    answers = []
    for name, password in (("eve", "not her password at all"), ("nobody", "whatever it is")):
        token = form_token(client.get("/login").text)
        response = client.post("/login", data={"name": name, "password": password,
                                               "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 401 and not session_cookie(client)
        answers.append(re.search(r'id="error-summary".*?</div>', response.text, re.S).group(0))
        answers.append(re.search(r'id="name-error">.*?</span>', response.text).group(0))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert "wrong name or password" in answers[0].lower()


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "http:evil.example", "/%0d%0aLocation: https://evil.example",
    " //evil.example"])
def test_login_next_never_leaves_the_site(app, target):
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get(f"/login?next={quote(target)}").text)
    response = client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                           "csrf_token": token, "next": target},
                           follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil.example" not in location.split("?")[0] or location.startswith("/%")


def test_login_next_keeps_a_local_path(app):
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text)
    response = client.post("/login", data={"name": "eve", "password": PASSWORDS["eve"],
                                           "csrf_token": token,
                                           "next": "/ledger?region=EU"},
                           follow_redirects=False)
    assert response.headers["location"] == "/ledger?region=EU"


def test_logout_really_ends_the_session(app):
    client = login(app, "eve")
    cookie = session_cookie(client)
    assert client.get("/logout").status_code == 405               # no sensitive GET
    refused = client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False)
    assert refused.status_code == 403
    assert client.get("/api/v1/me").json()["account"] == "eve"
    response = client.post("/logout", data={"csrf_token": client.csrf},
                           follow_redirects=False)
    assert response.status_code == 303
    assert any(c.startswith('__Host-moneytrail=""') and "Max-Age=0" in c
               for c in response.headers.get_list("set-cookie"))
    replay = TestClient(app, base_url=HTTPS, cookies={"__Host-moneytrail": cookie})
    assert replay.get("/api/v1/me").json()["account"] is None
    denied = replay.patch(f"/api/v1/ledger/source/{SOURCE}", headers={
        "X-CSRF-Token": client.csrf}, json={"changes": {"note": "x"}, "reason": "r",
                                              "expected_revision": 1})
    assert denied.status_code == 401


def test_disabling_an_account_ends_its_browser_session(app):
    app.state.accounts.add("temp", "short lived account passphrase", role="editor")
    client = TestClient(app, base_url=HTTPS)
    token = form_token(client.get("/login").text)
    client.post("/login", data={"name": "temp", "password": "short lived account passphrase",
                                "csrf_token": token}, follow_redirects=False)
    assert client.get("/api/v1/me").json()["account"] == "temp"
    app.state.accounts.disable("temp")
    assert client.get("/api/v1/me").json()["account"] is None


def test_idle_session_times_out(app):
    client = login(app, "eve")
    app.state.clock.now += dt.timedelta(minutes=31)
    try:
        assert client.get("/api/v1/me").json()["account"] is None
    finally:
        app.state.clock.now -= dt.timedelta(minutes=31)


def test_brute_force_is_throttled_and_the_right_password_works_later(app):
    client = TestClient(app, base_url=HTTPS)
    statuses = []
    for _ in range(100):
        token = form_token(client.get("/login").text)
        statuses.append(client.post("/login", data={
            "name": "rita", "password": "guess guess guess", "csrf_token": token},
            follow_redirects=False).status_code)
    assert statuses.count(401) == 5 and statuses.count(429) == 95
    token = form_token(client.get("/login").text)
    right = client.post("/login", data={"name": "rita", "password": PASSWORDS["rita"],
                                        "csrf_token": token}, follow_redirects=False)
    assert right.status_code == 429 and int(right.headers["retry-after"]) > 0
    app.state.clock.now += MAX_DELAY
    try:
        token = form_token(client.get("/login").text)
        later = client.post("/login", data={"name": "rita", "password": PASSWORDS["rita"],
                                            "csrf_token": token}, follow_redirects=False)
        assert later.status_code == 303
    finally:
        app.state.clock.now -= MAX_DELAY


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(app):
    """40 wrong passwords for rita from one address: that address is throttled (429, even
    with the right password); rita logging in from another address gets in at once."""
    attacker = TestClient(app, base_url=HTTPS, client=("198.51.100.7", 40000))
    owner = TestClient(app, base_url=HTTPS, client=("203.0.113.5", 40001))

    def attempt(client: TestClient, password: str) -> int:
        token = form_token(client.get("/login").text)
        return client.post("/login", data={"name": "rita", "password": password,
                                           "csrf_token": token},
                           follow_redirects=False).status_code

    statuses = [attempt(attacker, f"guess number {n:02d} x") for n in range(40)]
    assert statuses.count(401) == 5 and statuses.count(429) == 35
    assert attempt(attacker, PASSWORDS["rita"]) == 429
    assert attempt(owner, PASSWORDS["rita"]) == 303
    assert owner.get("/api/v1/me").json()["account"] == "rita"


# -- write endpoints -----------------------------------------------------------------------
def current_revision(app, kind: str, key: str) -> int:
    return int(app.state.web.ledger.get(kind, key)["revision"])


def write_requests(app):
    """(name, method, path, json) of every write endpoint, with a valid body."""
    new_id = f"src_{uuid.uuid4().hex[:8]}"
    return [
        ("add", "post", "/api/v1/ledger/source", {"record": {
            "id": new_id, "publisher": "P", "title": "T", "url": "https://example.org/",
            "published": "2025-01-01", "accessed": "2025-02-01", "reliability": "analyst",
            "note": ""}, "reason": "test"}),
        ("edit", "patch", f"/api/v1/ledger/source/{SOURCE}", {
            "changes": {"note": "changed"}, "reason": "test",
            "expected_revision": current_revision(app, "source", SOURCE)}),
        ("revert", "post", "/api/v1/ledger/revisions/1/revert", {"reason": "test"}),
    ]


CALLERS = ["anonymous", "reader-session", "editor-no-csrf", "editor-wrong-csrf",
           "editor-read-key", "reader-write-key", "garbage-key", "editor-cookie-with-bad-key"]


def caller(app, who: str) -> tuple[TestClient, dict]:
    if who == "anonymous":
        return TestClient(app, base_url=HTTPS), {}
    if who == "reader-session":
        client = login(app, "rita")
        return client, {"X-CSRF-Token": client.csrf}
    if who == "editor-no-csrf":
        return login(app, "eve"), {}
    if who == "editor-wrong-csrf":
        return login(app, "eve"), {"X-CSRF-Token": "x" * 43}
    if who == "editor-read-key":
        return TestClient(app, base_url=HTTPS), {
            "Authorization": f"Bearer {app.state.keys['eve', 'read']}"}
    if who == "reader-write-key":
        return TestClient(app, base_url=HTTPS), {
            "Authorization": f"Bearer {app.state.keys['rita', 'write']}"}
    if who == "garbage-key":
        return TestClient(app, base_url=HTTPS), {"Authorization": "Bearer mt_abc_def"}
    client = login(app, "eve")              # a valid cookie does not rescue a bad key
    return client, {"Authorization": "Bearer nonsense", "X-CSRF-Token": client.csrf}


@pytest.mark.parametrize("who", CALLERS)
def test_every_write_endpoint_refuses_the_wrong_callers(app, who):
    client, headers = caller(app, who)
    for name, method, path, body in write_requests(app):
        before = revisions(app)
        response = getattr(client, method)(path, json=body, headers=headers)
        expected = 401 if who in ("anonymous", "garbage-key", "editor-cookie-with-bad-key") \
            else 403
        assert response.status_code == expected, (name, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert revisions(app) == before, name


def test_a_form_post_without_the_csrf_field_is_refused(app):
    client = login(app, "eve")
    before = revisions(app)
    response = client.post("/api/v1/ledger/revisions/1/revert",
                           data={"reason": "form"}, follow_redirects=False)
    assert response.status_code == 403 and revisions(app) == before


def test_editors_write_with_a_session_and_token_or_a_write_key(app):
    client = login(app, "eve")
    name, method, path, body = write_requests(app)[0]
    response = client.post(path, json=body, headers={"X-CSRF-Token": client.csrf})
    assert response.status_code == 201, response.text
    key = body["record"]["id"]
    history = app.state.web.ledger.history("source", key)
    assert history.iloc[0]["author"] == "eve" and history.iloc[0]["reason"] == "test"
    revision = current_revision(app, "source", key)
    keyed = TestClient(app, base_url=HTTPS)
    edit = keyed.patch(f"/api/v1/ledger/source/{key}", headers={
        "Authorization": f"Bearer {app.state.keys['eve', 'write']}"}, json={
        "changes": {"note": "by script"}, "reason": "script", "expected_revision": revision})
    assert edit.status_code == 200, edit.text
    stale = keyed.patch(f"/api/v1/ledger/source/{key}", headers={
        "Authorization": f"Bearer {app.state.keys['eve', 'write']}"}, json={
        "changes": {"note": "stale"}, "reason": "script", "expected_revision": revision})
    assert stale.status_code == 409
    assert app.state.web.ledger.get("source", key)["note"] == "by script"
    no_reason = keyed.patch(f"/api/v1/ledger/source/{key}", headers={
        "Authorization": f"Bearer {app.state.keys['eve', 'write']}"}, json={
        "changes": {"note": "x"}, "reason": " ", "expected_revision": revision + 1})
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"  # a value
    bad = client.post(path, json={**body, "record": {**body["record"], "id": key + "b",
                                                      "reliability": "gossip"}},
                      headers={"X-CSRF-Token": client.csrf})
    assert bad.status_code == 400 and bad.json()["field"] == "record.reliability"  # CLI's rules


def test_only_admins_revert(app):
    editor = login(app, "eve")
    revision = current_revision(app, "source", SOURCE)
    edit = editor.patch(f"/api/v1/ledger/source/{SOURCE}", headers={
        "X-CSRF-Token": editor.csrf}, json={"changes": {"note": "to be reverted"},
                                            "reason": "test", "expected_revision": revision})
    number = edit.json()["revisions"][0]
    refused = editor.post(f"/api/v1/ledger/revisions/{number}/revert",
                          headers={"X-CSRF-Token": editor.csrf}, json={"reason": "no"})
    assert refused.status_code == 403
    admin = login(app, "root")
    done = admin.post(f"/api/v1/ledger/revisions/{number}/revert",
                      headers={"X-CSRF-Token": admin.csrf}, json={"reason": "wrong figure"})
    assert done.status_code == 200, done.text
    assert app.state.web.ledger.get("source", SOURCE)["note"] != "to be reverted"
    assert app.state.web.ledger.history("source", SOURCE).iloc[0]["author"] == "root"


# -- stored XSS and SQL injection ----------------------------------------------------------
def test_stored_xss_written_through_the_api_is_inert(app):
    client = login(app, "eve")
    key = f"xss_{uuid.uuid4().hex[:8]}"
    response = client.post("/api/v1/ledger/source", headers={"X-CSRF-Token": client.csrf},
                           json={"record": {
                               "id": key, "publisher": f"Evil {IMG}",
                               "title": f"Title {SCRIPT}", "url": "javascript:alert(1)",
                               "published": "2025-01-01", "accessed": "2025-02-01",
                               "reliability": "assumption", "note": f"{SCRIPT} {IMG}"},
                               "reason": "xss test"})
    assert response.status_code == 201, response.text
    html = client.get(f"/sources/{key}").text
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    body = client.get(f"/api/v1/sources/{key}")
    assert body.headers["content-type"].startswith("application/json")
    csv = client.get(f"/api/v1/sources/{key}?format=csv")
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]


LEDGER_FILTERS = ["region", "sector", "year", "kind", "currency"]
PAYLOADS = ["EU' OR '1'='1", "1; DROP TABLE deals; --", "x\" OR 1=1 --",
            "' UNION SELECT password_hash FROM accounts --"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sql_injection_in_filters_changes_nothing(app, payload):
    client = TestClient(app, base_url=HTTPS)
    deals = len(client.get("/api/v1/ledger").json()["deals"])
    before = revisions(app)
    for name in LEDGER_FILTERS:
        response = client.get("/api/v1/ledger", params={name: payload})
        assert 400 <= response.status_code < 500, (name, response.status_code)
        assert "argon2" not in response.text
    for name in ("stage", "currency", "needs"):
        response = client.get("/api/v1/ledger/totals", params={name: payload})
        assert 400 <= response.status_code < 500, (name, response.status_code)
    assert len(client.get("/api/v1/ledger").json()["deals"]) == deals
    assert revisions(app) == before


# -- editing in the browser (forms) ----------------------------------------------------------
CLAIM = "stargate_us_announced"


def edit_form_values(html: str) -> dict[str, str]:
    form = re.search(r'<form method="post" action="/ledger/edit/.*?</form>', html, re.S).group(0)
    values = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
    values.update(re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', form))
    return values


def test_editor_corrects_a_claim_through_the_form_and_history_shows_the_diff(app):
    client = login(app, "eve")
    form = edit_form_values(client.get(f"/ledger/edit/claim/{CLAIM}").text)
    assert form["expected_revision"] == str(current_revision(app, "claim", CLAIM))
    form.update(note="corrected: USD 100 bn immediately, per the press release",
                reason="checked the press release")
    saved = client.post(f"/ledger/edit/claim/{CLAIM}", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == "/ledger/deals/l_stargate_us_2025_01?done=saved"
    record = app.state.web.ledger.get("claim", CLAIM)
    assert record["note"].startswith("corrected:")
    last = app.state.web.ledger.history("claim", CLAIM).iloc[0]
    assert (last["author"], last["reason"]) == ("eve", "checked the press release")
    reader = TestClient(app, base_url=HTTPS)          # anyone sees the change as a diff
    page = reader.get(f"/ledger/history/claim/{CLAIM}").text
    assert "<ins><bdi>corrected: USD 100 bn immediately" in page and "<del>" in page
    assert "Revert revision" not in page


def test_history_reads_numbers_and_times_for_people(app):
    """Revisions showed "central: '125000000000' -> '126000000000'" (Python reprs) on the deal
    page and '2026-12-01T06:06:08' times (tester 9): numbers exact with thousands commas, the
    time to the minute in UTC, one style on both pages."""
    client = login(app, "eve")
    form = edit_form_values(client.get(f"/ledger/edit/claim/{CLAIM}").text)
    old = app.state.web.ledger.get("claim", CLAIM)["central"]
    form.update(low="123456789012", central="123456789012", high="123456789012",
                reason="a number to read")
    assert client.post(f"/ledger/edit/claim/{CLAIM}", data=form,
                       follow_redirects=False).status_code == 303
    reader = TestClient(app, base_url=HTTPS)
    history = reader.get(f"/ledger/history/claim/{CLAIM}").text
    assert "<ins><bdi>123,456,789,012</bdi></ins>" in history
    assert f"<del><bdi>{int(float(old)):,}</bdi></del>" in history
    assert re.search(r"by <bdi>eve</bdi>, \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC</h2>", history)
    deal = reader.get("/ledger/deals/l_stargate_us_2025_01").text
    assert f"central <bdi>{int(float(old)):,}</bdi> → <bdi>123,456,789,012</bdi>" in deal
    assert "&#39;123456789012&#39;" not in deal and "T0" not in re.sub(r"<[^>]+>", "", deal)


def test_a_stale_form_gets_a_conflict_page_and_nothing_is_saved(app):
    first, second = login(app, "eve"), login(app, "root")
    form_a = edit_form_values(first.get(f"/ledger/edit/source/{SOURCE}").text)
    form_b = edit_form_values(second.get(f"/ledger/edit/source/{SOURCE}").text)
    form_b.update(note="the admin's note", reason="admin fix")
    assert second.post(f"/ledger/edit/source/{SOURCE}", data=form_b,
                       follow_redirects=False).status_code == 303
    before = revisions(app)
    form_a.update(note="the editor's note", reason="editor fix")
    conflict = first.post(f"/ledger/edit/source/{SOURCE}", data=form_a)
    assert conflict.status_code == 409
    assert "the admin&#39;s note" in conflict.text and "the editor&#39;s note" in conflict.text
    assert revisions(app) == before
    assert app.state.web.ledger.get("source", SOURCE)["note"] == "the admin's note"
    merged = edit_form_values(conflict.text.replace('action="/ledger/edit/',
                                                    'action="/ledger/edit/', 1))
    assert merged["expected_revision"] == str(current_revision(app, "source", SOURCE))
    merged.update(note="both notes, merged")
    again = first.post(f"/ledger/edit/source/{SOURCE}", data=merged, follow_redirects=False)
    assert again.status_code == 303
    assert app.state.web.ledger.get("source", SOURCE)["note"] == "both notes, merged"


def test_edit_form_refuses_bad_values_and_a_missing_reason(app):
    client = login(app, "eve")
    form = edit_form_values(client.get(f"/ledger/edit/claim/{CLAIM}").text)
    before = revisions(app)
    bad = client.post(f"/ledger/edit/claim/{CLAIM}", data={**form, "stage": "rumoured",
                                                           "reason": "test"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text and "stage" in bad.text
    no_reason = client.post(f"/ledger/edit/claim/{CLAIM}", data={**form, "note": "x",
                                                                 "reason": "  "})
    assert no_reason.status_code == 400
    assert revisions(app) == before


def test_editor_adds_a_source_through_the_form(app):
    client = login(app, "eve")
    html = client.get("/ledger/add/source").text
    token = form_token(html, "/ledger/add/source")
    key = f"form_{uuid.uuid4().hex[:8]}"
    saved = client.post("/ledger/add/source", data={
        "csrf_token": token, "id": key, "publisher": "P", "title": "T",
        "url": "https://example.org/", "published": "2025-01-01", "accessed": "2025-02-01",
        "reliability": "analyst", "note": "", "reason": "new source"},
        follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert app.state.web.ledger.get("source", key)["title"] == "T"


@pytest.mark.parametrize("who", ["anonymous", "reader-session", "editor-no-csrf",
                                 "editor-wrong-csrf", "editor-read-key"])
def test_form_writes_refuse_the_wrong_callers(app, who):
    client, headers = caller(app, who)
    token = "" if who == "editor-no-csrf" else headers.pop("X-CSRF-Token", "")
    form = {"csrf_token": token, "expected_revision": str(current_revision(
        app, "source", SOURCE)), "note": "should not be saved", "reason": "attack"}
    before = revisions(app)
    posts = [(f"/ledger/edit/source/{SOURCE}", form),
             ("/ledger/add/source", {**form, "id": "attack_src"}),
             ("/ledger/revert/1", {"csrf_token": token, "reason": "attack"})]
    for path, data in posts:
        response = client.post(path, data=data, headers=headers, follow_redirects=False)
        assert response.status_code == (401 if who == "anonymous" else 403), path
        assert revisions(app) == before, path


def test_admin_reverts_from_the_history_page(app):
    editor = login(app, "eve")
    form = edit_form_values(editor.get(f"/ledger/edit/source/{SOURCE}").text)
    form.update(title="A wrong title", reason="typo?")
    editor.post(f"/ledger/edit/source/{SOURCE}", data=form, follow_redirects=False)
    number = int(app.state.web.ledger.history("source", SOURCE).iloc[0]["revision"])
    assert "Revert revision" not in editor.get(f"/ledger/history/source/{SOURCE}").text
    admin = login(app, "root")
    page = admin.get(f"/ledger/history/source/{SOURCE}").text
    token = form_token(page, f"/ledger/revert/{number}")
    done = admin.post(f"/ledger/revert/{number}", data={"csrf_token": token,
                                                        "reason": "the title was right"},
                      follow_redirects=False)
    assert done.status_code == 303
    assert app.state.web.ledger.get("source", SOURCE)["title"] != "A wrong title"
    last = app.state.web.ledger.history("source", SOURCE).iloc[0]
    assert last["author"] == "root" and last["action"] == "revert"


def test_form_pages_are_for_editors_only(app):
    assert TestClient(app, base_url=HTTPS).get(
        f"/ledger/edit/source/{SOURCE}").status_code == 401
    assert login(app, "rita").get(f"/ledger/edit/source/{SOURCE}").status_code == 403
    assert login(app, "eve").get("/ledger/edit/fx/2024").status_code == 404


def test_pages_seen_with_a_session_are_not_cached(app):
    client = login(app, "eve")
    assert client.get("/ledger").headers["cache-control"] == "private, no-store"
    assert "no-store" in client.get("/login").headers["cache-control"]


def test_history_values_keep_years_as_written():
    """Only amounts get thousands commas: a year ('horizon_end' 2029, 'price_year' 2025)
    read '2,029' on the history pages (review)."""
    from moneytrail.web.format import ledger_value

    assert ledger_value("2029", "horizon_end") == "2029"
    assert ledger_value("2025", "price_year") == "2025"
    assert ledger_value("126000000000", "central") == "126,000,000,000"
    assert ledger_value("1.5e9", "low") == "1,500,000,000"
    assert ledger_value("", "note") == "(empty)"
