"""A researcher-programmer tester's findings (h63) on the HTTP API against the CLI and Python.

1. /api/v1/openapi.json declares the responses the API really gives: every error as
   application/problem+json with the shared Problem schema (no FastAPI HTTPValidationError),
   every status an endpoint answers (400, 401, 403, 404, 409, 413, 415, 422, 429, ...), and
   both 200 and 202 for POST /api/v1/runs.
2. /api/v1/claims has the columns of `moneytrail claims check` (`unit` among them).
3. Tables: a run's CSV without `table` is refused (400 naming the tables) as `moneytrail show
   --format csv` is; a run's table as JSON carries its title, note, units, currency and price
   year; `?table=` on a page's JSON (ledger, compare) is honoured.
4. Ledger: totals carry per_capita_low/high and per_gdp_low/high as Python and the CLI do;
   the ledger endpoints take `price_year` as the CLI's --price-year; the Python API's errors
   name its parameters (`by`), the CLI its options (`--by`).
"""

from __future__ import annotations

import csv
import io
import json

import pytest

pytest.importorskip("fastapi")
from accounts_fixtures import HTTPS, bearer, login  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402

REFERENCE = "eu-ai-gigafactories"
APP_OPTIONS = {"run_limit": (1000, 100)}
DEAL = "l_stargate_us_2025_01"
SOURCE = "l_stargate_2025_01_center"
NO_RUN = "0" * 32


@pytest.fixture(scope="module")
def app(module_app):
    return module_app


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app, base_url=HTTPS) as test_client:
        yield test_client


def started(client, seed: int) -> str:
    response = client.post("/api/v1/runs", json={"reference": REFERENCE, "draws": 40,
                                                 "seed": seed})
    assert response.status_code in (200, 202), response.text
    run_id = response.json()["run_id"]
    assert wait_done(client, run_id)["status"] == "done"
    return run_id


@pytest.fixture(scope="module")
def runs(client) -> list[str]:
    return [started(client, 11), started(client, 12)]


# -- 1. the OpenAPI description --------------------------------------------------------------
def media(response) -> str | None:
    kind = response.headers.get("content-type")
    return kind.split(";")[0].strip() if kind else None


def declared(spec: dict, method: str, template: str, response) -> None:
    """The response's status and media type are among those the operation declares."""
    operation = spec["paths"][template][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], (method, template, status, response.text[:300])
    content = operation["responses"][status].get("content", {})
    if response.status_code == 204:
        assert not content and not response.content
        return
    assert media(response) in content, (method, template, status, media(response))
    if response.status_code >= 400:
        body = response.json()
        assert media(response) == "application/problem+json"
        assert isinstance(body["detail"], str) and body["status"] == response.status_code
        schema = spec["components"]["schemas"]["Problem"]
        assert set(body) <= set(schema["properties"]) and set(schema["required"]) <= set(body)


