"""Stored runs on both stores: a run is found by its id, a done run never changes, a failed
run can be computed again."""

import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import moneytrail as mt
from moneytrail.errors import ConflictError, MoneytrailError, NotFoundError
from moneytrail.service import tasks
from moneytrail.service.runs import RunStore, close


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
    # a second writer of the same run gets the stored run, and nothing is written
    later = dataclasses.replace(first, provenance=dataclasses.replace(
        first.provenance, created="2099-01-01T00:00:00+00:00"))
    assert store.finish(later) == first and store.get(first.run_id).result == first
    # a different result for a done id is refused
    changed = dataclasses.replace(first, title=first.title + " (changed)")
    with pytest.raises(ConflictError, match="never changes"):
        store.finish(changed)
    assert store.get(first.run_id).result == first


def test_same_content_allows_last_digit_rounding_only():
    """Two computations of one run may add draws in another order (last digits); anything
    more is another result."""
    assert close({"a": [2323748542.4711056, 0.11618742712355527, "x", 3]},
                 {"a": [2323748542.471106, 0.1161874271235553, "x", 3]})
    assert close(0.0, 1e-15)
    assert not close(0.1161, 0.1162)
    assert not close(1.0, True) and not close(1, "1") and not close([1.0], [1.0, 2.0])
    assert not close({"a": 1.0}, {"b": 1.0})


def test_two_writers_racing_on_one_run_both_get_the_stored_run(ws, store, monkeypatch):
    """Two threads compute the same run id at once (as two `moneytrail trace` commands, or the
    CLI and the web app, on one store): both finish without error and return the one stored
    result; the second writer writes nothing."""
    plan = mt.load_scenario(mt.reference_scenarios()[2])
    ws.model(plan.year)                             # built once, before the threads
    both_computing = threading.Barrier(2, timeout=120)
    real_trace = tasks.ws_trace

    def trace_when_both_started(*args, **kwargs):
        both_computing.wait()                       # both passed `start`, neither finished
        return real_trace(*args, **kwargs)

    monkeypatch.setattr(tasks, "ws_trace", trace_when_both_started)
    with ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(tasks.trace_plan, ws, plan, draws=300, seed=11, store=store)
                   for _ in range(2)]
        results = [f.result(timeout=300) for f in futures]
    state = store.get(results[0].run_id)
    assert state is not None and state.status == "done"
    assert results[0] == results[1] == state.result


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
