"""Trace a plan's money through the supply chain, with Monte Carlo over every interval."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from moneytrail.engine import linalg
from moneytrail.engine.demand import DemandSampler, FixedDemand, demand_sampler
from moneytrail.engine.result import TraceResult
from moneytrail.errors import ModelError, ScenarioError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Plan

BLOCK = 100           # draws per seed block: results do not depend on the chunk size
DEFAULT_TIERS = 4     # first invoice, their suppliers, tier 3, tier 4 (+ the rest)

Progress = Callable[[int, int], None]


def block_rng(seed: int, block: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(block,)))


def run_block(model: IOModel, demand: DemandSampler | FixedDemand, seed: int, block: int, size: int,
              tiers: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Flows (size, flows), tier value added (size, tiers + 1) and final demand (size, n)."""
    rng = block_rng(seed, block)
    f = demand.draw(rng, size)
    params = model.cost_parameters
    if params is None:
        return fixed_system(model, f, tiers)
    A, weights = params.draw(rng, size)
    x = linalg.batched_solve(A, f)
    flows = weights * x[:, model.flows_entity_index]
    v = 1.0 - A.sum(axis=1)
    tier_va = np.empty((size, tiers + 1))
    term = f
    for k in range(tiers):
        tier_va[:, k] = np.einsum("dj,dj->d", v, term)
        term = np.einsum("dij,dj->di", A, term)
    tier_va[:, tiers] = flows.sum(axis=1) - tier_va[:, :tiers].sum(axis=1)
    return flows, tier_va, f


def fixed_system(model: IOModel, f: np.ndarray, tiers: int
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One A for every draw (e.g. a pymrio table): solve all right-hand sides together."""
    A = model.A
    if isinstance(f, np.ndarray) and f.shape[0] > 1 and np.all(f == f[:1]):
        out = fixed_system(model, f[:1], tiers)          # same demand every draw: solve once
        return tuple(np.repeat(part, f.shape[0], axis=0) for part in out)
    f = np.ascontiguousarray(f)
    if sp.issparse(A):
        x = linalg.neumann(A, f.T).T
    else:
        x = sla.lu_solve(linalg.lu_factor(A), f.T, check_finite=False).T
    v = model.value_added_coefficients()
    weights = model.flows["weight"].to_numpy() * v[model.flows_entity_index]
    flows = weights * x[:, model.flows_entity_index]
    tier_va = np.empty((f.shape[0], tiers + 1))
    terms = linalg.tier_terms(A, f.T, tiers)
    for k, term in enumerate(terms):
        tier_va[:, k] = v @ term
    tier_va[:, tiers] = flows.sum(axis=1) - tier_va[:, :tiers].sum(axis=1)
    return flows, tier_va, f


def trace(plan: Plan | np.ndarray, model: IOModel | None = None, *, draws: int | None = None,
          seed: int | None = None, tiers: int = DEFAULT_TIERS, chunk_size: int = 2000,
          progress: Progress | None = None) -> TraceResult:
    """Where the plan's money ends up, per Monte Carlo draw.

    Every interval in the data and the plan becomes a PERT; each draw builds its own A and final
    demand, solves, and attributes value added. Results are summarised per draw, never by adding
    percentiles. `plan` may also be a final-demand vector (array or Series over the model's
    entities), e.g. for a pymrio table.
    """
    if not isinstance(plan, Plan):
        if model is None:
            raise ModelError("tracing a final-demand vector needs a model", field="model")
        vector = model.solve_input(plan)
        return run_trace(None, model, FixedDemand(vector), draws or 1, seed or 0, tiers,
                         chunk_size, progress)
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
    if tiers < 1:
        raise ModelError("need at least one tier", field="tiers", value=tiers)
    return run_trace(plan, model, demand_sampler(plan, model), draws, seed, tiers, chunk_size,
                     progress)


def run_trace(plan: Plan | None, model: IOModel, demand: DemandSampler | FixedDemand,
              draws: int, seed: int, tiers: int, chunk_size: int,
              progress: Progress | None) -> TraceResult:
    blocks_per_chunk = max(1, chunk_size // BLOCK)
    n_blocks = -(-draws // BLOCK)
    flows, tier_va, demand_draws = [], [], []
    done = 0
    for first in range(0, n_blocks, blocks_per_chunk):
        for block in range(first, min(first + blocks_per_chunk, n_blocks)):
            size = min(BLOCK, draws - block * BLOCK)
            out = run_block(model, demand, seed, block, size, tiers)
            flows.append(out[0])
            tier_va.append(out[1])
            demand_draws.append(out[2])
            done += size
        if progress is not None:
            progress(done, draws)
    return TraceResult(plan=plan, model=model, flows=np.concatenate(flows),
                       tiers=np.concatenate(tier_va), demand=np.concatenate(demand_draws),
                       seed=seed, draws=draws)
