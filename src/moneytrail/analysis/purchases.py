"""What a traced plan bought, per draw: amounts by (category, supplier).

The trace keeps final demand per supplier only, and a supplier can sell in several categories
(Nvidia: accelerators and networking). The category split is recomputed here by replaying the
trace's own random stream (the spending and supplier-share draws come first in every block), and
checked against the trace's final demand so any drift in the engine is caught, not hidden.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from moneytrail.engine.demand import demand_sampler, market_rows
from moneytrail.engine.result import TraceResult
from moneytrail.engine.sampling import renormalise
from moneytrail.engine.trace import BLOCK, block_rng
from moneytrail.errors import ModelError


@dataclass(frozen=True, eq=False)
class Purchases:
    """amounts (draws, rows) bought from `rows` (category, supplier) in the plan's currency."""

    rows: pd.DataFrame
    amounts: np.ndarray
    categories: tuple[str, ...]

    def by_category(self) -> pd.DataFrame:
        """Per-draw spending per category (draws x categories)."""
        codes = pd.Categorical(self.rows["category"], categories=list(self.categories)).codes
        out = np.zeros((self.amounts.shape[0], len(self.categories)))
        np.add.at(out, (slice(None), codes), self.amounts)
        return pd.DataFrame(out, columns=list(self.categories))

    def in_category(self, category: str) -> tuple[list[str], np.ndarray]:
        mask = (self.rows["category"] == category).to_numpy()
        return list(self.rows.loc[mask, "supplier"]), self.amounts[:, mask]


def plan_purchases(result: TraceResult) -> Purchases:
    """Per-draw purchases by (category, supplier) of a plan's trace."""
    plan, model = result.plan, result.model
    if plan is None:
        raise ModelError("purchases need a traced plan, not a bare final-demand vector",
                         field="plan")
    sampler = demand_sampler(plan, model)
    rows = market_rows(plan, model)
    position = {c: k for k, c in enumerate(sampler.categories)}
    rows = rows.assign(pos=rows["category"].map(position)).sort_values("pos", kind="stable")
    parts = []
    for block in range(-(-result.draws // BLOCK)):
        size = min(BLOCK, result.draws - block * BLOCK)
        rng = block_rng(result.seed, block)
        spend = sampler.spend.draw(rng, size)
        market = sampler.market.draw(rng, size)
        spend = spend / spend.sum(axis=1, keepdims=True)
        market = renormalise(market, sampler.market_starts)
        parts.append(sampler.budget * spend[:, sampler.category_of_row] * market)
    amounts = np.concatenate(parts)
    f = np.zeros_like(result.demand)
    np.add.at(f, (slice(None), sampler.supplier), amounts)
    if not np.allclose(f, result.demand, rtol=1e-9, atol=1e-6 * max(result.total, 1.0)):
        raise ModelError("could not reproduce the trace's purchases by category (the engine's "
                         "random stream changed); re-run the trace", field="demand")
    return Purchases(rows=rows[["category", "supplier"]].reset_index(drop=True),
                     amounts=amounts, categories=sampler.categories)