def test_openapi_declares_the_problem_schema_not_fastapis(client):
    spec = client.get("/api/v1/openapi.json").json()
    text = json.dumps(spec)
    assert "HTTPValidationError" not in text and "ValidationError" not in spec[
        "components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert list(answer["content"]) == ["application/problem+json"], \
                        (method, path, status)
                    assert answer["content"]["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"}
    runs = spec["paths"]["/api/v1/runs"]["post"]["responses"]
    assert {"200", "202", "400", "413", "415", "429"} <= set(runs)
    edit = spec["paths"]["/api/v1/ledger/{kind}/{key}"]["patch"]["responses"]
    assert {"200", "400", "401", "403", "404", "409", "413", "415", "422"} <= set(edit)


def test_real_responses_are_declared_for_every_endpoint(app, client, runs):
    """A sample of real requests per endpoint (successes and errors): each status and media
    type is declared in /api/v1/openapi.json, and every endpoint is sampled."""
    from moneytrail.web.jobs import TokenBucket

    spec = client.get("/api/v1/openapi.json").json()
    anonymous = TestClient(app, base_url=HTTPS)
    eve, rita = bearer(app, "eve"), bearer(app, "rita", "write")
    root = login(app, "root")
    admin = {"X-CSRF-Token": root.csrf}
    run, other = runs
    sampled: set[tuple[str, str]] = set()

    def check(method, template, url, who=None, headers=None, **kwargs):
        response = (who or client).request(method, url, headers=headers, **kwargs)
        declared(spec, method, template, response)
        sampled.add((method.lower(), template))
        return response

    for url in ("/api/v1/home", "/api/v1/charts/reality", "/api/v1/ledger",
                "/api/v1/ledger/totals", "/api/v1/claims", "/api/v1/plans"):
        check("GET", url, url)
        check("GET", url, url + "?format=csv")
        check("GET", url, url + "?nope=1")
        check("GET", url, url + "?table=nope")
    check("GET", "/api/v1/ledger/deals/{deal}", f"/api/v1/ledger/deals/{DEAL}?format=csv")
    check("GET", "/api/v1/ledger/deals/{deal}", "/api/v1/ledger/deals/nope")
    check("GET", "/api/v1/ledger/deals/{deal}", f"/api/v1/ledger/deals/{DEAL}?price_year=x")
    check("GET", "/api/v1/sources/{source}", f"/api/v1/sources/{SOURCE}")
    check("GET", "/api/v1/sources/{source}", "/api/v1/sources/nope")
    check("GET", "/api/v1/plans/{plan}", f"/api/v1/plans/{REFERENCE}")
    check("GET", "/api/v1/plans/{plan}", "/api/v1/plans/nope")
    # runs
    stored = {"reference": REFERENCE, "draws": 40, "seed": 11}
    assert check("POST", "/api/v1/runs", "/api/v1/runs", json=stored).status_code == 200
    check("POST", "/api/v1/runs", "/api/v1/runs", json={"reference": "nope"})
    check("POST", "/api/v1/runs", "/api/v1/runs", json={"reference": REFERENCE, "draws": 0})
    check("POST", "/api/v1/runs", "/api/v1/runs", content=b"x",
          headers={"Content-Type": "text/plain"})
    check("POST", "/api/v1/runs", "/api/v1/runs", content=b" " * 2_000_000,
          headers={"Content-Type": "application/json"})
    limiter = app.state.limiter
    app.state.limiter = TokenBucket(1, 1e-9)
    try:
        check("POST", "/api/v1/runs", "/api/v1/runs", json=stored)
        assert check("POST", "/api/v1/runs", "/api/v1/runs", json=stored).status_code == 429
    finally:
        app.state.limiter = limiter
    for url in (f"/api/v1/runs/{run}", f"/api/v1/runs/{run}?table=country",
                f"/api/v1/runs/{run}?format=csv&table=country", f"/api/v1/runs/{run}?format=csv",
                f"/api/v1/runs/{NO_RUN}", "/api/v1/runs/bad-id"):
        check("GET", "/api/v1/runs/{run}", url)
    check("GET", "/api/v1/runs/{run}/plan.yaml", f"/api/v1/runs/{run}/plan.yaml")
    check("GET", "/api/v1/runs/{run}/plan.yaml", f"/api/v1/runs/{NO_RUN}/plan.yaml")
    both = f"{run},{other}"
    check("GET", "/api/v1/compare", f"/api/v1/compare?runs={both}")
    check("GET", "/api/v1/compare", f"/api/v1/compare?runs={both}&format=csv&table=headline")
    check("GET", "/api/v1/compare", f"/api/v1/compare?runs={run}")
    check("GET", "/api/v1/compare", f"/api/v1/compare?runs={run},{NO_RUN}")
    chart = "/api/v1/runs/{run}/charts/{name}.{fmt}"
    check("GET", chart, f"/api/v1/runs/{run}/charts/first.gif")
    check("GET", chart, f"/api/v1/runs/{NO_RUN}/charts/first.svg")
    check("GET", "/api/v1/charts/reality.{fmt}", "/api/v1/charts/reality.svg")
    check("GET", "/api/v1/charts/reality.{fmt}", "/api/v1/charts/reality.gif")
    check("GET", "/api/v1/compare/chart.{fmt}", f"/api/v1/compare/chart.gif?runs={both}")
    check("GET", "/api/v1/compare/chart.{fmt}", f"/api/v1/compare/chart.svg?runs={run}")
    check("GET", "/api/v1/compare/chart.{fmt}",
          f"/api/v1/compare/chart.svg?runs={run},{NO_RUN}")
    check("GET", "/api/v1/claims/{claim}/check", "/api/v1/claims/nope/check")
    check("GET", "/api/v1/claims/{claim}/check", f"/api/v1/claims/nope/check?run={NO_RUN}")
    own = "/api/v1/claims/check"       # a figure of the reader's own (service.own_claims)
    check("GET", own, f"{own}?run={run}&quantity=first_invoice_share&firms=nvidia"
                      "&side=at_least&number=50")
    check("GET", own, f"{own}?run={run}&quantity=nope&side=at_least&number=50")
    check("GET", own, f"{own}?run={NO_RUN}&quantity=profit_share&side=at_least&number=5")
    # accounts
    reset = "/api/v1/accounts/{name}/password-reset"
    check("POST", reset, "/api/v1/accounts/rita/password-reset", who=root, headers=admin,
          json={"hours": 2})
    check("POST", reset, "/api/v1/accounts/nobody/password-reset", who=root, headers=admin,
          json={"hours": 2})
    check("POST", reset, "/api/v1/accounts/rita/password-reset", who=root, headers=admin,
          json={"hours": "2"})
    check("POST", reset, "/api/v1/accounts/rita/password-reset", who=anonymous,
          json={"hours": 2})
    check("POST", reset, "/api/v1/accounts/rita/password-reset", headers=eve, json={})
    check("GET", "/api/v1/me", "/api/v1/me", headers=eve)
    check("GET", "/api/v1/me", "/api/v1/me?x=1")
    # ledger records
    record = "/api/v1/ledger/record/{kind}/{key}"
    current = check("GET", record, f"/api/v1/ledger/record/deal/{DEAL}").json()
    check("GET", record, "/api/v1/ledger/record/deal/nope")
    check("GET", record, "/api/v1/ledger/record/fx/x")
    add = "/api/v1/ledger/{kind}"
    unprocessable = check("POST", add, "/api/v1/ledger/deal", headers=eve, json={"x": 1})
    assert unprocessable.status_code == 422
    assert unprocessable.json()["field"] == "record"
    source = {"id": "h63_src", "publisher": "P", "title": "T", "url": "https://example.org/",
              "published": "2025-01-01", "accessed": "2025-02-01", "reliability": "weak",
              "note": ""}
    assert check("POST", add, "/api/v1/ledger/source", headers=eve,
                 json={"record": source, "reason": "test"}).status_code == 201
    check("POST", add, "/api/v1/ledger/source", headers=eve,
          json={"record": source, "reason": "again"})
    check("POST", add, "/api/v1/ledger/source", json={"record": source, "reason": "x"})
    check("POST", add, "/api/v1/ledger/source", headers=bearer(app, "eve", "read"),
          json={"record": source, "reason": "x"})
    check("POST", add, "/api/v1/ledger/source", headers=rita,
          json={"record": source, "reason": "x"})
    check("POST", add, "/api/v1/ledger/nope", headers=eve, json={"record": {}, "reason": "x"})
    check("POST", add, "/api/v1/ledger/source", headers={**eve, "Content-Type": "text/plain"},
          content=b"x")
    large = json.dumps({"record": {**source, "note": "x" * 1_100_000}, "reason": "x"})
    assert check("POST", add, "/api/v1/ledger/source", headers={
        **eve, "Content-Type": "application/json"}, content=large.encode()).status_code == 413
    check("POST", add, "/api/v1/ledger/source", headers={**eve,
          "Content-Type": "application/json"}, content=b"{")
    edit = "/api/v1/ledger/{kind}/{key}"
    revision = current["revision"]
    changed = check("PATCH", edit, f"/api/v1/ledger/deal/{DEAL}", headers=eve,
                    json={"changes": {"note": "h63"}, "reason": "test",
                          "expected_revision": revision})
    assert changed.status_code == 200
    assert check("PATCH", edit, f"/api/v1/ledger/deal/{DEAL}", headers=eve,
                 json={"changes": {"note": "h63 again"}, "reason": "test",
                       "expected_revision": revision}).status_code == 409
    check("PATCH", edit, "/api/v1/ledger/deal/nope", headers=eve,
          json={"changes": {"note": "x"}, "reason": "x", "expected_revision": 1})
    check("PATCH", edit, f"/api/v1/ledger/deal/{DEAL}", headers=eve, json={"changes": {}})
    revert = "/api/v1/ledger/revisions/{number}/revert"
    number = changed.json()["revisions"][0]
    check("POST", revert, f"/api/v1/ledger/revisions/{number}/revert", who=root,
          headers=admin, json={"reason": "undo"})
    check("POST", revert, "/api/v1/ledger/revisions/x/revert", who=root, headers=admin,
          json={"reason": "undo"})
    check("POST", revert, "/api/v1/ledger/revisions/99999999/revert", who=root,
          headers=admin, json={"reason": "undo"})
    check("POST", revert, f"/api/v1/ledger/revisions/{number}/revert", headers=eve,
          json={"reason": "undo"})
    # saved plans
    from moneytrail.web import builder

    plan = {**builder.reference_mapping(REFERENCE), "draws": 40}
    saved = "/api/v1/saved-plans"
    check("GET", saved, saved)
    created = check("POST", saved, saved, headers=eve,
                    json={"title": "h63", "plan": plan, "visibility": "public"}).json()
    check("POST", saved, saved, headers=eve, json={"title": "h63"})
    check("POST", saved, saved, json={"title": "h63", "plan": plan})
    one = f"{saved}/{created['id']}"
    check("GET", saved + "/{plan_id}", one)
    check("GET", saved + "/{plan_id}", f"{saved}/999999")
    check("GET", saved + "/{plan_id}", f"{saved}/x")
    check("PATCH", saved + "/{plan_id}", one, headers=eve,
          json={"expected_revision": created["revision"], "title": "h63 b"})
    check("PATCH", saved + "/{plan_id}", one, headers=eve,
          json={"expected_revision": created["revision"], "title": "h63 c"})
    check("PATCH", saved + "/{plan_id}", one, headers=eve, json={"title": "h63 c"})
    for tail in ("revisions", "runs"):
        check("GET", saved + "/{plan_id}/" + tail, f"{one}/{tail}")
        check("GET", saved + "/{plan_id}/" + tail, f"{saved}/999999/{tail}")
    check("POST", saved + "/{plan_id}/runs", f"{one}/runs", headers=eve)
    check("POST", saved + "/{plan_id}/runs", f"{one}/runs")
    check("GET", saved + "/{plan_id}/trail", f"{one}/trail", headers=eve)
    check("GET", saved + "/{plan_id}/trail", f"{one}/trail")
    latest = client.get(one, headers=eve).json()["revision"]
    check("DELETE", saved + "/{plan_id}", f"{one}?expected_revision=x", headers=eve)
    check("DELETE", saved + "/{plan_id}", one, headers=rita)
    check("POST", saved + "/{plan_id}/purge", f"{one}/purge", headers=eve)
    check("DELETE", saved + "/{plan_id}", f"{one}?expected_revision={latest}", headers=eve)
    check("POST", saved + "/{plan_id}/purge", f"{one}/purge?expected_revision=x",
          headers=eve)
    check("POST", saved + "/{plan_id}/purge", f"{one}/purge", headers=eve)
    every = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert every == sampled, every ^ sampled


# -- 2. the claims' columns ------------------------------------------------------------------
def test_claims_csv_has_the_columns_of_the_cli(client):
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    header = next(csv.reader(io.StringIO(
        client.get("/api/v1/claims?format=csv&table=checks").text)))
    with Workspace.open() as ws:
        result = tasks.check_claims(ws, draws=50, store=None)
    cli = [c.name for c in result.tables["claims"].columns]
    assert "unit" in header
    assert header == cli
    checks = client.get("/api/v1/claims").json()["checks"]
    assert any(row["unit"] for row in checks)


# -- 3. tables -------------------------------------------------------------------------------
def test_run_csv_without_table_is_refused_naming_the_tables(client, runs):
    response = client.get(f"/api/v1/runs/{runs[0]}?format=csv")
    assert response.status_code == 400, response.text[:200]
    body = response.json()
    assert body["field"] == "table"
    assert "headline" in body["detail"] and "country" in body["detail"]
    ok = client.get(f"/api/v1/runs/{runs[0]}?format=csv&table=country")
    assert ok.status_code == 200 and ok.text.startswith("country,")


def test_page_csv_without_table_is_refused_when_the_page_has_several(client):
    """The home page's CSV gave its first table (reality) silently; a page of one table
    still gives it."""
    response = client.get("/api/v1/home?format=csv")
    assert response.status_code == 400, response.text[:200]
    body = response.json()
    assert body["field"] == "table"
    assert "reality, claims, plans" in body["detail"]
    one = client.get("/api/v1/ledger/totals?format=csv")
    assert one.status_code == 200 and one.headers["content-type"].startswith("text/csv")


def test_run_of_one_table_gives_its_csv_without_table(app, client):
    from moneytrail.service import tasks

    result = tasks.check_claims(app.state.workspace, draws=20,
                                store=app.state.jobs.store)
    assert list(result.tables) == ["claims"]
    response = client.get(f"/api/v1/runs/{result.run_id}?format=csv")
    assert response.status_code == 200, response.text[:300]
    assert response.text.startswith("claim,")


def test_run_table_json_carries_what_reading_it_needs(app, client, runs):
    body = client.get(f"/api/v1/runs/{runs[0]}?table=country").json()
    whole = client.get(f"/api/v1/runs/{runs[0]}").json()["result"]["tables"]["country"]
    assert body["title"] == whole["title"] and body["note"] == whole["note"]
    assert body["units"] == {c["name"]: c["unit"] for c in whole["columns"]}
    assert body["currency"] == "EUR" and isinstance(body["price_year"], int)
    assert body["rows"] and body["table"] == "country"
    flows = client.get(f"/api/v1/runs/{runs[0]}?table=flows_first").json()
    assert flows["currency"] == "EUR" and flows["units"]["value"] == "money"


def test_view_json_honours_table(client, runs):
    deals = client.get("/api/v1/ledger?table=deals").json()
    assert deals["table"] == "deals" and deals["rows"] == client.get(
        "/api/v1/ledger").json()["deals"]
    assert "meta" in deals
    refused = client.get("/api/v1/ledger?table=nope")
    assert refused.status_code == 400 and refused.json()["field"] == "table"
    both = ",".join(runs)
    headline = client.get(f"/api/v1/compare?runs={both}&table=headline").json()
    assert headline["table"] == "headline" and "runs" not in headline
    assert client.get(f"/api/v1/compare?runs={both}&table=x").status_code == 400


# -- 4. the ledger across interfaces ----------------------------------------------------------
def test_totals_have_the_python_columns(app, client):
    rows = client.get("/api/v1/ledger/totals").json()["totals"]
    frame = app.state.web.ledger.totals(by=["region"])
    # plus `note`: each region's caveats in words (deals left out, needs included; h77),
    # which Python gives as a table of its own (Ledger.totals_caveats)
    assert set(frame.columns) | {"note"} == set(rows[0])
    for column in ("per_capita_low", "per_capita_high", "per_gdp_low", "per_gdp_high"):
        assert column in rows[0]


def test_ledger_endpoints_take_price_year(app, client):
    ledger = app.state.web.ledger
    totals = client.get("/api/v1/ledger/totals?currency=USD&price_year=2020").json()
    assert totals["meta"]["price_year"] == 2020 and totals["meta"]["currency"] == "USD"
    expected = ledger.totals(by=["region"], currency="USD", price_year=2020)
    us = next(r for r in totals["totals"] if r["region"] == "US")
    assert us["central"] == float(expected.set_index("region").loc["US", "central"])
    assert "--price-year 2020" in totals["reproduce"]["cli"]
    deals = client.get("/api/v1/ledger?price_year=2020").json()["deals"]
    assert {d["price_year"] for d in deals} == {2020}
    claims = client.get(f"/api/v1/ledger/deals/{DEAL}?price_year=2020").json()["claims"]
    assert {c["norm_price_year"] for c in claims} == {2020}
    for value, detail in (("abc", "expected a whole number"), ("1800", "deflator"),
                          ("0", "not a year")):
        for url in ("/api/v1/ledger", "/api/v1/ledger/totals", f"/api/v1/ledger/deals/{DEAL}"):
            response = client.get(f"{url}?price_year={value}")
            assert response.status_code == 400, (url, value)
            assert response.json()["field"] == "price_year", response.json()
            assert detail in response.json()["detail"]


def test_python_errors_name_parameters_the_cli_its_options(app, capsys):
    from moneytrail.cli import main
    from moneytrail.errors import MoneytrailError

    ledger = app.state.web.ledger
    for call, field in ((lambda: ledger.totals(by=["nope"]), "by"),
                        (lambda: ledger.totals(stage="nope"), "stage"),
                        (lambda: ledger.list(region="nope"), "region"),
                        (lambda: ledger.reality(year=3000), "year"),
                        (lambda: ledger.list(currency="XXX"), "currency"),
                        (lambda: ledger.totals(price_year=1800), "price_year")):
        with pytest.raises(MoneytrailError) as caught:
            call()
        assert caught.value.field == field
    db = str(ledger.engine.url)
    for args, option in ((["totals", "--by", "nope"], "--by"),
                         (["totals", "--price-year", "1800"], "--price-year"),
                         (["list", "--region", "nope"], "--region"),
                         (["status", "--sector", "nope"], "--sector")):
        with pytest.raises(SystemExit) as code:
            main(["ledger", *args, "--db", db])
        assert code.value.code == 2
        assert f"field '{option}'" in capsys.readouterr().err
