"""The HTTP API and the HTML pages through FastAPI's TestClient (no browser)."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.web import create_app  # noqa: E402

DEAL = "l_stargate_us_2025_01"
PART = "l_stargate_us_equity_2025_01"         # part of DEAL: the funders' planned equity
# data 2.4.0: a deal with announced and committed claims (the funders' equity lost its only
# committed claim, a contested USD 10 bn ceiling now recorded as a statement in its note)
COMMITTED = "l_openai_round_2025_03"
SOURCE = "l_stargate_2025_01_center"
CITED = "l_stargate_openai_2025_01"   # data 2.4.0: the Stargate headline and debate claims cite it
PLAN = "eu-ai-gigafactories"
HOSTILE = "hostile_src_1"
SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("web") / "ledger.sqlite"
    app = create_app(db=str(db))
    app.state.web.ledger.add("source", {
        "id": HOSTILE, "publisher": f"Evil {IMG}", "title": f"Title {SCRIPT}",
        "url": "javascript:alert(document.cookie)", "published": "2025-01-01",
        "accessed": "2025-02-01", "reliability": "assumption",
        "note": f"{SCRIPT} and <a href=\"javascript:alert(2)\">click</a>"},
        author="test", reason="stored XSS test")
    app.state.web.ledger.add("source", {
        "id": HOSTILE + "_url", "publisher": "P", "title": "T",
        "url": 'https://example.org/"><script>alert(3)</script>', "published": "2025",
        "accessed": "2025", "reliability": "weak", "note": ""},
        author="test", reason="stored XSS test")
    with TestClient(app) as test_client:
        yield test_client


JSON_PAGES = [
    ("/api/v1/home", ["reality", "claims", "plans"]),
    ("/api/v1/ledger", ["deals", "filters", "choices"]),
    ("/api/v1/ledger?region=EU&sector=public&kind=pledge", ["deals"]),
    ("/api/v1/ledger/totals?stage=committed", ["totals"]),
    (f"/api/v1/ledger/deals/{DEAL}", ["deal", "claims", "sources", "links", "history"]),
    (f"/api/v1/sources/{SOURCE}", ["source", "used_by"]),
    ("/api/v1/claims", ["claims", "checks"]),
    ("/api/v1/plans", ["plans"]),
    ("/api/v1/charts/reality", ["reality"]),
    (f"/api/v1/plans/{PLAN}", ["plan", "spend"]),
]


@pytest.mark.parametrize(("url", "keys"), JSON_PAGES, ids=[u for u, _ in JSON_PAGES])
def test_every_page_has_json(client, url, keys):
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    for key in keys:
        assert key in body
    meta = body["meta"]
    assert meta["data_version"] and meta["ledger_revision"] > 0
    assert meta["data_version"] in meta["citation"] and meta["retrieved"] in meta["citation"]
    for table in body["tables"]:
        assert isinstance(body[table], list)


def test_ledger_json_content(client):
    body = client.get("/api/v1/ledger").json()
    round_ = next(d for d in body["deals"] if d["id"] == COMMITTED)
    assert round_["announced_central"] > round_["committed_central"] > 0
    assert 0 < round_["committed_ratio"] < 1
    assert round_["currency"] == "EUR"
    equity = next(d for d in body["deals"] if d["id"] == PART)
    assert equity["announced_central"] > 0
    assert equity["committed_central"] is None and equity["committed_ratio"] is None
    amounts = [d["announced_central"] for d in body["deals"] if d["announced_central"]]
    assert amounts == sorted(amounts, reverse=True)
    eu = client.get("/api/v1/ledger?region=EU").json()["deals"]
    assert eu and {d["region"] for d in eu} == {"EU"} and len(eu) < len(body["deals"])
    needs = client.get("/api/v1/ledger?kind=need").json()["deals"]
    assert needs and {d["kind"] for d in needs} == {"need"}
    year = client.get("/api/v1/ledger?year=2024").json()["deals"]
    assert year and all(d["announced"].startswith("2024") for d in year)


def test_deal_json_has_history_and_links(client):
    body = client.get(f"/api/v1/ledger/deals/{DEAL}").json()
    assert body["deal"]["id"] == DEAL
    assert "announced" in {c["stage"] for c in body["claims"]}
    assert PART in {link["deal"] for link in body["links"]}
    committed = client.get(f"/api/v1/ledger/deals/{COMMITTED}").json()
    assert {c["stage"] for c in committed["claims"]} >= {"announced", "committed"}
    equity = client.get(f"/api/v1/ledger/deals/{PART}").json()
    assert "committed" not in {c["stage"] for c in equity["claims"]}
    assert "l_stargate_musk_2025_01" in {s["id"] for s in equity["sources"]}
    assert any(h["kind"] == "deal" and h["key"] == DEAL for h in body["history"])
    assert any(h["kind"] == "claim" for h in body["history"])
    assert any(link["link"] == "includes" for link in body["links"])
    assert SOURCE in {s["id"] for s in body["sources"]}


def test_totals_have_per_capita_and_gdp(client):
    rows = client.get("/api/v1/ledger/totals").json()["totals"]
    eu = next(r for r in rows if r["region"] == "EU")
    assert eu["per_capita_central"] == pytest.approx(eu["central"] / eu["population"])
    assert eu["per_gdp_central"] == pytest.approx(eu["central"] / eu["gdp"])


def test_source_lists_what_cites_it(client):
    body = client.get(f"/api/v1/sources/{CITED}").json()
    assert body["source"]["publisher"]
    assert "primary_ref" in body["source"]
    tables = {u["table"] for u in body["used_by"]}
    assert {"ledger deal", "ledger claim", "debate claim"} <= tables
    chain = client.get("/api/v1/sources/c_nvidia_fy2025_results").json()
    assert any(u["table"] == "cost structure" for u in chain["used_by"])


def test_claims_have_verdicts(client):
    claims = client.get("/api/v1/claims").json()["claims"]
    assert len(claims) >= 5
    assert {c["verdict"] for c in claims} <= {"supported", "contradicted", "uncertain",
                                              "conditional"}
    for claim in claims:
        if claim["verdict"] == "conditional":     # answered case by case (issue 15)
            assert " if " in claim["verdict_text"]
        assert claim["sources"] and claim["checks"]
        assert all(0 <= c["p_holds"] <= 1 for c in claim["checks"])


def test_plan_split_adds_up(client):
    body = client.get(f"/api/v1/plans/{PLAN}").json()
    assert sum(row["central"] for row in body["spend"]) == pytest.approx(1)
    assert sum(row["amount_central"] for row in body["spend"]) == pytest.approx(
        body["plan"]["budget"])


BAD = [
    ("/api/v1/ledger?year=abc", 400, "year", "abc"),
    ("/api/v1/ledger?year=1800", 400, "year", "1800"),
    ("/api/v1/ledger?region=Atlantis", 400, "region", "Atlantis"),
    ("/api/v1/ledger?sector=charity", 400, "sector", "charity"),
    ("/api/v1/ledger?kind=rumour", 400, "kind", "rumour"),
    ("/api/v1/ledger?currency=XYZ", 400, "currency", "XYZ"),
    ("/api/v1/ledger?region=' OR 1=1 --", 400, "region", "' OR 1=1 --"),
    ("/api/v1/ledger/totals?stage=spent", 400, "stage", "spent"),
    ("/api/v1/ledger/totals?needs=maybe", 400, "needs", "maybe"),
    ("/api/v1/ledger?format=xml", 400, "format", "xml"),
    ("/api/v1/ledger?format=csv&table=secrets", 400, "table", "secrets"),
    ("/api/v1/ledger/deals/no_such_deal", 404, "deal", "no_such_deal"),
    ("/api/v1/sources/no_such_source", 404, "source", "no_such_source"),
    ("/api/v1/plans/no-such-plan", 404, "plan", "no-such-plan"),
]


@pytest.mark.parametrize(("url", "status", "field", "value"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_problem_json(client, url, status, field, value):
    response = client.get(url)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["field"] == field and body["value"] == value
    assert body["title"] and body["detail"] and body["status"] == status


def test_too_long_value_is_refused(client):
    response = client.get("/api/v1/ledger?region=" + "x" * 5000)
    assert response.status_code == 400 and response.json()["field"] == "region"


def test_unknown_api_path_is_problem_json(client):
    response = client.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("url", ["/ledger?year=abc", "/ledger/deals/nope", "/no/page"])
def test_pages_show_a_friendly_error(client, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("text/html")
    assert "Traceback" not in response.text and '<main id="main"' in response.text
    assert "Back to the home page" in response.text


PAGES = ["/", "/ledger", "/ledger?region=EU", "/ledger/totals", f"/ledger/deals/{DEAL}",
         f"/sources/{SOURCE}", "/claims", f"/plans/{PLAN}"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_downloads_and_citation(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.text
    assert '<html lang="en">' in html and 'href="#main"' in html
    assert "Cite as:" in html and "format=csv" in html and "format=json" in html
    # no inline script may run: every <script> loads a file or is a JSON data island
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " on" not in "".join(re.findall(r"<[a-z]+\b[^>]*\bon[a-z]+=", html))


@pytest.mark.parametrize("url", ["/", "/api/v1/ledger", "/static/site.css",
                                 "/static/plotly.min.js", "/api/v1/nowhere"])
def test_security_headers(client, url):
    headers = client.get(url).headers
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    script_src = re.search(r"script-src ([^;]*)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["x-frame-options"] == "DENY"


def test_hsts_only_over_https(client):
    assert "strict-transport-security" not in client.get("/").headers
    secure = TestClient(client.app, base_url="https://testserver")   # no lifespan: app stays open
    assert secure.get("/").headers["strict-transport-security"] == "max-age=31536000"


def test_plotly_comes_from_the_wheel(client):
    response = client.get("/static/plotly.min.js")
    assert response.status_code == 200 and len(response.content) > 1_000_000
    assert response.headers["content-type"].startswith("text/javascript")


def test_openapi(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/v1/ledger", "/api/v1/ledger/deals/{deal}", "/api/v1/ledger/totals",
                 "/api/v1/sources/{source}", "/api/v1/claims", "/api/v1/plans/{plan}",
                 "/api/v1/home"):
        assert path in spec["paths"]
    assert not [p for p in spec["paths"] if not p.startswith("/api/v1/")]


def test_csv_download_equals_json(client):
    data = client.get("/api/v1/ledger?region=EU").json()["deals"]
    response = client.get("/api/v1/ledger?region=EU&format=csv&table=deals")
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["id"] for r in rows] == [d["id"] for d in data]
    for row, record in zip(rows, data, strict=True):
        for column in ("announced_central", "committed_central"):
            expected = record[column]
            assert (row[column] == "") if expected is None else \
                float(row[column]) == pytest.approx(expected)


def test_deal_csv_tables(client):
    for table in ("claims", "sources", "links", "history"):
        response = client.get(f"/api/v1/ledger/deals/{DEAL}?format=csv&table={table}")
        assert response.status_code == 200 and response.text.count("\n") >= 2, table


def test_stored_xss_is_inert(client):
    html = client.get(f"/sources/{HOSTILE}").text
    assert SCRIPT not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=" in html
    assert 'href="javascript:' not in html
    assert "javascript:alert(document.cookie)" in html      # shown as text, not as a link
    assert "(not a web link)" in html
    html = client.get(f"/sources/{HOSTILE}_url").text
    assert "<script>alert(3)" not in html and 'href="https://example.org/"' not in html
    assert "&lt;script&gt;alert(3)" in html
    body = client.get(f"/api/v1/sources/{HOSTILE}").json()
    assert body["source"]["note"].startswith(SCRIPT)       # the data itself is kept as typed
    # the JSON is served as JSON, never as HTML
    assert client.get(f"/api/v1/sources/{HOSTILE}").headers["content-type"] == \
        "application/json"


def test_csv_cells_cannot_start_formulas(client):
    from moneytrail.service.result import csv_cell

    assert csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert csv_cell("+1") == "'+1" and csv_cell(-3.5) == -3.5 and csv_cell("ok") == "ok"


def test_serve_command_is_listed():
    from typer.testing import CliRunner

    from moneytrail.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--db" in result.output and "--port" in result.output


def test_reflected_input_is_escaped(client):
    payload = "%3Cb%20onmouseover%3Dalert(1)%3Ex"         # <b onmouseover=alert(1)>x
    for url in (f"/ledger/deals/{payload}", f"/ledger?region={payload}",
                f"/sources/{payload}", f"/plans/{payload}"):
        response = client.get(url)
        assert 400 <= response.status_code < 500
        assert "<b onmouseover" not in response.text
        assert "&lt;b onmouseover=alert(1)&gt;x" in response.text, url


def test_apps_do_not_share_state(client, tmp_path):
    other = create_app(db=str(tmp_path / "other.sqlite"))
    with TestClient(other) as second:
        assert second.get(f"/api/v1/sources/{HOSTILE}").status_code == 404
    assert client.get(f"/api/v1/sources/{HOSTILE}").status_code == 200
    assert other.state.web is not client.app.state.web


def test_only_embed_pages_may_be_framed(client):
    response = client.get("/embed/reality")
    assert response.status_code == 200
    assert "frame-ancestors *" in response.headers["content-security-policy"]
    assert "x-frame-options" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert 'id="reality-data"' in response.text and "Open in moneytrail" in response.text
    home = client.get("/")
    assert "/embed/reality" in home.text and home.headers["x-frame-options"] == "DENY"


def test_reproduce_snippets_follow_the_filters(client):
    body = client.get("/api/v1/ledger?region=EU&year=2025&kind=pledge").json()
    assert body["reproduce"]["cli"] == "moneytrail ledger list --region EU --year 2025"
    assert "list(region='EU', year=2025)" in body["reproduce"]["python"]
    assert body["reproduce"]["api"].endswith("/api/v1/ledger?region=EU&year=2025&kind=pledge"
                                             "&format=csv&table=deals")
    html = client.get("/ledger/totals?stage=committed").text
    assert "moneytrail ledger totals --by region --stage committed" in html


def test_reproduce_cli_runs(client, tmp_path):
    """The command shown under the ledger table gives the same deals as the page."""
    import json
    import os
    import shlex
    import subprocess
    import sys

    snippet = client.get("/api/v1/ledger?region=EU&sector=public").json()["reproduce"]["cli"]
    db = client.app.state.web.ledger.url
    args = shlex.split(snippet)[1:] + ["--db", db, "--format", "json"]
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], capture_output=True,
                         text=True, timeout=120, env={**os.environ})
    assert out.returncode == 0, out.stderr
    shown = {d["id"] for d in client.get("/api/v1/ledger?region=EU&sector=public").json()["deals"]}
    text = out.stdout
    assert all(deal in text for deal in shown) and shown
    json.loads(text)


NASTY = ["", " ", "\x00", "%00", "\U0001f642", "9" * 60, "-1", "NaN", "1e309", "2025.0",
         "../../etc/passwd", "' OR 1=1 --", "<svg onload=alert(1)>", "eu", "None"]
PARAMS = [("/api/v1/ledger", ("region", "sector", "year", "kind", "currency", "format",
                              "table")),
          ("/api/v1/ledger/totals", ("stage", "currency", "needs", "format", "table")),
          (f"/api/v1/ledger/deals/{DEAL}", ("currency", "format", "table")),
          ("/api/v1/claims", ("format", "table"))]


@pytest.mark.parametrize(("path", "names"), PARAMS, ids=[p for p, _ in PARAMS])
def test_no_input_makes_a_server_error(client, path, names):
    from urllib.parse import quote

    for name in names:
        for value in NASTY:
            response = client.get(f"{path}?{name}={quote(value)}")
            assert response.status_code < 500, (name, value, response.text)
            if response.status_code >= 400:
                assert response.headers["content-type"] == "application/problem+json"
    for value in NASTY[1:]:
        for prefix in ("/api/v1/ledger/deals/", "/api/v1/sources/", "/api/v1/plans/",
                       "/ledger/deals/", "/sources/", "/plans/"):
            response = client.get(prefix + quote(value, safe=""))
            assert response.status_code < 500, (prefix, value, response.text)


@pytest.mark.parametrize("path", ["/", "/ledger", "/api/v1/ledger", f"/sources/{SOURCE}",
                                  "/static/site.css"])
def test_head_answers_like_get_without_a_body(client, path):
    """Link checkers and uptime monitors send HEAD: it was 405 on every page."""
    get, head = client.get(path), client.head(path)
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    for header in ("content-type", "content-security-policy", "x-content-type-options"):
        assert head.headers.get(header) == get.headers.get(header), header
    assert client.head("/no-such-page").status_code == 404
    assert client.head("/login").status_code == 200      # a GET-and-POST route
