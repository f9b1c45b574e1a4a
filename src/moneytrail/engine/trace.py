"""Trace a plan's money through the supply chain, with Monte Carlo over every interval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from moneytrail.engine.cluster import run_tasks
from moneytrail.engine.demand import DemandSampler, FixedDemand, GivenDemand, demand_sampler
from moneytrail.engine.kernel import BLOCK, Kernel, block_rng, build_kernel, run_chunk
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ModelError, ScenarioError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Plan

DEFAULT_TIERS = 4     # first invoice, their suppliers, tier 3, tier 4 (+ the rest)

Progress = Callable[[int, int], None]

__all__ = ["BLOCK", "DEFAULT_TIERS", "block_rng", "chunk_tasks", "trace"]


def trace(plan: Plan | Any, model: IOModel | None = None, *, draws: int | None = None,
          seed: int | None = None, tiers: int = DEFAULT_TIERS, chunk_size: int = 2000,
          progress: Progress | None = None, scheduler: Any = None) -> TraceResult:
    """Where the plan's money ends up, per Monte Carlo draw.

    Every interval in the data and the plan becomes a PERT; each draw builds its own A and final
    demand, solves, and attributes value added. Results are summarised per draw, never by adding
    percentiles. `plan` may also be a final-demand vector (array or Series over the model's
    entities, e.g. for a pymrio table) or a matrix with one final-demand draw per row.
    Draws come in seed blocks of 100, so `chunk_size` and `scheduler` (a Dask address such as
    "tcp://127.0.0.1:8786", a Client or a cluster) never change the numbers.
    """
    if tiers < 1:
        raise ModelError("need at least one tier", field="tiers", value=tiers)
    if not isinstance(plan, Plan):
        if model is None:
            raise ModelError("tracing a final-demand vector needs a model", field="model")
        vector = model.solve_input(plan)
        if vector.ndim == 2:
            if draws is not None and int(draws) != vector.shape[0]:
                raise ModelError("draws must equal the rows of the final-demand matrix",
                                 field="draws", value=draws)
            return run_trace(None, model, GivenDemand(vector), vector.shape[0], seed or 0,
                             tiers, chunk_size, progress, scheduler)
        return run_trace(None, model, FixedDemand(vector), draws or 1, seed or 0, tiers,
                         chunk_size, progress, scheduler)
    if model is None:
        from moneytrail.model.builder import load_model

        model = load_model(plan.year)
    if model.year is not None and model.year != plan.year:
        raise ScenarioError(f"plan is for {plan.year} but the model is of {model.year}",
                            file=plan.path or plan.id, field="year", value=plan.year)
    draws = plan.draws if draws is None else int(draws)
    seed = plan.seed if seed is None else int(seed)
    if draws < 1:
        raise ModelError("need at least one draw", field="draws", value=draws)
    return run_trace(plan, model, demand_sampler(plan, model), draws, seed, tiers, chunk_size,
                     progress, scheduler)


def chunk_tasks(draws: int, chunk_size: int) -> list[list[tuple[int, int]]]:
    """Seed blocks (block, size) grouped into chunks of about chunk_size draws."""
    per_chunk = max(1, chunk_size // BLOCK)
    blocks = [(b, min(BLOCK, draws - b * BLOCK)) for b in range(-(-draws // BLOCK))]
    return [blocks[i:i + per_chunk] for i in range(0, len(blocks), per_chunk)]


def run_trace(plan: Plan | None, model: IOModel,
              demand: DemandSampler | FixedDemand | GivenDemand, draws: int, seed: int,
              tiers: int, chunk_size: int, progress: Progress | None,
              scheduler: Any = None) -> TraceResult:
    kernel: Kernel = build_kernel(model, demand, tiers, draws)
    chunks = chunk_tasks(draws, chunk_size)
    parts = run_tasks(run_chunk, kernel, [(seed, chunk) for chunk in chunks],
                      [sum(size for _, size in chunk) for chunk in chunks],
                      scheduler=scheduler, progress=progress)
    flows, tier_va, demand_draws, purchases = (np.concatenate([p[k] for p in parts])
                                               for k in range(4))
    rows = demand.rows if isinstance(demand, DemandSampler) else None
    return TraceResult(plan=plan, model=model, flows=flows, tiers=tier_va, demand=demand_draws,
                       seed=seed, draws=draws, purchases=purchases if rows is not None else None,
                       purchase_rows=rows)
