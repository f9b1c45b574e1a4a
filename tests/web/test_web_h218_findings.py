"""A security tester's findings (h218) on the web app.

1. Chart images (`/charts/reality.<fmt>?revision=N`, `/r/<id>/chart/<name>.<fmt>`,
   `/compare/chart.<fmt>`) were drawn for anyone, as often as asked (seconds of Chromium
   each): a chart not drawn yet now costs one of the client's run tokens, and one client
   draws one chart at a time (429 with Retry-After otherwise); a drawn chart stays free.
2. With a session cookie and no CSRF token, `POST /build` (action=run) and
   `POST /api/v1/runs` ran under the session: now 403, as every other write of a session.
3. The password-reset link's token stayed in the page's address: the first GET now moves it
   into a short-lived cookie scoped to /reset-password and redirects to an address without it.
4. A Host header with any port was used for links (reset links, redirects).
5. `POST /saved` with a 100,000-character title or saved_id answered 303 with a huge
   Location header: now a 400 naming the field.
"""

from __future__ import annotations

import re
import threading

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, count, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

PLAN_DRAWS = 50
APP_OPTIONS = {"run_limit": (1000, 100)}
EVIL = {"Origin": "https://evil.example"}


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def all_routes(routes) -> list:
    """Every route, looking into included routers (FastAPI may wrap them)."""
    out = []
    for route in routes:
        inner = getattr(route, "original_router", None) or getattr(route, "router", None)
        if getattr(route, "path", None) is None and inner is not None:
            out += all_routes(inner.routes)
        else:
            out.append(route)
    return out


def writes(app) -> list[tuple[str, str]]:
    """(method, path) of every state-changing route of the app."""
    return sorted((method, route.path) for route in all_routes(app.routes)
                  for method in set(getattr(route, "methods", ()) or ())
                  - {"GET", "HEAD", "OPTIONS"})


def stored(app) -> dict[str, int]:
    return {t: count(app, t) for t in (
        "runs", "revisions", "saved_plans", "saved_plan_revisions", "saved_plan_runs",
        "password_resets", "accounts", "api_keys", "sessions")}


# -- 2. every write of a session needs its CSRF token ------------------------------------------
def test_every_state_changing_route_refuses_a_session_without_its_csrf_token(app, plan):
    """Walk every POST, PUT, PATCH and DELETE route with an admin's session cookie (so the
    role is never the reason), a cross-site Origin and no token: each answers 403 and nothing
    is stored, the builder's "Run this plan" and the runs API included (they ran under the
    session). Valid bodies for those two, so only the token is missing."""
    from moneytrail.web import builder

    root = login(app, "root")
    draft = builder.form_rows(plan)
    form = {k: "" if draft[k] is None else str(draft[k]) for k in (
        "id", "title", "year", "currency", "price_year", "buyer_region", "site_country",
        "budget", "draws", "seed", "horizon_years")}
    for i, row in enumerate(draft["spend"]):
        for key in ("category", "low", "central", "high", "source", "reliability"):
            form[f"spend-{i}-{key}"] = "" if row.get(key) is None else str(row[key])
    form["action"] = "run"
    before = stored(app)
    routes = writes(app)
    for method, path in routes:
        concrete = re.sub(r"\{kind\}", "source", path)
        concrete = re.sub(r"\{(number|plan_id)\}", "1", concrete)
        concrete = re.sub(r"\{name\}", "eve", concrete)
        concrete = re.sub(r"\{[^}]+\}", "x", concrete)
        if path == "/build":
            response = root.post(concrete, data=form, headers=EVIL, follow_redirects=False)
        elif path == "/api/v1/runs":
            response = root.post(concrete, json={**plan, "seed": 21801}, headers=EVIL)
        elif path.startswith("/api/"):
            response = root.request(method, concrete, json={}, headers=EVIL)
        else:
            response = root.request(method, concrete, data={"x": "1"}, headers=EVIL,
                                    follow_redirects=False)
        assert response.status_code == 403, (method, path, response.status_code,
                                              response.text[:200])
    assert len(routes) >= 25, routes
    assert stored(app) == before
    # the same two with the token work
    ok = root.post("/api/v1/runs", json={**plan, "seed": 21802},
                   headers={"X-CSRF-Token": root.csrf})
    assert ok.status_code == 202, ok.text
    ok = root.post("/build", data={**form, "seed": "21803", "csrf_token": root.csrf},
                   follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].startswith("/r/"), ok.text


