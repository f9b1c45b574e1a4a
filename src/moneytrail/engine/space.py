"""The uncertain parameters of a traced plan, by readable name, for sensitivity analysis.

Order (and so the raw vectors the kernel takes): the plan's spend shares, its market (or
procurement) shares, then the cost-structure rows of the model year. Names read like
"spend accelerators", "market accelerators/EU nvidia", "procurement cloud_compute ovhcloud",
"cost nvidia<-tsmc 2025" (an input) or "cost nvidia labour:US 2025" (value added).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from moneytrail.engine.demand import DemandSampler
from moneytrail.engine.kernel import Kernel, evaluate
from moneytrail.engine.sampling import PertSampler
from moneytrail.errors import ModelError
from moneytrail.model.iomodel import IOModel
from moneytrail.scenarios.schema import Plan


@dataclass(frozen=True, eq=False)
class ParameterSpace:
    names: tuple[str, ...]
    samplers: tuple[PertSampler, ...]     # spend, market, cost
    sizes: tuple[int, ...]
    # parameters renormalised within a block of one (a plan's only spending category, a
    # category's only supplier): always a share of 1, whatever value they are given
    alone: np.ndarray | None = None

    def stacked(self, attribute: str) -> np.ndarray:
        return np.concatenate([getattr(s, attribute) for s in self.samplers])

    @property
    def low(self) -> np.ndarray:
        return self.stacked("low")

    @property
    def central(self) -> np.ndarray:
        return self.stacked("mode")

    @property
    def high(self) -> np.ndarray:
        return self.stacked("high")

    @property
    def uncertain(self) -> np.ndarray:
        """Parameters with an interval (low < high) that can move the result; fixed points
        and shares alone in their block (renormalised to 1) are not."""
        moving = ~self.stacked("fixed") & (self.high > self.low)
        return moving if self.alone is None else moving & ~self.alone

    def central_rows(self, rows: int) -> np.ndarray:
        return np.repeat(self.central[None, :], rows, axis=0)

    def quantile(self, u: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """Values of the chosen parameters at probabilities u (rows, len(columns))."""
        out = np.empty_like(u, dtype=float)
        bounds = np.cumsum((0, *self.sizes))
        for sampler, start, stop in zip(self.samplers, bounds[:-1], bounds[1:], strict=True):
            mine = (columns >= start) & (columns < stop)
            if mine.any():
                local = columns[mine] - start
                unit = np.zeros((u.shape[0], sampler.mode.size))
                unit[:, local] = u[:, mine]
                out[:, mine] = sampler.quantile(unit)[:, local]
        return out


def parameter_space(plan: Plan, model: IOModel, kernel: Kernel) -> ParameterSpace:
    demand = kernel.demand
    if not isinstance(demand, DemandSampler):
        raise TypeError("sensitivity needs a plan (spending categories and markets)")
    labels = model.labels
    names = [f"spend {c}" for c in demand.categories]
    for category_pos, supplier in zip(demand.category_of_row, demand.supplier, strict=True):
        category = demand.categories[category_pos]
        names.append(f"procurement {category} {labels[supplier]}"
                     if category in plan.procurement else
                     f"market {category}/{plan.buyer_region} {labels[supplier]}")
    samplers = [demand.spend, demand.market]
    cost = kernel.cost
    if cost is not None:
        year = "" if model.year is None else f" {model.year}"
        factor = model.flows["factor"].to_numpy()
        country = model.flows["country"].to_numpy()
        for column, is_input, target in zip(cost.column, cost.is_input, cost.target,
                                            strict=True):
            entity = labels[column]
            names.append(f"cost {entity}<-{labels[target]}{year}" if is_input else
                          f"cost {entity} {factor[target]}:{country[target]}{year}")
        samplers.append(cost.sampler)
    sizes = tuple(s.mode.size for s in samplers)
    blocks = np.diff(np.append(demand.market_starts, sizes[1]))
    alone = np.zeros(sum(sizes), dtype=bool)
    alone[:sizes[0]] = sizes[0] == 1
    alone[sizes[0]:sizes[0] + sizes[1]] = np.repeat(blocks == 1, blocks)
    return ParameterSpace(names=tuple(names), samplers=tuple(samplers), sizes=sizes,
                          alone=alone)


def run_rows(kernel: Kernel, sizes: tuple[int, ...], raw: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Evaluate the trace at given parameter values (rows, parameters), table at its centre:
    flows, tier value added and final demand per row."""
    demand = kernel.demand
    if not isinstance(demand, DemandSampler):
        raise ModelError("parameter values need a plan's demand (spend and market shares)",
                         field="plan")
    spend, market = raw[:, :sizes[0]], raw[:, sizes[0]:sizes[0] + sizes[1]]
    cost_raw = raw[:, sizes[0] + sizes[1]:] if len(sizes) > 2 else None
    return evaluate(kernel, demand.assemble(spend, market), cost_raw, None)
