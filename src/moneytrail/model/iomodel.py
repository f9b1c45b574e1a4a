"""The input-output model: technical coefficients, value-added attribution, solving.

`A[i, j]` is the share of entity j's revenue paid to entity i. Total output solves
`(I - A) x = f`; value added of j is `(1 - sum_i A[i, j]) x[j]`, split over `flows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from moneytrail.engine import linalg
from moneytrail.errors import ModelError

if TYPE_CHECKING:
    from moneytrail.engine.noise import CoefficientNoise
    from moneytrail.engine.parameters import CostParameters


@dataclass(frozen=True, eq=False)
class IOModel:
    """An input-output model over named entities (firms or sectors).

    `flows` splits each entity's value added: one row per (entity, factor, country where it is
    generated, owner_country where it accrues) with `weight` = share of that entity's value added.
    `cost_parameters` (optional) holds the intervals Monte Carlo draws from; `markets` the supplier
    shares that turn a plan's category spending into final demand.
    """

    labels: tuple[str, ...]
    A: np.ndarray | sp.csr_array
    entities: pd.DataFrame
    flows: pd.DataFrame
    year: int | None = None
    data_version: str = "none"
    cost_parameters: CostParameters | None = None
    markets: pd.DataFrame | None = None
    categories: pd.DataFrame | None = None
    eu_members: frozenset[str] = field(default_factory=frozenset)
    source: str = "custom"
    noise: CoefficientNoise | None = None    # coefficient uncertainty of the fixed (table) part

    def __post_init__(self) -> None:
        n = len(self.labels)
        if self.A.shape != (n, n):
            raise ModelError(f"A has shape {self.A.shape}, expected ({n}, {n})", field="A")
        if len(set(self.labels)) != n:
            raise ModelError("entity labels are not unique", field="labels")

    @property
    def n(self) -> int:
        return len(self.labels)

    @property
    def index(self) -> dict[str, int]:
        return {label: i for i, label in enumerate(self.labels)}

    @property
    def flows_entity_index(self) -> np.ndarray:
        """Entity position of each flow row."""
        return self.flows["entity"].map(self.index).to_numpy(int)

    def value_added_coefficients(self) -> np.ndarray:
        """1 - column sums of A: the share of each entity's revenue that is value added."""
        return 1.0 - np.asarray(self.A.sum(axis=0)).ravel()

    def spectral_radius(self) -> float:
        return linalg.spectral_radius(self.A)

    def check_productive(self, where: str = "model") -> None:
        """Refuse a model whose Leontief system has no non-negative solution."""
        sums = np.asarray(self.A.sum(axis=0)).ravel()
        if self.n == 0 or (np.all(np.asarray(self.A.min()) >= 0) and sums.max() < 1):
            return  # column sums below 1 bound the spectral radius below 1
        radius = self.spectral_radius()
        if not radius < 1:
            worst = [self.labels[j] for j in np.argsort(-sums)[:3] if sums[j] >= 1]
            hint = f"; entities whose inputs add up to >= 1: {', '.join(worst)}" if worst else ""
            raise ModelError(f"input-output matrix is not productive (spectral radius "
                             f"{radius:.4f} >= 1){hint}", file=where, field="A",
                             value=round(radius, 4))

    def solve(self, f: Any, *, method: str = "auto", tol: float = 1e-12) -> Any:
        """Total output x with (I - A) x = f, for a vector, a matrix of columns, or a Series.

        Solves; never forms the inverse. Dense LAPACK for small or dense A, a Neumann series on
        sparse A (which also gives the supply-chain tiers) for large sparse tables.
        """
        if isinstance(f, pd.Series | pd.DataFrame):
            aligned = self._relabel(f).reindex(list(self.labels)).fillna(0.0)
            x = linalg.solve_leontief(self.A, aligned.to_numpy(dtype=float), method=method,
                                      tol=tol)
            if isinstance(f, pd.Series):
                return pd.Series(x, index=list(self.labels), name="output")
            return pd.DataFrame(x, index=list(self.labels), columns=f.columns)
        return linalg.solve_leontief(self.A, np.asarray(f, dtype=float), method=method, tol=tol)

    def solve_input(self, f: Any) -> np.ndarray:
        """A final-demand vector over the model's entities from an array or a labelled Series
        (a pymrio (region, sector) index works too), or a matrix with one draw per row."""
        if isinstance(f, pd.Series):
            f = f.set_axis(label_index(f.index))
            f = self._relabel(f)
            unknown = sorted(set(f.index) - set(self.labels))
            if unknown:
                raise ModelError("unknown entity", field="final demand", value=unknown[0])
            return f.reindex(list(self.labels)).fillna(0.0).to_numpy(dtype=float)
        vector = np.asarray(f, dtype=float)
        if vector.ndim == 2 and vector.shape[1] == self.n and vector.shape[0] > 0:
            if not np.all(np.isfinite(vector)) or np.any(vector < 0):
                raise ModelError("final demand must be finite and non-negative",
                                 field="final demand")
            return vector
        if vector.shape != (self.n,):
            raise ModelError(f"final demand must have {self.n} entries", field="final demand",
                             value=vector.shape)
        if not np.all(np.isfinite(vector)) or np.any(vector < 0):
            raise ModelError("final demand must be finite and non-negative",
                             field="final demand")
        return vector

    @staticmethod
    def _relabel(f: pd.Series | pd.DataFrame) -> pd.Series | pd.DataFrame:
        """pymrio's (region, sector) row index -> this model's 'region/sector' labels."""
        if isinstance(f.index, pd.MultiIndex) and f.index.nlevels == 2:
            f = f.copy()
            f.index = [f"{region}/{sector}" for region, sector in f.index]
        return f

    def flow_table(self) -> pd.DataFrame:
        """Flows with entity attributes (kind, groups) joined, for attribution."""
        ent = self.entities.set_index("id")
        out = self.flows.copy()
        out["kind"] = out["entity"].map(ent["kind"])
        out["groups"] = out["entity"].map(ent["group_list"])
        out["entity_owner"] = out["entity"].map(ent["owner_country"])
        return out

    @classmethod
    def from_pymrio(cls, io: Any, *, factor_map: dict[str, str] | None = None) -> IOModel:
        from moneytrail.engine.mrio import model_from_pymrio

        return model_from_pymrio(cls, io, factor_map=factor_map)

    def link(self, table: IOModel, links: dict[str, dict[str, float]]) -> IOModel:
        """A hybrid model: entities of this model buy part of their inputs from table sectors.

        `links = {"eu_construction": {"reg1/construction": 0.7, "reg2/construction": 0.3}}`
        hands 100 % of eu_construction's revenue on to those sectors (its supply chain then
        continues through the table); weights adding up to w < 1 hand on w and scale the
        entity's own inputs and value added by 1 - w. Money is conserved either way.
        """
        from moneytrail.engine.hybrid import link_models

        return link_models(self, table, links)

    def with_noise(self, spread: float = 0.1, distribution: str = "lognormal") -> IOModel:
        """The same model whose fixed (table) coefficients vary per Monte Carlo draw."""
        from dataclasses import replace

        from moneytrail.engine.noise import CoefficientNoise

        return replace(self, noise=CoefficientNoise(spread, distribution))

    def to_pymrio(self, final_demand: Any = None) -> Any:
        from moneytrail.engine.mrio import model_to_pymrio

        return model_to_pymrio(self, final_demand)

    def __repr__(self) -> str:
        kind = "sparse" if sp.issparse(self.A) else "dense"
        return (f"IOModel({self.n} entities, {kind} A, year={self.year}, "
                f"data={self.data_version}, source={self.source})")


def label_index(index: pd.Index) -> pd.Index:
    """pymrio's (region, sector) tuples as this package's "region/sector" labels."""
    if isinstance(index, pd.MultiIndex):
        return pd.Index(["/".join(map(str, key)) for key in index])
    return pd.Index([("/".join(map(str, k)) if isinstance(k, tuple) else k) for k in index])
