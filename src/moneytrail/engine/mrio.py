"""Interop with pymrio: a sector-level input-output table as an IOModel, and back.

pymrio always forms the dense Leontief inverse; here A is kept (sparse when it is) and systems are
solved, which is what makes large tables (EXIOBASE has ~9,800 sectors) cheap to trace.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from moneytrail.errors import ModelError
from moneytrail.text import shown_text

FACTORS = ("labour", "capital", "tax", "value_added", "imports", "ignore")
"""What a row of a table's factor-input block can be (`factor_map` values):

- `labour`, `capital`, `tax`: components of value added generated in the sector's region;
- `value_added`: value added not split further (e.g. a single "Value Added" row);
- `imports`: money paid abroad for imported inputs (not value added at home): attributed to the
  country `ROW` (rest of the world) as factor `imports`, so the flows still add up;
- `ignore`: a row that is no part of the sector's inputs (a total such as "Total output")."""
# Checked in this order: "Taxes on imports" is a tax, "Imports" an import.
FACTOR_WORDS = {
    "tax": ("tax", "subsid", "duties", "duty"),
    "labour": ("compensation", "wage", "labour", "labor", "employ", "salar"),
    "capital": ("operating surplus", "surplus", "capital", "consumption of fixed", "mixed income",
                "profit", "rents", "royalt"),
    "imports": ("import", "purchases abroad", "cif/fob", "c.i.f", "rest of the world"),
    "value_added": ("value added", "value-added", "gva"),
}
ABROAD = "ROW"
FACTOR_TOLERANCE = 1e-3
"""How far a factor block's column may be from the table's own total (x - column sums of Z),
as a share of the sector's output x: 0.1 %, room for the rounding of published tables. Pass
`factor_tolerance` to `IOModel.from_pymrio` to loosen it (math.inf: no check)."""
SPARSE_DENSITY = 0.2


def classify_factor(name: str) -> str | None:
    """The factor a row of a factor-input block stands for, from its name; None when the name
    says nothing known (the caller must then be told, not guess)."""
    lowered = name.lower()
    for factor, words in FACTOR_WORDS.items():
        if any(word in lowered for word in words):
            return factor
    return None


