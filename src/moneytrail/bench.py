"""`moneytrail bench`: speed against the baselines the issues name, measured in one run.

Machines here are noisy, so every figure is a ratio against a baseline timed in the same process
a moment earlier, and every result is checked against the baseline's numbers.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass
class Timing:
    seconds: float
    peak_bytes: int
    value: object


def timed(func: Callable[[], object], *, repeat: int = 1) -> Timing:
    """Best wall time of `repeat` runs, and the peak of traced allocations of the first."""
    tracemalloc.start()
    start = time.perf_counter()
    value = func()
    best = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    for _ in range(repeat - 1):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return Timing(best, peak, value)


def synthetic_table(n: int, density: float, seed: int = 0, sectors_per_region: int = 100):
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
    x = np.linalg.solve(np.eye(n) - A.toarray(), y)
    Z = A.toarray() * x[None, :]
    columns = pd.MultiIndex.from_tuples([(reg, f"fd{k}") for reg in regions for k in range(3)],
                                        names=["region", "category"])
    io = pymrio.IOSystem(Z=pd.DataFrame(Z, index=index, columns=index),
                         Y=pd.DataFrame(Y, index=index, columns=columns), name=f"synthetic {n}")
    return io, y


def relative_error(got: np.ndarray, expected: np.ndarray) -> float:
    return float(np.max(np.abs(got - expected)) / max(np.max(np.abs(expected)), 1e-300))


def bench_reference_plans(draws: int = 10_000) -> list[dict]:
    import moneytrail as mt

    rows = []
    for path in mt.reference_scenarios():
        plan = mt.load_scenario(path)
        model = mt.load_model(plan.year)
        run = timed(lambda plan=plan, model=model: mt.trace(plan, model, draws=draws, seed=1))
        gap = float(np.max(np.abs(run.value.draw_totals - plan.total)) / plan.total)
        rows.append({"case": f"Monte Carlo {plan.id}", "draws": draws,
                     "seconds": run.seconds, "draws_per_s": draws / run.seconds,
                     "target": "< 2 s", "met": run.seconds < 2.0,
                     "conservation_gap": gap, "peak_mb": run.peak_bytes / 1e6})
    return rows


def bench_mrio(sizes=(1000, 3000, 6000), density: float = 0.01) -> list[dict]:
    import moneytrail as mt

    rows = []
    for n in sizes:
        io, y = synthetic_table(n, density)
        baseline = timed(io.calc_all)
        reference = io.L.to_numpy() @ y
        fresh, _ = synthetic_table(n, density)          # same table, nothing precomputed
        build = timed(lambda fresh=fresh: mt.IOModel.from_pymrio(fresh))
        model = build.value
        run = timed(lambda model=model, y=y: mt.trace(y, model, tiers=4), repeat=3)
        x = model.solve(y)
        error = relative_error(x, reference)
        va_gap = abs(float(run.value.draw_totals[0]) - y.sum()) / y.sum()
        rows.append({"case": f"one trace, n={n} ({density:.0%} dense)", "n": n,
                     "pymrio_calc_all_s": baseline.seconds, "build_s": build.seconds,
                     "trace_s": run.seconds, "speedup": baseline.seconds / run.seconds,
                     "speedup_incl_build": baseline.seconds / (run.seconds + build.seconds),
                     "target": ">= 100x at n=6000" if n == 6000 else "-",
                     "met": (baseline.seconds / run.seconds >= 100) if n == 6000 else None,
                     "max_rel_error": error, "value_added_gap": va_gap,
                     "peak_mb": max(build.peak_bytes, run.peak_bytes) / 1e6,
                     "pymrio_peak_mb": baseline.peak_bytes / 1e6})
        del io, fresh, model
    return rows
