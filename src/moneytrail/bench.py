"""`moneytrail bench`: speed against the targets of issue 8, as ratios measured in one run.

Machines here are noisy (two cores, shared), so every figure stands beside a yardstick timed in
the same run with the same number of repeats, interleaved with ours (yardstick, ours, yardstick,
ours, ...), and every figure is the median of those repeats. Memory peaks come from one extra
warm-up run of each side (traced allocations), which is not timed. Every result is checked
against its baseline's numbers.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from moneytrail.engine import linalg

REPEAT = 3                       # timed runs per side; the figures are medians
DEMO_BEFORE_S = 7.9              # `moneytrail demo` before issue 8, measured on these machines
# `moneytrail demo` (fresh store) over the numpy yardstick before the speed work of issue 8:
# 9.845 s / 0.0884 s, this bench on 2026-11-30 at low load (commit dd36236). Dividing by it
# compares runs made under different load, where seconds alone cannot.
DEMO_BEFORE_YARDSTICKS = 111.4
Row = dict[str, Any]


@dataclass
class Timing:
    seconds: float                                   # median of the timed runs
    runs: list[float] = field(default_factory=list)
    peak_bytes: int = 0                              # traced allocations of the warm-up run
    value: Any = None                                # the warm-up run's result


def _warm(func: Callable[[], Any], memory: bool) -> Timing:
    if not memory:
        return Timing(0.0, value=func())
    tracemalloc.start()
    try:
        value = func()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Timing(0.0, peak_bytes=peak, value=value)


def _once(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def paired(funcs: Sequence[Callable[[], Any]], *, repeat: int = REPEAT, memory: bool = False,
           warm: bool = True) -> list[Timing]:
    """Median wall time of each function over `repeat` interleaved rounds (f0, f1, ..., f0,
    f1, ...), after one untimed warm-up run each (traced for peak memory if `memory`)."""
    timings = [_warm(f, memory) if warm else Timing(0.0) for f in funcs]
    for _ in range(repeat):
        for timing, func in zip(timings, funcs, strict=True):
            timing.runs.append(_once(func))
    for timing in timings:
        timing.seconds = statistics.median(timing.runs)
    return timings


def timed(func: Callable[[], Any], *, repeat: int = REPEAT, memory: bool = True) -> Timing:
    """One function: median of `repeat` runs after a (traced) warm-up."""
    return paired([func], repeat=repeat, memory=memory)[0]


# -- start-up and demo (subprocesses) ----------------------------------------------------------

def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _cli(*args: str) -> list[str]:
    """The `moneytrail` console script's entry point, run by this interpreter."""
    argv = ["moneytrail", *args]
    return _python("-c", f"import sys; sys.argv = {argv!r}; from moneytrail.cli import main; "
                         "main()")


def _environment() -> dict[str, str]:
    """This process's environment, with the moneytrail being benchmarked first on the path."""
    env = dict(os.environ)
    source = str(Path(__file__).resolve().parents[1])
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([source, *[p for p in paths if p != source]])
    return env


