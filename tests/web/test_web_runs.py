"""Runs through the HTTP API and the pages built on them (FastAPI's TestClient, no browser):
start a run, poll it to done, and check that it is the very run `tasks.trace_plan` gives;
bad plans are refused with the field and value; run creation is rate-limited; never a 5xx."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import time

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import form_fields, wait_done  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402
from moneytrail.scenarios.yamlio import read_yaml  # noqa: E402
from moneytrail.web import create_app  # noqa: E402

PLAN = "eu-ai-gigafactories"
DRAWS = 300


def reference_mapping(plan_id: str = PLAN) -> dict:
    from moneytrail.errors import ScenarioError

    path = next(p for p in reference_scenarios() if p.stem == plan_id)
    return dict(read_yaml(path, ScenarioError, what="scenario file"))


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    db = tmp_path_factory.mktemp("runs") / "ledger.sqlite"
    app = create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def done_run(client):
    response = client.post("/api/v1/runs", json={"reference": PLAN, "draws": DRAWS, "seed": 3})
    assert response.status_code == 202, response.text
    body = response.json()
    assert body["status"] in ("queued", "running", "done")
    assert body["url"] == f"/r/{body['run_id']}"
    assert response.headers["location"] == f"/api/v1/runs/{body['run_id']}"
    run = wait_done(client, body["run_id"])
    assert run["status"] == "done", run["error"]
    return run


def test_run_equals_the_service_trace(done_run):
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plan = load_scenario(next(p for p in reference_scenarios() if p.stem == PLAN))
    with Workspace.open() as ws:
        expected = tasks.trace_plan(ws, plan, draws=DRAWS, seed=3, store=None).to_dict()
    got = done_run["result"]
    assert got["run_id"] == expected["run_id"] == done_run["run_id"]
    assert got["tables"] == expected["tables"]
    # the store's ledger revision as the run was made is where it ran, not what it computed
    # (as `created`): the web run's store has one, a trace without a store none
    assert isinstance(got["facts"].pop(tasks.LEDGER_REVISION), int)
    assert tasks.LEDGER_REVISION not in expected["facts"]
    assert got["facts"] == expected["facts"]
    for key in ("inputs", "seed", "draws", "code_version", "data_version", "data_hash",
                "sources"):
        assert got["provenance"][key] == expected["provenance"][key], key


def test_posting_the_same_run_again_finds_it(client, done_run):
    response = client.post("/api/v1/runs", json={"reference": PLAN, "draws": DRAWS, "seed": 3})
    assert response.status_code == 200
    assert response.json() == {"run_id": done_run["run_id"], "status": "done",
                               "draws": DRAWS, "seed": 3,
                               "url": f"/r/{done_run['run_id']}",
                               "api": f"/api/v1/runs/{done_run['run_id']}",
                               "warnings": []}      # a reference plan: none (plan_warnings)


def test_a_plan_mapping_runs_and_matches_its_reference(client, done_run):
    plan = reference_mapping()
    plan.update(draws=DRAWS, seed=3)
    response = client.post("/api/v1/runs", json=plan)
    assert response.status_code in (200, 202), response.text
    # the run stores the plan with its own draws and seed (tasks.run_plan_inputs): the
    # plan file's 10,000 draws run with DRAWS is the plan saying DRAWS, one run id
    same = wait_done(client, response.json()["run_id"])
    assert same["run_id"] == done_run["run_id"]
    assert same["result"]["tables"] == done_run["result"]["tables"]
    again = client.post("/api/v1/runs", json=plan)
    assert again.status_code == 200 and again.json()["run_id"] == same["run_id"]
    plan["budget"] = {**plan["budget"], "amount": 1e9}
    other = client.post("/api/v1/runs", json=plan).json()
    assert other["run_id"] != done_run["run_id"]
    run = wait_done(client, other["run_id"])
    assert run["status"] == "done"
    assert run["result"]["facts"]["total"] == 1e9


def bad(mutate):
    plan = reference_mapping()
    plan["draws"] = 100
    mutate(plan)
    return plan


BAD_PLANS = [
    ("spend-sum", lambda p: p["spend"]["accelerators"].update(central=0.35), "spend", None,
     "add up to"),
    ("share-above-1", lambda p: p["spend"]["accelerators"].update(high=1.5),
     "spend.accelerators.high", 1.5, "between 0 and 1"),
    ("negative-budget", lambda p: p["budget"].update(amount=-5), "budget.amount", -5,
     "more than zero"),
    ("too-many-draws", lambda p: p.update(draws=50_000), "draws", 50_000, "at most 20,000"),
    ("unknown-category", lambda p: p["spend"].update(teleporters=p["spend"].pop("storage")),
     "spend.teleporters", "teleporters", "unknown spending category"),
    ("unknown-key", lambda p: p.update(colour="red"), "colour", "red", "unknown key"),
    ("bad-year", lambda p: p.update(year=1800), "year", 1800, "greater than"),
    ("bad-currency", lambda p: p.update(currency="euro"), "currency", "euro",
     "three capital letters"),
    ("bad-region", lambda p: p.update(buyer_region="Mars"), "buyer_region", "Mars", "EU or US"),
    ("bad-condition", lambda p: p.update(conditions=[{"metric": "happiness", "max": 1}]),
     "conditions.0.metric", "happiness", "unknown metric"),
]


@pytest.mark.parametrize(("name", "mutate", "field", "value", "words"), BAD_PLANS,
                         ids=[b[0] for b in BAD_PLANS])
def test_bad_plans_name_field_and_value(client, name, mutate, field, value, words):
    response = client.post("/api/v1/runs", json=bad(mutate))
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["field"] == field
    assert words in body["detail"]
    if value is not None:
        assert str(body["value"]) == str(value)


@pytest.mark.parametrize(("body", "status", "field"), [
    (b"{not json", 400, "body"),
    (b"[1, 2]", 400, "body"),
    (b"null", 400, "body"),
    (json.dumps({"reference": "atlantis"}).encode(), 404, "reference"),
    (json.dumps({"reference": PLAN, "draws": 0}).encode(), 400, "draws"),
    (json.dumps({"reference": PLAN, "draws": 10**9}).encode(), 400, "draws"),
    (json.dumps({"reference": PLAN, "seed": -1}).encode(), 400, "seed"),
    (json.dumps({"reference": PLAN, "speed": 1}).encode(), 400, "speed"),
    (b"{" + b'"a": "' + b"x" * 70_000 + b'"}', 413, "body"),
])
def test_bad_bodies_are_4xx(client, body, status, field):
    response = client.post("/api/v1/runs", content=body,
                           headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    assert response.json()["field"] == field


def test_unknown_and_malformed_run_ids(client):
    missing = client.get("/api/v1/runs/" + "0" * 32)
    assert missing.status_code == 404
    assert missing.json()["field"] == "run id"
    assert client.get("/api/v1/runs/not-a-run").status_code == 400
    page = client.get("/r/" + "f" * 32)
    assert page.status_code == 404 and "text/html" in page.headers["content-type"]
    assert client.get("/embed/r/" + "f" * 32 + "/first").status_code == 404


def test_tables_as_csv_equal_the_json(client, done_run):
    from moneytrail.service.result import csv_number

    rid = done_run["run_id"]
    result = done_run["result"]
    for name in ("country", "scorecard", "purchases", "flows_first", "flows_location"):
        response = client.get(f"/api/v1/runs/{rid}?format=csv&table={name}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        expected = client.get(f"/api/v1/runs/{rid}?format=json&table={name}").json()["rows"]
        assert len(rows) == len(expected) > 0
        for row, want in zip(rows, expected, strict=True):
            for key, value in want.items():
                if isinstance(value, float):      # six significant digits in a CSV
                    assert float(row[key]) == csv_number(value), (key, value)
                elif value is None:
                    assert row[key] == ""
                else:
                    assert row[key] == str(value)
        if name in result["tables"]:
            assert len(result["tables"][name]["rows"]) == len(rows)
    assert client.get(f"/api/v1/runs/{rid}?table=nothing").status_code == 400


def test_sankey_flows_add_up_to_the_budget(client, done_run):
    rid = done_run["run_id"]
    total = done_run["result"]["facts"]["total"]
    for name in ("flows_first", "flows_location", "flows_ownership"):
        rows = client.get(f"/api/v1/runs/{rid}?table={name}").json()["rows"]
        plan = "The plan"
        out_of_plan = sum(r["value"] for r in rows if r["source"] == plan)
        assert out_of_plan == pytest.approx(total, rel=1e-6), name
        middle = {r["target"] for r in rows if r["source"] == plan}
        onward = sum(r["value"] for r in rows if r["source"] in middle)
        assert onward == pytest.approx(total, rel=1e-6), name


def test_run_page_shows_the_result(client, done_run):
    rid = done_run["run_id"]
    result = done_run["result"]
    page = client.get(f"/r/{rid}")
    assert page.status_code == 200
    html = page.text
    assert rid in html and result["provenance"]["data_version"] in html
    assert html.count('class="chart sankey"') == 3
    for source in result["provenance"]["sources"][:5]:
        assert f'href="/sources/{source}"' in html
    assert f"moneytrail trace {result['provenance']['inputs']['plan']['id']}.yaml --draws " \
           f"{DRAWS} --seed 3" in html
    assert "A newer version exists" not in html
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    island = re.search(r'<script type="application/json" id="first-data">(.*?)</script>', html,
                       re.S)
    assert json.loads(island.group(1))["data"][0]["valuesuffix"] == " EUR"
    plan_file = client.get(f"/api/v1/runs/{rid}/plan.yaml")
    assert plan_file.status_code == 200 and "eu-ai-gigafactories.yaml" in \
        plan_file.headers["content-disposition"]


def test_embed_is_frameable(client, done_run):
    rid = done_run["run_id"]
    for chart in ("first", "location", "ownership"):
        page = client.get(f"/embed/r/{rid}/{chart}")
        assert page.status_code == 200
        assert "frame-ancestors *" in page.headers["content-security-policy"]
        assert "x-frame-options" not in page.headers
    assert client.get(f"/embed/r/{rid}/pie").status_code == 400


def test_an_older_run_says_a_newer_version_exists(client, done_run):
    from sqlalchemy import update

    from moneytrail.ledger.models import Run

    result = copy.deepcopy(done_run["result"])
    result["provenance"]["code_version"] = "0.0.1-old"
    result["run_id"] = "a" * 32
    store = client.app.state.jobs.store
    store.start("a" * 32, kind="trace", label="old", inputs=result["provenance"]["inputs"],
                data_version="old", data_hash="old", total=1)
    with store.engine.begin() as conn:
        conn.execute(update(Run).where(Run.id == "a" * 32).values(
            status="done", result=json.dumps(result)))
    html = client.get("/r/" + "a" * 32).text
    assert "A newer version exists" in html and "0.0.1-old" in html
    assert "/build?plan=" in html


def test_compare_runs(client, done_run):
    plan = reference_mapping("stargate-style-us")
    plan.update(draws=DRAWS)
    other = client.post("/api/v1/runs", json=plan).json()["run_id"]
    assert wait_done(client, other)["status"] == "done"
    ids = f"{done_run['run_id']},{other}"
    body = client.get(f"/api/v1/compare?runs={ids}").json()
    assert [r["run_id"] for r in body["runs"]] == ids.split(",")
    card = {row["metric"]: row for row in body["scorecard"]}
    assert card and all("run1_p50" in row and "run2_p50" in row for row in card.values())
    page = client.get(f"/compare?runs={ids}")
    assert page.status_code == 200 and "compare-data" in page.text
    assert client.get(f"/api/v1/compare?runs={done_run['run_id']}").status_code == 400
    assert client.get("/api/v1/compare?runs=" + "0" * 32 + "," + other).status_code == 404


def test_builder_shows_the_error_next_to_the_field(client):
    form = client.get(f"/build?reference={PLAN}")
    assert form.status_code == 200
    fields = form_fields(form.text)
    assert fields["spend-0-category"] == "accelerators" and fields["spend-4-category"]
    fields.update({"spend-0-central": "0.35", "action": "run"})
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/build?plan=")
    page = client.get(response.headers["location"])
    assert page.status_code == 400
    html = page.text
    message = re.search(r'<span class="error-message" id="([^"]+)-error">(.*?)</span>\s*'
                        r'<input id="([^"]+)"[^>]*>', html, re.S)
    assert message and message.group(1) == message.group(3) == "spend-0-central"
    assert "add up to" in message.group(2)
    tag = re.search(r'<input id="spend-0-central"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in tag and "autofocus" in tag
    assert 'aria-describedby="spend-0-central-error' in tag
    fields["spend-0-central"] = "0.39"
    fields["draws"] = "200"
    ok = client.post("/build", data=fields, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].startswith("/r/")


def test_draft_links_round_trip_and_refuse_damage(client):
    from moneytrail.web.runs import decode_draft, encode_draft

    plan = reference_mapping()
    assert decode_draft(encode_draft(plan)) == json.loads(json.dumps(plan, default=str))
    assert client.get("/build?plan=" + encode_draft(plan)).status_code == 200
    damaged = client.get("/build?plan=%%%not-base64")
    assert damaged.status_code == 400 and "damaged" in damaged.text
    assert client.get("/build?reference=atlantis").status_code == 404


def test_rate_limit_answers_429(tmp_path):
    app = create_app(db=str(tmp_path / "ledger.sqlite"), start_reference_runs=False,
                     run_limit=(2, 0.001))
    with TestClient(app) as limited:
        body = {"reference": PLAN, "draws": 50, "seed": 1}
        assert limited.post("/api/v1/runs", json=body).status_code in (200, 202)
        assert limited.post("/api/v1/runs", json=body).status_code in (200, 202)
        response = limited.post("/api/v1/runs", json=body)
        assert response.status_code == 429
        assert response.headers["content-type"].startswith("application/problem+json")
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["title"] == "Too many requests"


def test_token_bucket_refills():
    from moneytrail.web.jobs import TokenBucket

    now = [0.0]
    bucket = TokenBucket(capacity=2, rate=1.0, clock=lambda: now[0])
    assert bucket.take("a") == 0 and bucket.take("a") == 0
    assert bucket.take("a") == pytest.approx(1.0)
    assert bucket.take("b") == 0                       # per client
    now[0] = 1.0
    assert bucket.take("a") == 0


def test_reference_runs_start_with_the_app(tmp_path):
    app = create_app(db=str(tmp_path / "ledger.sqlite"))
    with TestClient(app) as fresh:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            html = fresh.get("/").text
            if html.count("Where the money goes<span") == len(reference_scenarios()):
                break
            time.sleep(0.5)
        else:
            raise AssertionError("the reference plans were not traced in time")
        assert "Compare the reference plans side by side" in html
        plan = fresh.get(f"/plans/{PLAN}").text
        assert "See the whole trace" in plan


def test_downloaded_plan_reproduces_the_run_id(client, done_run, tmp_path):
    """The run page's reproduce snippet: the plan file, traced with the same draws and seed
    through the Python API, gives the same run id."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    response = client.get(f"/api/v1/runs/{done_run['run_id']}/plan.yaml")
    name = re.search(r'filename="([^"]+)"', response.headers["content-disposition"]).group(1)
    path = tmp_path / name
    path.write_text(response.text, encoding="utf-8")
    plan = load_scenario(path)
    with Workspace.open() as ws:
        assert tasks.trace_run_id(ws, plan, draws=DRAWS, seed=3) == done_run["run_id"]


