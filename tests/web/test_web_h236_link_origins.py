"""h236: every absolute link a reader copies out of a page is written under one address,
`routes_runs.handed_on_origin` (MONEYTRAIL_PUBLIC_URL when set, else the address the request
reached, with the listening port when the Host names none: `web.app.request_origin`).

Before: the compare page's citation, its embed code, the run page's and home's embed code,
the embed pages' "Open in moneytrail" links and the builder's draft link were written from
the request's base: `Host: localhost` to a server on port 8876 gave `http://localhost/...`,
where nothing listens, and a public address was not used. `Host: localhost:80` gave
`http://localhost:80/...` (the scheme's default port written out)."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import PublicAddress, wait_done  # noqa: E402

PLAN_DRAWS = 50
APP_OPTIONS = {"run_limit": (1000, 100)}
LOCAL = "http://127.0.0.1:8876"
HOST = {"host": "localhost"}              # no port: the server's port 8876 is meant
REACHED = "http://localhost:8876"
PUBLIC = "https://mt.example.org/tool"


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def run_ids(app, plan):
    client = TestClient(app, base_url=LOCAL)
    ids = []
    for title in ("First plan", "Second plan"):    # one seed: the page shows curl lines
        started = client.post("/api/v1/runs", json={**plan, "title": title, "seed": 23601})
        assert started.status_code == 202, started.text
        ids.append(started.json()["run_id"])
        assert wait_done(client, ids[-1])["status"] == "done"
    return ids


def get(app, path: str, headers: dict | None = HOST) -> str:
    response = TestClient(app, base_url=LOCAL).get(path, headers=headers)
    assert response.status_code == 200, response.text[:300]
    return unescape(response.text)


def iframe_src(html: str) -> list[str]:
    """The addresses of the embed code shown on a page (`<iframe src="...">` as text)."""
    return re.findall(r'<iframe src="([^"]+)"', html)


def open_link(html: str) -> str:
    found = re.search(r'<a href="([^"]+)" target="_blank" rel="noopener">Open in moneytrail',
                      html)
    assert found is not None, "no 'Open in moneytrail' link"
    return found.group(1)


def citation(html: str) -> str:
    found = re.search(r'<p class="citation"><span class="label">Cite as:</span>(.*?)</p>',
                      html, re.S)
    assert found is not None, "no citation"
    return found.group(1)


# -- 1. the compare page: its citation, its reproduce commands and its embed code -----------
def test_the_compare_pages_links_have_the_servers_port(app, run_ids):
    ids = ",".join(run_ids)
    html = get(app, f"/compare?runs={ids}")
    assert f"{REACHED}/compare?runs={ids}" in citation(html)
    assert iframe_src(html) == [f"{REACHED}/embed/compare?runs={ids}"]
    assert "curl -o" in html and f"{REACHED}/api/v1/runs/{run_ids[0]}/plan.yaml" in html
    assert "http://localhost/" not in html


def test_the_compare_pages_links_use_the_public_address(app, run_ids):
    ids = ",".join(run_ids)
    with PublicAddress(app, PUBLIC):
        html = get(app, f"/compare?runs={ids}")
        body = TestClient(app, base_url=LOCAL).get(f"/api/v1/compare?runs={ids}",
                                                   headers=HOST).json()
    assert f"{PUBLIC}/compare?runs={ids}" in citation(html)
    assert iframe_src(html) == [f"{PUBLIC}/embed/compare?runs={ids}"]
    assert f"{PUBLIC}/api/v1/runs/{run_ids[0]}/plan.yaml" in html   # the path kept too
    assert body["meta"]["url"] == f"{PUBLIC}/api/v1/compare?runs={ids}"
    assert "localhost" not in html


# -- 2. embed code on the run page and home, and the embed pages' own links ------------------
def test_the_run_pages_embed_code_has_the_servers_port(app, run_ids):
    rid = run_ids[0]
    sources = iframe_src(get(app, f"/r/{rid}"))
    assert sources and all(s.startswith(f"{REACHED}/embed/r/{rid}/") for s in sources), sources


def test_homes_embed_code_has_the_servers_port(app):
    assert iframe_src(get(app, "/")) == [f"{REACHED}/embed/reality"]
    with PublicAddress(app, PUBLIC):
        assert iframe_src(get(app, "/")) == [f"{PUBLIC}/embed/reality"]


def test_embed_pages_link_back_under_the_servers_port(app, run_ids):
    rid, ids = run_ids[0], ",".join(run_ids)
    assert open_link(get(app, f"/embed/r/{rid}/first")) == f"{REACHED}/r/{rid}"
    assert open_link(get(app, f"/embed/compare?runs={ids}")) == f"{REACHED}/compare?runs={ids}"
    assert open_link(get(app, "/embed/reality")) == f"{REACHED}/"
    html = get(app, "/embed/reality")
    assert f"{REACHED}/embed/reality" in html           # the source line names the page
    with PublicAddress(app, PUBLIC):
        assert open_link(get(app, f"/embed/r/{rid}/first")) == f"{PUBLIC}/r/{rid}"


# -- 3. the builder's draft link ------------------------------------------------------------
def draft_link(html: str) -> str:
    found = re.search(r'<a id="draft-link" href="([^"]+)"', html)
    assert found is not None, "no draft link"
    return found.group(1)


def test_the_draft_link_has_the_servers_port(app):
    assert draft_link(get(app, "/build")).startswith(f"{REACHED}/build?plan=")
    with PublicAddress(app, PUBLIC):
        assert draft_link(get(app, "/build")).startswith(f"{PUBLIC}/build?plan=")


# -- 4. a Host naming the scheme's default port ----------------------------------------------
@pytest.mark.parametrize(("base", "host", "origin"), [
    ("http://127.0.0.1:8876", "localhost:80", "http://localhost"),
    ("https://127.0.0.1:8876", "localhost:443", "https://localhost"),
])
def test_a_hosts_default_port_is_not_written_out(app, run_ids, base, host, origin):
    rid = run_ids[0]
    response = TestClient(app, base_url=base).get(f"/r/{rid}", headers={"host": host})
    assert response.status_code == 200, response.text[:300]
    html = unescape(response.text)
    found = re.search(r'<p class="share-link">.*?<a href="([^"]+)">', html, re.S)
    assert found is not None and found.group(1) == f"{origin}/r/{rid}"
    assert all(s.startswith(f"{origin}/embed/") for s in iframe_src(html))


def test_through_a_trusted_proxy_a_default_port_is_dropped_too(app):
    """Behind a TLS proxy (X-Forwarded-Proto: https) that passes `Host: localhost:443` on:
    `https://localhost`; one passing `Host: localhost` stays without a port (not the app's
    own port, as before)."""
    from moneytrail.web.server import behind_proxies

    proxied = behind_proxies(app, ["127.0.0.1"])
    for host in ("localhost:443", "localhost"):
        client = TestClient(proxied, base_url="http://127.0.0.1:8876",
                            client=("127.0.0.1", 40000),
                            headers={"host": host, "x-forwarded-proto": "https"})
        response = client.get("/build")
        assert response.status_code == 200, response.text[:300]
        assert draft_link(unescape(response.text)).startswith("https://localhost/build?plan=")


def test_request_origin_drops_the_schemes_default_port():
    from starlette.requests import Request

    from moneytrail.web.app import request_origin

    def origin(scheme: str, host: str, **scope) -> str:
        headers = [(b"host", host.encode())]
        return request_origin(Request({"type": "http", "scheme": scheme, "path": "/",
                                       "headers": headers, "server": ("127.0.0.1", 8876),
                                       **scope}))

    assert origin("http", "localhost:80") == "http://localhost"
    assert origin("https", "LOCALHOST:443") == "https://localhost"
    assert origin("http", "[::1]:80") == "http://[::1]"
    assert origin("https", "localhost:80") == "https://localhost:80"
    assert origin("http", "localhost:8876") == "http://localhost:8876"
    assert origin("http", "localhost:80", root_path="/mt") == "http://localhost/mt"
