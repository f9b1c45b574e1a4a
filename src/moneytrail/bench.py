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

from moneytrail.engine import linalg


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


def plan_like_demand(io) -> np.ndarray:
    """One final-demand column of the table: about 10 % of the sectors, like a plan's
    purchases (the summed Y of all regions touches nearly every sector)."""
    return io.Y.to_numpy(dtype=float)[:, 0].copy()


def bench_demand_draws(n: int = 6000, draws: int = 1000, density: float = 0.01) -> list[dict]:
    """Monte Carlo over final demand on a fixed table: pymrio inverts once and multiplies
    L @ F; the trace solves only for the sectors the draws touch (an LU, not an inverse)."""
    import moneytrail as mt

    io, _ = synthetic_table(n, density)
    f = plan_like_demand(io)
    rng = np.random.default_rng(1)
    F = f[None, :] * np.exp(0.3 * rng.standard_normal((draws, n)) - 0.045)

    def baseline():
        io.calc_all()
        return io.L.to_numpy() @ F.T

    pymrio_run = timed(baseline)
    fresh, _ = synthetic_table(n, density)

    def ours():
        model = mt.IOModel.from_pymrio(fresh)
        return model, mt.trace(F, model, tiers=4)

    run = timed(ours)
    model, result = run.value
    x = result.flows / model.value_added_coefficients()[model.flows_entity_index][None, :]
    speedup = pymrio_run.seconds / run.seconds
    gap = float(np.max(np.abs(result.draw_totals - F.sum(axis=1)) / F.sum(axis=1)))
    return [{"case": f"{draws} final-demand draws, n={n}", "sectors_hit": int(np.count_nonzero(f)),
             "pymrio_s": pymrio_run.seconds, "moneytrail_s": run.seconds, "speedup": speedup,
             "target": ">= 3x", "met": speedup >= 3, "max_rel_error": relative_error(
                 x, pymrio_run.value.T), "value_added_gap": gap,
             "peak_mb": run.peak_bytes / 1e6, "pymrio_peak_mb": pymrio_run.peak_bytes / 1e6,
             "note": "pymrio: calc_all (x, A, L = inverse) then L @ F; "
                     "moneytrail: from_pymrio + trace, build included"}]


def bench_perturbed(n: int = 3000, draws: int = 100, density: float = 0.01,
                    spread: float = 0.1, baseline_calls: int = 3) -> list[dict]:
    """Draws that perturb A: pymrio needs a calc_all (an inverse) per draw; the trace solves
    every draw of a block at once by warm-started fixed-point iteration on sparse A."""
    import pandas as pd
    import pymrio

    import moneytrail as mt
    from moneytrail.engine.kernel import block_rng
    from moneytrail.engine.noise import perturbed_coefficients

    io, _ = synthetic_table(n, density)
    f = plan_like_demand(io)
    model = mt.IOModel.from_pymrio(io).with_noise(spread)
    run = timed(lambda: mt.trace(f, model, draws=draws, seed=1, tiers=4))
    result = run.value
    pattern = model.A.tocsr()
    data = perturbed_coefficients(pattern, model.noise, block_rng(1, 0), min(draws, 100))
    index = io.Z.index
    Y = pd.DataFrame(f[:, None], index=index, columns=pd.MultiIndex.from_tuples(
        [("r0", "fd")], names=["region", "category"]))

    def pymrio_draws():
        outputs = []
        for d in range(baseline_calls):
            A = pattern.copy()
            A.data = data[d]
            system = pymrio.IOSystem(A=pd.DataFrame(A.toarray(), index=index, columns=index),
                                     Y=Y)
            system.calc_all()
            outputs.append(system.x.to_numpy().ravel())
        return outputs

    baseline = timed(pymrio_draws)
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


def bench_full_size(n: int = 9800, density: float = 0.005, draws: int = 100) -> list[dict]:
    """An EXIOBASE-size table (no pymrio baseline: its inverse alone would take minutes):
    build, one trace, and draws perturbing A; checked by the residual of (I - A) x = f."""
    import moneytrail as mt

    io, _ = synthetic_table(n, density)
    f = plan_like_demand(io)
    build = timed(lambda table=io: mt.IOModel.from_pymrio(table))
    model = build.value
    del io
    one = timed(lambda: mt.trace(f, model, tiers=4), repeat=3)
    noisy = model.with_noise(0.1)
    many = timed(lambda: mt.trace(f, noisy, draws=draws, seed=1, tiers=4))
    v = model.value_added_coefficients()[model.flows_entity_index]
    x = one.value.flows[0] / v
    residual = float(np.max(np.abs(x - model.A @ x - f)) / np.max(np.abs(f)))
    gap = float(np.max(np.abs(many.value.draw_totals - f.sum())) / f.sum())
    return [{"case": f"full size n={n} ({density:.1%} dense)", "build_s": build.seconds,
             "one_trace_s": one.seconds, f"{draws}_draws_perturbing_A_s": many.seconds,
             "residual": residual, "value_added_gap": gap,
             "peak_mb": max(build.peak_bytes, one.peak_bytes, many.peak_bytes) / 1e6}]


def bench_sections(draws: int = 10_000, sizes=(1000, 3000, 6000)) -> dict[str, list[dict]]:
    """Every benchmark of `moneytrail bench`, each against its baseline in this run."""
    return {
        "Monte Carlo on the reference plans": bench_reference_plans(draws),
        "Leontief trace vs pymrio calc_all": bench_mrio(sizes),
        "Final-demand Monte Carlo vs pymrio (inverse once, then L @ F)": bench_demand_draws(),
        "Monte Carlo perturbing A vs pymrio calc_all per draw": bench_perturbed(),
        "EXIOBASE-size table": bench_full_size(),
    }
