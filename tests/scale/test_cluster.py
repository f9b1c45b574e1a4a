"""Chunked and distributed runs: the same seed gives the same numbers anywhere."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pymrio
import pytest

import moneytrail as mt
from moneytrail.analysis.sensitivity import tornado
from packages import miller_blair_plan, miller_blair_tables, write_package

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def hybrid(tmp_path_factory):
    """Every path at once: PERT cost rows, a linked table, and noise on the table."""
    root = write_package(tmp_path_factory.mktemp("p"), miller_blair_tables(spread=0.05))
    table = mt.IOModel.from_pymrio(pymrio.load_test())
    return mt.load_model(2025, path=root).link(
        table, {"manufacturing": {"reg1/construction": 0.5}}).with_noise(0.1)


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, host="127.0.0.1") as local, Client(local) as client:
        yield client


def test_chunk_size_does_not_change_percentiles(hybrid):
    plan = mt.parse_scenario(miller_blair_plan())
    a = mt.trace(plan, hybrid, draws=1000, seed=7, chunk_size=100, keep_draws=True)
    b = mt.trace(plan, hybrid, draws=1000, seed=7, chunk_size=1000, keep_draws=True)
    np.testing.assert_array_equal(a.flows, b.flows)
    assert a.by("country").equals(b.by("country"))


def test_local_cluster_gives_the_same_result(hybrid, cluster):
    plan = mt.parse_scenario(miller_blair_plan())
    local = mt.trace(plan, hybrid, draws=500, seed=3, chunk_size=200, keep_draws=True)
    seen = []
    remote = mt.trace(plan, hybrid, draws=500, seed=3, chunk_size=100, scheduler=cluster,
                      progress=lambda done, total: seen.append((done, total)), keep_draws=True)
    np.testing.assert_array_equal(local.flows, remote.flows)
    np.testing.assert_array_equal(local.tiers, remote.tiers)
    assert seen[-1] == (500, 500)
    pd_local, pd_remote = local.by("group"), remote.by("group")
    assert pd_local.equals(pd_remote)


def test_kept_outputs_are_the_same_on_a_cluster(hybrid, cluster):
    """What a kept trace keeps for output and footprints (coefficients, x, tier and part
    outputs, firm coefficients) comes back from the workers with the same numbers."""
    plan = mt.parse_scenario(miller_blair_plan())
    rows = len(mt.trace(plan, hybrid, draws=1, keep_draws=True).purchase_rows)
    parts = np.array([np.arange(rows) % 2 == 0, np.arange(rows) % 2 == 1], dtype=float)
    local = mt.trace(plan, hybrid, draws=300, seed=4, keep_draws=True, outputs=True,
                     parts=parts)
    remote = mt.trace(plan, hybrid, draws=300, seed=4, chunk_size=100, scheduler=cluster,
                      keep_draws=True, outputs=True, parts=parts)
    np.testing.assert_array_equal(local.per_draw.coefficients, remote.per_draw.coefficients)
    np.testing.assert_array_equal(local.per_draw.weights, remote.per_draw.weights)
    for name in ("output", "tiers", "parts"):
        np.testing.assert_array_equal(getattr(local.per_draw.outputs, name),
                                      getattr(remote.per_draw.outputs, name))


def test_kept_chunks_from_a_cluster_land_in_their_rows(hybrid, cluster, monkeypatch):
    """A kept trace in several chunks on a cluster (chunks finishing in any order) writes
    each into its own rows: bit for bit the local one-chunk trace."""
    from moneytrail.engine import trace as trace_module

    plan = mt.parse_scenario(miller_blair_plan())
    local = mt.trace(plan, hybrid, draws=300, seed=6, keep_draws=True, outputs=True)
    chunks = [[(0, 100)], [(1, 100)], [(2, 100)]]
    monkeypatch.setattr(trace_module, "chunk_tasks", lambda draws, size: chunks)
    remote = mt.trace(plan, hybrid, draws=300, seed=6, scheduler=cluster, keep_draws=True,
                      outputs=True)
    for name in ("flows", "tiers", "demand", "purchases", "coefficients", "weights"):
        a, b = getattr(local.per_draw, name), getattr(remote.per_draw, name)
        assert a.shape == b.shape and a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)
    for name in ("output", "tiers", "parts"):
        np.testing.assert_array_equal(getattr(local.per_draw.outputs, name),
                                      getattr(remote.per_draw.outputs, name), err_msg=name)


def test_sensitivity_runs_on_a_cluster(mb_uncertain_package, cluster):
    model = mt.load_model(2025, path=mb_uncertain_package)
    plan = mt.parse_scenario(miller_blair_plan())
    here = tornado(plan, model, "share:entity:agriculture")
    there = tornado(plan, model, "share:entity:agriculture", scheduler=cluster)
    assert here.table.equals(there.table) and here.base == there.base


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


def test_real_dask_scheduler_and_worker_processes(hybrid):
    from distributed import Client

    dask = str(Path(sys.executable).parent / "dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    processes = []
    try:
        processes.append(subprocess.Popen(
            [dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--dashboard-address", "127.0.0.1:0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_for_port(port)
        processes.append(subprocess.Popen(
            [dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
             "--host", "127.0.0.1", "--dashboard-address", "127.0.0.1:0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        with Client(address, timeout="30s", set_as_default=False) as client:
            client.wait_for_workers(1, timeout=60)
        plan = mt.parse_scenario(miller_blair_plan())
        seen = []
        remote = mt.trace(plan, hybrid, draws=300, seed=11, chunk_size=100, scheduler=address,
                          progress=lambda done, total: seen.append(done), keep_draws=True)
        assert seen[-1] == 300
        local = mt.trace(plan, hybrid, draws=300, seed=11, keep_draws=True)
        np.testing.assert_array_equal(local.flows, remote.flows)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_summaries_on_a_cluster_equal_local_ones(hybrid, cluster):
    """The streamed path: chunks reduced on the workers, merged in order on the client."""
    plan = mt.parse_scenario(miller_blair_plan())
    local = mt.trace(plan, hybrid, draws=25_000, seed=3)
    remote = mt.trace(plan, hybrid, draws=25_000, seed=3, scheduler=cluster, chunk_size=10_000)
    assert local.per_draw is None and remote.per_draw is None
    for dimension in ("entity", "country", "tier", "headline"):
        np.testing.assert_array_equal(local.by(dimension).to_numpy(),
                                      remote.by(dimension).to_numpy())
    assert remote.conservation_gap == local.conservation_gap < 1e-6 * plan.total
