"""Stored runs on both stores: a run is found by its id, a done run never changes, a failed
run can be computed again."""

import pytest

import moneytrail as mt
from moneytrail.errors import MoneytrailError, NotFoundError
from moneytrail.service import tasks
from moneytrail.service.runs import RunStore


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


@pytest.fixture
def store(store_url):
    ledger = mt.ledger.open(store_url, load_bundled=False)
    yield RunStore(ledger.engine)
    ledger.close()


def test_a_run_is_stored_once_and_returned_by_id(ws, store, monkeypatch):
    plan = mt.load_scenario(mt.reference_scenarios()[2])
    first = tasks.trace_plan(ws, plan, draws=300, seed=5, store=store)
    state = store.get(first.run_id)
    assert state is not None and state.status == "done" and state.done == state.total == 300
    assert state.result == first
    # asking again reads the store: computing would fail now
    monkeypatch.setattr(tasks, "ws_trace", lambda *a, **k: pytest.fail("computed again"))
    again = tasks.trace_plan(ws, plan, draws=300, seed=5, store=store)
    assert again == first
    with pytest.raises(MoneytrailError, match="never changes"):
        store.finish(first)


def test_failed_runs_record_the_error_and_can_be_retried(ws, store, monkeypatch):
    plan = mt.load_scenario(mt.reference_scenarios()[1])

    def broken(*args, **kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(tasks, "ws_trace", broken)
    with pytest.raises(RuntimeError):
        tasks.trace_plan(ws, plan, draws=200, seed=2, store=store)
    monkeypatch.undo()
    run = tasks.trace_run_id(ws, plan, draws=200, seed=2)
    assert store.get(run).status == "error" and "worker lost" in store.get(run).error
    result = tasks.trace_plan(ws, plan, draws=200, seed=2, store=store)
    assert result.run_id == run and store.get(run).status == "done"


def test_unknown_and_malformed_run_ids(store):
    with pytest.raises(NotFoundError, match="no run with this id"):
        store.require("0" * 32)
    with pytest.raises(MoneytrailError, match="32 hexadecimal digits"):
        store.require("not-a-run")
