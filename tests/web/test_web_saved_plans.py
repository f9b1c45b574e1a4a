"""Saved plans (issue 12) on SQLite and PostgreSQL: saving from the builder and the JSON API,
revisions and conflicts, and the object-level checks: another account can neither read nor
change a private plan by guessing its id (pages and API), nor change a public one; every write
needs an editor and a CSRF token; titles and descriptions with XSS payloads stay inert.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import (  # noqa: E402
    HTTPS,
    bearer,
    count,
    form_token,
    login,
    make_app,
    store_url,
)
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402

from moneytrail.report import units  # noqa: E402

REFERENCE = "eu-ai-gigafactories"
SCRIPT = "<script>alert('xss')</script>"
IMG = '<img src=x onerror="alert(1)">'
JS_LINK = '<a href="javascript:alert(2)">click</a>'
PAYLOAD = f"{SCRIPT} {IMG} {JS_LINK} javascript:alert(3)"


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def app(request, tmp_path_factory):
    with store_url(request.param, tmp_path_factory.mktemp("saved")) as url:
        application = make_app(url)
        yield application
        application.state.jobs.shutdown()        # no run outlives its store
        application.state.web.close()


def create(app, plan, owner="eve", visibility="private", title="Lean gigafactory",
           description="EUR 20 bn, chips first") -> dict:
    response = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, owner),
        json={"title": title, "description": description, "visibility": visibility,
              "plan": plan})
    assert response.status_code == 201, response.text
    return response.json()


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k.lower(): v or "" for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def assert_inert(body: str) -> None:
    """As a browser parses the page: no element carries an event-handler attribute or a
    javascript: address, and no script holds the payload (its text may appear escaped)."""
    parser = Elements()
    parser.feed(body)
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), \
                (tag, attrs)
        if tag == "script" and attrs.get("type", "") != "application/json":
            assert attrs.get("src", "").startswith("/static/"), attrs     # no inline code
    assert not any("alert" in script for script in parser.scripts)


# -- object-level checks ----------------------------------------------------------------------
def test_private_plan_is_not_found_for_anyone_else_through_pages_and_api(app, plan):
    saved = create(app, plan)
    pid = saved["id"]
    eve = login(app, "eve")
    assert eve.get(f"/saved/{pid}").status_code == 200
    assert eve.get(f"/api/v1/saved-plans/{pid}").json()["title"] == "Lean gigafactory"
    mal = login(app, "mal")
    anonymous = TestClient(app, base_url=HTTPS)
    for client, headers in ((mal, {}), (anonymous, {}),
                            (anonymous, bearer(app, "mal", "read")),
                            (anonymous, bearer(app, "rita", "read"))):
        for path in (f"/saved/{pid}", f"/api/v1/saved-plans/{pid}",
                     f"/api/v1/saved-plans/{pid}/revisions", f"/api/v1/saved-plans/{pid}/runs",
                     f"/saved/{pid}/edit"):
            response = client.get(path, headers=headers)
            assert response.status_code in (401, 403, 404), (path, response.status_code)
            assert "Lean gigafactory" not in response.text
        listed = client.get("/api/v1/saved-plans", headers=headers).json()["plans"]
        assert pid not in [p["id"] for p in listed]
        assert "Lean gigafactory" not in client.get("/saved", headers=headers).text


def test_another_editor_cannot_change_or_delete_a_private_plan(app, plan):
    saved = create(app, plan)
    pid = saved["id"]
    before = (count(app, "saved_plan_revisions"), count(app, "saved_plan_runs"))
    api = TestClient(app, base_url=HTTPS)
    key = bearer(app, "mal")
    assert api.patch(f"/api/v1/saved-plans/{pid}", headers=key, json={
        "expected_revision": 1, "title": "mine now", "visibility": "public"}).status_code == 404
    assert api.delete(f"/api/v1/saved-plans/{pid}", headers=key).status_code == 404
    assert api.post(f"/api/v1/saved-plans/{pid}/runs", headers=key).status_code == 404
    mal = login(app, "mal")
    for path, data in ((f"/saved/{pid}/edit", {"expected_revision": "1", "title": "mine",
                                               "description": "", "visibility": "public"}),
                       (f"/saved/{pid}/delete", {"expected_revision": "1"}),
                       (f"/saved/{pid}/run", {})):
        response = mal.post(path, data={**data, "csrf_token": mal.csrf},
                            follow_redirects=False)
        assert response.status_code == 404, (path, response.status_code)
    # the builder's save button naming someone else's plan
    response = mal.post("/saved", data={**builder_form(plan), "csrf_token": mal.csrf,
                                        "saved_id": str(pid), "saved_revision": "1"},
                        follow_redirects=False)
    assert response.status_code == 404
    assert (count(app, "saved_plan_revisions"), count(app, "saved_plan_runs")) == before
    current = login(app, "eve").get(f"/api/v1/saved-plans/{pid}").json()
    assert (current["title"], current["visibility"], current["revision"]) == \
        ("Lean gigafactory", "private", 1)


def test_guessing_ids_reveals_nothing_private(app, plan):
    mine = create(app, plan, owner="mal", title="mal's own")
    theirs = [create(app, plan, title=f"eve secret {i}")["id"] for i in range(3)]
    public = create(app, plan, visibility="public", title="eve public")["id"]
    mal = login(app, "mal")
    top = max(theirs + [public, mine["id"]])
    seen = {}
    for pid in range(1, top + 3):
        response = mal.get(f"/api/v1/saved-plans/{pid}")
        if response.status_code == 200:
            seen[pid] = response.json()["title"]
        else:
            assert response.status_code == 404
            assert response.json()["detail"].startswith("no saved plan with this id")
    assert not set(theirs) & set(seen)
    assert seen[public] == "eve public" and seen[mine["id"]] == "mal's own"
    for bad in ("0", "-1", "1 or 1=1", "1;drop table saved_plans", "99999999999999"):
        assert mal.get(f"/api/v1/saved-plans/{bad}").status_code == 404
    assert count(app, "saved_plans") >= 5


def test_public_plan_is_readable_but_only_its_owner_changes_it(app, plan):
    pid = create(app, plan, visibility="public", title="Open plan")["id"]
    anonymous = TestClient(app, base_url=HTTPS)
    page = anonymous.get(f"/saved/{pid}")
    assert page.status_code == 200 and "Open plan" in page.text
    assert f'action="/saved/{pid}/delete"' not in page.text       # no owner controls
    assert "Public plan by" in page.text and "Not run yet" in page.text
    mal = login(app, "mal")
    assert f'action="/saved/{pid}/delete"' not in mal.get(f"/saved/{pid}").text
    key = bearer(app, "mal")
    assert anonymous.patch(f"/api/v1/saved-plans/{pid}", headers=key, json={
        "expected_revision": 1, "title": "taken"}).status_code == 403
    assert anonymous.delete(f"/api/v1/saved-plans/{pid}", headers=key).status_code == 403
    assert mal.post(f"/saved/{pid}/delete", data={"csrf_token": mal.csrf},
                    follow_redirects=False).status_code == 403
    assert anonymous.get(f"/api/v1/saved-plans/{pid}").json()["revision"] == 1


# -- who may write ----------------------------------------------------------------------------
def test_every_write_refuses_anonymous_readers_read_keys_and_missing_csrf(app, plan):
    pid = create(app, plan)["id"]
    before = (count(app, "saved_plans"), count(app, "saved_plan_revisions"))
    body = {"title": "x", "plan": plan}
    api = TestClient(app, base_url=HTTPS)
    for headers, status in (({}, 401), (bearer(app, "eve", "read"), 403),
                            (bearer(app, "rita", "write"), 403),
                            ({"Authorization": "Bearer mt_nope_nope"}, 401)):
        assert api.post("/api/v1/saved-plans", headers=headers, json=body).status_code == status
        assert api.patch(f"/api/v1/saved-plans/{pid}", headers=headers, json={
            "expected_revision": 1, "title": "y"}).status_code == status
        assert api.delete(f"/api/v1/saved-plans/{pid}", headers=headers).status_code == status
        assert api.post(f"/api/v1/saved-plans/{pid}/runs",
                        headers=headers).status_code == status
    eve = login(app, "eve")
    rita = login(app, "rita")
    for client, token, status in ((eve, None, 403), (eve, "wrong", 403),
                                  (rita, rita.csrf, 403)):
        extra = {} if token is None else {"csrf_token": token}
        for path, data in (("/saved", builder_form(plan)),
                           (f"/saved/{pid}/edit", {"expected_revision": "1", "title": "z"}),
                           (f"/saved/{pid}/delete", {}), (f"/saved/{pid}/run", {})):
            response = client.post(path, data={**data, **extra}, follow_redirects=False)
            assert response.status_code == status, (path, response.status_code)
        # the JSON API with the session cookie but no X-CSRF-Token header
        assert client.post("/api/v1/saved-plans", json=body).status_code == 403
    assert (count(app, "saved_plans"), count(app, "saved_plan_revisions")) == before


def test_no_change_on_get(app, plan):
    pid = create(app, plan)["id"]
    eve = login(app, "eve")
    for path in (f"/saved/{pid}/delete", f"/saved/{pid}/run"):
        assert eve.get(path).status_code in (404, 405)
    assert eve.get(f"/api/v1/saved-plans/{pid}").json()["revision"] == 1
    assert eve.get(f"/api/v1/saved-plans/{pid}/runs").json()["runs"] == []


# -- saving, revisions, conflicts, delete -----------------------------------------------------
def builder_form(plan: dict, **extra: str) -> dict[str, str]:
    """The builder's form fields for `plan` (as the browser posts them)."""
    from moneytrail.web import builder

    rows = builder.form_rows(plan)
    form = {k: "" if rows[k] is None else str(rows[k]) for k in (
        "id", "title", "description", "year", "currency", "price_year", "buyer_region",
        "site_country", "budget", "budget_source", "budget_note", "draws", "seed",
        "horizon_years")}
    for i, row in enumerate(rows["spend"]):
        for key in ("category", "low", "central", "high", "source", "reliability", "note"):
            value = row.get(key)
            form[f"spend-{i}-{key}"] = "" if value is None else str(value)
    return {**form, **extra}