def _run(command: list[str], env: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return run


def bench_startup(repeat: int = REPEAT) -> list[Row]:
    """`import moneytrail` and `moneytrail --help` beside `python -c pass`."""
    env = _environment()
    cases = [("import moneytrail", _python("-c", "import moneytrail"), 0.3),
             ("moneytrail --help", _cli("--help"), 0.5)]
    commands = [_python("-c", "pass"), *[command for _, command, _ in cases]]
    timings = paired([_run(command, env) for command in commands], repeat=repeat)
    yardstick = timings[0].seconds
    rows = []
    for (name, _, target), timing in zip(cases, timings[1:], strict=True):
        rows.append({"case": name, "seconds": timing.seconds, "python_-c_pass_s": yardstick,
                     "above_yardstick_s": timing.seconds - yardstick,
                     "ratio_to_yardstick": timing.seconds / yardstick,
                     "target": f"<= {target} s", "met": timing.seconds <= target})
    return rows


def numpy_yardstick() -> float:
    """A fixed dense workload (LU solve of a 1200 x 1200 system with 400 right-hand sides, and
    a 1200 x 1200 product): the same work in every run, so demo / yardstick compares runs on
    machines of different speed or load."""
    rng = np.random.default_rng(0)
    M = rng.random((1200, 1200)) + 1200 * np.eye(1200)
    B = rng.random((1200, 400))
    return float(np.linalg.solve(M, B).sum() + (M @ M).trace())


def bench_demo(repeat: int = REPEAT) -> list[Row]:
    """`moneytrail demo` with a fresh temporary store (nothing stored yet), then again on the
    same store (its runs stored), beside the numpy yardstick."""
    env = _environment()
    with tempfile.TemporaryDirectory(prefix="moneytrail-bench-") as folder:
        count = iter(range(10 ** 6))
        last: list[str] = []

        def fresh() -> None:
            db = str(Path(folder) / f"demo-{next(count)}.db")
            last[:] = [db]
            _run(_cli("demo", "--db", db), env)()

        def stored() -> None:
            _run(_cli("demo", "--db", last[0]), env)()

        yard, first, second = paired([numpy_yardstick, fresh, stored], repeat=repeat)
    target = DEMO_BEFORE_S / 3
    return [{"case": "moneytrail demo", "fresh_store_s": first.seconds,
             "stored_runs_s": second.seconds, "numpy_yardstick_s": yard.seconds,
             "fresh_over_yardstick": first.seconds / yard.seconds,
             "stored_over_yardstick": second.seconds / yard.seconds,
             "speedup_vs_7.9_s": DEMO_BEFORE_S / first.seconds,
             "fresh_over_yardstick_before": DEMO_BEFORE_YARDSTICKS,
             "speedup_in_yardsticks": DEMO_BEFORE_YARDSTICKS / (first.seconds / yard.seconds),
             "target": f"<= {target:.2f} s (3x faster than {DEMO_BEFORE_S} s)",
             "met": first.seconds <= target}]


# -- the trace against its bare linear algebra -------------------------------------------------

def bare_solves(model: Any, draws: int) -> Callable[[], None]:
    """The trace's linear algebra alone: one np.linalg.solve of a (BLOCK, n, n) stack of
    I - A (the model's central A) per seed block, as many as the trace makes."""
    from moneytrail.engine.kernel import BLOCK

    A = model.A.toarray() if hasattr(model.A, "toarray") else np.asarray(model.A, dtype=float)
    n = A.shape[0]
    M = np.broadcast_to(np.eye(n) - A, (BLOCK, n, n)).copy()
    f = np.random.default_rng(0).random((BLOCK, n, 1))
    sizes = [min(BLOCK, draws - start) for start in range(0, draws, BLOCK)]

    def run() -> None:
        for size in sizes:
            np.linalg.solve(M[:size], f[:size])
    return run


def bench_trace_vs_solves(draws: int = 10_000, repeat: int = REPEAT) -> list[Row]:
    """A reference plan traced (summaries, and per-draw values kept) against its bare batched
    solves: what sampling, assembly and summaries add on top of the linear algebra."""
    import moneytrail as mt
    from moneytrail.engine.trace import trace as engine_trace  # timed without plan checks

    rows = []
    for path in mt.reference_scenarios():
        plan = mt.load_scenario(path)
        model = mt.load_model(plan.year)

        def summaries(plan: Any = plan, model: Any = model) -> Any:
            return engine_trace(plan, model, draws=draws, seed=1)

        def kept(plan: Any = plan, model: Any = model) -> Any:
            return engine_trace(plan, model, draws=draws, seed=1, keep_draws=True)

        bare, summ, keep = paired([bare_solves(model, draws), summaries, kept], repeat=repeat)
        gap = float(np.max(np.abs(keep.value.draw_totals - plan.total)) / plan.total)
        rows.append({"case": plan.id, "draws": draws, "entities": model.n,
                     "bare_solves_s": bare.seconds, "summaries_s": summ.seconds,
                     "kept_draws_s": keep.seconds,
                     "summaries_over_solves": summ.seconds / bare.seconds,
                     "kept_over_solves": keep.seconds / bare.seconds,
                     "target": "<= 3x", "met": max(summ.seconds, keep.seconds)
                     <= 3 * bare.seconds, "conservation_gap": gap})
    return rows


# -- input-output tables against pymrio --------------------------------------------------------

def synthetic_table(n: int, density: float, seed: int = 0, sectors_per_region: int = 100
                    ) -> tuple[Any, np.ndarray]:
    """A random productive MRIO table in pymrio form: sparse A plus a diagonal, column sums
    drawn from U(0.2, 0.7), three final-demand categories per region."""
    import pandas as pd
    import pymrio
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    A = sp.random(n, n, density=density, random_state=rng, format="csc")
    A = A + sp.diags(rng.random(n))
    sums = np.asarray(A.sum(axis=0)).ravel()
    A = sp.csc_array(A @ sp.diags(rng.uniform(0.2, 0.7, n) / sums))
    regions = [f"r{k}" for k in range(-(-n // sectors_per_region))]
    index = pd.MultiIndex.from_tuples(
        [(regions[i // sectors_per_region], f"s{i % sectors_per_region}") for i in range(n)],
        names=["region", "sector"])
    Y = np.zeros((n, 3 * len(regions)))
    for r in range(len(regions)):
        Y[:, 3 * r: 3 * r + 3] = rng.random((n, 3)) * (rng.random((n, 1)) < 0.1)
    y = Y.sum(axis=1)
    x = linalg.neumann(sp.csr_array(A), y, tol=1e-15)
    Z = A.toarray()
    Z *= x[None, :]
    columns = pd.MultiIndex.from_tuples([(reg, f"fd{k}") for reg in regions for k in range(3)],
                                        names=["region", "category"])
    io = pymrio.IOSystem(Z=pd.DataFrame(Z, index=index, columns=index),
                         Y=pd.DataFrame(Y, index=index, columns=columns), name=f"synthetic {n}")
    return io, y


def relative_error(got: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(got - expected)) / max(np.max(np.abs(expected)), 1e-300))


def calc_all_fresh(io: Any) -> Callable[[], Any]:
    """pymrio's calc_all from Z and Y every time (it skips whatever is already computed)."""
    def run() -> Any:
        io.x = io.A = io.L = None
        io.calc_all()
        return io
    return run


def splu_solve(A: Any, y: np.ndarray) -> Callable[[], np.ndarray]:
    """scipy's sparse LU of I - A once, then one solve."""
    import scipy.sparse as sp
    import scipy.sparse.linalg as spla

    M = sp.csc_matrix(sp.identity(A.shape[0], format="csc") - sp.csc_array(A))

    def run() -> np.ndarray:
        return spla.splu(M).solve(y)
    return run


def bench_mrio(sizes: Sequence[int] = (1000, 3000, 6000), density: float = 0.01,
               repeat: int = REPEAT) -> list[Row]:
    """One trace of a table against pymrio's calc_all (x, A and the inverse L), against L @ y
    with L already computed, and against scipy's splu once + solve; same repeats each."""
    import moneytrail as mt

    rows = []
    for n in sizes:
        io, y = synthetic_table(n, density)
        fresh, _ = synthetic_table(n, density)          # same table, nothing precomputed
        def load(fresh: Any = fresh) -> Any:
            return mt.IOModel.from_pymrio(fresh)

        build = timed(load, repeat=1)
        model = build.value
        io.calc_all()
        L = io.L.to_numpy()
        splu = splu_solve(model.A, y)

        def ours(model: Any = model, y: np.ndarray = y) -> Any:
            return mt.trace(y, model, tiers=4)

        def product(L: np.ndarray = L, y: np.ndarray = y) -> np.ndarray:
            return L @ y

        calc, mult, lu, run = paired([calc_all_fresh(io), product, splu, ours], repeat=repeat,
                                     memory=True)
        reference = L @ y
        x = model.solve(y)
        va_gap = run.value.conservation_gap / y.sum()
        rows.append({"case": f"one trace, n={n} ({density:.0%} dense)", "n": n,
                     "pymrio_calc_all_s": calc.seconds, "pymrio_L_at_y_s": mult.seconds,
                     "scipy_splu_solve_s": lu.seconds, "build_s": build.seconds,
                     "trace_s": run.seconds, "speedup_vs_calc_all": calc.seconds / run.seconds,
                     "speedup_vs_calc_all_incl_build": calc.seconds / (run.seconds
                                                                       + build.seconds),
                     "speedup_vs_L_at_y": mult.seconds / run.seconds,
                     "speedup_vs_splu": lu.seconds / run.seconds,
                     "target": ">= 100x vs calc_all at n=6000" if n == 6000 else "-",
                     "met": (calc.seconds / run.seconds >= 100) if n == 6000 else None,
                     "max_rel_error": relative_error(x, reference),
                     "splu_rel_error": relative_error(lu.value, reference),
                     "value_added_gap": va_gap,
                     "peak_mb": max(build.peak_bytes, run.peak_bytes) / 1e6,
                     "pymrio_peak_mb": calc.peak_bytes / 1e6})
        del io, fresh, model, L
    return rows


def plan_like_demand(io: Any) -> np.ndarray:
    """One final-demand column of the table: about 10 % of the sectors, like a plan's
    purchases (the summed Y of all regions touches nearly every sector)."""
    return io.Y.to_numpy(dtype=float)[:, 0].copy()


def bench_demand_draws(n: int = 6000, draws: int = 1000, density: float = 0.01,
                       repeat: int = REPEAT) -> list[Row]:
    """Monte Carlo over final demand on a fixed table: pymrio inverts once and multiplies
    L @ F; the trace solves only for the sectors the draws touch (an LU, not an inverse).
    Also against L @ F alone (L already computed)."""
    import moneytrail as mt

    io, _ = synthetic_table(n, density)
    f = plan_like_demand(io)
    rng = np.random.default_rng(1)
    F = f[None, :] * np.exp(0.3 * rng.standard_normal((draws, n)) - 0.045)
    fresh, _ = synthetic_table(n, density)
    calc = calc_all_fresh(io)

    def baseline() -> np.ndarray:
        calc()
        return io.L.to_numpy() @ F.T

    io.calc_all()
    L = io.L.to_numpy()

    def product() -> np.ndarray:
        return L @ F.T

    def ours() -> tuple[Any, Any]:
        model = mt.IOModel.from_pymrio(fresh)
        return model, mt.trace(F, model, tiers=4, keep_draws=True)

    pymrio_run, mult, run = paired([baseline, product, ours], repeat=repeat, memory=True)
    model, result = run.value
    x = result.flows / model.value_added_coefficients()[model.flows_entity_index][None, :]
    speedup = pymrio_run.seconds / run.seconds
    gap = float(np.max(np.abs(result.draw_totals - F.sum(axis=1)) / F.sum(axis=1)))
    return [{"case": f"{draws} final-demand draws, n={n}", "sectors_hit": int(np.count_nonzero(f)),
             "pymrio_s": pymrio_run.seconds, "pymrio_L_at_F_s": mult.seconds,
             "moneytrail_s": run.seconds, "speedup": speedup,
             "speedup_vs_L_at_F": mult.seconds / run.seconds,
             "target": ">= 3x", "met": speedup >= 3, "max_rel_error": relative_error(
                 x, pymrio_run.value.T), "value_added_gap": gap,
             "peak_mb": run.peak_bytes / 1e6, "pymrio_peak_mb": pymrio_run.peak_bytes / 1e6,
             "note": "pymrio: calc_all (x, A, L = inverse) then L @ F; "
                     "moneytrail: from_pymrio + trace, build included"}]


def bench_perturbed(n: int = 3000, draws: int = 100, density: float = 0.01,
                    spread: float = 0.1, baseline_calls: int = 3,
                    repeat: int = REPEAT) -> list[Row]:
    """Draws that perturb A: pymrio needs a calc_all (an inverse) per draw; the trace solves
    every draw of a block at once by warm-started fixed-point iteration on sparse A."""
    import pandas as pd
    import pymrio
    import scipy.sparse as sp

    import moneytrail as mt
    from moneytrail.engine import streams
    from moneytrail.engine.noise import perturbed_coefficients

    io, _ = synthetic_table(n, density)
    f = plan_like_demand(io)
    model = mt.IOModel.from_pymrio(io).with_noise(spread)
    pattern = sp.csr_array(model.A)
    assert model.noise is not None                    # with_noise sets it
    # the trace's own perturbations of seed block 0 (its "table_noise" stream)
    data = perturbed_coefficients(pattern, model.noise, streams.rng(1, "table_noise", 0),
                                  min(draws, 100))
    index = io.Z.index
    Y = pd.DataFrame(f[:, None], index=index, columns=pd.MultiIndex.from_tuples(
        [("r0", "fd")], names=["region", "category"]))

    def pymrio_draws() -> list[np.ndarray]:
        outputs = []
        for d in range(baseline_calls):
            A = pattern.copy()
            A.data = data[d]
            system = pymrio.IOSystem(A=pd.DataFrame(A.toarray(), index=index, columns=index),
                                     Y=Y)
            system.calc_all()
            outputs.append(system.x.to_numpy().ravel())
        return outputs

    def ours() -> Any:
        return mt.trace(f, model, draws=draws, seed=1, tiers=4, keep_draws=True)

    baseline, run = paired([pymrio_draws, ours], repeat=repeat, memory=True)
    result = run.value
    per_call = baseline.seconds / baseline_calls
    v = model.value_added_coefficients()[model.flows_entity_index]
    error = max(relative_error(result.flows[d] / v, baseline.value[d])
                for d in range(baseline_calls))
    speedup = per_call * draws / run.seconds
    gap = float(np.max(np.abs(result.draw_totals - f.sum())) / f.sum())
    return [{"case": f"{draws} draws perturbing A (lognormal {spread}), n={n}",
             "pymrio_s": per_call * draws, "moneytrail_s": run.seconds, "speedup": speedup,
             "target": ">= 20x", "met": speedup >= 20, "max_rel_error": error,
             "value_added_gap": gap, "peak_mb": run.peak_bytes / 1e6,
             "pymrio_peak_mb": baseline.peak_bytes / 1e6,
             "note": f"pymrio: {baseline_calls} calc_all calls timed ({per_call:.2f} s each), "
                     f"x {draws} extrapolated; error checked on those draws"}]


def bench_full_size(n: int = 9800, density: float = 0.005, draws: int = 100,
                    repeat: int = REPEAT) -> list[Row]:
    """An EXIOBASE-size table (no pymrio baseline: its inverse alone would take minutes):
    build, one trace, and draws perturbing A; checked by the residual of (I - A) x = f."""
    import moneytrail as mt

    io, _ = synthetic_table(n, density)
    f = plan_like_demand(io)

    def load(table: Any = io) -> Any:
        return mt.IOModel.from_pymrio(table)

    build = timed(load, repeat=1)
    model = build.value
    del io, load
    one = timed(lambda: mt.trace(f, model, tiers=4, keep_draws=True), repeat=repeat)
    noisy = model.with_noise(0.1)
    many = timed(lambda: mt.trace(f, noisy, draws=draws, seed=1, tiers=4, keep_draws=True),
                 repeat=repeat)
    v = model.value_added_coefficients()[model.flows_entity_index]
    x = one.value.flows[0] / v
    residual = float(np.max(np.abs(x - model.A @ x - f)) / np.max(np.abs(f)))
    gap = float(np.max(np.abs(many.value.draw_totals - f.sum())) / f.sum())
    return [{"case": f"full size n={n} ({density:.1%} dense)", "build_s": build.seconds,
             "one_trace_s": one.seconds, f"{draws}_draws_perturbing_A_s": many.seconds,
             "residual": residual, "value_added_gap": gap,
             "peak_mb": max(build.peak_bytes, one.peak_bytes, many.peak_bytes) / 1e6}]


# -- many draws on a Dask cluster --------------------------------------------------------------

COMPARED = ("entity", "country", "owner_country", "group", "factor", "tier", "supplier")


def _peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes.

    On Linux this is VmHWM of /proc/self/status (the peak of this program's own memory):
    `ru_maxrss` is not, as a process started by fork and exec inherits its parent's peak
    (a `moneytrail bench` that had reached 4.4 GB in earlier sections reported 4.4 GB for
    the cluster run's fresh client, which peaks at about 250 MB). Elsewhere ru_maxrss (kB;
    bytes on macOS)."""
    import resource

    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def cluster_run(draws: int, local: bool = True, plan_index: int = 0) -> Row:
    """`draws` draws of a reference plan on a 2-worker LocalCluster (processes, loopback,
    dashboard off), then (if `local`) the same seed in this process: seconds, peak RSS of each
    process, and whether every table is the same. Run it in a fresh process (`bench_cluster`
    does) so the peaks are this run's alone."""
    from distributed import Client, LocalCluster

    import moneytrail as mt
    from moneytrail.engine.trace import trace as engine_trace  # timed without plan checks

    plan = mt.load_scenario(mt.reference_scenarios()[plan_index])
    model = mt.load_model(plan.year)
    row: Row = {"case": f"{plan.id}, {draws:,} draws", "draws": draws}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        remote = engine_trace(plan, model, draws=draws, seed=1, scheduler=client)
        row["cluster_s"] = time.perf_counter() - start
        workers = client.run(_peak_rss)
    row["cluster_us_per_draw"] = row["cluster_s"] / draws * 1e6
    row["worker_peak_mb"] = max(workers.values()) / 1e6
    row["client_peak_mb"] = _peak_rss() / 1e6
    if local:
        start = time.perf_counter()
        here = engine_trace(plan, model, draws=draws, seed=1)
        row["local_s"] = time.perf_counter() - start
        row["local_us_per_draw"] = row["local_s"] / draws * 1e6
        row["local_peak_mb"] = _peak_rss() / 1e6
        differences = []
        for dimension in COMPARED:
            a, b = remote.by(dimension).to_numpy(), here.by(dimension).to_numpy()
            differences.append(float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)))
        row["max_rel_difference"] = max(differences)
        row["same_numbers"] = max(differences) == 0.0
    peaks = [row["worker_peak_mb"], row["client_peak_mb"], row.get("local_peak_mb", 0.0)]
    row["target"] = "1e7 draws, < 2 GB peak per process, same numbers"
    row["met"] = (draws >= 10_000_000 and max(peaks) < 2000
                  and bool(row.get("same_numbers", False)))
    return row


def bench_cluster(draws: int, local: bool = True) -> list[Row]:
    """cluster_run in a fresh Python process (peak RSS is per process lifetime). Dask's
    workers run numpy with one BLAS thread; the process here does too, so the local run does
    the same floating-point operations (with a multi-threaded BLAS, products are summed in
    another order and the tables differ in the last bits, about 1e-16 relative)."""
    code = ("import json, sys; from moneytrail.bench import cluster_run; "
            f"print(json.dumps(cluster_run({int(draws)}, local={bool(local)})))")
    env = _environment()
    env.update({name: "1" for name in BLAS_THREADS})
    done = subprocess.run(_python("-c", code), env=env, check=True, capture_output=True,
                          text=True)
    return [json.loads(done.stdout.strip().splitlines()[-1])]


BLAS_THREADS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


SECTIONS = ("startup", "demo", "trace", "report", "mrio", "demand", "perturbed", "full",
            "cluster", "web", "load")


def web_rows() -> list[Row]:
    """The web app under load and a fresh run through its API (`web.bench`, issue 11)."""
    from moneytrail.web.bench import bench_web

    return bench_web()


def report_rows() -> list[Row]:
    """The briefing benchmark (`report.briefing.bench`): PDF end to end on a fresh store."""
    from moneytrail.report.briefing.bench import bench_report

    return bench_report()


def load_rows() -> list[Row]:
    """The web app under load (`web.loadtest`, issue 12), beside one client alone."""
    from moneytrail.web.loadtest import bench_load

    return bench_load()


def check_sections(only: Sequence[str]) -> None:
    unknown = set(only) - set(SECTIONS)
    if unknown:
        raise ValueError(f"unknown bench sections {sorted(unknown)} (use {', '.join(SECTIONS)})")


def bench_sections(draws: int = 10_000, sizes: Sequence[int] = (1000, 3000, 6000), *,
                   repeat: int = REPEAT, cluster_draws: int = 200_000,
                   only: Sequence[str] = SECTIONS) -> dict[str, list[Row]]:
    """Every benchmark of `moneytrail bench` (or those named in `only`), each against its
    yardstick in this run."""
    check_sections(only)
    plan: list[tuple[str, str, Callable[[], list[Row]]]] = [
        ("startup", "Start-up beside `python -c pass`", lambda: bench_startup(repeat)),
        ("demo", "moneytrail demo beside a fixed numpy workload", lambda: bench_demo(repeat)),
        ("trace", f"{draws:,}-draw trace of each reference plan vs its bare batched solves",
         lambda: bench_trace_vs_solves(draws, repeat)),
        ("report", "PDF briefing of a reference plan (target < 10 s) beside its bare trace",
         lambda: report_rows()),
        ("mrio", "Leontief trace vs pymrio calc_all, L @ y (L computed) and scipy splu",
         lambda: bench_mrio(sizes, repeat=repeat)),
        ("demand", "Final-demand Monte Carlo vs pymrio (inverse once, then L @ F)",
         lambda: bench_demand_draws(repeat=repeat)),
        ("perturbed", "Monte Carlo perturbing A vs pymrio calc_all per draw",
         lambda: bench_perturbed(repeat=repeat)),
        ("full", "EXIOBASE-size table", lambda: bench_full_size(repeat=repeat)),
        ("cluster", f"{cluster_draws:,} draws on a 2-worker LocalCluster vs locally",
         lambda: bench_cluster(cluster_draws)),
        ("load", "50 web clients for 60 s: reads, runs and edits (no 5xx, no lost update)",
         lambda: load_rows()),
        ("web", "Web app: stored run pages under load vs a static file; a fresh 2,000-draw run "
         "vs the same trace in process", web_rows),
    ]
    return {title: run() for key, title, run in plan
            if key in only and not (key == "cluster" and cluster_draws <= 0)}
