"""One run, one id, one set of numbers, whichever way the plan comes in (tester h42):

- a plan posted in its file's order of categories and the run's plan.yaml (sorted by name)
  give the same run id and the same numbers;
- the builder's copy of an unchanged reference plan (its description read from the form,
  without the YAML's final line break; its draws set to the run's) gives the reference run's
  id;
- a run's "Edit this plan" link and its plan.yaml carry the run's own draws and seed, and
  running the plan again from them gives the very same run id.
"""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import finished, form_fields  # noqa: E402

import moneytrail as mt  # noqa: E402
from moneytrail.errors import ScenarioError  # noqa: E402
from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402
from moneytrail.scenarios.yamlio import read_yaml  # noqa: E402
from moneytrail.service import tasks  # noqa: E402
from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.jobs import plan_from_mapping, run_request  # noqa: E402
from moneytrail.web.routes_runs import REFERENCE_DRAWS  # noqa: E402
from moneytrail.web.runs import decode_draft, run_plan  # noqa: E402

PLAN = "eu-ai-gigafactories"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("identity") / "ledger.sqlite"
    return create_app(db=str(db), start_reference_runs=False, run_limit=(1000, 100))


@pytest.fixture(scope="module")
def client(app):
    with TestClient(app) as test_client:
        yield test_client


def reference_path():
    return next(p for p in reference_scenarios() if p.stem == PLAN)


def browser_form(html: str) -> dict[str, str]:
    """What a browser submits from the builder: inputs, selects and the description's
    textarea (its text as the page holds it, line breaks sent as CR LF)."""
    fields = form_fields(html)
    for name, text in re.findall(r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html,
                                 re.S):
        fields[name] = unescape(text.removeprefix("\n")).replace("\n", "\r\n")
    return fields


def test_a_plan_in_file_order_and_its_plan_yaml_give_one_run(client, tmp_path):
    """The tester's repro: the reference plan posted as its file lists the categories
    (accelerators, servers, networking, storage, facility), 300 draws, seed 1; its plan.yaml
    (sorted) traced again: the same run id and the same numbers."""
    data = read_yaml(reference_path(), ScenarioError, what="scenario file")
    assert list(data["spend"]) != sorted(data["spend"])
    rid = finished(client, {**data, "draws": 300, "seed": 1})
    text = client.get(f"/api/v1/runs/{rid}/plan.yaml").text
    assert list(yaml.safe_load(text)["spend"]) == sorted(data["spend"])
    (tmp_path / f"{PLAN}.yaml").write_text(text, encoding="utf-8")
    plan = load_scenario(tmp_path / f"{PLAN}.yaml")
    with mt.Workspace.open() as ws:
        again = tasks.trace_plan(ws, plan, draws=300, seed=1, store=None)
    assert again.run_id == rid
    stored = client.get(f"/api/v1/runs/{rid}").json()["result"]["tables"]
    ours = json.loads(again.to_json())["tables"]
    for name in ("country", "entity", "headline", "categories", "purchases", "scorecard"):
        assert ours[name] == stored[name], name


def test_the_builders_copy_of_an_unchanged_reference_plan_is_the_reference_run(client, app):
    """Opened in the builder and run unchanged, a reference plan is the run the home page
    shows for it: its description loses the YAML's final line break in the form, and its
    draws are the builder's 2,000 (the reference run's draws), not the file's 10,000."""
    fields = browser_form(client.get(f"/build?reference={PLAN}").text)
    assert "Capex only: electricity and staff are left out." in fields["description"]
    fields["action"] = "run"
    response = client.post("/build", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    rid = response.headers["location"].removeprefix("/r/")
    plan = load_scenario(reference_path())
    assert rid == app.state.jobs.run_id(plan, REFERENCE_DRAWS, plan.seed)


def test_free_text_is_one_text_whatever_its_line_breaks_and_ends():
    data = read_yaml(reference_path(), ScenarioError, what="scenario file")
    assert data["description"].endswith("\n")                     # a folded YAML block
    typed = {**data, "description": "  " + data["description"].strip().replace(" ", "\r\n", 3)
             + " \r\n", "title": data["title"] + "  "}
    one, two = (mt.parse_scenario(d) for d in (data, typed))
    assert tasks.plan_inputs(one)["description"] == data["description"].strip()
    assert tasks.plan_inputs(two)["description"] == \
        data["description"].strip().replace(" ", "\n", 3)
    assert one.title == two.title == data["title"]


@pytest.fixture(scope="module")
def small_run(client) -> str:
    """A reference plan run with 1,000 draws and seed 7 (the plan's file says 10,000 and 1)."""
    return finished(client, {"reference": PLAN, "draws": 1000, "seed": 7})


def test_edit_link_and_plan_yaml_carry_the_runs_draws_and_seed(client, app, small_run):
    html = client.get(f"/r/{small_run}").text
    link = re.search(r'<a href="(/build\?plan=[^"]+)">Edit this plan</a>', html)
    assert link, "no edit link"
    draft = decode_draft(parse_qs(urlsplit(unescape(link.group(1))).query)["plan"][0])
    assert (draft["draws"], draft["seed"]) == (1000, 7)
    downloaded = yaml.safe_load(client.get(f"/api/v1/runs/{small_run}/plan.yaml").text)
    assert (downloaded["draws"], downloaded["seed"]) == (1000, 7)
    form = form_fields(client.get(link.group(1)).text)
    assert (form["draws"], form["seed"]) == ("1000", "7")
    # run again from either: the very same run
    for plan_map in (draft, downloaded):
        plan, draws, seed = run_request(app.state.jobs.ws, plan_map)
        assert app.state.jobs.run_id(plan, draws, seed) == small_run


def test_a_run_stored_with_the_plans_own_draws_still_links_to_the_runs():
    """Runs stored before the plan held the run's draws and seed: the links take them from
    the run's inputs."""
    inputs = {"plan": {"id": PLAN, "draws": 10000, "seed": 1}, "draws": 1000, "seed": 7}
    assert run_plan(inputs) == {"id": PLAN, "draws": 1000, "seed": 7}
    assert run_plan({"output": "x"}) is None
    assert run_plan({"plan": {"id": PLAN}, "seed": None}) == {"id": PLAN}


def test_the_plan_page_document_posted_back_is_the_reference_run(client, app):
    """GET /api/v1/plans/{id}'s scenario (the reference runs' 2,000 draws where the file says
    10,000) posted back is the reference run, as before."""
    body = client.get(f"/api/v1/plans/{PLAN}").json()
    plan, draws, seed = run_request(app.state.jobs.ws, {"scenario": body["scenario"]})
    reference = load_scenario(reference_path())
    assert app.state.jobs.run_id(plan, draws, seed) == \
        app.state.jobs.run_id(reference, REFERENCE_DRAWS, reference.seed)
    assert plan_from_mapping(app.state.jobs.ws, body["scenario"]).spend == reference.spend
