"""h231 findings, each checked over HTTP:

1. A briefing (`/r/<id>/report.pdf|html`) carried no Cache-Control and no `Vary: Host`,
   though without a public address its links are written from the request's Host; a HEAD
   rendered the whole briefing (seconds of CPU, a run token) to drop its body.
2. An anonymous `GET /account?before=1&before=2` got the 400 on the repeated `before`
   instead of the login redirect every other anonymous `/account` request gets.
3. A run page's share link was written from the request's base without the port logic of
   `web.app.request_origin`: `Host: localhost` on port 8876 gave `http://localhost/r/<id>`.
4. The claim-check JSON's `url` was relative without a public address.
5. The API's version (OpenAPI `info.version`) came from a copy of "installed version" logic
   falling back to "0", not `moneytrail.versions.code_version`, which stamps every run.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import PublicAddress, wait_done  # noqa: E402

PLAN_DRAWS = 50
APP_OPTIONS = {"run_limit": (1000, 100)}
LOCAL = "http://127.0.0.1:8876"
CLAIM = "public-money-to-nvidia-and-hyperscalers"     # traces eu-ai-gigafactories


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def run_id(app, plan):
    client = TestClient(app, base_url=LOCAL)
    started = client.post("/api/v1/runs", json={**plan, "seed": 23101})
    assert started.status_code == 202, started.text
    rid = started.json()["run_id"]
    assert wait_done(client, rid)["status"] == "done"
    return rid


# -- 1. briefing headers and HEAD ----------------------------------------------------------
@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_a_briefing_may_be_cached_and_varies_by_host_without_a_public_address(app, run_id,
                                                                              fmt):
    response = TestClient(app, base_url=LOCAL).get(f"/r/{run_id}/report.{fmt}")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert "host" in [v.strip().lower() for v in response.headers["vary"].split(",")]


def test_with_a_public_address_a_briefing_does_not_vary_by_host(app, run_id):
    with PublicAddress(app, "https://mt.example.org"):
        response = TestClient(app, base_url=LOCAL).get(f"/r/{run_id}/report.html")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert "vary" not in response.headers


def test_a_head_request_renders_no_briefing(app, run_id, monkeypatch):
    """A HEAD for a briefing not kept yet (a new address: another cache key) gets the GET's
    headers without rendering it; the GET after it renders it."""
    import moneytrail.report.briefing as briefing

    rendered = []
    real = briefing.render_briefing

    def counted(*args, **kwargs):
        rendered.append(kwargs.get("base_url"))
        return real(*args, **kwargs)

    monkeypatch.setattr(briefing, "render_briefing", counted)
    client = TestClient(app, base_url="http://127.0.0.1:8931")     # not rendered for it yet
    head = client.head(f"/r/{run_id}/report.pdf")
    assert head.status_code == 200 and head.content == b""
    assert rendered == []
    assert head.headers["content-type"] == "application/pdf"
    assert head.headers["cache-control"] == "public, max-age=3600"
    assert head.headers["vary"] == "Host"
    assert head.headers["content-disposition"].startswith("attachment; filename=")
    assert "content-length" not in head.headers         # unknown until it is rendered
    got = client.get(f"/r/{run_id}/report.pdf")
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert rendered == ["http://127.0.0.1:8931"]
    again = client.head(f"/r/{run_id}/report.pdf")      # kept now: its length is known
    assert again.headers["content-length"] == str(len(got.content))
    assert rendered == ["http://127.0.0.1:8931"]


# -- 2. /account: the login redirect before any word on the query --------------------------
@pytest.mark.parametrize("path", ["/account", "/accounts/history", "/accounts/eve/history"])
def test_an_anonymous_visitor_with_a_repeated_before_is_sent_to_log_in(app, path):
    response = TestClient(app).get(f"{path}?before=1&before=2", follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    assert response.headers["location"].startswith("/login?next=")


def test_a_signed_in_visitor_with_a_repeated_before_gets_the_400_naming_it(app):
    eve = login(app, "eve")
    response = eve.get("/account?before=1&before=2")
    assert response.status_code == 400
    text = unescape(response.text)
    assert "<strong>before</strong>" in text and "1, 2" in text
    assert eve.get("/accounts/eve/history?before=1&before=2").status_code == 400
    assert eve.get("/accounts/mal/history?before=1&before=2").status_code == 404


# -- 3. the run page's share link ----------------------------------------------------------
def share_link(html: str) -> str:
    found = re.search(r'<p class="share-link">.*?<a href="([^"]+)">', html, re.S)
    assert found is not None, "no share line"
    return found.group(1)


def test_a_share_link_has_the_servers_port_when_the_host_names_none(app, run_id):
    client = TestClient(app, base_url=LOCAL)
    html = client.get(f"/r/{run_id}", headers={"host": "localhost"}).text
    assert share_link(html) == f"http://localhost:8876/r/{run_id}"
    assert f"http://localhost/r/{run_id}" not in html
    html = client.get(f"/r/{run_id}").text       # the Host names the port: as it is
    assert share_link(html) == f"{LOCAL}/r/{run_id}"
    with PublicAddress(app, "https://mt.example.org"):
        html = client.get(f"/r/{run_id}", headers={"host": "localhost"}).text
    assert share_link(html) == f"https://mt.example.org/r/{run_id}"


# -- 4. the claim check's JSON: an absolute `url` -----------------------------------------
def test_the_claim_checks_url_is_absolute_without_a_public_address(app, run_id):
    client = TestClient(app, base_url=LOCAL)
    body = client.get(f"/api/v1/claims/{CLAIM}/check", params={"run": run_id},
                      headers={"host": "localhost"})
    assert body.status_code == 200, body.text[:300]
    assert body.json()["url"] == f"http://localhost:8876/claims/{CLAIM}/check?run={run_id}"


# -- 5. the API's version is the code version runs are stamped with ------------------------
def test_the_apis_version_is_the_code_version(app, monkeypatch, tmp_path):
    import importlib.metadata

    import moneytrail.versions
    from moneytrail.versions import code_version
    from moneytrail.web import create_app

    spec = TestClient(app).get("/api/v1/openapi.json").json()
    assert spec["info"]["version"] == code_version()

    def missing(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(moneytrail.versions, "version", missing)
    monkeypatch.setattr(importlib.metadata, "version", missing)
    bare = create_app(db=f"sqlite:///{tmp_path / 'ledger.sqlite'}",
                      start_reference_runs=False)
    try:
        assert bare.version == code_version() == "unknown"     # not installed: as runs say
    finally:
        bare.state.jobs.shutdown()
        bare.state.web.close()
