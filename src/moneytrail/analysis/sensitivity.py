"""Which assumptions drive a result: one-at-a-time tornado and Sobol indices.

Any output selector (`share:us_big_tech`, `share:country:TW`, see `engine.outputs`) of a plan's
trace can be analysed. The tornado moves each uncertain parameter to the low and high end of its
90 % interval with every other parameter at its central value. Sobol indices (SALib; first and
total order) vary the chosen parameters over their PERT distributions; by default those are the
`top` parameters of the tornado (a screening step: with hundreds of cost rows a full Sobol design
would need millions of runs), the others stay central. Evaluations run in chunks, locally or on
a Dask cluster (`scheduler`), and give the same numbers either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from moneytrail.engine.cluster import run_tasks
from moneytrail.engine.demand import demand_sampler
from moneytrail.engine.kernel import build_kernel
from moneytrail.engine.outputs import OutputSpec
from moneytrail.engine.result import TraceResult
from moneytrail.engine.space import ParameterSpace, parameter_space, run_rows
from moneytrail.engine.trace import DEFAULT_TIERS
from moneytrail.errors import LimitError, MoneytrailError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Plan

ROWS_PER_TASK = 2000
# Memory a Sobol design may take: its runs (samples x (varied parameters + 2)) are held at once,
# each with every parameter's value (twice: the central rows and their quantiles) and every
# flow of the trace, 8 bytes each. Above this the design is refused before any work starts.
MAX_SOBOL_BYTES = 4 * 2**30
# Sobol indices are read as reliable when every 95 % confidence half-width is at most
# WIDE_CONF (10 points of the output's variance) and no first-order index exceeds its total
# index by more than S1_ABOVE_ST (S1 <= ST holds exactly; above it is sampling noise).
WIDE_CONF = 0.10
S1_ABOVE_ST = 0.01


@dataclass(frozen=True)
class Tornado:
    """A tornado: `table` has one row per uncertain parameter (parameter, low, central, high,
    output_low, output_high, swing), largest swing first; `base` is the output with every
    parameter central; `output` the output spec; `plan` the plan id."""

    table: pd.DataFrame
    base: float
    output: str
    plan: str

    def info(self) -> dict[str, Any]:
        """The scalar fields (everything but the table), for JSON output."""
        return {k: v for k, v in asdict(self).items() if k != "table"}


@dataclass(frozen=True)
class SobolIndices:
    """Sobol indices: `table` has parameter, S1, S1_conf, ST, ST_conf (largest ST first);
    `runs` evaluations of `samples` base samples with `seed`; `variance` of the output."""

    table: pd.DataFrame
    runs: int
    samples: int
    seed: int
    variance: float

    def info(self) -> dict[str, Any]:
        """The scalar fields (everything but the table), for JSON output."""
        return {k: v for k, v in asdict(self).items() if k != "table"}


@dataclass(frozen=True)
class Sobol(SobolIndices):
    """Sobol indices of a plan's output (`output` spec, `plan` id)."""

    output: str = ""
    plan: str = ""
    warning: str = ""      # reliability_warning: '' when the indices can be read


def prepare(plan: Plan, model: IOModel, rows: int):
    check_year(plan, model)
    kernel = build_kernel(model, demand_sampler(plan, model), DEFAULT_TIERS, rows)
    return model, kernel, parameter_space(plan, model, kernel)


def check_year(plan: Plan, model: IOModel) -> None:
    """A model of another year would explain the plan with the wrong year's cost structures."""
    if model.year is not None and model.year != plan.year:
        raise MoneytrailError(f"the model is for {model.year}, the plan for {plan.year}: load "
                              f"the model of the plan's year", field="year", value=model.year)


def check_top(top: int | None, *, optional: bool) -> None:
    if top is None and optional:
        return
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise MoneytrailError("top must be a whole number >= 1", field="top", value=top)


def check_samples(samples: int) -> None:
    """Sobol (Saltelli) designs keep their balance only at powers of two."""
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 2 \
            or samples & (samples - 1):
        raise MoneytrailError("samples must be a power of 2 of at least 2 (e.g. 256, 512, "
                              "1024)", field="samples", value=samples)


def sobol_bytes(samples: int, varied: int, parameters: int, flows: int) -> int:
    """Memory (bytes, roughly) of a Sobol design of `samples` base samples varying `varied`
    of a plan's `parameters` parameters, on a model of `flows` flows (MAX_SOBOL_BYTES)."""
    return samples * (varied + 2) * (2 * parameters + flows) * 8


