"""Runs shared by several processes on one store (two web servers, a server and the CLI): a run
another live process is computing stays queued or running for everyone and is computed once; a
run whose process died (its lease not refreshed for LEASE_SECONDS, or an earlier life of this
process) is recovered as interrupted; a done run reports done == total (service.runs)."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402
from runs_helpers import wait_done  # noqa: E402
from sqlalchemy import update  # noqa: E402

from moneytrail.ledger.models import Run  # noqa: E402
from moneytrail.service import runs, tasks  # noqa: E402
from moneytrail.web import create_app  # noqa: E402
from moneytrail.web.jobs import reference_plan  # noqa: E402
from packages import fresh_postgres  # noqa: E402

PLAN = {"reference": "eu-ai-gigafactories", "draws": 300, "seed": 123}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.sqlite'}"
        return
    base = os.environ.get("MONEYTRAIL_TEST_POSTGRES_URL", "")
    if not base:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("MONEYTRAIL_TEST_POSTGRES_URL is not set")
        pytest.skip("MONEYTRAIL_TEST_POSTGRES_URL is not set (scripts/postgres.sh start)")
    yield from fresh_postgres(base, "mt_lease")


@pytest.fixture
def held(monkeypatch):
    """Traces block until `release` is set; `traced` counts them, `started` is set by the
    first."""
    state = type("Held", (), {})()
    state.traced, state.started, state.release = [], threading.Event(), threading.Event()
    real_trace = tasks.ws_trace

    def blocked_trace(*args, **kwargs):
        state.traced.append(1)
        state.started.set()
        assert state.release.wait(120), "the test never released the trace"
        return real_trace(*args, **kwargs)

    monkeypatch.setattr(tasks, "ws_trace", blocked_trace)
    yield state
    state.release.set()


def app_on(url):
    return create_app(db=url, start_reference_runs=False, run_limit=(1000, 100))


def test_run_computing_in_one_server_is_not_failed_or_recomputed_by_another(store_url, held):
    with TestClient(app_on(store_url)) as a, TestClient(app_on(store_url)) as b:
        posted = a.post("/api/v1/runs", json=PLAN)
        assert posted.status_code == 202, posted.text
        run = posted.json()["run_id"]
        assert held.started.wait(120)
        for client in (b, a, b):                     # the other server asks: still in progress
            body = client.get(f"/api/v1/runs/{run}").json()
            assert body["status"] in ("queued", "running"), body
        again = b.post("/api/v1/runs", json=PLAN)    # and does not compute it a second time
        assert again.status_code == 202, again.text
        assert again.json()["run_id"] == run
        assert again.json()["status"] in ("queued", "running")
        held.release.set()
        for client in (a, b):
            status = wait_done(client, run)
            assert status["status"] == "done", status
            assert status["done"] == status["total"] == PLAN["draws"], status
        assert len(held.traced) == 1


def set_lease(engine, run: str, *, age: float, owner: str) -> None:
    stamp = runs.now() - dt.timedelta(seconds=age)
    with engine.begin() as conn:
        conn.execute(update(Run).where(Run.id == run).values(updated_at=stamp, owner=owner))


def test_run_with_a_stale_lease_is_recovered_and_a_live_one_is_not(store_url):
    me = runs.process_owner()
    host_pid = me.rsplit(":", 1)[0]
    with TestClient(app_on(store_url)) as client:
        jobs = client.app.state.jobs
        plan = reference_plan(PLAN["reference"])
        ids = {}
        for seed, (age, owner) in enumerate(
                (((runs.LEASE_SECONDS - 20), "other-host:7:1.0"),      # live, another process
                 (runs.LEASE_SECONDS + 5, "other-host:7:1.0"),         # killed -9 a while ago
                 (1.0, f"{host_pid}:1.0"),                            # this process, earlier life
                 (runs.LEASE_SECONDS + 5, "")), start=10):            # an older version's row
            rid = jobs.run_id(plan, 300, seed)
            jobs.store.start(rid, kind="trace", label=plan.id, inputs={}, data_version="d",
                             data_hash="h", total=300, status="running")
            set_lease(jobs.store.engine, rid, age=age, owner=owner)
            ids[seed] = rid
        statuses = {seed: client.get(f"/api/v1/runs/{rid}").json()
                    for seed, rid in ids.items()}
        assert statuses[10]["status"] == "running", statuses[10]
        for seed in (11, 12, 13):
            assert statuses[seed]["status"] == "error", statuses[seed]
            assert "interrupted" in statuses[seed]["error"]
        # asking for an interrupted run again computes it afresh
        again = client.post("/api/v1/runs", json={**PLAN, "seed": 11})
        assert again.status_code == 202 and again.json()["run_id"] == ids[11]
        status = wait_done(client, ids[11])
        assert status["status"] == "done" and status["done"] == status["total"] == 300, status


def test_cli_trace_beside_a_server_is_not_failed_and_ends_with_done_equal_total(store_url,
                                                                               held):
    with TestClient(app_on(store_url)) as client:
        ws = client.app.state.workspace
        store = client.app.state.jobs.store
        plan = reference_plan(PLAN["reference"])
        rid = tasks.run_id("trace", tasks.trace_inputs(
            plan, draws=300, seed=4242, analyses=False,
            evidence=tasks.evidence_default(ws, plan, None)), ws.data_hash)
        results = []
        cli = threading.Thread(target=lambda: results.append(tasks.trace_plan(
            ws, plan, draws=300, seed=4242, analyses=False, store=runs.RunStore(store.engine))))
        cli.start()
        try:
            assert held.started.wait(120)
            for _ in range(3):                      # the server is polled for the CLI's run
                body = client.get(f"/api/v1/runs/{rid}").json()
                assert body["status"] in ("queued", "running"), body
        finally:
            held.release.set()
            cli.join(240)
        assert results and results[0].run_id == rid
        body = wait_done(client, rid)
        assert body["status"] == "done" and body["done"] == body["total"] == 300, body


def test_cli_waits_for_the_run_a_server_is_computing(store_url, held, monkeypatch):
    with TestClient(app_on(store_url)) as client:
        posted = client.post("/api/v1/runs", json=PLAN)
        run = posted.json()["run_id"]
        assert held.started.wait(120)
        ws = client.app.state.workspace
        store = runs.RunStore(client.app.state.jobs.store.engine)
        monkeypatch.setattr(tasks, "process_owner", lambda: "cli-host:1:1.0")  # another process
        results, seen = [], []
        cli = threading.Thread(target=lambda: results.append(tasks.trace_plan(
            ws, reference_plan(PLAN["reference"]), draws=PLAN["draws"], seed=PLAN["seed"],
            analyses=True, store=store, progress=lambda d, t: seen.append((d, t)))))
        cli.start()
        cli.join(2)
        assert cli.is_alive()                       # waiting for the server's run
        held.release.set()
        cli.join(240)
        assert results and results[0].run_id == run
        assert len(held.traced) == 1                # computed once, by the server
        assert seen and all(t == PLAN["draws"] for _, t in seen)
        assert wait_done(client, run)["status"] == "done"


def test_docs_state_the_lease_and_heartbeat():
    from pathlib import Path

    text = " ".join((Path(__file__).parents[2] / "docs" / "results.md").read_text().split())
    assert f"**{runs.LEASE_SECONDS:.0f} seconds**" in text
    assert f"at least every {runs.HEARTBEAT_SECONDS:.0f} seconds" in text


def test_graceful_stop_finishes_the_running_run_and_fails_the_queued_one(tmp_path, held):
    app = create_app(db=f"sqlite:///{tmp_path / 'ledger.sqlite'}", start_reference_runs=False,
                     run_limit=(1000, 100), workers=1)
    with TestClient(app) as client:
        first = client.post("/api/v1/runs", json=PLAN).json()["run_id"]
        assert held.started.wait(120)
        second = client.post("/api/v1/runs", json={**PLAN, "seed": 124}).json()["run_id"]
        threading.Timer(1.0, held.release.set).start()   # released while the app stops
    store = app.state.jobs.store
    done, stopped = store.get(first), store.get(second)
    assert done.status == "done" and done.done == done.total == PLAN["draws"]
    assert stopped.status == "error" and "stopped before the run started" in stopped.error
    assert len(held.traced) == 1


# -- Ctrl-C and taking over an expired lease --------------------------------------------------
def cli_run_id(ws, plan, seed: int) -> str:
    return tasks.run_id("trace", tasks.trace_inputs(
        plan, draws=300, seed=seed, analyses=False,
        evidence=tasks.evidence_default(ws, plan, None)), ws.data_hash)


def as_another_process(monkeypatch, owner: str) -> None:
    monkeypatch.setattr(tasks, "process_owner", lambda: owner)
    monkeypatch.setattr(runs, "process_owner", lambda: owner)


def test_ctrl_c_fails_the_run_as_interrupted_and_the_next_process_computes_at_once(
        store_url, monkeypatch):
    import socket

    import moneytrail as mt

    with mt.Workspace.open(db=store_url) as ws:
        store = tasks.default_store(ws)
        plan = reference_plan(PLAN["reference"])
        rid = cli_run_id(ws, plan, 77)
        real_trace = tasks.ws_trace

        def stopped(*args, **kwargs):
            raise KeyboardInterrupt

        monkeypatch.setattr(tasks, "ws_trace", stopped)
        with pytest.raises(KeyboardInterrupt):
            tasks.trace_plan(ws, plan, draws=300, seed=77, analyses=False, store=store)
        state = store.get(rid)
        assert state.status == "error" and state.error == runs.INTERRUPTED, state
        # the next command on this host: another pid, so the dead owner's lease would look live
        monkeypatch.setattr(tasks, "ws_trace", real_trace)
        as_another_process(monkeypatch, f"{socket.gethostname()}:{os.getpid() + 1}:1.0")

        def no_wait(self, rid, progress):
            raise AssertionError("waited for the lease of a run that was stopped")

        monkeypatch.setattr(tasks.Runner, "wait", no_wait)
        result = tasks.trace_plan(ws, plan, draws=300, seed=77, analyses=False, store=store)
        assert result.run_id == rid and store.get(rid).status == "done"


def test_queue_worker_stopped_by_system_exit_fails_the_run_as_interrupted(store_url,
                                                                          monkeypatch):
    import moneytrail as mt
    from moneytrail.web.jobs import RunQueue

    with mt.Workspace.open(db=store_url) as ws:
        store = tasks.default_store(ws)
        queue = RunQueue(ws, store, workers=1)
        try:
            plan = reference_plan(PLAN["reference"])
            rid = queue.run_id(plan, 300, 5)
            store.start(rid, kind="trace", label=plan.id, inputs={}, data_version="d",
                        data_hash="h", total=300, status="queued")

            def stopped(*args, **kwargs):
                raise SystemExit(1)

            monkeypatch.setattr(ws, "model", stopped)
            with pytest.raises(SystemExit):
                queue._work(rid, plan, 300, 5, store)
        finally:
            queue.shutdown()
        state = store.get(rid)
        assert state.status == "error" and state.error == runs.INTERRUPTED, state


def expired_run(store, rid: str = "a" * 32) -> str:
    store.start(rid, kind="trace", label="x", inputs={}, data_version="d", data_hash="h",
                total=300)
    set_lease(store.engine, rid, age=runs.LEASE_SECONDS + 5, owner="other-host:7:1.0")
    return rid


def test_two_takers_of_one_expired_lease_only_one_claims(store_url):
    import moneytrail as mt

    with mt.Workspace.open(db=store_url) as ws:
        store = tasks.default_store(ws)
        rid = expired_run(store)
        seen = store.get(rid)
        assert runs.lease_expired(seen)
        taken = [store.claim(rid, seen), store.claim(rid, seen)]   # both saw the same row
        assert taken == [True, False]
        state = store.get(rid)
        assert state.owner == runs.process_owner() and not runs.lease_expired(state)


def test_heartbeat_refreshes_a_lease_as_soon_as_it_holds_the_run(store_url):
    import moneytrail as mt

    with mt.Workspace.open(db=store_url) as ws:
        store = tasks.default_store(ws)
        rid = expired_run(store)
        heartbeat = runs.Heartbeat(store, every=3600)
        try:
            heartbeat.hold(rid)
            state = store.get(rid)
        finally:
            heartbeat.stop()
        assert state.owner == runs.process_owner() and not runs.lease_expired(state)


def test_right_after_a_takeover_another_process_does_not_interrupt_the_run(store_url,
                                                                           monkeypatch):
    import moneytrail as mt

    with mt.Workspace.open(db=store_url) as ws:
        store = tasks.default_store(ws)
        plan = reference_plan(PLAN["reference"])
        result = tasks.trace_plan(ws, plan, draws=300, seed=78, analyses=False, store=None)
        rid = expired_run(store, result.run_id)
        me = runs.process_owner()
        seen = []

        def compute(run, report):                   # before any progress or heartbeat
            with monkeypatch.context() as other:    # another server on this store
                as_another_process(other, "other-host:9:1.0")
                seen.append(store.interrupt(run))
            seen.append(store.get(run))
            return result

        inputs = tasks.trace_inputs(plan, draws=300, seed=78, analyses=False,
                                    evidence=tasks.evidence_default(ws, plan, None))
        stored = tasks.Runner(ws, store).run("trace", plan.id, inputs, 300, compute)
        assert seen[0] is False, "another process interrupted the run just taken over"
        assert seen[1].status == "running" and seen[1].owner == me, seen[1]
        assert stored.run_id == rid and store.get(rid).status == "done"


def test_a_taker_beaten_to_an_expired_lease_waits_instead_of_computing(store_url,
                                                                       monkeypatch):
    import moneytrail as mt

    with mt.Workspace.open(db=store_url) as ws:
        store = tasks.default_store(ws)
        plan = reference_plan(PLAN["reference"])
        result = tasks.trace_plan(ws, plan, draws=300, seed=79, analyses=False, store=None)
        rid = expired_run(store, result.run_id)
        real_get = store.get
        reads = []

        def get(run):
            state = real_get(run)
            reads.append(state)
            if len(reads) == 1:                     # another process takes it over just now
                set_lease(store.engine, run, age=0, owner="other-host:8:1.0")
                threading.Timer(1.0, store.finish, [result]).start()
            return state

        monkeypatch.setattr(store, "get", get)
        monkeypatch.setattr(tasks, "WAIT_SECONDS", 0.05)
        computed = []

        def compute(run, report):
            computed.append(run)
            return result

        inputs = tasks.trace_inputs(plan, draws=300, seed=79, analyses=False,
                                    evidence=tasks.evidence_default(ws, plan, None))
        stored = tasks.Runner(ws, store).run("trace", plan.id, inputs, 300, compute)
        assert computed == [], "computed a run another process had just taken over"
        assert stored.run_id == rid and real_get(rid).status == "done"
