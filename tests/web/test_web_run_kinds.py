"""Every kind of run the CLI stores has a run page: `moneytrail trace` (breakdowns only, any
--by), `analyse` (any --what), `compare`, `sensitivity`, `claims check` and `demo` store runs
in the same store the web app reads. Each is stored here through the service layer (as the CLI
does) and its page `/r/<id>`, its table downloads, its embeds and chart images are fetched:
never a 5xx or a traceback, the tables the run has are shown, and a section the run did not
compute says so in a sentence."""

from __future__ import annotations

import re
from html import unescape

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

DRAWS = 120
KINDS = ("trace_cli", "trace_web", "analyse_default", "analyse_concentration",
         "analyse_jobs_co2", "analyse_market_power", "compare", "sensitivity", "claims",
         "demo_trace", "demo_compare", "demo_claims")


def plan(stem: str):
    return load_scenario(next(p for p in reference_scenarios() if p.stem == stem))


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """The store and the id of one run of each kind (stored as the CLI stores them)."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("kinds") / "ledger.sqlite")
    us, eu = plan("stargate-style-us"), plan("eu-ai-gigafactories")
    with Workspace.open(db=db) as ws:
        runs = {
            # what `moneytrail trace x.yaml --by jobs --by entity` stores (any --by: the same)
            "trace_cli": tasks.trace_plan(ws, us, draws=DRAWS, seed=1, analyses=False),
            "trace_web": tasks.trace_plan(ws, eu, draws=DRAWS, seed=1),
            "analyse_default": tasks.analyse_plan(ws, eu, draws=DRAWS, seed=1),
            "analyse_concentration": tasks.analyse_plan(ws, us, ["concentration"],
                                                        draws=DRAWS, seed=1),
            "analyse_jobs_co2": tasks.analyse_plan(ws, us, ["jobs", "co2"], draws=DRAWS,
                                                   seed=1),
            "analyse_market_power": tasks.analyse_plan(ws, us, ["market_power", "procurement"],
                                                       draws=DRAWS, seed=1),
            "compare": tasks.compare_plans(ws, [us, eu], draws=DRAWS, seed=1),
            "sensitivity": tasks.sensitivity(ws, us, top=4),
            "claims": tasks.check_claims(ws, draws=DRAWS, seed=1),
        }
        demo = tasks.demo(ws, [us, eu], draws=DRAWS, seed=2)     # `moneytrail demo`
        runs.update(demo_trace=demo.traces[0], demo_compare=demo.comparison,
                    demo_claims=demo.claims)
    return db, runs


@pytest.fixture(scope="module")
def client(stored):
    app = create_app(db=stored[0], start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def ok(response) -> None:
    assert response.status_code < 500, (response.status_code, response.text[:2000])
    assert "Traceback" not in response.text
    assert "something went wrong" not in response.text.lower()


@pytest.mark.parametrize("kind", KINDS)
def test_run_page_shows_the_tables_the_run_has(client, stored, kind):
    result = stored[1][kind]
    response = client.get(f"/r/{result.run_id}")
    ok(response)
    assert response.status_code == 200
    html = response.text
    assert result.run_id in html
    for name, table in result.tables.items():           # every table is shown and offered
        assert f"table={name}" in html, name
        assert unescape(table.title) in unescape(html) or result.kind == "trace", name
    if result.kind != "trace":
        for name, table in result.tables.items():       # its rows, the first cell of each
            if table.rows:
                assert unescape(str(table.rows[0][0])) in unescape(html), name


@pytest.mark.parametrize("kind", KINDS)
def test_downloads_and_charts_of_every_kind(client, stored, kind):
    result = stored[1][kind]
    api = f"/api/v1/runs/{result.run_id}"
    ok(client.get(api))
    for name in result.tables:
        for fmt in ("csv", "json", "parquet"):
            response = client.get(f"{api}?format={fmt}&table={name}")
            ok(response)
            assert response.status_code == 200, (name, response.text)
            if fmt == "parquet":        # the file the Python writer writes (h132)
                assert response.content == result.parquet_bytes(name), name
    # CSV holds one table: without `table` only a run of one table gives it (h63), as
    # `moneytrail show --format csv` does
    default = client.get(f"{api}?format=csv")
    assert default.status_code == (200 if len(result.tables) == 1 else 400), default.text
    for chart in ("first", "location", "ownership"):
        ok(client.get(f"/embed/r/{result.run_id}/{chart}"))
        ok(client.get(f"/r/{result.run_id}/chart/{chart}.svg"))
    ok(client.get(f"{api}/plan.yaml"))
    report = client.get(f"/r/{result.run_id}/report.html")   # traces and comparisons
    ok(report)
    briefed = result.kind in ("trace", "compare")     # as `moneytrail report` (finding h64.3)
    assert (report.status_code == 200) == briefed, report.text[:300]
    if not briefed:
        assert "a report is made from trace or compare runs; this run is a " \
            f"{result.kind} run" in report.text


def test_cli_trace_page_says_what_it_was_made_without(client, stored):
    result = stored[1]["trace_cli"]
    assert "categories" not in result.tables and "scorecard" not in result.tables
    html = client.get(f"/r/{result.run_id}").text
    text = " ".join(text_of(html).split())
    assert "made without the spending-by-category table" in text
    assert "made without the scorecard" in text
    # the breakdowns and the location/ownership flows it has are shown
    assert 'id="location-chart"' in html or "flows_location" in html
    for name in ("factor", "country", "owner_country", "entity"):
        assert f"table={name}" in html
    assert "moneytrail trace" in text
    chart = client.get(f"/api/v1/runs/{result.run_id}/charts/first.svg")    # and its image:
    assert chart.status_code == 404                                           # 404 saying why
    assert chart.json()["field"] == "chart" and "made without" in chart.json()["detail"]
    assert client.get(f"/r/{result.run_id}/chart/location.svg").status_code == 200


def test_a_web_trace_page_has_no_missing_table_sentence(client, stored):
    result = stored[1]["trace_web"]
    text = " ".join(text_of(client.get(f"/r/{result.run_id}").text).split())
    assert "made without" not in text


def test_run_pages_escape_stored_text(client, stored, tmp_path):
    """A stored run's text (titles, labels, cells) is escaped on every kind of page."""
    from sqlalchemy import create_engine

    from moneytrail.service.result import Result
    from moneytrail.service.runs import RunStore

    base = stored[1]["claims"].to_dict()
    hostile = "<script>alert(1)</script>"
    base["tables"]["claims"]["rows"][0][0] = hostile
    base["tables"]["claims"]["title"] = hostile
    tampered = Result.from_dict({**base, "run_id": "f" * 32, "title": hostile})
    store = RunStore(create_engine(f"sqlite:///{stored[0]}"))
    store.start(tampered.run_id, kind="claims", label=hostile, inputs={}, data_version="x",
                data_hash="x", total=1)
    store.finish(tampered)
    response = client.get(f"/r/{tampered.run_id}")
    assert response.status_code == 200
    assert hostile not in response.text
    assert response.text.count("&lt;script&gt;") >= 3       # title, table title, cell


def test_compare_page_takes_cli_traces(client, stored):
    """Two traces side by side when one was stored by `moneytrail trace` (no scorecard)."""
    a, b = stored[1]["trace_cli"], stored[1]["trace_web"]
    response = client.get(f"/compare?runs={a.run_id},{b.run_id}")
    ok(response)
    assert response.status_code == 200
