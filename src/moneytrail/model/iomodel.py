"""The input-output model: technical coefficients, value-added attribution, solving.

`A[i, j]` is the share of entity j's revenue paid to entity i. Total output solves
`(I - A) x = f`; value added of j is `(1 - sum_i A[i, j]) x[j]`, split over `flows`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
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
    from moneytrail.model.satellites import Satellites


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
    satellites: Satellites | None = None     # stressor x entity intensities (model.satellites)
    # the folder of the data package the model was built from (model.builder.build_model):
    # mt.trace checks a plan against that package's data; None for a model built otherwise
    package_root: str | None = None
    # the unit of the table's money amounts where the table says it (a pymrio system's
    # `unit`, e.g. "Mill USD"): a final-demand trace's `currency`; "" where it is not known
    # (the bundled value chain: amounts are in a plan's currency)
    money_unit: str = ""

    def __post_init__(self) -> None:
        n = len(self.labels)
        if self.A.shape != (n, n):
            raise ModelError(f"A has shape {self.A.shape}, expected ({n}, {n})", field="A")
        if len(set(self.labels)) != n:
            counts = Counter(self.labels)
            twice = list(dict.fromkeys(label for label in self.labels if counts[label] > 1))
            raise ModelError(f"entity labels are not unique: {', '.join(twice[:5])}",
                             field="labels", value=twice[0])
        values = self.A.data if sp.issparse(self.A) else np.asarray(self.A)
        if not np.all(np.isfinite(values)):
            raise ModelError("A has NaN or infinite coefficients", field="A")
        if self.satellites is not None and self.satellites.S.shape[1] != n:
            raise ModelError(f"satellite accounts cover {self.satellites.S.shape[1]} entities, "
                             f"the model has {n}", field="satellites")

    @property
    def n(self) -> int:
        return len(self.labels)

    def require_markets(self) -> pd.DataFrame:
        """The supplier shares per category; a clear error for a model without them (e.g. a
        pymrio table)."""
        if self.markets is None:
            raise ModelError("this model has no markets (supplier shares per category)",
                             field="markets")
        return self.markets

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

        A Series (or a mapping) is aligned by label: its index names entities (a pymrio
        (region, sector) index works too); entities it does not name get zero demand, and a
        label the model does not know is refused with a message naming it. A DataFrame holds
        one final demand per column, its rows aligned the same way. Arrays are by position in
        the model's own label order `self.labels` (for `from_pymrio`, the table's row order):
        a vector of n entries or an (n, k) matrix of k columns. NaN or infinite entries are
        refused in every form; negative entries (imports, inventory changes) are allowed.

        Solves; never forms the inverse. The method is picked so that it converges on any
        productive table (see `linalg.solve_leontief`).
        """
        if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 < tol < 1:
            raise ModelError("tol must be a number between 0 and 1 (e.g. 1e-12)", field="tol",
                             value=tol)
        if isinstance(f, Mapping):
            f = self._mapping_series(f)
        if isinstance(f, pd.Series):
            x = linalg.solve_leontief(self.A, self.align(f), method=method, tol=tol)
            return pd.Series(x, index=list(self.labels), name="output")
        if isinstance(f, pd.DataFrame):
            columns = self.align_frame(f.T).T
            x = linalg.solve_leontief(self.A, columns, method=method, tol=tol)
            return pd.DataFrame(x, index=list(self.labels), columns=f.columns)
        vector = numeric_array(f, "final demand")
        if vector.ndim not in (1, 2) or vector.shape[0] != self.n:
            raise ModelError(f"final demand must have {self.n} entries (one per entity), or "
                             f"be an ({self.n}, k) matrix of k columns",
                             field="final demand", value=vector.shape)
        check_finite(vector, "final demand", self.labels)
        return linalg.solve_leontief(self.A, vector, method=method, tol=tol)

    # -- satellite accounts (model.satellites) ---------------------------------------------
    def require_satellites(self) -> Satellites:
        if self.satellites is None:
            raise ModelError("this model has no satellite accounts (a pymrio table with "
                             "extensions has them); a plan traced with mt.trace(plan) (or "
                             "mt.trace(plan, model=mt.load_model(year))) has its data "
                             "package's: .footprint('co2e_scope12'), .footprint('jobs')",
                             field="satellites")
        return self.satellites

    def multipliers(self) -> pd.DataFrame:
        """M = S L (stressors x entities): each stressor per unit of final demand for an
        entity's output, supply chain included. Solved from (I - A)' M' = S', never inverted."""
        from moneytrail.model.satellites import multipliers

        sat = self.require_satellites()
        return pd.DataFrame(multipliers(self.A, sat.S), index=pd.Index(sat.names, name="stressor"),
                            columns=pd.Index(self.labels, name="entity"))

    def footprint(self, f: Any) -> pd.DataFrame:
        """The footprint of one final demand (any form `solve_input` takes, one vector) by
        producing entity: S diag(x) with x = L f (stressors x entities, in each stressor's
        unit). Its row sums are M f."""
        sat = self.require_satellites()
        vector = self.solve_input(f)
        if vector.ndim != 1:
            raise ModelError("footprint takes one final-demand vector", field="final demand",
                             value=vector.shape)
        x = linalg.solve_leontief(self.A, vector)
        return pd.DataFrame(sat.S * x[None, :], index=pd.Index(sat.names, name="stressor"),
                            columns=pd.Index(self.labels, name="entity"))

    def solve_input(self, f: Any) -> np.ndarray:
        """A final-demand vector over the model's entities from an array, a mapping or a
        labelled Series (a pymrio (region, sector) index works too), or a matrix with one
        draw per row (an array of shape (draws, n), or a DataFrame whose columns are entity
        labels). Same rules as `solve`: labels aligned or refused by name, NaN and infinite
        entries refused, negative entries allowed."""
        if isinstance(f, Mapping):
            f = self._mapping_series(f)
        if isinstance(f, pd.Series):
            return self.align(f)
        if isinstance(f, pd.DataFrame):
            if f.shape[0] == 0:
                raise ModelError("final demand has no rows", field="final demand")
            if not set(label_index(f.columns)) <= set(self.labels) and \
                    set(label_index(f.index)) <= set(self.labels):
                raise ModelError("a final-demand DataFrame has one draw per row and entities "
                                 "as columns; this one has entities as rows: pass df.T, or "
                                 "df.sum(axis=1) for one vector", field="final demand")
            return self.align_frame(f)
        vector = numeric_array(f, "final demand")
        if vector.ndim == 2 and vector.shape[1] == self.n and vector.shape[0] > 0:
            check_finite(vector, "final demand", self.labels, axis=1)
            return vector
        if vector.shape != (self.n,):
            raise ModelError(f"final demand must have {self.n} entries (one per entity), or be "
                             f"a (draws, {self.n}) matrix", field="final demand",
                             value=vector.shape)
        check_finite(vector, "final demand", self.labels)
        return vector

    @staticmethod
    def _mapping_series(f: Mapping) -> pd.Series:
        """A {label: amount} mapping as a Series; anything else (e.g. a scenario) refused."""
        if not all(isinstance(v, int | float | np.number) and not isinstance(v, bool)
                   for v in f.values()):
            raise ModelError("expected a final-demand mapping of entity labels to amounts (a "
                             "scenario mapping must be parsed first: mt.parse_scenario(data))",
                             field="final demand", value=type(f).__name__)
        return pd.Series(dict(f), dtype=float)

    def positions(self, index: pd.Index, what: str = "final demand") -> np.ndarray:
        """Entity position of each label of a demand's index (a pymrio (region, sector) index
        works too); duplicate or unknown labels are refused, named."""
        index = label_index(index)
        duplicated = index[index.duplicated()].unique()
        if len(duplicated):
            raise ModelError(f"{what} names an entity more than once: "
                             f"{', '.join(map(str, duplicated[:5]))} (sum them first, e.g. "
                             "f.groupby(level=0).sum())", field=what, value=str(duplicated[0]))
        lookup = self.index
        unknown = [label for label in index if label not in lookup]
        if unknown:
            raise ModelError(unknown_labels_message(unknown, self.labels, what), field=what,
                             value=str(unknown[0]))
        return np.fromiter((lookup[label] for label in index), dtype=int, count=len(index))

    def align(self, f: pd.Series, *, what: str = "final demand") -> np.ndarray:
        """A labelled demand as a vector in the model's order: every label must be known and
        appear once; entities not named get zero; values must be finite numbers."""
        return self.align_frame(f.to_frame().T, what=what)[0]

    def align_frame(self, frame: pd.DataFrame, *, what: str = "final demand") -> np.ndarray:
        """Rows of demands whose columns are entity labels -> (rows, n) in the model's order."""
        where = self.positions(frame.columns, what)
        try:
            values = frame.apply(pd.to_numeric, errors="raise").to_numpy(dtype=float)
        except (TypeError, ValueError):
            for column in frame.columns:
                bad = [v for v in frame[column] if not _is_number(v)]
                if bad:
                    raise ModelError(f"{what} must be numbers",
                                     field=f"{what}[{label_index(pd.Index([column]))[0]}]",
                                     value=bad[0]) from None
            raise
        labels = [self.labels[k] for k in where]
        check_finite(values, what, labels, axis=1)
        out = np.zeros((values.shape[0], self.n))
        out[:, where] = values
        return out

    def flow_table(self) -> pd.DataFrame:
        """Flows with entity attributes (kind, groups) joined, for attribution."""
        ent = self.entities.set_index("id")
        out = self.flows.copy()
        out["kind"] = out["entity"].map(ent["kind"])
        out["groups"] = out["entity"].map(ent["group_list"])
        out["entity_owner"] = out["entity"].map(ent["owner_country"])
        return out

    @classmethod
    def from_pymrio(cls, io: Any, *, factor_map: dict[str, str] | None = None,
                    factor_tolerance: float | None = None) -> IOModel:
        """A model over the (region, sector) pairs of a pymrio IOSystem (A, or Z with x or Y;
        optionally a factor-input block `io.factor_inputs.F` splitting value added).

        Labels: `labels` follow the table's rows (the index of A or Z, which is pymrio's order
        of x and Y), so a positional array given to `solve` is read in that order; Z's
        columns, x, Y and F's columns are matched to the rows by label, whatever order they
        are listed in, and refused (naming the labels) when they differ.

        Factor block: each row is classified by its name or `factor_map` (labour, capital,
        tax, value_added, imports, ignore). A block that splits value added must add up, for
        each sector, to x - column sums of Z within `factor_tolerance` (default 1e-3) of the
        sector's output; otherwise a ModelError names the sectors and the gap.

        Raises ModelError for mismatched labels, NaN or infinite cells, an unproductive table,
        unclassifiable factor rows, or a factor block that does not add up."""
        from moneytrail.engine.mrio import FACTOR_TOLERANCE, model_from_pymrio

        return model_from_pymrio(cls, io, factor_map=factor_map,
                                 factor_tolerance=FACTOR_TOLERANCE if factor_tolerance is None
                                 else factor_tolerance)

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
        """A pymrio IOSystem with this model's A; a final demand (any form `solve` takes:
        a labelled Series, mapping or DataFrame is aligned by label) becomes its Y."""
        from moneytrail.engine.mrio import model_to_pymrio

        if final_demand is not None:
            if isinstance(final_demand, pd.DataFrame):
                final_demand = self.align_frame(final_demand.T).T
            elif isinstance(final_demand, pd.Series | Mapping):
                final_demand = self.solve_input(final_demand)
            else:
                final_demand = numeric_array(final_demand, "final demand")
                if final_demand.shape[0] != self.n:
                    raise ModelError(f"final demand must have {self.n} rows",
                                     field="final demand", value=final_demand.shape)
                check_finite(final_demand, "final demand", self.labels)
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


