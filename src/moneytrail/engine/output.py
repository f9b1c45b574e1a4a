"""Total output (revenue) of every entity in each draw of a kept trace.

The trace keeps value added per flow, not output. Output is recovered exactly from what the
trace drew: the firm block's value-added coefficients of each draw are rebuilt from the same
seed blocks of stream "trace" (`kernel.draw_inputs`, so the numbers are the trace's own), the
table block's are fixed; output is value added over the value-added coefficient,
x_j = VA_j / v_j. Analyses that scale a per-revenue figure by a firm's output in the trace (a
normal return on capital, `analysis.market_power`) use it.
"""

from __future__ import annotations

import numpy as np

from moneytrail.engine import streams
from moneytrail.engine.demand import DemandSampler, FixedDemand, GivenDemand, demand_sampler
from moneytrail.engine.kernel import Kernel, build_kernel, draw_inputs
from moneytrail.engine.result import TraceResult

__all__ = ["entity_output", "entity_passes", "flow_coefficients"]


def _demand(result: TraceResult) -> DemandSampler | FixedDemand | GivenDemand:
    if result.plan is not None:
        return demand_sampler(result.plan, result.model)
    demand = result.demand
    if np.all(demand == demand[:1]):
        return FixedDemand(demand[0])
    return GivenDemand(demand)


def flow_coefficients(result: TraceResult, kernel: Kernel | None = None) -> np.ndarray:
    """(draws, flows) value added of each flow per unit of its entity's output, as the trace
    drew it (firm block: renormalised cost-structure draws; table block: fixed)."""
    draws = result.draws
    if kernel is None:
        kernel = build_kernel(result.model, _demand(result), max(1, len(result.tiers[0]) - 1),
                              draws)
    out = np.empty((draws, len(kernel.flow_entity)))
    out[:, kernel.n_flows1:] = kernel.flow_va[None, :]
    if kernel.n1:
        assert kernel.cost is not None, "firm entities have cost parameters"
        if kernel.deterministic:
            out[:, :kernel.n_flows1] = kernel.cost.central()[1][None, :]
            return out
        rows = []
        for block, size in streams.blocks(draws):
            _, _, raw = draw_inputs(kernel, streams.rng(result.seed, "trace", block),
                                    block * streams.BLOCK, size)
            assert raw is not None
            rows.append(kernel.cost.build(raw)[1])
        out[:, :kernel.n_flows1] = np.concatenate(rows)
    return out


def entity_passes(entity: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Columns (flows) and their entities, pass by pass: pass p holds each entity's p-th flow
    (flow order), so no entity appears twice in a pass. Adding the passes in turn sums each
    entity's flows in flow order, bit for bit as `np.add.at` would, with one vectorised
    addition per pass instead of an unbuffered loop over every element."""
    entity = np.asarray(entity, dtype=int)
    if not entity.size:
        return []
    order = np.argsort(entity, kind="stable")
    counts = np.bincount(entity)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(entity.size, dtype=int)
    rank[order] = np.arange(entity.size) - starts[entity[order]]
    return [(columns, entity[columns]) for columns in
            (np.flatnonzero(rank == p) for p in range(int(rank.max()) + 1))]


def entity_output(result: TraceResult) -> np.ndarray:
    """(draws, entities) total output x of each entity per draw, in the plan's currency
    (model entity order). Needs per-draw values (`trace(..., keep_draws=True)`). An entity
    whose value-added coefficient is 0 in a draw has no value added to recover output from;
    its output is reported as 0 there."""
    flows = result.flows
    coefficients = flow_coefficients(result)
    entity = result.model.flows_entity_index
    n = result.model.n
    value_added = np.zeros((result.draws, n))
    share = np.zeros((result.draws, n))
    for columns, entities in entity_passes(entity):
        value_added[:, entities] += flows[:, columns]
        share[:, entities] += coefficients[:, columns]
    return np.divide(value_added, share, out=np.zeros_like(value_added), where=share > 0)