def dense_to_csr(M: np.ndarray) -> sp.csr_array:
    """CSR from a dense matrix in one pass over it (scipy's constructor makes two). pandas
    hands out column-major arrays: read those by column, without copying them."""
    if M.flags.f_contiguous and not M.flags.c_contiguous:
        return sp.csr_array(dense_to_csr(M.T).T)
    n_rows, n_cols = M.shape
    flat = np.ascontiguousarray(M).ravel()
    where = np.flatnonzero(flat)
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(where // n_cols, minlength=n_rows), out=indptr[1:])
    return sp.csr_array((flat[where], where % n_cols, indptr), shape=M.shape)


def compact(M: np.ndarray | sp.csr_array) -> np.ndarray | sp.csr_array:
    """Sparse when at most SPARSE_DENSITY of the entries are nonzero, dense otherwise."""
    S = dense_to_csr(M) if isinstance(M, np.ndarray) else M
    if S.nnz < SPARSE_DENSITY * S.shape[0] * S.shape[1]:
        return S
    return np.asarray(M) if isinstance(M, np.ndarray) else S.toarray()


def coefficients_from_Z(Z: np.ndarray, x: np.ndarray) -> sp.csr_array:
    """A = Z diag(1/x) built on Z's nonzeros only (no second dense n x n temporary)."""
    S = dense_to_csr(Z)
    inverse = np.divide(1.0, x, out=np.zeros_like(x, dtype=float), where=x != 0)
    S.data *= inverse[S.indices]
    S.eliminate_zeros()
    return S


def key_text(key: object) -> str:
    return "/".join(map(str, key)) if isinstance(key, tuple) else str(key)


def unique_labels(index: pd.Index, what: str) -> None:
    duplicated = index[index.duplicated()].unique()
    if len(duplicated):
        raise ModelError(f"{what} has duplicate labels: "
                         f"{', '.join(key_text(k) for k in duplicated[:5])}", field=what,
                         value=key_text(duplicated[0]))


def same_labels(index: pd.Index, reference: pd.Index, what: str, reference_name: str) -> None:
    """Refuse an index that does not hold exactly the reference labels, naming the difference."""
    unique_labels(index, what)
    if index.equals(reference):
        return
    extra = [key_text(k) for k in index.difference(reference, sort=False)]
    missing = [key_text(k) for k in reference.difference(index, sort=False)]
    if extra or missing:
        parts = []
        if missing:
            parts.append(f"missing {', '.join(missing[:5])}"
                         + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
        if extra:
            parts.append(f"not in {reference_name}: {', '.join(extra[:5])}"
                         + (f" and {len(extra) - 5} more" if len(extra) > 5 else ""))
        raise ModelError(f"{what} labels do not match the sectors of {reference_name} "
                         f"({'; '.join(parts)})", field=what,
                         value=(missing or extra)[0])


def aligned_rows(frame: pd.DataFrame, reference: pd.Index, what: str,
                 reference_name: str) -> pd.DataFrame:
    """frame with its rows in the reference order (matched by label), or a ModelError."""
    same_labels(frame.index, reference, f"{what} rows", reference_name)
    return frame if frame.index.equals(reference) else frame.reindex(index=reference)


def aligned_columns(frame: pd.DataFrame, reference: pd.Index, what: str,
                    reference_name: str) -> pd.DataFrame:
    """frame with its columns in the reference order (matched by label), or a ModelError."""
    same_labels(frame.columns, reference, f"{what} columns", reference_name)
    return frame if frame.columns.equals(reference) else frame.reindex(columns=reference)


def outside_inputs(A: np.ndarray | sp.csr_array, x: np.ndarray) -> np.ndarray:
    """What each sector pays outside the inter-industry block, in money: x - column sums of
    Z = (1 - column sums of A) x. A factor block must add up to it."""
    return (1.0 - np.asarray(A.sum(axis=0)).ravel()) * x


def numbers_of(frame: pd.DataFrame, what: str) -> np.ndarray:
    """A table's cells as floats, or a ModelError naming the first cell that is not a number."""
    try:
        return frame.to_numpy(dtype=float)
    except (TypeError, ValueError):
        for column in frame.columns:
            for row, cell in frame[column].items():
                try:
                    float(cell)
                except (TypeError, ValueError):
                    raise ModelError(f"{what} must hold numbers",
                                     field=f"{what}[{key_text(row)}, {key_text(column)}]",
                                     value=cell) from None
        raise


def finite_values(values: np.ndarray, what: str) -> np.ndarray:
    if not np.all(np.isfinite(values)):
        raise ModelError(f"{what} has NaN or infinite entries", field=what)
    return values


def as_frame(table: Any, what: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        if isinstance(table, pd.Series):
            return table.to_frame()
        raise ModelError(f"{what} must be a labelled pandas DataFrame", field=what,
                         value=type(table).__name__)
    return table


def model_from_pymrio(cls, io: Any, *, factor_map: dict[str, str] | None = None,
                      factor_tolerance: float = FACTOR_TOLERANCE):
    """An IOModel whose entities are (region, sector) pairs of a pymrio IOSystem.

    The model's label order (`model.labels`, the order `solve` reads a positional array in) is
    the order of the table's rows (A's or Z's index), which is also the order of pymrio's x
    and Y. Every table is matched by label, never by position: A's or Z's columns are put in
    the order of their rows, x and Y rows and the factor block's columns likewise; a table
    whose labels differ is refused with a message naming them.

    A factor block (`io.factor_inputs.F`) that splits value added must add up to the table's
    own totals, x - column sums of Z, within `factor_tolerance` of each sector's output
    (see `factor_flows`)."""
    if isinstance(factor_tolerance, bool) or not isinstance(factor_tolerance, int | float) \
            or not factor_tolerance >= 0:
        raise ModelError("factor_tolerance must be a share of output >= 0 (math.inf: no "
                         "check)", field="factor_tolerance", value=factor_tolerance)
    x = demand = None
    if getattr(io, "A", None) is not None:
        frame = as_frame(io.A, "A")
        rows = frame.index
        if len(rows) == 0:
            raise ModelError("the table has no sectors (A is empty)", field="A")
        unique_labels(rows, "A rows")
        frame = aligned_columns(frame, rows, "A", "A's rows")
        A = compact(finite_values(numbers_of(frame, "A"), "A"))
        if getattr(io, "x", None) is not None:
            x_frame = aligned_rows(as_frame(io.x, "x"), rows, "x", "A's rows")
            x = finite_values(numbers_of(x_frame, "x").sum(axis=1), "x")
        elif getattr(io, "Y", None) is not None and factor_block(io) is not None:
            Y = aligned_rows(as_frame(io.Y, "Y"), rows, "Y", "A's rows")
            demand = finite_values(numbers_of(Y, "Y"), "Y").sum(axis=1)
    elif getattr(io, "Z", None) is not None:
        frame = as_frame(io.Z, "Z")
        rows = frame.index
        if len(rows) == 0:
            raise ModelError("the table has no sectors (Z is empty)", field="Z")
        unique_labels(rows, "Z rows")
        frame = aligned_columns(frame, rows, "Z", "Z's rows")
        Z = finite_values(numbers_of(frame, "Z"), "Z")
        if getattr(io, "x", None) is not None:
            x_frame = aligned_rows(as_frame(io.x, "x"), rows, "x", "Z's rows")
            x = finite_values(numbers_of(x_frame, "x").sum(axis=1), "x")
        elif getattr(io, "Y", None) is not None:
            Y = aligned_rows(as_frame(io.Y, "Y"), rows, "Y", "Z's rows")
            x = Z.sum(axis=1) + finite_values(numbers_of(Y, "Y"), "Y").sum(axis=1)
        else:
            raise ModelError("pymrio system has neither A, x nor Y", field="io")
        A = compact(coefficients_from_Z(Z, x))
        del Z
    else:
        raise ModelError("pymrio system has neither A nor Z", field="io")
    columns = rows
    values = A.data if sp.issparse(A) else A
    if not np.all(np.isfinite(values)):
        raise ModelError("A has non-finite coefficients", field="A")
    index = columns
    if isinstance(index, pd.MultiIndex):
        regions = [str(r) for r in index.get_level_values(0)]
        labels = tuple(f"{r}/{c}" for r, c in zip(regions, index.get_level_values(1),
                                                  strict=True))
    else:
        regions = [""] * len(index)
        labels = tuple(str(c) for c in index)
    entities = pd.DataFrame({"id": labels, "name": labels, "kind": "sector",
                             "owner_country": regions, "groups": regions})
    entities["group_list"] = [[r] if r else [] for r in regions]
    from moneytrail.model.satellites import satellites_from_pymrio

    model = cls(labels=labels, A=A, entities=entities,
                flows=factor_flows(None, labels, regions, index, None),
                source=f"pymrio {getattr(io, 'name', '')}".strip(),
                money_unit=money_unit(io))
    model.check_productive(where="pymrio system")
    satellites = satellites_from_pymrio(io, columns, A)   # every extension, with its units
    if satellites is not None:
        model = replace(model, satellites=satellites)
    if factor_block(io) is None:
        return model
    if x is None and demand is not None:
        from moneytrail.engine import linalg

        x = linalg.solve_leontief(A, demand)      # A and Y only: x = (I - A)^-1 y, solved
    flows = factor_flows(io, labels, regions, index, factor_map,
                         totals=None if x is None else (outside_inputs(A, x), x),
                         tolerance=factor_tolerance)
    return replace(model, flows=flows)


def money_unit(io: Any) -> str:
    """The unit of a pymrio system's money amounts: its `unit` table (one row per sector,
    "Mill USD" in pymrio's test system) when every row names the same unit; "" when the
    table does not say it, or its rows name different units (then no one unit is known)."""
    unit = getattr(io, "unit", None)
    if isinstance(unit, pd.DataFrame) and len(unit.columns):
        unit = unit.iloc[:, 0]
    if isinstance(unit, str):
        return shown_text(unit.strip())
    if not isinstance(unit, pd.Series):
        return ""
    names = {str(value).strip() for value in unit.dropna()} - {""}
    return shown_text(names.pop()) if len(names) == 1 else ""


def factor_block(io: Any) -> Any:
    """The factor-input block F of a pymrio system, or None."""
    extension = getattr(io, "factor_inputs", None)
    F = getattr(extension, "F", None) if extension is not None else None
    return None if F is None or not len(F.index) else F


def classify_rows(names: list[str], factor_map: dict[str, str] | None) -> list[str]:
    """The factor of each factor-input row: `factor_map` first, then the row's own name.
    Rows that cannot be classified are refused, all named, with the fix (a factor_map)."""
    if factor_map is not None and not isinstance(factor_map, Mapping):
        raise ModelError("factor_map must be a mapping of factor-row names to factors",
                         field="factor_map", value=type(factor_map).__name__)
    factor_map = factor_map or {}
    wrong = {k: v for k, v in factor_map.items() if v not in FACTORS}
    if wrong:
        key = next(iter(wrong))
        raise ModelError(f"factor_map values must be one of {', '.join(FACTORS)}",
                         field=f"factor_map[{key}]", value=wrong[key])
    factors = [factor_map.get(name) or classify_factor(name) for name in names]
    unknown = [name for name, factor in zip(names, factors, strict=True) if factor is None]
    if unknown:
        raise ModelError(
            f"cannot tell what these factor-input rows are: {', '.join(unknown[:5])}"
            + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
            + "; pass factor_map={row name: one of " + ", ".join(FACTORS) + "}",
            field="factor_inputs", value=unknown[0])
    kinds = set(factors)
    if "value_added" in kinds and kinds & {"labour", "capital", "tax"}:
        both = [n for n, f in zip(names, factors, strict=True) if f == "value_added"]
        raise ModelError("the factor block has a value-added row and its components (counted "
                         f"twice): map {', '.join(both)} to 'ignore' or its components away "
                         "in factor_map", field="factor_inputs", value=both[0])
    return [factor for factor in factors if factor is not None]    # all known by now


def factor_flows(io: Any, labels, regions, columns, factor_map, *,
                 totals: tuple[np.ndarray, np.ndarray] | None = None,
                 tolerance: float = FACTOR_TOLERANCE) -> pd.DataFrame:
    """Split each sector's value added by the factor-input rows of the table, if any.

    Each row is classified by the table's own name for it (or `factor_map`): labour, capital
    and taxes are value added generated in the sector's region; imports are paid abroad
    (country `ROW`); totals can be ignored. Rows keep their sign (net taxes are negative where
    subsidies exceed taxes), and so does their sum: a sector whose value added is negative
    still has its labour, capital and taxes, whose weights (shares of the sum) add up to 1.
    A sector whose factor rows are all zero keeps one `value_added` flow; one whose rows are
    not zero but add up to exactly zero cannot be split into shares and is refused.

    The block must be the money the table says each sector pays outside the inter-industry
    block: when it splits that money (two or more kinds: labour, capital, tax, imports) and
    the table's totals are known (`totals` = (x - column sums of Z, x), the table's units), each
    sector's rows must add up to its total within `tolerance` x output, or the table is refused
    naming the sectors and the gap (a block that is not the table's own would split the
    money in proportions it does not have). A block of one kind only (e.g. pymrio's test
    system, whose single "Value Added" row does not match its Z and x) carries no split, so
    its values change no number and are not checked; nor is a block when x is unknown."""
    F = factor_block(io)
    labels, regions = np.asarray(labels, dtype=object), np.asarray(regions, dtype=object)
    if F is None:
        return pd.DataFrame({"entity": labels, "factor": "value_added", "country": regions,
                             "owner_country": regions, "weight": 1.0})
    F = as_frame(F, "factor_inputs.F")
    same_labels(F.columns, columns, "factor_inputs.F columns", "the table's sectors")
    if not F.columns.equals(columns):
        F = F.reindex(columns=columns)
    names = [" ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in F.index]
    factors = classify_rows(names, factor_map)
    keep = np.array([f != "ignore" for f in factors])
    codes, kinds = pd.factorize(pd.Index([f for f in factors if f != "ignore"]))
    values = finite_values(numbers_of(F, "factor_inputs.F")[keep], "factor_inputs.F")
    grouped = np.zeros((len(kinds), values.shape[1]))
    np.add.at(grouped, codes, values)
    if totals is not None and len(kinds) > 1:
        check_factor_totals(values.sum(axis=0), *totals, labels, tolerance)
    totals = grouped.sum(axis=0)
    nonzero = np.any(grouped != 0, axis=0)
    scale = np.abs(grouped).sum(axis=0)
    cancelled = nonzero & (np.abs(totals) <= 1e-12 * scale)
    if cancelled.any():
        bad = labels[cancelled]
        raise ModelError("the factor-input rows of these sectors add up to zero but are not "
                         f"zero, so they cannot be shares of value added: "
                         f"{', '.join(map(str, bad[:5]))}", field="factor_inputs",
                         value=str(bad[0]))
    shares = np.divide(grouped, totals, out=np.zeros_like(grouped), where=nonzero)
    empty = ~nonzero
    kind_of, sector = np.nonzero(shares != 0)
    order = np.lexsort((kind_of, sector))
    kind_of, sector = kind_of[order], sector[order]
    factor = np.asarray(kinds, dtype=object)[kind_of]
    country = np.where(factor == "imports", ABROAD, regions[sector])
    frames = [pd.DataFrame({"entity": labels[sector], "factor": factor, "country": country,
                            "owner_country": country, "weight": shares[kind_of, sector],
                            "_j": sector}),
              pd.DataFrame({"entity": labels[empty], "factor": "value_added",
                            "country": regions[empty], "owner_country": regions[empty],
                            "weight": 1.0, "_j": np.flatnonzero(empty)})]
    out = pd.concat(frames, ignore_index=True).sort_values("_j", kind="stable")
    return out.drop(columns="_j").reset_index(drop=True)


def check_factor_totals(block: np.ndarray, totals: np.ndarray, output: np.ndarray,
                        labels: np.ndarray, tolerance: float) -> None:
    """Refuse a factor block whose column sums miss the table's totals (x - column sums of Z)
    by more than `tolerance` x the sector's output, naming the sectors and the gaps."""
    gap = block - totals
    allowed = tolerance * np.abs(output) + 1e-9 * max(float(np.abs(output).max(initial=0)), 1.0)
    bad = np.flatnonzero(np.abs(gap) > allowed)
    if not len(bad):
        return
    worst = bad[np.argsort(-np.abs(gap[bad]) / np.maximum(np.abs(output[bad]), 1e-300))]
    shown = "; ".join(f"{labels[j]}: rows add up to {block[j]:.6g}, the table says "
                      f"{totals[j]:.6g} (x {output[j]:.6g} - inputs {output[j] - totals[j]:.6g})"
                      for j in worst[:3])
    more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
    raise ModelError(
        f"the factor block does not add up to the table's value added (x - column sums of Z) "
        f"in {len(bad)} sector{'s' if len(bad) > 1 else ''} ({shown}{more}); beyond "
        f"{tolerance:.3g} of output. Add the missing rows (e.g. imports, or a discrepancy "
        "row named in factor_map), or pass factor_tolerance= to accept the gap",
        field="factor_inputs", value=str(labels[worst[0]]))


def model_to_pymrio(model, final_demand: Any = None):
    """A pymrio IOSystem with the model's A (and Y, when a final-demand vector is given)."""
    import pymrio

    labels = list(model.labels)
    if all("/" in label for label in labels):
        index = pd.MultiIndex.from_tuples([tuple(label.split("/", 1)) for label in labels],
                                          names=["region", "sector"])
    else:
        index = pd.MultiIndex.from_tuples([("all", label) for label in labels],
                                          names=["region", "sector"])
    dense = model.A.toarray() if sp.issparse(model.A) else np.asarray(model.A)
    A = pd.DataFrame(dense, index=index, columns=index, copy=False)
    io = pymrio.IOSystem(A=A, name=model.source)
    if final_demand is not None:
        y = np.asarray(final_demand, dtype=float).reshape(len(labels), -1)
        regions = list(dict.fromkeys(index.get_level_values(0)))
        columns = pd.MultiIndex.from_tuples([(regions[0], f"demand {k}")
                                             for k in range(y.shape[1])],
                                            names=["region", "category"])
        io.Y = pd.DataFrame(y, index=index, columns=columns)
    return io
