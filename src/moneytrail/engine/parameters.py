"""Cost-structure parameters of a model year, and per-draw input-output systems from them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from moneytrail.engine.sampling import PertSampler, renormalise


@dataclass(frozen=True, eq=False)
class CostParameters:
    """Rows of the cost structures, sorted by entity, ready for vectorised draws.

    Each draw samples every row from its PERT, renormalises each entity's rows to add up to 1
    (so inputs + value added = revenue, which is what conserves money), then scatters input rows
    into A and keeps value-added rows as flow weights.
    """

    n: int
    column: np.ndarray        # entity j (paying) of each row
    is_input: np.ndarray      # True: row goes to A[target, j]; False: a value-added flow
    target: np.ndarray        # supplier index (inputs) or flow index (value added)
    starts: np.ndarray        # first row of each entity's block
    sampler: PertSampler
    n_flows: int
    column_scale: np.ndarray | None = None   # < 1 for entities linked to a table (hybrid)
    reliability: tuple[str | None, ...] = ()  # label of each row (evidence weight), in row order

    @classmethod
    def from_rows(cls, rows: pd.DataFrame, n: int, n_flows: int) -> CostParameters:
        """rows: column, is_input, target, low, central, high and optionally reliability
        (the row's label, for the evidence weight), in any order."""
        rows = rows.sort_values(["column", "is_input", "target"], kind="stable")
        column = rows["column"].to_numpy(int)
        starts = np.flatnonzero(np.r_[True, column[1:] != column[:-1]])
        return cls(n=n, column=column, is_input=rows["is_input"].to_numpy(bool),
                   target=rows["target"].to_numpy(int), starts=starts,
                   sampler=PertSampler(rows["low"], rows["central"], rows["high"],
                                       lower=0.0, upper=1.0),
                   n_flows=n_flows,
                   reliability=tuple(rows["reliability"]) if "reliability" in rows else ())

    def input_pattern(self) -> np.ndarray:
        """(n, n) bool: where a draw's A can be nonzero (the input rows)."""
        pattern = np.zeros((self.n, self.n), dtype=bool)
        inputs = self.is_input
        pattern[self.target[inputs], self.column[inputs]] = True
        return pattern

    def central(self) -> tuple[np.ndarray, np.ndarray]:
        A, weights = self.build(self.sampler.mode[None, :])
        return A[0], weights[0]

    def draw_raw(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        """Raw row values (draws, rows), before renormalisation: each row from its PERT by
        inversion of a tabulated inverse CDF (`PertSampler.draw_table`; hundreds of rows per
        draw, so the sampler's speed counts)."""
        return self.sampler.draw_table(rng, draws)

    def draw(self, rng: np.random.Generator, draws: int) -> tuple[np.ndarray, np.ndarray]:
        """A stack (draws, n, n) and value-added flow weights (draws, flows), both as shares of
        the paying entity's revenue."""
        return self.build(self.draw_raw(rng, draws))

    def build(self, raw: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Raw row values (draws, rows) -> renormalised A stack and flow weights."""
        values = renormalise(raw, self.starts)
        if self.column_scale is not None:
            values = values * self.column_scale[self.column][None, :]
        return self.assemble(values)

    def assemble(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        draws = values.shape[0]
        A = np.zeros((draws, self.n, self.n))
        inputs = self.is_input
        A[:, self.target[inputs], self.column[inputs]] = values[:, inputs]
        weights = np.zeros((draws, self.n_flows))
        weights[:, self.target[~inputs]] = values[:, ~inputs]
        return A, weights
