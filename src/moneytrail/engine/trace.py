"""Trace a plan's money through the supply chain, with Monte Carlo over every interval."""

from __future__ import annotations

import numbers
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import numpy as np

from moneytrail.engine.cluster import run_tasks
from moneytrail.engine.demand import DemandSampler, FixedDemand, GivenDemand, demand_sampler
from moneytrail.engine.kernel import (
    BLOCK,
    OUTPUTS,
    SUMMARY_BLOCKS,
    Kernel,
    Outputs,
    TraceSummary,
    block_rng,
    build_kernel,
    run_chunk,
)
from moneytrail.engine.result import DrawArrays, FootprintOutputs, TraceResult
from moneytrail.engine.threads import SMALL_MODEL, single_blas_thread
from moneytrail.errors import ModelError, ScenarioError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Plan, revalidated

DEFAULT_TIERS = 4     # first invoice, their suppliers, tier 3, tier 4 (+ the rest)
MAX_KEPT_DRAWS = 1_000_000    # per-draw values held by the client (about 7 kB per draw)
# draws up to which the service also keeps footprint outputs (outputs=True: about 6 kB more
# per draw for the bundled model); larger kept traces replay their draws for footprints
OUTPUT_DRAWS = 100_000

Progress = Callable[[int, int], None]

__all__ = ["BLOCK", "DEFAULT_TIERS", "block_rng", "chunk_tasks", "trace"]


def trace(plan: Plan | Any, model: IOModel | None = None, *, draws: int | None = None,
          seed: int | None = None, tiers: int = DEFAULT_TIERS,
          chunk_size: int = SUMMARY_BLOCKS * BLOCK, progress: Progress | None = None,
          scheduler: Any = None, keep_draws: bool = False, evidence: bool = False,
          outputs: bool = False, parts: np.ndarray | None = None, weights: bool = False
          ) -> TraceResult:
    """Where the plan's money ends up, per Monte Carlo draw.

    Every interval in the data and the plan becomes a PERT; each draw builds its own A and final
    demand, solves, and attributes value added. Results are summarised per draw, never by adding
    percentiles. `plan` may also be a final-demand vector (array or Series over the model's
    entities, e.g. for a pymrio table) or a matrix with one final-demand draw per row.
    Draws come in seed blocks of 100, so `chunk_size` and `scheduler` (a Dask address such as
    "tcp://127.0.0.1:8786", a Client or a cluster) never change the numbers.

    Each chunk is reduced to summaries where it runs; the per-draw arrays come back to the
    caller only with `keep_draws=True` (at most MAX_KEPT_DRAWS draws). At most 10,000,000
    draws (scenarios.schema.MAX_DRAWS; MONEYTRAIL_MAX_DRAWS raises it).

    `evidence=True` also splits every draw's value added by the weakest reliability label on
    its paths (`engine.evidence`; firm-level models only): `result.evidence()`.

    With `keep_draws=True` each draw's value-added coefficient per entity is kept too (output
    is value added over it: `engine.output.entity_output`; n x 8 bytes per draw). `outputs=True`
    (needs `keep_draws`) also keeps what footprints (`engine.footprint`) need, so they replay
    nothing: total output, the tier outputs A^k f, the output of each part of the plan's
    purchases (`parts`, (P, purchase rows) 0/1 masks, e.g. `analysis.jobs.duration_parts`) and
    the firm flows' value added per unit of output: (n (1 + tiers + P) + firm flows) x 8 bytes
    per draw. `weights=True` (needs `keep_draws`) keeps only the last of these
    (`DrawArrays.weights`, firm flows x 8 bytes per draw, 2.7 kB for the bundled model; no
    extra computation), so jobs anchored on employees (`analysis.jobs.labour_fte`) read them
    instead of replaying the cost-structure draws.
    """
    for name, flag in (("keep_draws", keep_draws), ("evidence", evidence),
                       ("outputs", outputs), ("weights", weights)):
        if not isinstance(flag, bool | np.bool_):
            raise ModelError("expected True or False", field=name, value=flag)
    chunk_size = check_chunk_size(chunk_size)
    refuse_text_draws(draws)        # before a final-demand matrix compares it to its rows
    refuse_text_seed(seed)          # before `seed or 0` reads "" as 0
    if not keep_draws:
        asked = next((name for name, given in (("outputs", outputs), ("weights", weights),
                                               ("parts", parts is not None)) if given), None)
        if asked is not None:
            raise ModelError("per-draw outputs are kept only with the per-draw values; trace "
                             "with keep_draws=True", field=asked, value=True)
    if isinstance(tiers, bool) or not isinstance(tiers, numbers.Integral) or tiers < 1:
        raise ModelError("need at least one tier (a whole number)", field="tiers", value=tiers)
    tiers = int(tiers)
    if model is not None and not isinstance(model, IOModel):
        raise ModelError("model must be an IOModel (e.g. mt.load_model(2025))", field="model",
                         value=type(model).__name__)
    if not isinstance(plan, Plan):
        if model is None:
            if isinstance(plan, str | PurePath):
                raise ModelError("trace takes a plan, not a file name: load it first with "
                                 "mt.load_scenario(path)", field="plan", value=str(plan))
            given = "None" if plan is None else f"a {type(plan).__name__}"
            raise ModelError(f"trace was given {given} and no model: it takes a Plan (from "
                             "mt.load_scenario(path), or mt.parse_scenario(dict or YAML "
                             "text)), or a final-demand vector (array, Series or mapping "
                             "over the model's entities) with a model (mt.load_model(year))",
                             field="plan",
                             value=type(plan).__name__)
        vector = model.solve_input(plan)
        totals = vector.sum(axis=-1)
        if np.any(np.abs(totals) <= 1e-12 * np.maximum(np.abs(vector).sum(axis=-1), 1e-300)):
            raise ModelError("final demand adds up to 0: there is no spending whose shares "
                             "could be traced", field="final demand",
                             value=float(np.atleast_1d(totals)[0]))
        if vector.ndim == 2:
            if draws is not None and int(draws) != vector.shape[0]:
                raise ModelError("draws must equal the rows of the final-demand matrix",
                                 field="draws", value=draws)
            return run_trace(None, model, GivenDemand(vector),
                             check_draws(vector.shape[0], keep_draws), check_seed(seed or 0),
                             tiers, chunk_size, progress, scheduler, keep_draws, evidence,
                             outputs, weights=weights)
        return run_trace(None, model, FixedDemand(vector), check_draws(draws or 1, keep_draws),
                         check_seed(seed or 0), tiers, chunk_size, progress, scheduler,
                         keep_draws, evidence, outputs, weights=weights)
    plan = revalidated(plan)     # a plan changed with model_copy(update=...) skipped the schema
    if model is None:
        from moneytrail.model.builder import load_model

        model = load_model(plan.year)
    if model.year is not None and model.year != plan.year:
        raise ScenarioError(f"plan is for {plan.year} but the model is of {model.year}",
                            file=plan.path or plan.id, field="year", value=plan.year)
    draws = check_draws(plan.draws if draws is None else draws, keep_draws)
    seed = check_seed(plan.seed if seed is None else seed)
    return run_trace(plan, model, demand_sampler(plan, model), draws, seed, tiers, chunk_size,
                     progress, scheduler, keep_draws, evidence, outputs, parts, weights)