def _is_number(value: object) -> bool:
    try:
        float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def numeric_array(values: Any, what: str) -> np.ndarray:
    """values as a float array, or a ModelError saying they are not numbers."""
    try:
        return np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ModelError(f"{what} must be numbers (an array, a Series or a mapping of labels "
                         f"to amounts): {' '.join(str(exc).split())}", field=what,
                         value=type(values).__name__) from None


def check_finite(values: np.ndarray, what: str, labels: Sequence[str], axis: int = 0) -> None:
    """Refuse NaN or infinite entries, naming the first entity (and draw) that has one."""
    bad = np.argwhere(~np.isfinite(values))
    if not bad.size:
        return
    where = tuple(int(i) for i in bad[0])
    entity = labels[where[axis]] if values.ndim >= 1 and len(labels) > where[axis] else None
    position = where[0] if values.ndim == 1 else where
    name = f"{what}[{entity}]" if entity is not None else f"{what}[{position}]"
    raise ModelError(f"{what} must be finite ({bad.shape[0]} NaN or infinite entries, first at "
                     f"position {position}); give 0 for no demand", field=name,
                     value=float(values[where]))


def unknown_labels_message(unknown: Sequence[str], labels: Sequence[str], what: str) -> str:
    """Which labels are unknown, with a hint when they look like swapped index levels or
    sector names without their region."""
    shown = ", ".join(map(str, unknown[:5])) + (f" and {len(unknown) - 5} more"
                                                 if len(unknown) > 5 else "")
    known = set(labels)
    hint = ""
    swapped = ["/".join(reversed(u.split("/", 1))) for u in unknown if "/" in u]
    sectors = {label.split("/", 1)[1] for label in labels if "/" in label}
    if swapped and all(s in known for s in swapped):
        hint = "; the index levels look swapped: give (region, sector), not (sector, region)"
    elif sectors and all(u in sectors for u in unknown):
        hint = "; these are sector names without a region: give (region, sector) pairs"
    else:
        example = ", ".join(list(labels)[:3])
        hint = f"; the model's labels look like: {example}"
    return f"{what} names {len(unknown)} unknown entit{'y' if len(unknown) == 1 else 'ies'}: " \
           f"{shown}{hint}"
