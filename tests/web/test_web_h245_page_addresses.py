"""h245: the ledger, source, claims, plan and home pages write the addresses a reader copies
(the citation, the curl line under "Reproduce these numbers", their JSON's `meta.url`,
`meta.citation` and `reproduce.api`) by the rule the run and compare pages follow,
`routes_runs.handed_on_url` / `handed_on_origin`: MONEYTRAIL_PUBLIC_URL when set, else the
address the request reached with the default port dropped.

Before: these pages were given the raw request URL (`web.app.page_url`). Behind a reverse
proxy with a public address set, their citations and curl lines named the internal address
(http://127.0.0.1:8000/...) or whatever Host the request sent; `Host: localhost:80` gave
`http://localhost:80/...`. In-site links (the past-revision notice's "current version")
stay relative."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import PublicAddress  # noqa: E402

LOCAL = "http://127.0.0.1:8876"
PUBLIC = "https://mt.example.org/tool"
DEAL = "l_stargate_us_2025_01"
SOURCE = "l_stargate_2025_01_center"
PLAN = "eu-ai-gigafactories"

# each page: its path, the path its own citation names (the claims cite their stored run,
# /r/<run id>, or the page when the checks were not stored as a run), and its API's path
PAGES = [
    ("/", ("/",), "/api/v1/home"),
    ("/ledger", ("/ledger",), "/api/v1/ledger"),
    ("/ledger/totals?stage=committed", ("/ledger/totals?stage=committed",),
     "/api/v1/ledger/totals?stage=committed"),
    (f"/ledger/deals/{DEAL}", (f"/ledger/deals/{DEAL}",), f"/api/v1/ledger/deals/{DEAL}"),
    (f"/sources/{SOURCE}", (f"/sources/{SOURCE}",), f"/api/v1/sources/{SOURCE}"),
    ("/claims", ("/r/", "/claims"), "/api/v1/claims"),
    (f"/plans/{PLAN}", (f"/plans/{PLAN}",), f"/api/v1/plans/{PLAN}"),
]
IDS = [p[0] for p in PAGES]


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


def get(app, path: str, host: str) -> str:
    response = TestClient(app, base_url=LOCAL).get(path, headers={"host": host})
    assert response.status_code == 200, response.text[:300]
    return unescape(response.text)


def as_json(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "format=json"


def get_json(app, path: str, host: str) -> dict:
    response = TestClient(app, base_url=LOCAL).get(as_json(path), headers={"host": host})
    assert response.status_code == 200, response.text[:300]
    return response.json()


def cited(text: str) -> list[str]:
    """The addresses the citations in `text` name ('... Retrieved <date> from <address>')."""
    return re.findall(r"Retrieved \d{4}-\d\d-\d\d from (\S+?)(?:<|\"|$|\s)", text)


def curl_lines(html: str) -> list[str]:
    return re.findall(r"curl -o data\.csv '([^']+)'", html)


def strip_revision(address: str) -> str:
    """The address without the `revision` its citation pins (views.meta `pin`)."""
    return re.sub(r"[?&]revision=\d+$", "", address)


def check_page(html: str, base: str, own: tuple[str, ...]) -> None:
    addresses = cited(html)
    assert addresses, "no citation"
    assert all(a.startswith(base + "/") for a in addresses), addresses
    assert any(strip_revision(a).startswith(base + o) for a in addresses for o in own), \
        (addresses, own)
    if own[0] != "/":       # a page other than home: its first citation is its own
        assert strip_revision(addresses[0]) == base + own[0] or own[0] == "/r/", addresses
    lines = curl_lines(html)
    assert lines and all(line.startswith(base + "/api/v1/") for line in lines), lines


@pytest.mark.parametrize(("path", "own", "api"), PAGES, ids=IDS)
def test_pages_cite_the_public_address(app, path, own, api):
    with PublicAddress(app, PUBLIC):
        html = get(app, path, "localhost")
    check_page(html, PUBLIC, own)
    assert "localhost" not in " ".join(cited(html) + curl_lines(html))
    assert "127.0.0.1" not in html


@pytest.mark.parametrize(("path", "own", "api"), PAGES, ids=IDS)
def test_pages_json_gives_the_public_address(app, path, own, api):
    with PublicAddress(app, PUBLIC):
        body = get_json(app, api, "localhost")
    meta = body["meta"]
    assert meta["url"] == PUBLIC + as_json(api), meta["url"]    # the answer names itself
    assert all(a.startswith(PUBLIC + "/") for a in cited(meta["citation"])), meta["citation"]
    reproduce = body.get("reproduce") or body.get("reproduce_reality")
    assert reproduce["api"].startswith(PUBLIC + "/api/v1/"), reproduce["api"]


@pytest.mark.parametrize(("path", "own", "api"), PAGES, ids=IDS)
def test_pages_drop_the_default_port_without_a_public_address(app, path, own, api):
    html = get(app, path, "localhost:80")
    check_page(html, "http://localhost", own)
    assert "localhost:80" not in html and "127.0.0.1" not in html
    body = get_json(app, api, "localhost:80")
    assert body["meta"]["url"] == "http://localhost" + as_json(api)


@pytest.mark.parametrize(("path", "own", "api"), PAGES[:3], ids=IDS[:3])
def test_pages_name_the_servers_port_for_a_host_without_one(app, path, own, api):
    """As the run pages: `Host: localhost` to the server on port 8876 is cited with 8876."""
    check_page(get(app, path, "localhost"), "http://localhost:8876", own)


def test_the_api_plans_list_names_the_public_address(app):
    with PublicAddress(app, PUBLIC):
        body = get_json(app, "/api/v1/plans", "localhost")
    assert body["meta"]["url"] == f"{PUBLIC}/api/v1/plans?format=json"


def test_the_current_version_link_stays_in_the_site(app):
    """A past revision's notice links to the current page by its path, not an address."""
    revision = get_json(app, "/api/v1/ledger", "localhost")["meta"]["ledger_revision"]
    html = get(app, f"/ledger?revision={revision}", "localhost:80")
    assert '<a href="/ledger">See the current version of this page</a>' in html


def test_the_api_reference_curl_lines_use_the_same_address(app):
    """/api/v1/docs: its curl lines and its 'JSON or CSV from <address>/api/v1' line."""
    with PublicAddress(app, PUBLIC):
        html = get(app, "/api/v1/docs", "localhost")
    assert f"curl '{PUBLIC}/api/v1/ledger'" in html
    assert f"{PUBLIC}/api/v1</code>" in html and "localhost" not in html
    html = get(app, "/api/v1/docs", "localhost:80")
    assert "curl 'http://localhost/api/v1/ledger'" in html and "localhost:80" not in html