def check_draws(draws: Any, keep: bool) -> int:
    """A positive draw count within the limits (scenarios.schema.check_draws: 1 to
    MAX_DRAWS), and within MAX_KEPT_DRAWS when per-draw values are kept; checked before any
    work starts. The Python API takes a number, not text: "100" is a ScenarioError (field
    `draws`), as 100.0 is (the CLI and the web forms read text into a number first)."""
    from moneytrail.scenarios.schema import check_draws as checked

    refuse_text_draws(draws)
    number = checked(draws)
    if keep and number > MAX_KEPT_DRAWS:
        raise ModelError(f"per-draw values are kept for at most {MAX_KEPT_DRAWS:,} draws "
                         "(about 7 kB each); use fewer draws or keep_draws=False (summaries "
                         "only)", field="draws", value=number)
    return number


def refuse_text_draws(draws: Any) -> None:
    """Raise ScenarioError (field `draws`, the value named) for draws given as text ("100"):
    the Python API takes a number."""
    if isinstance(draws, str | bytes):
        raise ScenarioError("draws must be a whole number such as 10_000, not text",
                            field="draws", value=draws)


def refuse_text_seed(seed: Any) -> None:
    """Raise ScenarioError (field `seed`, the value named) for a seed given as text ("1"):
    the Python API takes a number, as for draws (refuse_text_draws)."""
    if isinstance(seed, str | bytes):
        raise ScenarioError("seed must be a whole number from 0 to 2**63 - 1 such as 1, not "
                            "text", field="seed", value=seed)


def check_chunk_size(chunk_size: Any) -> int:
    """Draws per chunk: a whole number of 1 or more (rounded up to whole seed blocks)."""
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, numbers.Integral) \
            or chunk_size < 1:
        raise ModelError("chunk_size must be a whole number of draws of 1 or more",
                         field="chunk_size", value=chunk_size)
    return int(chunk_size)


def check_seed(seed: Any) -> int:
    """A seed from 0 to 2**63 - 1 (scenarios.schema.check_seed). The Python API takes a
    number, not text: "1" is a ScenarioError (field `seed`), as "100" is for draws."""
    from moneytrail.scenarios.schema import check_seed as checked

    refuse_text_seed(seed)
    return checked(seed)


