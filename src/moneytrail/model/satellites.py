"""Satellite accounts: physical quantities (emissions, employment, energy, ...) per unit of output.

A satellite account is a stressor x entity intensity matrix `S` (k, n): `S[s, j]` is stressor s
per unit of entity j's output (a pymrio extension's `S = F / x`; the bundled value chain's
`co2e_scope12` in t CO2e per USD million of revenue). The multipliers `M = S L`, with
`L = (I - A)^-1` the Leontief inverse, give stressor per unit of final demand, supply chain
included; they are computed by solving `(I - A)' M' = S'` (never forming L). A final demand f
then has the footprint `M f`, or by producing entity `S diag(x)` with `x = L f`.

Sources: Miller & Blair (2009), Input-Output Analysis, 2nd ed., ch. 6 (employment and other
multipliers) and ch. 10 (environmental extensions); pymrio's `calc_M`, `calc_accounts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from moneytrail.engine import linalg
from moneytrail.errors import ModelError


@dataclass(frozen=True, eq=False)
class Satellites:
    """Stressor rows over a model's entities.

    `names` (k,) labels the rows ("Emissions/emission_type1/air", "co2e_scope12"), `units` gives
    each row's unit (of the stressor; S is that unit per unit of output, in the table's money
    unit), `extensions` the extension (pymrio) or account each row came from. `S` (k, n) is the
    central intensity; `low` and `high` (k, n), when given, bound a 90 % interval per cell that
    Monte Carlo draws from. `cells` (optional) lists the sourced cells: stressor, entity,
    sources, reliability (the bundled data's provenance)."""

    names: tuple[str, ...]
    units: tuple[str, ...]
    extensions: tuple[str, ...]
    S: np.ndarray
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    cells: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        k = len(self.names)
        if self.S.ndim != 2 or self.S.shape[0] != k:
            raise ModelError(f"satellite intensities have shape {self.S.shape}, expected "
                             f"({k}, entities)", field="satellites.S")
        if len(set(self.names)) != k:
            raise ModelError("satellite stressor names are not unique", field="satellites")
        if not np.all(np.isfinite(self.S)):
            raise ModelError("satellite intensities have NaN or infinite entries",
                             field="satellites.S")

    @property
    def k(self) -> int:
        return len(self.names)

    def row(self, name: str) -> int:
        """The row of a stressor, by its full name or, when unique, by its last part(s)."""
        if name in self.names:
            return self.names.index(name)
        matches = [i for i, full in enumerate(self.names)
                   if full.endswith("/" + name) or full.split("/", 1)[-1] == name]
        if len(matches) == 1:
            return matches[0]
        hint = "names more than one" if matches else "is not one of"
        raise ModelError(f"satellite account {name!r} {hint} the model's: "
                         f"{', '.join(self.names[:8])}", field="satellite", value=name)

    def unit(self, name: str) -> str:
        return self.units[self.row(name)]

    def table(self, labels: tuple[str, ...]) -> pd.DataFrame:
        """S as a labelled DataFrame (stressors x entities)."""
        return pd.DataFrame(self.S, index=pd.Index(self.names, name="stressor"),
                            columns=pd.Index(labels, name="entity"))


def multipliers(A: Any, S: np.ndarray) -> np.ndarray:
    """M = S L (k, n) by solving (I - A)' M' = S' (L never formed). A: (n, n), dense or sparse."""
    S = np.asarray(S, dtype=float)
    if S.shape[0] == 0:
        return np.zeros_like(S)
    return np.asarray(linalg.solve_many(A.T, np.ascontiguousarray(S.T))).T


def satellites_from_pymrio(io: Any, columns: pd.Index, A: Any) -> Satellites | None:
    """Every extension of a pymrio IOSystem (F or S, with its units) as satellite rows.

    S is taken as given when the extension has it, else F / x (x from io.x, or solved from
    A and io.Y); sectors with zero output get zero intensity (as pymrio's calc_S). Rows are
    named "<extension>/<row key>"; the unit is the extension's unit column (F's unit)."""
    from moneytrail.engine.mrio import as_frame, finite_values, key_text, same_labels

    names: list[str] = []
    units: list[str] = []
    extensions: list[str] = []
    blocks: list[np.ndarray] = []
    x: np.ndarray | None = None
    for ext in list(io.get_extensions(data=True)) if hasattr(io, "get_extensions") else []:
        S = getattr(ext, "S", None)
        F = getattr(ext, "F", None)
        title = str(getattr(ext, "name", "extension"))
        if S is not None:
            frame = as_frame(S, f"{title}.S")
        elif F is not None:
            frame = as_frame(F, f"{title}.F")
        else:
            continue
        same_labels(frame.columns, columns, f"{title} columns", "the table's sectors")
        frame = frame.reindex(columns=columns)
        values = finite_values(frame.to_numpy(dtype=float), title)
        if S is None:
            if x is None:
                x = table_output(io, columns, A)
            values = np.divide(values, x, out=np.zeros_like(values), where=x != 0)
        unit_frame = getattr(ext, "unit", None)
        for i, key in enumerate(frame.index):
            names.append(f"{title}/{key_text(key)}")
            unit = ""
            if isinstance(unit_frame, pd.DataFrame) and key in unit_frame.index:
                unit = str(unit_frame.loc[key].iloc[0])
            units.append(unit)
            extensions.append(title)
            del i
        blocks.append(values)
    if not blocks:
        return None
    return Satellites(names=tuple(names), units=tuple(units), extensions=tuple(extensions),
                      S=np.vstack(blocks))


def table_output(io: Any, columns: pd.Index, A: Any) -> np.ndarray:
    """Total output x of a pymrio system: io.x if present, else Z rows + Y rows, else L Y."""
    from moneytrail.engine.mrio import aligned_rows, as_frame

    if getattr(io, "x", None) is not None:
        frame = aligned_rows(as_frame(io.x, "x"), columns, "x", "the table's sectors")
        return frame.to_numpy(dtype=float).sum(axis=1)
    Y = getattr(io, "Y", None)
    if Y is None:
        raise ModelError("an extension gives F but the table has neither x nor Y, so its "
                         "intensities F / x cannot be computed", field="io.x")
    y = aligned_rows(as_frame(Y, "Y"), columns, "Y", "the table's sectors").to_numpy(
        dtype=float).sum(axis=1)
    return np.asarray(linalg.solve_leontief(A, y))


def consumption_accounts(M: np.ndarray, Y: pd.DataFrame, index: pd.MultiIndex) -> np.ndarray:
    """pymrio's D_cba: the footprint of each consuming region's final demand by product sector.

    M (k, n) multipliers over (region, sector) pairs `index`; Y (n, regions) final demand summed
    over categories per consuming region. Returns (k, regions * sectors): column (r, s) is
    sum over origin regions o of M[:, (o, s)] Y[(o, s), r]."""
    sectors = pd.Index(index.get_level_values(1)).unique()
    code = pd.Index(sectors).get_indexer(index.get_level_values(1))
    values = Y.to_numpy(dtype=float)
    out = np.zeros((M.shape[0], values.shape[1], len(sectors)))
    for r in range(values.shape[1]):
        weighted = M * values[:, r][None, :]
        np.add.at(out[:, r, :], (slice(None), code), weighted)  # type: ignore[arg-type]
    return out.reshape(M.shape[0], -1)


def stack_satellites(first: Satellites | None, n1: int, second: Satellites | None, n2: int
                     ) -> Satellites | None:
    """The satellites of two models placed side by side (a hybrid model: entities [0, n1)
    then [n1, n1 + n2)): every stressor of either, zero where a model lacks it. A stressor
    named in both must have the same unit."""
    if first is None and second is None:
        return None
    names: list[str] = []
    units: dict[str, str] = {}
    extensions: dict[str, str] = {}
    for sat in (first, second):
        if sat is None:
            continue
        for name, unit, ext in zip(sat.names, sat.units, sat.extensions, strict=True):
            if name in units and units[name] != unit:
                raise ModelError(f"satellite {name!r} has unit {units[name]!r} in one model "
                                 f"and {unit!r} in the other", field="satellites", value=name)
            if name not in units:
                names.append(name)
                units[name], extensions[name] = unit, ext
    S = np.zeros((len(names), n1 + n2))
    for sat, offset, width in ((first, 0, n1), (second, n1, n2)):
        if sat is None:
            continue
        rows = [names.index(name) for name in sat.names]
        S[rows, offset:offset + width] = sat.S
    return Satellites(names=tuple(names), units=tuple(units[n] for n in names),
                      extensions=tuple(extensions[n] for n in names), S=S)
