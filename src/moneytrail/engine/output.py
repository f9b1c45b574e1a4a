"""Total output (revenue) of every entity in each draw of a kept trace.

The trace keeps value added per flow and, with its per-draw values, each entity's value-added
coefficient per draw (`DrawArrays.coefficients`: its flows' value added per unit of output,
summed in flow order); output is value added over it, x_j = VA_j / v_j. A result without them
(built by `TraceResult.from_arrays`, for instance) has them rebuilt from what the trace drew:
the firm block's coefficients from the same seed blocks of stream "trace"
(`kernel.draw_inputs`, so the numbers are the trace's own), the table block's fixed ones.
Analyses that scale a per-revenue figure by a firm's output in the trace (a normal return on
capital, `analysis.market_power`) use it.
"""

from __future__ import annotations

import numpy as np

from moneytrail.engine import streams
from moneytrail.engine.demand import DemandSampler, FixedDemand, GivenDemand
from moneytrail.engine.kernel import Kernel, build_kernel, draw_inputs, entity_passes
from moneytrail.engine.kernel import flow_coefficients as kept_coefficients
from moneytrail.engine.result import TraceResult

__all__ = ["entity_output", "entity_passes", "flow_coefficients", "kept_weights"]

CHUNK = 500      # draws per pass over (draws, flows) arrays: pieces that stay in the CPU cache


def _demand(result: TraceResult) -> DemandSampler | FixedDemand | GivenDemand:
    if result.plan is not None:
        return result.plan_demand()
    demand = result.demand
    if np.all(demand == demand[:1]):
        return FixedDemand(demand[0])
    return GivenDemand(demand)


def flow_coefficients(result: TraceResult, kernel: Kernel | None = None) -> np.ndarray:
    """(draws, flows) value added of each flow per unit of its entity's output, as the trace
    drew it (firm block: renormalised cost-structure draws; table block: fixed): the firm
    block's as the trace kept them (`trace(..., outputs=True)`), else its draws replayed."""
    draws = result.draws
    if kernel is None:
        kernel = build_kernel(result.model, _demand(result), max(1, len(result.tiers[0]) - 1),
                              draws, dimensions=result.dimensions)
    kept = kept_weights(result, kernel)
    if kept is not None:
        return kept
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


def kept_weights(result: TraceResult, kernel: Kernel) -> np.ndarray | None:
    """(draws, flows) value added of each flow per unit of its entity's output from what the
    trace kept: the firm flows' drawn coefficients (`DrawArrays.weights`, their one home, kept
    with `trace(..., weights=True)` or `outputs=True`) and the table's fixed ones; None when
    the trace kept no per-draw values, or the firm flows' coefficients are not kept for
    `kernel`'s firm flows and `result.draws` draws (then they are replayed). `kernel`: built
    for the trace's model and demand."""
    per_draw = getattr(result, "per_draw", None)
    if per_draw is None:
        return None
    drawn = per_draw.weights
    if kernel.n_flows1 and (drawn is None or drawn.shape != (result.draws, kernel.n_flows1)):
        return None
    return kept_coefficients(kernel, drawn if kernel.n_flows1 else None, result.draws)


def entity_output(result: TraceResult) -> np.ndarray:
    """(draws, entities) total output x of each entity per draw, in the plan's currency
    (model entity order). Needs per-draw values (`trace(..., keep_draws=True)`). An entity
    whose value-added coefficient is 0 in a draw has no value added to recover output from;
    its output is reported as 0 there. The value-added coefficients are the trace's kept ones
    (`DrawArrays.coefficients`), else rebuilt (`flow_coefficients`)."""
    flows = result.flows
    entity = result.model.flows_entity_index
    n = result.model.n
    passes = entity_passes(entity)
    share = result.per_draw.coefficients if result.per_draw is not None else None
    if share is None or share.shape != (result.draws, n):
        coefficients = flow_coefficients(result)
        share = np.zeros((result.draws, n))
        for columns, entities in passes:
            share[:, entities] += coefficients[:, columns]
    # CHUNK draws at a time (each draw on its own: the same numbers as one pass, in cache)
    out = np.empty((result.draws, n))
    for start in range(0, result.draws, CHUNK):
        at = slice(start, start + CHUNK)
        value_added = np.zeros((flows[at].shape[0], n))
        for columns, entities in passes:
            value_added[:, entities] += flows[at, columns]
        out[at] = np.divide(value_added, share[at], out=np.zeros_like(value_added),
                            where=share[at] > 0)
    return out