def test_running_stays_open_to_anonymous_callers_keys_and_signed_in_builders(app, plan):
    """No cookie: no token needed (anonymous, a key); a signed-in reader's builder page
    carries the token, so its Run works; a non-ASCII token is a 403, not a 500."""
    anonymous = TestClient(app, base_url=HTTPS)
    assert anonymous.post("/api/v1/runs", json={**plan, "seed": 21804}).status_code == 202
    keyed = anonymous.post("/api/v1/runs", json={**plan, "seed": 21805},
                           headers=bearer(app, "eve"))
    assert keyed.status_code == 202
    rita = login(app, "rita")
    page = rita.get("/build?reference=eu-ai-gigafactories").text
    token = re.search(r'<form method="post" action="/build".*?name="csrf_token" '
                      r'value="([^"]*)"', page, re.S)
    assert token and token.group(1) == rita.csrf
    for path in ("/logout", "/r/x/rerun"):
        wrong = rita.post(path, data={"csrf_token": "\u00e9t\u00e9"}, follow_redirects=False)
        assert wrong.status_code == 403, (path, wrong.status_code)
    assert rita.get("/account").status_code == 200          # still signed in


# -- 1. chart images: a new drawing costs a run token, one at a time per client ---------------
class SlowDrawing:
    """A stand-in for Chromium: counts drawings; with `hold`, each waits until released."""

    def __init__(self, hold: bool = False) -> None:
        self.calls: list[str] = []
        self.started = threading.Event()
        self.release = threading.Event()
        if not hold:
            self.release.set()

    def __call__(self, figure, fmt: str) -> bytes:
        self.calls.append(fmt)
        self.started.set()
        assert self.release.wait(30)
        return b'<svg xmlns="http://www.w3.org/2000/svg"/>' if fmt == "svg" else b"\x89PNG"


@pytest.fixture
def drawing(app, tmp_path):
    from moneytrail.web.charts import ImageCache

    saved = app.state.charts
    yield lambda render: setattr(app.state, "charts", ImageCache(tmp_path / "c", render))
    app.state.charts = saved


@pytest.fixture(scope="module")
def run_id(app, plan) -> str:
    from runs_helpers import wait_done

    client = TestClient(app, base_url=HTTPS)
    rid = client.post("/api/v1/runs", json={**plan, "seed": 21810}).json()["run_id"]
    assert wait_done(client, rid)["status"] == "done"
    return rid


def test_a_new_chart_image_costs_a_run_token_and_a_drawn_one_is_free(app, drawing, run_id):
    """With one token left: the first new image is drawn, the next new ones (another format,
    another ledger revision, a run's chart, the API's address) are 429 with Retry-After and
    are not drawn; the image drawn already is served again without a token."""
    from moneytrail.web.jobs import TokenBucket

    render = SlowDrawing()
    drawing(render)
    client = TestClient(app, base_url=HTTPS)
    limiter, app.state.limiter = app.state.limiter, TokenBucket(1, 1 / 60)
    try:
        first = client.get("/charts/reality.svg")
        refused = [client.get(url) for url in (
            "/charts/reality.png", "/charts/reality.svg?revision=1",
            "/api/v1/charts/reality.png", f"/r/{run_id}/chart/first.svg",
            f"/api/v1/runs/{run_id}/charts/location.png")]
        again = [client.get("/charts/reality.svg"), client.get("/api/v1/charts/reality.svg")]
    finally:
        app.state.limiter = limiter
    assert first.status_code == 200, first.text
    for response in refused:
        assert response.status_code == 429, (response.url, response.status_code)
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert "chart images drawn from your address" in response.text
    assert [r.status_code for r in again] == [200, 200]
    assert again[0].content == first.content
    assert render.calls == ["svg"]