def check_sobol_memory(samples: int, varied: int, parameters: int, flows: int) -> None:
    """Refuse a Sobol design whose memory would exceed MAX_SOBOL_BYTES, with the largest
    sample count (a power of 2) that fits."""
    need = sobol_bytes(samples, varied, parameters, flows)
    if need <= MAX_SOBOL_BYTES:
        return
    largest = max_sobol_samples(varied, parameters, flows)
    raise LimitError(
        f"{samples:,} samples would need about {need / 2**30:,.1f} GiB of memory "
        f"({samples * (varied + 2):,} runs of {parameters:,} parameters); at most "
        f"{largest:,} fit in the {MAX_SOBOL_BYTES / 2**30:.0f} GiB limit for this plan "
        f"with {varied} varied parameters (fewer with --top lowers the need)",
        field="--samples", value=samples)


def output_values(plan: Plan, model: IOModel, kernel, space: ParameterSpace, raw: np.ndarray,
                  spec: OutputSpec, scheduler: Any = None) -> np.ndarray:
    """The output at each row of parameter values."""
    starts = range(0, raw.shape[0], ROWS_PER_TASK)
    tasks = [(space.sizes, raw[s:s + ROWS_PER_TASK]) for s in starts]
    parts = run_tasks(run_rows, kernel, tasks, [t[1].shape[0] for t in tasks],
                      scheduler=scheduler)
    flows, tiers, demand = (np.concatenate([p[k] for p in parts]) for k in range(3))
    result = TraceResult.from_arrays(plan, model, flows, tiers, demand)
    return spec.values(result)


def tornado(plan: Plan, model: IOModel, output: str = "share:us_tech_giants", *,
            top: int | None = 15, scheduler: Any = None) -> Tornado:
    """One row per uncertain parameter: the output with it at its low and high end, the
    others central; largest swing first (the `top` largest; None: all). `base` is the output
    at the centre. Raises MoneytrailError for a model of another year or a bad `top`."""
    spec = OutputSpec.parse(output)
    check_top(top, optional=True)
    model, kernel, space = prepare(plan, model, 1)
    columns = np.flatnonzero(space.uncertain)
    raw = space.central_rows(1 + 2 * columns.size)
    low, high = space.low, space.high
    raw[1 + 2 * np.arange(columns.size), columns] = low[columns]
    raw[2 + 2 * np.arange(columns.size), columns] = high[columns]
    values = output_values(plan, model, kernel, space, raw, spec, scheduler)
    at_low, at_high = values[1::2], values[2::2]
    table = pd.DataFrame({
        "parameter": [space.names[c] for c in columns], "low": low[columns],
        "central": space.central[columns], "high": high[columns],
        "output_low": at_low, "output_high": at_high,
        "swing": np.abs(at_high - at_low)})
    table = table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    if top is not None:
        table = table.head(top)
    return Tornado(table=table, base=float(values[0]), output=str(spec), plan=plan.id)


def sobol(plan: Plan, model: IOModel, output: str = "share:us_tech_giants", *,
          parameters: list[str] | None = None, top: int = 10, samples: int = 512,
          seed: int = 1, scheduler: Any = None) -> Sobol:
    """First-order (S1) and total-order (ST) Sobol indices with 95 % confidence half-widths.

    `parameters` (names, see `tornado`) default to the `top` parameters of the tornado.
    `samples` (a power of two) gives samples x (k + 2) runs for k parameters."""
    spec = OutputSpec.parse(output)
    check_top(top, optional=False)
    check_samples(samples)
    _, _, space = prepare(plan, model, 1)
    varied = len(parameters) if parameters is not None else \
        min(top, int(space.uncertain.sum()))
    check_sobol_memory(samples, varied, space.central.size, len(model.flows))
    if parameters is None:
        screen = tornado(plan, model, output, top=top, scheduler=scheduler).table
        parameters = list(screen.loc[screen["swing"] > 0, "parameter"])
        if not parameters:
            raise MoneytrailError("the output depends on no uncertain parameter (every "
                                  "parameter at its low or high end leaves it unchanged), so "
                                  "there is nothing to apportion", field="output",
                                  value=str(spec))
    model, kernel, space = prepare(plan, model, samples)
    position = {name: k for k, name in enumerate(space.names)}
    unknown = [p for p in parameters if p not in position]
    if unknown:
        raise MoneytrailError("unknown parameter", field="parameters", value=unknown[0])
    columns = np.array([position[p] for p in parameters], dtype=int)
    columns = columns[space.uncertain[columns]]
    if columns.size < 2:
        raise MoneytrailError("Sobol indices need at least two uncertain parameters that move "
                              "the output", field="parameters", value=parameters)

    def evaluate(unit: np.ndarray) -> np.ndarray:
        raw = space.central_rows(unit.shape[0])
        raw[:, columns] = space.quantile(unit, columns)
        return output_values(plan, model, kernel, space, raw, spec, scheduler)

    indices = sobol_indices(evaluate, [space.names[c] for c in columns], samples, seed)
    largest = max_sobol_samples(columns.size, space.central.size, len(model.flows))
    return Sobol(table=indices.table, runs=indices.runs, samples=indices.samples,
                 seed=indices.seed, variance=indices.variance, output=str(spec), plan=plan.id,
                 warning=reliability_warning(indices.table, samples, largest))


