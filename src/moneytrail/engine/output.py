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

__all__ = ["entity_output", "flow_coefficients"]


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
    np.add.at(value_added, (slice(None), entity), flows)  # type: ignore[arg-type]
    np.add.at(share, (slice(None), entity), coefficients)  # type: ignore[arg-type]
    return np.divide(value_added, share, out=np.zeros_like(value_added), where=share > 0)