def test_builder_save_creates_then_revises_a_plan(app, plan):
    eve = login(app, "eve")
    page = eve.get(f"/build?reference={REFERENCE}")
    assert "Save this plan" in page.text and 'formaction="/saved"' in page.text
    assert "Save this plan" not in login(app, "rita").get("/build").text
    token = form_token(page.text, "/build")
    assert token == eve.csrf
    form = builder_form(plan, title="From the builder", visibility="public", action="save")
    response = eve.post("/saved", data={**form, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/saved/")
    pid = int(response.headers["location"].removesuffix("?done=saved").rsplit("/", 1)[1])
    saved = eve.get(f"/api/v1/saved-plans/{pid}").json()
    assert (saved["title"], saved["visibility"], saved["revision"]) == \
        ("From the builder", "public", 1)
    assert saved["plan"]["spend"]["accelerators"]["central"] == 0.39
    # edit in the builder: the page links there with the revision, and saving revises it
    page = eve.get(f"/saved/{pid}")
    link = html.unescape(re.search(r'href="(/build\?plan=[^"]*&amp;saved=[^"]*)"',
                                   page.text).group(1))
    builder_page = eve.get(link)
    assert f'name="saved_id" value="{pid}"' in builder_page.text
    form = builder_form(plan, title="From the builder, v2", action="save",
                        saved_id=str(pid), saved_revision="1")
    form["budget"] = "15000000000"
    response = eve.post("/saved", data={**form, "csrf_token": eve.csrf},
                        follow_redirects=False)
    assert response.status_code == 303
    saved = eve.get(f"/api/v1/saved-plans/{pid}").json()
    assert saved["revision"] == 2 and saved["plan"]["budget"]["amount"] == 15_000_000_000
    # a stale save from the builder: conflict page, nothing saved
    form["title"] = "stale"
    response = eve.post("/saved", data={**form, "csrf_token": eve.csrf},
                        follow_redirects=False)
    assert response.status_code == 409 and "changed while you edited it" in response.text
    assert eve.get(f"/api/v1/saved-plans/{pid}").json()["title"] == "From the builder, v2"
    # "Check" in the builder keeps the link to the saved plan and its revision
    checked = eve.post("/build", data={**form, "action": "check", "saved_revision": "2",
                                       "csrf_token": eve.csrf}, follow_redirects=False)
    assert checked.status_code == 303
    assert f"&saved={pid}&rev=2" in checked.headers["location"]
    assert f'name="saved_id" value="{pid}"' in eve.get(checked.headers["location"]).text
    revisions = eve.get(f"/api/v1/saved-plans/{pid}/revisions").json()["revisions"]
    assert [r["title"] for r in revisions] == ["From the builder", "From the builder, v2"]
    assert revisions[0]["plan"]["budget"]["amount"] == 20_000_000_000      # kept


def test_builder_save_of_an_invalid_plan_saves_nothing(app, plan):
    eve = login(app, "eve")
    before = count(app, "saved_plans")
    form = builder_form(plan, action="save")
    form["spend-0-central"] = "7"             # shares no longer add up to 1
    response = eve.post("/saved", data={**form, "csrf_token": eve.csrf},
                        follow_redirects=False)
    assert response.status_code == 303 and "check=1" in response.headers["location"]
    assert count(app, "saved_plans") == before
    response = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": "bad", "plan": {**plan, "currency": "XXX"}})
    assert 400 <= response.status_code < 500 and response.json()["field"]
    assert count(app, "saved_plans") == before


def test_edit_visibility_conflict_and_delete_keep_every_revision(app, plan):
    pid = create(app, plan)["id"]
    eve = login(app, "eve")
    page = eve.get(f"/saved/{pid}/edit").text
    token = form_token(page, f"/saved/{pid}/edit")
    response = eve.post(f"/saved/{pid}/edit", data={
        "csrf_token": token, "expected_revision": "1", "title": "Renamed",
        "description": "new words", "visibility": "private"}, follow_redirects=False)
    assert response.status_code == 303
    # the page's one-click visibility button
    page = eve.get(f"/saved/{pid}").text
    assert "Make public" in page
    response = eve.post(f"/saved/{pid}/edit", data={
        "csrf_token": eve.csrf, "expected_revision": "2", "visibility": "public"},
        follow_redirects=False)
    assert response.status_code == 303
    assert TestClient(app, base_url=HTTPS).get(f"/saved/{pid}").status_code == 200
    # stale form: 409 with both versions, nothing changed
    response = eve.post(f"/saved/{pid}/edit", data={
        "csrf_token": eve.csrf, "expected_revision": "1", "title": "Stale title",
        "description": "", "visibility": "private"})
    assert response.status_code == 409 and "Stale title" in response.text \
        and "Renamed" in response.text
    stale = eve.patch(f"/api/v1/saved-plans/{pid}", headers={"X-CSRF-Token": eve.csrf},
                      json={"expected_revision": 2, "visibility": "private"})
    assert stale.status_code == 409
    # bad field: one clear message, nothing changed
    bad = eve.patch(f"/api/v1/saved-plans/{pid}", headers={"X-CSRF-Token": eve.csrf},
                    json={"expected_revision": 3, "visibility": "secret"})
    assert bad.status_code in (400, 422) and bad.json()["field"] == "visibility"
    saved = eve.get(f"/api/v1/saved-plans/{pid}").json()
    assert (saved["title"], saved["visibility"], saved["revision"]) == ("Renamed", "public", 3)
    response = eve.post(f"/saved/{pid}/delete", data={"csrf_token": eve.csrf,
                                                      "expected_revision": "3",
                                                      "confirm": "yes"},
                        follow_redirects=False)
    assert response.status_code == 303
    assert eve.get(f"/saved/{pid}").status_code == 404
    assert eve.get(f"/api/v1/saved-plans/{pid}").status_code == 404
    with app.state.web.ledger.engine.connect() as conn:
        from sqlalchemy import text

        actions = conn.execute(text(
            "select action from saved_plan_revisions where plan_id = :p order by number"),
            {"p": pid}).scalars().all()
    assert actions == ["create", "edit", "make public", "delete"]


def test_xss_payloads_in_title_and_description_stay_inert_everywhere(app, plan):
    malicious = {**plan, "title": f"Plan {SCRIPT}", "description": PAYLOAD}
    pid = create(app, malicious, visibility="public", title=f"Plan {SCRIPT} {IMG}",
                 description=PAYLOAD)["id"]
    eve = login(app, "eve")
    response = eve.post(f"/api/v1/saved-plans/{pid}/runs", headers={"X-CSRF-Token": eve.csrf})
    assert response.status_code == 202
    rid = response.json()["run_id"]
    assert wait_done(eve, rid)["status"] == "done"
    anonymous = TestClient(app, base_url=HTTPS)
    pages = [anonymous.get(p) for p in (f"/saved/{pid}", "/saved", f"/r/{rid}")]
    pages += [eve.get(f"/saved/{pid}/edit"), eve.get("/saved")]
    for page in pages:
        assert page.status_code == 200
        assert_inert(page.text)
    assert html.escape(SCRIPT, quote=False) in pages[0].text or \
        "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in pages[0].text
    assert rid[:8] in pages[0].text                     # the public page lists the run
    # downloads: JSON is served as JSON (never HTML), the report escapes the plan's text
    for path in (f"/api/v1/saved-plans/{pid}", f"/api/v1/saved-plans/{pid}/revisions",
                 "/api/v1/saved-plans"):
        response = anonymous.get(path)
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["x-content-type-options"] == "nosniff"
    assert anonymous.get(f"/api/v1/saved-plans/{pid}").json()["description"] == PAYLOAD
    report = anonymous.get(f"/r/{rid}/report.html")
    assert report.status_code == 200
    assert "Plan &lt;script&gt;" in report.text         # the title is there, as text
    assert_inert(report.text)
    plan_yaml = anonymous.get(f"/api/v1/runs/{rid}/plan.yaml")
    assert plan_yaml.headers["content-type"].startswith("application/yaml")
    assert "attachment" in plan_yaml.headers["content-disposition"]


def test_owner_reruns_and_the_public_page_lists_runs(app, plan):
    pid = create(app, plan, visibility="public", title="Runs listed")["id"]
    eve = login(app, "eve")
    response = eve.post(f"/saved/{pid}/run", data={"csrf_token": eve.csrf},
                        follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/r/")
    rid = response.headers["location"][3:]
    runs = TestClient(app, base_url=HTTPS).get(f"/api/v1/saved-plans/{pid}/runs").json()
    assert [r["run_id"] for r in runs["runs"]] == [rid] and runs["runs"][0]["revision"] == 1
    # the same plan again gives the same run (content-addressed), listed once
    eve.post(f"/saved/{pid}/run", data={"csrf_token": eve.csrf}, follow_redirects=False)
    assert len(eve.get(f"/api/v1/saved-plans/{pid}/runs").json()["runs"]) == 1
    assert urlencode({"x": rid})        # a plain hex id


CONDITIONS = [{"metric": "value_added_share", "group": "us_big_tech", "max": 0.3},
              {"metric": "eu_value_added_share", "min": 0.5},
              {"metric": "hhi_change", "max": 200, "label": "No big rise in concentration"}]


def condition_cells(body: str) -> list[str]:
    """The conditions in words of a run page's conditions table (first cell of each row)."""
    table = body.split('id="conditions-caption"', 1)[1].split("</table>", 1)[0]
    return [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r'<th scope="row"[^>]*>(.*?)</th>', table, re.S)]


def test_a_saved_plans_page_shows_its_conditions_as_the_run_page_words_them(app, plan):
    """/saved/<id> lists the plan's policy conditions (it showed none), in the words of the
    conditions table of its run's page; a plan without conditions says it sets none."""
    with_conditions = {**plan, "conditions": CONDITIONS}
    pid = create(app, with_conditions, visibility="public", title="With conditions")["id"]
    anonymous = TestClient(app, base_url=HTTPS)
    page = anonymous.get(f"/saved/{pid}").text
    section = page.split('id="conditions-h"', 1)[1].split("<h2", 1)[0]
    listed = [html.unescape(item) for item in
              re.findall(r"<li>(.*?)</li>", section.split('class="plan-conditions"', 1)[1])]
    assert len(listed) == 3 and listed[2] == "No big rise in concentration"
    assert listed[1] == "EU value added share at least 50 %", listed
    eve = login(app, "eve")
    response = eve.post(f"/saved/{pid}/run", data={"csrf_token": eve.csrf},
                        follow_redirects=False)
    rid = response.headers["location"][3:]
    assert wait_done(anonymous, rid)["status"] == "done"
    assert listed == condition_cells(anonymous.get(f"/r/{rid}").text)
    bare = create(app, plan, visibility="public", title="No conditions")["id"]
    assert "This plan sets no conditions." in anonymous.get(f"/saved/{bare}").text


def test_a_plans_low_and_high_are_labelled_as_the_90_percent_interval_they_are(app, plan):
    """A spend share's low and high are a 90 % interval in the data model
    (docs/data-format.md; engine.sampling fits them as the 5th and 95th percentiles), as the
    briefing's Table 1 says: the saved plan's and the reference plan's pages called them a
    'Range (low–high)' and 'Share (low – high)', the builder 'a low and high end'."""
    pid = create(app, plan, visibility="public", title="Labelled")["id"]
    client = TestClient(app, base_url=HTTPS)
    assert '<th scope="col" class="num">90 % interval (low–high)</th>' in \
        client.get(f"/saved/{pid}").text
    assert "Share (90 % interval: low – high)" in client.get(f"/plans/{REFERENCE}").text
    assert "read as a 90 % interval (the 5th and 95th percentiles of the draws)" in \
        client.get("/build").text


# routes anyone may post to: logging in and out, the reset form (its token is the credential),
# and starting runs (computations that change no record; rate-limited per client): the builder,
# the runs API and "run again on current data" of an outdated run page
ANONYMOUS_POSTS = {"/login", "/logout", "/reset-password", "/build", "/api/v1/runs",
                   "/r/{run}/rerun"}


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


def test_every_state_changing_route_refuses_anonymous_callers(app):
    """Walk the app's routes: every POST, PATCH, PUT or DELETE outside ANONYMOUS_POSTS answers
    an anonymous caller with 401 or 403 and changes nothing (a new write route without a guard
    fails here)."""
    before = {t: count(app, t) for t in ("revisions", "saved_plans", "saved_plan_revisions",
                                         "password_resets", "accounts", "api_keys",
                                         "account_events")}
    client = TestClient(app, base_url=HTTPS)
    checked = []
    for route in all_routes(app.routes):
        methods = set(getattr(route, "methods", ()) or ()) - {"GET", "HEAD", "OPTIONS"}
        path = getattr(route, "path", "")
        if not methods or path in ANONYMOUS_POSTS:
            continue
        concrete = re.sub(r"\{(kind)\}", "source", path)
        concrete = re.sub(r"\{(number|plan_id)\}", "1", concrete)
        concrete = re.sub(r"\{[^}]+\}", "x", concrete)
        for method in methods:
            response = client.request(method, concrete, json={}, data=None)
            assert response.status_code in (401, 403), (method, path, response.status_code)
            checked.append((method, path))
    assert len(checked) >= 12, checked
    assert {t: count(app, t) for t in before} == before


def test_odd_digits_in_ids_and_revisions_are_4xx(app, plan):
    """'²' passes str.isdigit but not int(): found by the OpenAPI fuzz test."""
    pid = create(app, plan)["id"]
    eve = login(app, "eve")
    for bad in ("²", "١", "1²"):
        assert eve.get(f"/api/v1/saved-plans/{bad}").status_code == 404
        assert eve.get(f"/saved/{bad}").status_code == 404
        response = eve.post(f"/saved/{pid}/edit", data={
            "csrf_token": eve.csrf, "expected_revision": bad, "title": "x"})
        assert response.status_code == 400
        response = eve.post("/ledger/edit/claim/stargate_us_announced", data={
            "csrf_token": eve.csrf, "expected_revision": bad, "reason": "r"})
        assert response.status_code == 400
    assert eve.get(f"/api/v1/saved-plans/{pid}").json()["revision"] == 1


def revision_rows(app, pid: int) -> list[tuple]:
    from sqlalchemy import text

    with app.state.web.ledger.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "select number, action, author_id, title, description, plan from "
            "saved_plan_revisions where plan_id = :p order by number"), {"p": pid})]