def reliability_warning(table: pd.DataFrame, samples: int, largest: int | None = None) -> str:
    """'' when Sobol indices (S1, S1_conf, ST, ST_conf) can be read, else one sentence: the
    widest 95 % half-width, any S1 above ST, and a sample count (a power of 2) at which the
    half-widths would be about WIDE_CONF / 2 (they shrink as 1 / sqrt(samples)); `largest`:
    the most samples the memory limit allows (check_sobol_memory), named when it is fewer."""
    if not len(table):
        return ""
    conf = np.nan_to_num(np.maximum(table["S1_conf"].to_numpy(float),
                                    table["ST_conf"].to_numpy(float)), nan=np.inf)
    excess = table["S1"].to_numpy(float) - table["ST"].to_numpy(float)
    above = int(np.sum(excess > S1_ABOVE_ST))
    widest = float(np.max(conf))
    if widest <= WIDE_CONF and not above:
        return ""
    factor = (widest / (WIDE_CONF / 2)) ** 2 if np.isfinite(widest) else 64.0
    wanted = 2 ** int(np.ceil(np.log2(max(samples * factor, 2.0 * samples))))
    reasons = []
    if widest > WIDE_CONF:
        reasons.append(f"95 % confidence half-widths reach {widest * 100:.1f} points"
                       if np.isfinite(widest) else "some confidence half-widths are unknown")
    if above:
        reasons.append(f"{above} first-order index{'es' if above != 1 else ''} (S1) exceed"
                       f"{'' if above != 1 else 's'} the total index (ST), which cannot be")
    more = f"about {wanted:,} samples would make them readable"
    if largest is not None and wanted > largest:
        more += (f", more than the memory limit allows for this plan ({largest:,}): vary "
                 "fewer parameters (--top)")
    return (f"Not reliable at {samples:,} samples: {' and '.join(reasons)}; read the indices "
            f"as noise, not as the drivers' shares ({more}).")


def max_sobol_samples(varied: int, parameters: int, flows: int) -> int:
    """The most base samples (a power of 2, at least 2) within MAX_SOBOL_BYTES."""
    largest = 2
    while sobol_bytes(largest * 2, varied, parameters, flows) <= MAX_SOBOL_BYTES:
        largest *= 2
    return largest


def sobol_indices(function: Callable[[np.ndarray], np.ndarray], names: list[str],
                  samples: int, seed: int = 1) -> SobolIndices:
    """Sobol indices of `function` over independent uniform inputs on [0, 1] (one column per
    name); the caller maps the unit cube to its distributions (inverse CDFs). Pure, so it can be
    tested against functions whose indices are known exactly. Without the sensitivity extra
    (SALib) installed: a ResourceError naming --method and the install command."""
    try:
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import sobol as sobol_sample
    except ImportError as exc:
        from moneytrail.errors import missing_extra

        raise missing_extra(exc, "sensitivity", "--method", "sobol") from None

    check_samples(samples)
    problem = {"num_vars": len(names), "names": list(names),
               "bounds": [[0.0, 1.0]] * len(names)}
    unit = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    values = np.asarray(function(unit), dtype=float)
    indices = sobol_analyze.analyze(problem, values, calc_second_order=False, seed=seed)
    table = pd.DataFrame({"parameter": problem["names"], "S1": indices["S1"],
                          "S1_conf": indices["S1_conf"], "ST": indices["ST"],
                          "ST_conf": indices["ST_conf"]})
    table = table.sort_values("ST", ascending=False, kind="stable").reset_index(drop=True)
    return SobolIndices(table=table, runs=int(unit.shape[0]), samples=samples, seed=seed,
                        variance=float(np.var(values)))
