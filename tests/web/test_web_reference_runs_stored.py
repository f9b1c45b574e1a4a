"""The web app's reference runs reuse what the store holds: `moneytrail demo` stores each
reference plan's run at its --draws (10,000 by default); the web app traces the reference
plans at routes_runs.REFERENCE_DRAWS (2,000) at start. When the store already holds a run of a
reference plan on the same code and data with at least that many draws, the app shows and
links that run and traces no second, cheaper one (a journalist saw two like entries per plan
in the run pickers). Draws are kept tiny here: the choice is by draws and run id."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402
from moneytrail.web import create_app, routes_runs  # noqa: E402

DEMO_DRAWS = 60          # stands for the demo's 10,000
REFERENCE_DRAWS = 40     # stands for the web app's 2,000


def plans():
    return [load_scenario(path) for path in reference_scenarios()]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    """A store filled as `moneytrail demo --draws DEMO_DRAWS` fills it: the ids of its runs
    of the reference plans by plan id."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("demo") / "ledger.sqlite")
    with Workspace.open(db=db) as ws:
        demo = tasks.demo(ws, plans(), draws=DEMO_DRAWS, seed=1)
    return db, {run.provenance.inputs["plan"]["id"]: run.run_id for run in demo.traces}


@pytest.fixture
def client(demo_store, monkeypatch):
    monkeypatch.setattr(routes_runs, "REFERENCE_DRAWS", REFERENCE_DRAWS)
    app = create_app(db=demo_store[0], run_limit=(1000, 100))      # reference runs start
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def test_home_and_plans_show_the_demo_runs_and_nothing_cheaper_is_traced(client,
                                                                          demo_store):
    _, demo_ids = demo_store
    jobs = client.app.state.jobs
    home = client.get("/")
    assert home.status_code == 200
    for plan in plans():
        rid = demo_ids[plan.id]
        assert f'href="/r/{rid}"' in home.text, plan.id      # "Where the money goes"
        page = client.get(f"/plans/{plan.id}")
        assert f'href="/r/{rid}"' in page.text, plan.id
        cheaper = jobs.run_id(plan, REFERENCE_DRAWS, plan.seed)
        assert jobs.store.get(cheaper) is None, f"{plan.id}: a second run was traced"
    compare = re.search(r'href="/compare\?runs=([0-9a-f,]+)"', home.text)
    assert compare and set(compare.group(1).split(",")) == set(demo_ids.values())
    # the compare page's picker lists each reference plan's run once
    picker = client.get("/compare").text
    for plan in plans():
        assert picker.count(f'value="{demo_ids[plan.id]}"') == 1
    assert len(re.findall(r'name="runs" value="', picker)) == len(demo_ids)


def test_fewer_draws_than_the_reference_are_not_taken(demo_store, monkeypatch):
    """A stored run with fewer draws than the web app's own is not its reference run: the
    app traces the plan at REFERENCE_DRAWS as before."""
    monkeypatch.setattr(routes_runs, "REFERENCE_DRAWS", DEMO_DRAWS + 1)
    app = create_app(db=demo_store[0], run_limit=(1000, 100), start_reference_runs=False)
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        jobs = test_client.app.state.jobs
        ids = routes_runs.reference_run_ids(test_client.app)
        for plan in plans():
            assert ids[plan.id] == jobs.run_id(plan, DEMO_DRAWS + 1, plan.seed)


def test_the_run_with_most_draws_of_the_same_plan_wins(tmp_path):
    """service.tasks.stored_trace_of: of the stored runs of the same plan content, the one with
    the most draws (then the plan's own seed); a run of the plan changed (another budget)
    under the same id, or without the scorecard (`moneytrail trace`), is not the plan's."""
    from moneytrail.service import tasks
    from moneytrail.service.runs import RunStore
    from moneytrail.service.workspace import Workspace

    plan = next(p for p in plans() if p.id == "eu-ai-gigafactories")
    changed = plan.model_copy(update={"budget": plan.budget.model_copy(
        update={"amount": plan.budget.amount * 2})})
    with Workspace.open(db=str(tmp_path / "ledger.sqlite")) as ws:
        store = RunStore(ws.ledger().engine)
        assert tasks.stored_trace_of(ws, store, plan, min_draws=10) is None
        small = tasks.trace_plan(ws, plan, draws=20, seed=plan.seed).run_id
        other_seed = tasks.trace_plan(ws, plan, draws=30, seed=plan.seed + 1).run_id
        tasks.trace_plan(ws, changed, draws=50, seed=plan.seed)
        tasks.trace_plan(ws, plan, draws=50, seed=plan.seed, analyses=False)
        assert tasks.stored_trace_of(ws, store, plan, min_draws=10) == other_seed
        same = tasks.trace_plan(ws, plan, draws=30, seed=plan.seed).run_id
        assert tasks.stored_trace_of(ws, store, plan, min_draws=10) == same
        assert tasks.stored_trace_of(ws, store, plan, min_draws=25) == same
        assert tasks.stored_trace_of(ws, store, plan, min_draws=31) is None
        assert small != same