def test_a_client_draws_one_chart_image_at_a_time(app, drawing):
    """While one of a client's images is being drawn, its next new image is a 429 at once
    (not queued behind the first); once the first is done it is drawn."""
    render = SlowDrawing(hold=True)
    drawing(render)
    answers: list = []
    client = TestClient(app, base_url=HTTPS)
    first = threading.Thread(target=lambda: answers.append(client.get("/charts/reality.svg")))
    first.start()
    try:
        assert render.started.wait(30)
        busy = TestClient(app, base_url=HTTPS).get("/charts/reality.png")
    finally:
        render.release.set()
        first.join(30)
    assert busy.status_code == 429, busy.status_code
    assert busy.headers["retry-after"] == "10"
    assert "too many chart images drawn at once" in busy.text
    assert answers[0].status_code == 200
    assert TestClient(app, base_url=HTTPS).get("/charts/reality.png").status_code == 200
    assert render.calls == ["svg", "png"]


# -- 3. the reset link's token leaves the address ---------------------------------------------
NEW_PASSWORD = "a lantern over the quiet harbour"


def test_a_reset_links_token_moves_into_a_cookie_scoped_to_the_reset_page(app):
    """The link's GET answers 303 to /reset-password without the token, keeping the token in
    an HttpOnly, Secure, SameSite cookie for /reset-password only; the page holds no token
    (not in its address, not in its form); its post (no token field) sets the password and
    clears the cookie; the link works once."""
    from accounts_fixtures import form_token

    root = login(app, "root")
    link = root.post("/api/v1/accounts/mal/password-reset", json={"hours": 2},
                     headers={"X-CSRF-Token": root.csrf}).json()["link"]
    token = link.split("token=", 1)[1]
    browser = TestClient(app, base_url=HTTPS)
    moved = browser.get(f"/reset-password?token={token}", follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == "/reset-password"
    assert moved.headers["referrer-policy"] == "no-referrer"
    cookie = moved.headers["set-cookie"]
    assert cookie.startswith(f"__Secure-moneytrail-reset={token};"), cookie
    for part in ("HttpOnly", "Path=/reset-password", "SameSite=lax", "Secure",
                 "Max-Age=1800"):
        assert part in cookie, (part, cookie)
    page = browser.get("/reset-password")
    assert page.status_code == 200 and "mal" in page.text
    assert token not in page.text and 'name="token"' not in page.text
    assert page.headers["cache-control"] == "no-store"
    done = browser.post("/reset-password", data={
        "new_password": NEW_PASSWORD, "repeat_password": NEW_PASSWORD,
        "csrf_token": form_token(page.text, "/reset-password")}, follow_redirects=False)
    assert done.status_code == 200 and "is set" in done.text, done.text
    assert "__Secure-moneytrail-reset=" in done.headers["set-cookie"]
    assert "Max-Age=0" in done.headers["set-cookie"]
    again = browser.get(f"/reset-password?token={token}")
    assert again.status_code == 400 and "unknown, used or expired" in again.text
    assert str(again.url) == HTTPS + "/reset-password"
    # a dead link sets no cookie; over plain HTTP the cookie has no Secure prefix
    dead = browser.get("/reset-password?token=made-up", follow_redirects=False)
    assert dead.status_code == 303 and "Max-Age=0" in dead.headers["set-cookie"]
    link = root.post("/api/v1/accounts/mal/password-reset", json={"hours": 2},
                     headers={"X-CSRF-Token": root.csrf}).json()["link"]
    plain = TestClient(app, base_url="http://testserver").get(
        "/reset-password?token=" + link.split("token=", 1)[1], follow_redirects=False)
    assert plain.headers["set-cookie"].startswith("moneytrail-reset=")
    assert "Secure" not in plain.headers["set-cookie"]


# -- 4. a Host header's port ------------------------------------------------------------------
def test_a_host_header_with_another_port_gets_400(app):
    """`Host: testserver:6666` (an allowed name, a port the server does not listen on) is a
    400 on the reset-link endpoint, a trailing-slash redirect and a page, with no Location;
    no port, the scheme's default port and the server's own port are answered."""
    root = login(app, "root")
    for path in ("/api/v1/accounts/eve/password-reset", "/saved/", "/"):
        method = "POST" if path.startswith("/api/") else "GET"
        response = root.request(method, path, json={"hours": 1} if method == "POST" else None,
                                headers={"X-CSRF-Token": root.csrf, "host": "testserver:6666"},
                                follow_redirects=False)
        assert response.status_code == 400, (path, response.status_code)
        assert response.text == "Invalid host header"
        assert "location" not in response.headers
        assert response.headers["x-frame-options"] == "DENY"
    for host in ("testserver", "testserver:443"):
        link = root.post("/api/v1/accounts/eve/password-reset", json={"hours": 1},
                         headers={"X-CSRF-Token": root.csrf, "host": host})
        assert link.status_code == 201, (host, link.text)
        # the scheme's default port is not written out (h236): both give https://testserver
        assert link.json()["link"].startswith("https://testserver/reset-password?token=")
    plain = TestClient(app, base_url="http://testserver:8000")      # the server's own port
    assert plain.get("/saved/", follow_redirects=False).headers["location"] == \
        "http://testserver:8000/saved"


def test_with_a_public_address_reset_links_use_it_and_its_port_is_answered(tmp_path):
    from accounts_fixtures import make_app

    application = make_app(f"sqlite:///{tmp_path / 'ledger.sqlite'}",
                           public="https://testserver:8443/mt")
    try:
        root = login(application, "root")
        link = root.post("/api/v1/accounts/eve/password-reset", json={"hours": 1},
                         headers={"X-CSRF-Token": root.csrf})
        assert link.json()["link"].startswith("https://testserver:8443/mt/reset-password?")
        public = root.get("/api/v1/me", headers={"host": "testserver:8443"})
        assert public.status_code == 200
        assert root.get("/api/v1/me", headers={"host": "testserver:6666"}).status_code == 400
    finally:
        application.state.jobs.shutdown()
        application.state.web.close()


# -- 5. overlong fields of the builder's Save, and long redirects -------------------------------
@pytest.mark.parametrize("field", ["title", "saved_id", "saved_revision", "description"])
def test_an_overlong_save_field_is_a_400_naming_it(app, plan, field):
    """A 100,000-character title or saved_id (valid session and token) was a 303 with a
    134 KB Location: now a 400 naming the field, nothing saved, no Location."""
    from moneytrail.web import builder

    eve = login(app, "eve")
    rows = builder.form_rows(plan)
    form = {k: "" if rows[k] is None else str(rows[k]) for k in (
        "id", "title", "year", "currency", "price_year", "buyer_region", "site_country",
        "budget", "draws", "seed", "horizon_years")}
    before = stored(app)
    response = eve.post("/saved", data={**form, field: "7" * 100_000, "action": "save",
                                        "csrf_token": eve.csrf}, follow_redirects=False)
    assert response.status_code == 400, (field, response.status_code)
    assert "location" not in response.headers
    assert field in response.text and "at most" in response.text
    assert len(response.content) < 50_000
    assert stored(app) == {**before, "sessions": stored(app)["sessions"]}


def test_no_redirect_built_from_a_form_is_longer_than_an_address_can_be(app):
    """The builder's Check with a 40,000-character description (the draft carries it): a
    400 naming the field instead of a redirect no server would read."""
    from moneytrail.web.query import MAX_LOCATION

    client = TestClient(app, base_url=HTTPS)
    form = {"title": "A plan", "budget": "20 bn", "spend-0-category": "accelerators",
            "spend-0-central": "50 %", "description": "n" * 40_000, "action": "check"}
    response = client.post("/build", data=form, follow_redirects=False)
    assert response.status_code == 400, (response.status_code,
                                         len(response.headers.get("location", "")))
    assert "description" in response.text and f"{MAX_LOCATION:,}" in response.text
    short = client.post("/build", data={**form, "description": "short"},
                        follow_redirects=False)
    assert short.status_code == 303 and len(short.headers["location"]) < MAX_LOCATION