def test_owner_purges_a_deleted_plan_and_the_audit_trail_stays(app, plan):
    """A purge erases title, description and plan (in the plan and every revision) of a
    deleted plan and keeps the tombstone: id, owner, every revision's number, author, action
    and time, the runs, and a last revision 'purge' (one transaction; SQLite and PostgreSQL)."""
    secret = "Project Nightingale, EUR 3 bn"
    saved = create(app, plan, title=secret, description="do not keep this")
    pid = saved["id"]
    eve = login(app, "eve")
    edited = eve.patch(f"/api/v1/saved-plans/{pid}", headers={"X-CSRF-Token": eve.csrf},
                       json={"expected_revision": 1, "description": "still secret"})
    assert edited.status_code == 200
    with app.state.web.ledger.engine.begin() as conn:       # a run started from it
        from sqlalchemy import text

        conn.execute(text("insert into saved_plan_runs (plan_id, run_id, revision, "
                          "created_at) values (:p, 'abc123', 2, :t)"),
                     {"p": pid, "t": app.state.clock.now})
    headers = {"X-CSRF-Token": eve.csrf}
    # a live plan cannot be purged: delete it first
    live = eve.post(f"/api/v1/saved-plans/{pid}/purge", headers=headers)
    assert live.status_code == 409 and "delete it first" in live.json()["detail"]
    before = eve.get(f"/api/v1/saved-plans/{pid}/trail").json()
    assert eve.delete(f"/api/v1/saved-plans/{pid}?expected_revision=2",
                      headers=headers).status_code == 204
    # the owner's /saved page lists it with a Purge button; the form purges it
    page = eve.get("/saved").text
    assert "Your deleted plans" in page and secret in page
    token = form_token(page, f"/saved/{pid}/purge")
    # others: not found (another editor, a reader); nothing changes
    mal, rita = login(app, "mal"), login(app, "rita")
    assert mal.post(f"/api/v1/saved-plans/{pid}/purge",
                    headers={"X-CSRF-Token": mal.csrf}).status_code == 404
    assert mal.get(f"/api/v1/saved-plans/{pid}/trail").status_code == 404
    assert rita.post(f"/api/v1/saved-plans/{pid}/purge",
                     headers={"X-CSRF-Token": rita.csrf}).status_code == 403
    assert secret not in mal.get("/saved").text
    assert len(revision_rows(app, pid)) == 3
    # a stale revision is refused
    stale = eve.post(f"/saved/{pid}/purge", data={"csrf_token": token, "confirm": "yes",
                                                  "expected_revision": "2"})
    assert stale.status_code == 409
    response = eve.post(f"/saved/{pid}/purge", data={"csrf_token": token, "confirm": "yes",
                                                     "expected_revision": "3"},
                        follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/saved"
    rows = revision_rows(app, pid)
    eve_id = rows[0][2]
    assert [(n, action, author) for n, action, author, *_ in rows] == [
        (1, "create", eve_id), (2, "edit", eve_id), (3, "delete", eve_id),
        (4, "purge", eve_id)]
    assert {content for *_, title, description, plan_text in rows
            for content in (title, description, plan_text)} == {"(purged)", "", "{}"}
    from sqlalchemy import text

    with app.state.web.ledger.engine.connect() as conn:
        stored = conn.execute(text("select title, description, plan, deleted, owner_id from "
                                   "saved_plans where id = :p"), {"p": pid}).one()
        everything = " ".join(str(v) for table in ("saved_plans", "saved_plan_revisions")
                              for row in conn.execute(text(f"select * from {table}"))
                              for v in row)
    assert tuple(stored) == ("(purged)", "", "{}", True, eve_id)
    assert secret not in everything and "still secret" not in everything
    trail = eve.get(f"/api/v1/saved-plans/{pid}/trail").json()
    assert trail["purged"] and trail["deleted"] and trail["owner"] == "eve"
    assert trail["revisions"][:2] == before["revisions"]        # history unchanged
    assert [r["action"] for r in trail["revisions"]] == ["create", "edit", "delete", "purge"]
    assert trail["runs"] == before["runs"] and trail["runs"][0]["run_id"] == "abc123"
    assert secret not in str(trail)
    assert f"/saved/{pid}/purge" not in eve.get("/saved").text
    assert eve.get(f"/api/v1/saved-plans/{pid}").status_code == 404
    again = eve.post(f"/api/v1/saved-plans/{pid}/purge", headers=headers)
    assert again.status_code == 404 and "purged already" in again.json()["detail"]


def test_an_admin_purges_any_deleted_plan_without_seeing_it(app, plan):
    pid = create(app, plan, owner="mal", title="Mal's private draft")["id"]
    mal = login(app, "mal")
    assert mal.delete(f"/api/v1/saved-plans/{pid}",
                      headers={"X-CSRF-Token": mal.csrf}).status_code == 204
    root = login(app, "root")
    assert root.get(f"/api/v1/saved-plans/{pid}").status_code == 404     # content stays hidden
    trail = root.post(f"/api/v1/saved-plans/{pid}/purge",
                      headers={"X-CSRF-Token": root.csrf})
    assert trail.status_code == 200, trail.text
    body = trail.json()
    assert body["owner"] == "mal" and body["purged"]
    assert [(r["action"], r["author"]) for r in body["revisions"]] == [
        ("create", "mal"), ("delete", "mal"), ("purge", "root")]
    assert "draft" not in str(body)


def test_runs_of_a_private_plan_are_not_found_for_anyone_else(app, plan):
    """A run started from a private saved plan is as private as the plan (docs/security.md):
    for anyone but the owner, admins included, its page, downloads, charts, embeds, report,
    comparison and claim checks are 404 with the same message as an unknown id, and the
    /claims run list (page and JSON) leaves it out; the owner sees it everywhere (never kept
    by shared caches). Made public, it is public; made private again, hidden again."""
    from moneytrail.web.claims_runs import checkable_claims

    secret = "Confidential fab, do not share"
    pid = create(app, {**plan, "title": secret, "seed": 9173}, title=secret)["id"]
    eve = login(app, "eve")
    response = eve.post(f"/api/v1/saved-plans/{pid}/runs", headers={"X-CSRF-Token": eve.csrf})
    assert response.status_code == 202, response.text
    rid = response.json()["run_id"]
    assert wait_done(eve, rid)["status"] == "done"
    claim = checkable_claims()[0]["id"]
    paths = [f"/r/{rid}", f"/api/v1/runs/{rid}", f"/api/v1/runs/{rid}?format=csv",
             f"/api/v1/runs/{rid}?table=headline", f"/api/v1/runs/{rid}/plan.yaml",
             f"/r/{rid}/report.html", f"/r/{rid}/report.pdf", f"/r/{rid}/chart/first.svg",
             f"/api/v1/runs/{rid}/charts/first.png", f"/embed/r/{rid}/first",
             f"/compare?runs={rid},{rid}", f"/api/v1/compare?runs={rid},{rid}",
             f"/compare/report.html?runs={rid},{rid}", f"/compare/chart.svg?runs={rid},{rid}",
             f"/claims/{claim}/check?run={rid}", f"/api/v1/claims/{claim}/check?run={rid}"]
    anonymous = TestClient(app, base_url=HTTPS)
    unknown = anonymous.get(f"/api/v1/runs/{'0' * 32}").json()
    others = [(login(app, "mal"), {}), (login(app, "root"), {}), (anonymous, {}),
              (anonymous, bearer(app, "rita", "read"))]
    for client, headers in others:
        for path in paths:
            got = client.get(path, headers=headers)
            assert got.status_code == 404, (path, got.status_code)
            assert secret not in got.text, path
        refused = client.get(f"/api/v1/runs/{rid}", headers=headers).json()
        assert refused["detail"] == unknown["detail"]          # same as an unknown id
        assert rid not in client.get("/claims", headers=headers).text
        assert rid not in client.get("/api/v1/claims", headers=headers).text
        assert secret not in client.get("/claims", headers=headers).text
        assert client.post(f"/r/{rid}/rerun", headers=headers).status_code in (403, 404)
    # the owner sees the run everywhere, and shared caches are told not to keep it
    for path in (f"/r/{rid}", f"/api/v1/runs/{rid}", f"/r/{rid}/chart/first.svg"):
        got = eve.get(path)
        assert got.status_code == 200, path
        assert got.headers["cache-control"] == "private, no-store", path
    listing = eve.get("/claims").text
    assert rid in listing and secret in listing
    # nothing is preselected in the run list: the visitor chooses a run
    select = listing[listing.index('name="run"'):]
    select = select[:select.index("</select>")]
    assert '<option value="" selected disabled>' in select
    assert select.count("selected") == 1
    # public: everyone sees it (and its claims list entry); private again: hidden again
    saved = eve.get(f"/api/v1/saved-plans/{pid}").json()
    token = {"X-CSRF-Token": eve.csrf}
    made = eve.patch(f"/api/v1/saved-plans/{pid}", headers=token,
                     json={"expected_revision": saved["revision"], "visibility": "public"})
    assert made.status_code == 200, made.text
    assert anonymous.get(f"/r/{rid}").status_code == 200
    assert rid in anonymous.get("/claims").text
    made = eve.patch(f"/api/v1/saved-plans/{pid}", headers=token,
                     json={"expected_revision": made.json()["revision"],
                           "visibility": "private"})
    assert made.status_code == 200, made.text
    assert anonymous.get(f"/r/{rid}").status_code == 404
    # a rerun of the private run (newer code or data) is recorded on the plan: private too
    from sqlalchemy import text

    from moneytrail.accounts.plans import SavedPlans, run_visible

    engine = app.state.web.ledger.engine
    rerun = "f" * 32
    assert not run_visible(engine, rerun, None)     # neither opened nor linked: hidden
    with engine.connect() as conn:
        eve_id = conn.execute(text("select id from accounts where name = 'eve'")).scalar()
    assert SavedPlans(engine).add_rerun(rid, actor=eve_id, run_id=rerun) == 1
    assert not run_visible(engine, rerun, None) and run_visible(engine, rerun, eve_id)


def account_id(app, name: str) -> int:
    from sqlalchemy import text

    with app.state.web.ledger.engine.connect() as conn:
        return int(conn.execute(text("select id from accounts where name = :n"),
                                {"n": name}).scalar_one())


def test_the_same_content_computed_outside_a_private_plan_is_visible_to_whoever_computed_it(
        app, plan):
    """A run id is a content hash: an anonymous builder run (and the JSON API, and the CLI
    writing to the same store) of exactly a private plan's content gets the stored run, and
    must see it (200, not 404). A run made only from a private plan stays 404 for others."""
    from moneytrail.accounts.plans import run_visible
    from moneytrail.service import tasks
    from moneytrail.service.runs import RunStore
    from moneytrail.web.jobs import run_request

    eve = login(app, "eve")
    token_of = {"X-CSRF-Token": eve.csrf}
    anonymous = TestClient(app, base_url=HTTPS)
    mal = login(app, "mal")
    from moneytrail.web import builder

    form = builder_form({**plan, "seed": 9301}, action="run")
    drafted = builder.plan_from_form(form, {})          # what the builder would save
    contents = {9301: drafted, 9302: {**plan, "seed": 9302}, 9303: {**plan, "seed": 9303}}
    rids = {}
    for seed, content in contents.items():
        # a saved plan's title and description are its plan's (accounts.plans.with_text):
        # saved under the content's own, its run is the content's run
        pid = create(app, content, title=content["title"],
                     description=content.get("description", ""))["id"]
        started = eve.post(f"/api/v1/saved-plans/{pid}/runs", headers=token_of)
        assert started.status_code == 202, started.text
        rids[seed] = started.json()["run_id"]
        assert wait_done(eve, rids[seed])["status"] == "done"
        assert anonymous.get(f"/r/{rids[seed]}").status_code == 404
    # 9301: an anonymous visitor runs the same plan in the builder -> the same run, shown
    ran = anonymous.post("/build", data=form, follow_redirects=False)
    assert ran.status_code == 303, ran.text
    assert ran.headers["location"] == f"/r/{rids[9301]}"
    for client in (anonymous, mal):
        assert client.get(f"/r/{rids[9301]}").status_code == 200
        assert client.get(f"/api/v1/runs/{rids[9301]}").status_code == 200
    shown = anonymous.get(f"/r/{rids[9301]}")
    assert "no-store" not in shown.headers.get("cache-control", "")
    # 9302: the same through the JSON API (anonymous), then 9303 as the CLI does (the
    # service's trace with the ledger's run store)
    posted = anonymous.post("/api/v1/runs", json={**plan, "seed": 9302})
    assert posted.status_code == 200, posted.text        # stored already: done
    assert posted.json()["run_id"] == rids[9302]
    assert anonymous.get(f"/api/v1/runs/{rids[9302]}").status_code == 200
    engine = app.state.web.ledger.engine
    ws = app.state.workspace
    cli_plan, draws, seed = run_request(ws, {**plan, "seed": 9303})
    result = tasks.trace_plan(ws, cli_plan, draws=draws, seed=seed, analyses=True,
                              store=RunStore(engine))
    assert result.run_id == rids[9303]
    assert anonymous.get(f"/r/{rids[9303]}").status_code == 200
    # a run only ever made from a private plan stays hidden from everyone else
    pid = create(app, {**plan, "seed": 9304}, title="Still private")["id"]
    started = eve.post(f"/api/v1/saved-plans/{pid}/runs", headers=token_of)
    only_private = started.json()["run_id"]
    assert wait_done(eve, only_private)["status"] == "done"
    for client in (anonymous, mal, login(app, "root")):
        assert client.get(f"/r/{only_private}").status_code == 404
        assert client.get(f"/api/v1/runs/{only_private}").status_code == 404
    assert eve.get(f"/r/{only_private}").headers["cache-control"] == "private, no-store"
    assert not run_visible(engine, only_private, account_id(app, "mal"))


def test_a_claim_checked_against_a_private_run_is_as_private_as_the_plan(app, plan):
    """The claim check of a private plan's run is a run of its own (its inputs hold the
    plan): kept with the plan by the owner's POST (a GET links nothing), the owner sees it
    (never kept by shared caches) and anonymous visitors and other accounts get 404; the
    published check stays public."""
    from moneytrail.web.claims_runs import checkable_claims

    eve = login(app, "eve")
    pid = create(app, {**plan, "seed": 9311}, title="Claims, private")["id"]
    started = eve.post(f"/api/v1/saved-plans/{pid}/runs", headers={"X-CSRF-Token": eve.csrf})
    rid = started.json()["run_id"]
    assert wait_done(eve, rid)["status"] == "done"
    claim = checkable_claims()[0]["id"]
    checked = eve.get(f"/api/v1/claims/{claim}/check?run={rid}")
    assert checked.status_code == 200, checked.text
    assert checked.headers["cache-control"] == "private, no-store"
    check = checked.json()["check_run_id"]
    assert check != rid
    kept = eve.post(f"/claims/{claim}/check", data={"run": rid, "csrf_token": eve.csrf},
                    follow_redirects=False)
    assert kept.status_code == 303
    runs = [r["run_id"] for r in eve.get(f"/api/v1/saved-plans/{pid}/runs").json()["runs"]]
    assert check in runs and rid in runs
    for path in (f"/r/{check}", f"/api/v1/runs/{check}"):
        got = eve.get(path)
        assert got.status_code == 200, path
        assert got.headers["cache-control"] == "private, no-store", path
    anonymous = TestClient(app, base_url=HTTPS)
    for client in (anonymous, login(app, "mal"), login(app, "root")):
        for path in (f"/r/{check}", f"/api/v1/runs/{check}",
                     f"/claims/{claim}/check?run={rid}"):
            assert client.get(path).status_code == 404, path


def test_a_private_plans_briefing_opens_no_run_to_everyone(app, plan):
    """The owner's briefing of a private plan's run computes a tornado (sensitivity runs whose
    inputs hold the plan); they were stored as open runs, visible to anyone holding their id.
    They are kept in the store but not opened; a public run's briefing still opens its own."""
    from sqlalchemy import text

    from moneytrail.accounts.plans import run_visible

    secret = "Tornado secret fab"
    eve = login(app, "eve")
    pid = create(app, {**plan, "title": secret, "seed": 9421}, title=secret)["id"]
    rid = eve.post(f"/api/v1/saved-plans/{pid}/runs",
                   headers={"X-CSRF-Token": eve.csrf}).json()["run_id"]
    assert wait_done(eve, rid)["status"] == "done"
    engine = app.state.web.ledger.engine

    def sensitivity_runs() -> list[tuple[str, bool]]:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, inputs FROM runs WHERE kind = 'sensitivity'"))
            return [(r[0], run_visible(engine, r[0], None)) for r in rows
                    if secret in str(r[1])]

    assert sensitivity_runs() == []
    report = eve.get(f"/r/{rid}/report.html")
    assert report.status_code == 200, report.text
    made = sensitivity_runs()
    assert made and not any(visible for _, visible in made), made
    anonymous = TestClient(app, base_url=HTTPS)
    for run, _ in made:
        assert anonymous.get(f"/api/v1/runs/{run}").status_code == 404


def test_saved_plan_page_reads_for_people(app, plan):
    """The page showed 'budget 20000000000 EUR', category ids, shares '0.3775', ISO times with
    '+00:00' and 'Run this plan again' before any run (tester 9)."""
    pid = create(app, plan, visibility="public", title="Readable")["id"]
    eve = login(app, "eve")
    page = eve.get(f"/saved/{pid}").text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "EUR 20.00 bn" in text and "20000000000" not in text
    assert "+00:00" not in text and re.search(r"updated \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC", text)
    names = dict(zip(app.state.workspace.valuechain.categories["id"],
                     app.state.workspace.valuechain.categories["name"], strict=True))
    for category, share in plan["spend"].items():
        central = share["central"] if isinstance(share, dict) else share
        assert f"{names[category]} {units.percent(central)}" in text, category
    assert "Run this plan again" not in page and ">Run this plan</button>" in page
    eve.post(f"/saved/{pid}/run", data={"csrf_token": eve.csrf}, follow_redirects=False)
    assert "Run this plan again" in eve.get(f"/saved/{pid}").text
