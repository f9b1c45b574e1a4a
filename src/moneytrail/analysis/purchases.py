"""What a traced plan bought, per draw: amounts by (category, supplier).

A supplier can sell in several categories (Nvidia: accelerators and networking), so analyses of
a market need the purchases per (category, supplier), which the trace keeps for every draw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from moneytrail.engine.result import TraceResult
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
        np.add.at(out, (slice(None), codes), self.amounts)  # type: ignore[arg-type]  # numpy's stub omits tuple indices
        return pd.DataFrame(out, columns=list(self.categories))

    def in_category(self, category: str) -> tuple[list[str], np.ndarray]:
        mask = (self.rows["category"] == category).to_numpy()
        return list(self.rows.loc[mask, "supplier"]), self.amounts[:, mask]


def plan_purchases(result: TraceResult) -> Purchases:
    """Per-draw purchases by (category, supplier) of a plan's trace, as the engine drew them."""
    if result.plan is None or result.purchases is None or result.purchase_rows is None:
        raise ModelError("purchases need a traced plan, not a bare final-demand vector",
                         field="plan")
    return Purchases(rows=result.purchase_rows, amounts=result.purchases,
                     categories=tuple(result.plan.spend))