def chunk_tasks(draws: int, chunk_size: int) -> list[list[tuple[int, int]]]:
    """Seed blocks (block, size) grouped into chunks of about chunk_size draws (a whole number
    of summary groups, so chunking never changes a summary)."""
    group = SUMMARY_BLOCKS
    per_chunk = max(group, -(-max(1, chunk_size // BLOCK) // group) * group)
    blocks = [(b, min(BLOCK, draws - b * BLOCK)) for b in range(-(-draws // BLOCK))]
    return [blocks[i:i + per_chunk] for i in range(0, len(blocks), per_chunk)]


def run_trace(plan: Plan | None, model: IOModel,
              demand: DemandSampler | FixedDemand | GivenDemand, draws: int, seed: int,
              tiers: int, chunk_size: int, progress: Progress | None,
              scheduler: Any = None, keep: bool = False, evidence: bool = False,
              outputs: bool = False, parts: np.ndarray | None = None, weights: bool = False
              ) -> TraceResult:
    outputs = outputs and keep
    if parts is not None:
        parts = np.asarray(parts, dtype=float)
        purchase_rows = len(demand.rows) if isinstance(demand, DemandSampler) else 0
        if parts.ndim != 2 or parts.shape[1] != purchase_rows:
            raise ModelError(f"parts must be a (parts, {purchase_rows}) mask of the plan's "
                             "purchase rows", field="parts", value=list(parts.shape))
    kernel: Kernel = build_kernel(model, demand, tiers, draws, evidence,
                                  outputs=outputs or parts is not None, parts=parts,
                                  weights=weights and keep)
    chunks = chunk_tasks(draws, chunk_size)
    kept = KeptRows(draws)
    with single_blas_thread(scheduler is None and model.n <= SMALL_MODEL):
        summary = run_tasks(run_chunk, kernel, [(seed, chunk, keep) for chunk in chunks],
                            [sum(size for _, size in chunk) for chunk in chunks],
                            scheduler=scheduler, progress=progress, combine=kept.fold,
                            first=kept.start)
    per_draw = None
    if keep:
        (flows, tier_va, demand_draws, purchases, ev, coefficients, x, tier_x, part_x,
         drawn) = kept.arrays()
        rows = demand.rows if isinstance(demand, DemandSampler) else None
        footprint = None
        if kernel.outputs:
            footprint = FootprintOutputs(
                output=x, tiers=tier_x, parts=part_x,
                masks=kernel.parts if part_x.shape[1] else None)
        per_draw = DrawArrays(flows=flows, tiers=tier_va, demand=demand_draws,
                              purchases=purchases if rows is not None else None,
                              purchase_rows=rows, evidence=ev if evidence else None,
                              coefficients=coefficients, outputs=footprint,
                              weights=drawn if kernel.weights and kernel.n_flows1 and
                              drawn.shape[1] == kernel.n_flows1 else None)
    return TraceResult(plan=plan, model=model, seed=seed, draws=draws,
                       labels=kernel.spec.labels(), summary=summary, per_draw=per_draw,
                       evidence_columns=kernel.spec.evidence,
                       evidence_labels=kernel.spec.evidence_labels,
                       dimensions=kernel.spec.dimensions,
                       sampler=demand if plan is not None else None)


class KeptRows:
    """The fold of a trace's chunk results, in task order: summaries merged left to right (one
    summary group after the other, whatever the chunking), and each chunk's kept per-draw
    outputs copied into its rows of arrays allocated once for all draws, from the first
    chunk's shapes and dtypes (a chunk holding every draw is kept as it is), so the chunks are
    never held beside their concatenation: the same values, bit for bit, as concatenating
    them. One per trace (its state is the trace's own)."""

    def __init__(self, draws: int) -> None:
        self.draws = draws
        self.rows: Outputs = ()
        self.filled = 0

    def start(self, part: tuple[list[TraceSummary], Outputs | None]) -> TraceSummary | None:
        """The first chunk's result as the start of the fold."""
        return self.fold(None, part)

    def fold(self, summary: TraceSummary | None,
             part: tuple[list[TraceSummary], Outputs | None]) -> TraceSummary | None:
        """The summary so far merged with a chunk's summaries; its kept outputs written into
        their rows."""
        summaries, outputs = part
        for more in summaries:
            summary = more if summary is None else summary.merge(more)
        if outputs is not None:
            self.write(outputs)
        return summary

    def write(self, outputs: Outputs) -> None:
        size = outputs[0].shape[0]
        if self.filled + size > self.draws:
            raise ValueError(f"chunks hold more than the trace's {self.draws} draws")
        if not self.rows:
            if size == self.draws:          # one chunk: its own arrays, no copy
                self.rows, self.filled = outputs, size
                return
            self.rows = tuple(np.empty((self.draws,) + a.shape[1:], dtype=a.dtype)
                              for a in outputs)
        for target, values in zip(self.rows, outputs, strict=True):
            if values.shape[1:] != target.shape[1:] or values.dtype != target.dtype:
                raise ValueError("a chunk's kept outputs differ in shape or dtype from the "
                                 "first chunk's")
            target[self.filled:self.filled + size] = values
        self.filled += size

    def arrays(self) -> Outputs:
        """The kept outputs over all draws (OUTPUTS arrays, (draws, ...) each)."""
        if self.filled != self.draws or len(self.rows) != OUTPUTS:
            raise ValueError(f"kept outputs of {self.filled} draws, not {self.draws}")
        return self.rows
