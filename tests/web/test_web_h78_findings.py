"""A security tester's findings (h78, OWASP ASVS L1) on the web app.

1. A draft link (`/build?plan=`, the builder's hidden `extra` field on POST /build and
   POST /saved) nested a thousand levels deep was a 500 (RecursionError): now a 400 naming
   the field, refused before parsing.
2. A whole number of 400 digits in a draft (`budget.amount`, also typed as `1<400 zeros> bn`)
   was a 500 (OverflowError drawing the builder): now a 400 naming the field and the number
   shortened; the draws limit quotes such a number shortened too.
3. A briefing (`/r/<run>/report.pdf|html`) was rendered on every request, anonymously and
   without a limit: now it is kept on disk once rendered, and a render costs one of the
   client's run tokens (429 with Retry-After when none is left).
4. `GET /claims/<claim>/check?run=<private run>` linked the check's run to the owner's saved
   plan (a write on GET, reachable cross-site with a SameSite=Lax cookie): a GET now links
   nothing; the owner keeps the check with an explicit POST (CSRF token).
"""

from __future__ import annotations

import base64
import json
import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, count, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402

PLAN_DRAWS = 50
APP_OPTIONS = {"run_limit": (1000, 100)}
HUGE = "1" + "0" * 400
SHORT = "10000000000000000000\u2026 (401 digits)"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def token_of(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def stored(app) -> tuple:
    return tuple(count(app, t) for t in ("saved_plans", "saved_plan_revisions", "runs"))


# -- 1. deeply nested drafts -----------------------------------------------------------------
DEEP = '{"a":' + "[" * 1000 + "]" * 1000 + "}"


def test_a_deeply_nested_draft_link_is_a_400_naming_plan(app):
    client = TestClient(app, base_url=HTTPS)
    for url in (f"/build?plan={token_of(DEEP)}", f"/build?plan={token_of(DEEP)}&check=1"):
        page = client.get(url)
        assert page.status_code == 400, page.status_code
        text = text_of(page.text)
        assert "this draft link is nested too deeply" in text
        assert "Check plan" in text


def test_brackets_inside_strings_do_not_count_as_nesting(app, plan):
    client = TestClient(app, base_url=HTTPS)
    draft = {**plan, "title": "[" * 500 + "{\\\"" + "]" * 500}
    page = client.get(f"/build?plan={token_of(json.dumps(draft))}")
    assert page.status_code == 200, text_of(page.text)[:300]


def test_a_deeply_nested_extra_field_is_a_400_naming_it(app):
    before = stored(app)
    anonymous = TestClient(app, base_url=HTTPS)
    response = anonymous.post("/build", data={"extra": token_of(DEEP), "action": "check"},
                              follow_redirects=False)
    assert response.status_code == 400, response.status_code
    assert "nested too deeply" in text_of(response.text)
    assert "Check extra" in text_of(response.text)
    eve = login(app, "eve")
    save = eve.post("/saved", follow_redirects=False,
                    data={"csrf_token": eve.csrf, "extra": token_of(DEEP), "title": "T",
                          "visibility": "private"})
    assert save.status_code == 400, save.status_code
    assert stored(app) == before


# -- 2. whole numbers of hundreds of digits ------------------------------------------------------
@pytest.mark.parametrize("number", [HUGE, "-" + HUGE])
@pytest.mark.parametrize("check", ["", "&check=1"])
def test_a_budget_of_400_digits_in_a_draft_is_a_400_naming_field_and_value(app, number,
                                                                           check):
    client = TestClient(app, base_url=HTTPS)
    draft = token_of(json.dumps({"budget": {"amount": 7}}).replace("7", number))
    page = client.get(f"/build?plan={draft}{check}")
    assert page.status_code == 400, page.status_code
    text = text_of(page.text)
    assert "holds a number far too large for any field" in text
    assert f"Check budget.amount : you gave {number[:20]}\u2026 (401 digits)" in text
    assert HUGE not in page.text


def test_every_number_of_a_draft_too_large_for_a_float_is_named(app, plan):
    client = TestClient(app, base_url=HTTPS)
    for key, number in (("draws", HUGE), ("seed", HUGE), ("year", "-" + HUGE)):
        text = json.dumps({**plan, key: 7}).replace(f'"{key}": 7', f'"{key}": {number}')
        page = client.get(f"/build?plan={token_of(text)}&check=1")
        assert page.status_code == 400, (key, page.status_code)
        assert f"Check {key} :" in text_of(page.text), key
    text = json.dumps(plan).replace('"central": 0.39', '"central": 1e400', 1)
    page = client.get(f"/build?plan={token_of(text)}")
    assert page.status_code == 400
    assert "Check spend.accelerators.central : you gave 1e400" in text_of(page.text)


def test_a_budget_typed_with_400_digits_and_a_size_word_is_a_form_error(app):
    client = TestClient(app, base_url=HTTPS)
    response = client.post("/build", data={"budget": HUGE + " bn", "action": "check"},
                           follow_redirects=False)
    assert response.status_code == 303
    page = client.get(response.headers["location"])
    assert page.status_code == 400, page.status_code
    text = text_of(page.text)
    assert f"Budget: write an amount such as 20 bn, 20,000,000,000 or 1.5 tn (you gave: " \
           f"{SHORT} bn)" in text
    assert HUGE not in text.replace(f'value="{HUGE} bn"', "")


def test_the_draws_limit_quotes_a_400_digit_number_shortened(app, plan):
    client = TestClient(app, base_url=HTTPS)
    body = json.dumps({**plan, "draws": 7}).replace('"draws": 7', f'"draws": {HUGE}')
    response = client.post("/api/v1/runs", content=body,
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    problem = response.json()
    assert problem["field"] == "draws" and problem["value"] == SHORT
    # the limit of web and API runs, not the server's general one (a client cannot raise it)
    assert problem["detail"].startswith("the web app runs at most 20,000 draws")
    saved = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers={**bearer(app, "eve"),
                                        "Content-Type": "application/json"},
        content=json.dumps({"title": "Huge", "plan": {**plan, "budget": {"amount": 7}}})
        .replace('"amount": 7', f'"amount": {HUGE}'))
    assert saved.status_code == 400
    assert (saved.json()["field"], saved.json()["value"]) == ("plan.budget.amount", SHORT)


# -- 3. briefings kept once rendered, renders rate-limited ----------------------------------
@pytest.fixture(scope="module")
def run_id(app, plan):
    client = TestClient(app, base_url=HTTPS)
    started = client.post("/api/v1/runs", json={**plan, "seed": 7801})
    assert started.status_code == 202, started.text
    rid = started.json()["run_id"]
    assert wait_done(client, rid)["status"] == "done"
    return rid


def test_a_briefing_is_rendered_once_then_kept(app, plan, run_id, monkeypatch):
    from moneytrail.report import briefing

    calls = []
    render = briefing.render_briefing
    monkeypatch.setattr(briefing, "render_briefing",
                        lambda *args, **kw: calls.append(kw["fmt"]) or render(*args, **kw))
    client = TestClient(app, base_url=HTTPS)
    first = client.get(f"/r/{run_id}/report.html")
    again = client.get(f"/r/{run_id}/report.html")
    assert first.status_code == again.status_code == 200
    assert first.content == again.content
    assert calls == ["html"]
    assert again.headers["content-disposition"] == \
        f'attachment; filename="{plan["id"]}-{run_id[:8]}.html"'


def test_a_briefing_render_takes_a_run_token(app, run_id):
    """With no run token left, a kept briefing is still served; one not rendered yet is a
    429 with Retry-After, as a run would be."""
    from moneytrail.web.jobs import TokenBucket

    client = TestClient(app, base_url=HTTPS)
    assert client.get(f"/r/{run_id}/report.html").status_code == 200     # rendered, kept
    limiter, app.state.limiter = app.state.limiter, TokenBucket(0, 1 / 60)
    try:
        assert client.get(f"/r/{run_id}/report.html").status_code == 200
        refused = client.get(f"/r/{run_id}/report.pdf")
    finally:
        app.state.limiter = limiter
    assert refused.status_code == 429, refused.status_code
    assert refused.headers["retry-after"] == "60"
    assert "too many runs started from your address" in text_of(refused.text)


# -- 4. a claim check of a private run writes nothing on GET ---------------------------------
def test_a_claim_check_of_a_private_run_links_nothing_on_get(app, plan):
    """The owner's GET shows the check (kept hidden) and links nothing to the plan; the
    page's POST (with the CSRF token) keeps it with the plan, so the owner sees its run;
    nobody else may keep it, and it stays hidden from them."""
    from moneytrail.web.claims_runs import checkable_claims

    eve = login(app, "eve")
    created = TestClient(app, base_url=HTTPS).post(
        "/api/v1/saved-plans", headers=bearer(app, "eve"),
        json={"title": "Claims, private (h78)", "visibility": "private",
              "plan": {**plan, "seed": 7811}})
    pid = created.json()["id"]
    started = eve.post(f"/api/v1/saved-plans/{pid}/runs", headers={"X-CSRF-Token": eve.csrf})
    rid = started.json()["run_id"]
    assert wait_done(eve, rid)["status"] == "done"

    def linked() -> list[str]:
        return [r["run_id"] for r in
                eve.get(f"/api/v1/saved-plans/{pid}/runs").json()["runs"]]

    assert linked() == [rid]
    claim = checkable_claims()[0]["id"]
    checked = eve.get(f"/api/v1/claims/{claim}/check?run={rid}")
    assert checked.status_code == 200, checked.text
    check = checked.json()["check_run_id"]
    assert checked.json()["kept"] is False
    page = eve.get(f"/claims/{claim}/check?run={rid}")
    assert page.status_code == 200
    assert "Keep this check with my plan" in page.text
    assert linked() == [rid]                      # nothing changed on GET
    assert eve.get(f"/r/{check}").status_code == 404
    anonymous = TestClient(app, base_url=HTTPS)
    mal = login(app, "mal")
    refused = [eve.post(f"/claims/{claim}/check", data={"run": rid}),          # no CSRF
               anonymous.post(f"/claims/{claim}/check", data={"run": rid}),
               mal.post(f"/claims/{claim}/check", data={"run": rid,
                                                       "csrf_token": mal.csrf})]
    assert [r.status_code for r in refused] == [403, 401, 404]
    assert linked() == [rid]
    kept = eve.post(f"/claims/{claim}/check", data={"run": rid, "csrf_token": eve.csrf},
                    follow_redirects=False)
    assert kept.status_code == 303
    assert kept.headers["location"] == f"/claims/{claim}/check?run={rid}"
    assert sorted(linked()) == sorted([rid, check])
    assert eve.get(f"/r/{check}").status_code == 200
    assert "is kept with your plan" in text_of(eve.get(kept.headers["location"]).text)
    for client in (anonymous, mal):
        assert client.get(f"/r/{check}").status_code == 404