def test_run_and_compare_pages_offer_the_briefing(client, done_run):
    """The "Download report" links give the run's briefing: one offline HTML file with its
    figures and run id, and a PDF; a bad format is a 4xx."""
    run_id = done_run["run_id"]
    page = client.get(f"/r/{run_id}").text
    assert f"/r/{run_id}/report.pdf" in page and f"/r/{run_id}/report.html" in page
    html = client.get(f"/r/{run_id}/report.html")
    assert html.status_code == 200 and "attachment" in html.headers["content-disposition"]
    assert run_id in html.text and "Nvidia" in html.text and "<script" not in html.text
    pdf = client.get(f"/r/{run_id}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/r/{run_id}/report.docx").status_code == 400
    assert client.get(f"/r/{'0' * 32}/report.pdf").status_code == 404


def test_a_plan_document_posts_back_to_runs_as_the_same_run(client, done_run):
    """GET /api/v1/plans/{id} -> POST /api/v1/runs (as it is, plus the options) gives the
    reference run's id; an edit of its `scenario` gives another run; stray keys are named."""
    document = client.get(f"/api/v1/plans/{PLAN}").json()
    assert document["scenario"]["id"] == PLAN
    response = client.post("/api/v1/runs", json={**document, "draws": DRAWS, "seed": 3})
    assert response.status_code == 200, response.text        # already stored
    assert response.json()["run_id"] == done_run["run_id"]
    # without options: the reference's defaults, so the same id as {"reference": id}
    plain = client.post("/api/v1/runs", json=document).json()["run_id"]
    assert plain == client.post("/api/v1/runs", json={"reference": PLAN}).json()["run_id"]
    # the scenario alone, with the options beside it
    alone = client.post("/api/v1/runs",
                        json={"scenario": document["scenario"], "draws": DRAWS, "seed": 3})
    assert alone.json()["run_id"] == done_run["run_id"]
    edited = copy.deepcopy(document)
    edited["scenario"]["budget"]["amount"] = 1e9
    other = client.post("/api/v1/runs", json={**edited, "draws": DRAWS, "seed": 3})
    # stored already when test_a_plan_mapping_runs_and_matches_its_reference ran the same
    # plan, draws and seed (its plan's own draws field is no longer part of the run id)
    assert other.status_code in (200, 202) and other.json()["run_id"] != done_run["run_id"]
    stray = client.post("/api/v1/runs", json={**document, "colour": "red"})
    assert stray.status_code == 400
    assert (stray.json()["field"], stray.json()["value"]) == ("colour", "colour")
    wrong = client.post("/api/v1/runs", json={"scenario": {**document["scenario"],
                                                            "year": "2025"}})
    assert wrong.status_code in (400, 422) and wrong.json()["field"] == "scenario.year"


def test_builder_says_its_runs_are_public(client):
    """Anonymous builder runs are public and listed by title on /claims (tester 9): the page
    says so beside the Run button, and names the private way."""
    page = client.get("/build").text
    note = re.search(r'<p class="hint" id="run-public">(.*?)</p>', page, re.S)
    assert note and "public" in note.group(1) and "private" in note.group(1)
    # said above the Run button, read before it is pressed (the template's comment)
    assert page.index('id="run-public"') < page.index('name="action" value="run"')
