"""Interop with pymrio: a sector-level input-output table as an IOModel, and back.

pymrio always forms the dense Leontief inverse; here A is kept (sparse when it is) and systems are
solved, which is what makes large tables (EXIOBASE has ~9,800 sectors) cheap to trace.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from moneytrail.errors import ModelError

FACTOR_WORDS = {
    "labour": ("compensation", "wage", "labour", "labor", "employ"),
    "tax": ("tax", "subsid"),
    "capital": ("operating surplus", "surplus", "capital", "consumption of fixed", "mixed income",
                "profit"),
}
SPARSE_DENSITY = 0.2


def classify_factor(name: str) -> str:
    lowered = name.lower()
    for factor, words in FACTOR_WORDS.items():
        if any(word in lowered for word in words):
            return factor
    return "value_added"


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
    S = M if sp.issparse(M) else dense_to_csr(M)
    if S.nnz < SPARSE_DENSITY * S.shape[0] * S.shape[1]:
        return S
    return S.toarray() if sp.issparse(M) else np.asarray(M)


def coefficients_from_Z(Z: np.ndarray, x: np.ndarray) -> sp.csr_array:
    """A = Z diag(1/x) built on Z's nonzeros only (no second dense n x n temporary)."""
    S = dense_to_csr(Z)
    inverse = np.divide(1.0, x, out=np.zeros_like(x, dtype=float), where=x != 0)
    S.data *= inverse[S.indices]
    S.eliminate_zeros()
    return S


def model_from_pymrio(cls, io: Any, *, factor_map: dict[str, str] | None = None):
    """An IOModel whose entities are (region, sector) pairs of a pymrio IOSystem."""
    if getattr(io, "A", None) is not None:
        frame = io.A
        A = compact(frame.to_numpy(dtype=float))
    elif getattr(io, "Z", None) is not None:
        frame = io.Z
        Z = frame.to_numpy(dtype=float)
        if getattr(io, "x", None) is not None:
            x = io.x.to_numpy(dtype=float).ravel()
        elif getattr(io, "Y", None) is not None:
            x = Z.sum(axis=1) + io.Y.to_numpy(dtype=float).sum(axis=1)
        else:
            raise ModelError("pymrio system has neither A, x nor Y", field="io")
        A = compact(coefficients_from_Z(Z, x))
        del Z
    else:
        raise ModelError("pymrio system has neither A nor Z", field="io")
    values = A.data if sp.issparse(A) else A
    if not np.all(np.isfinite(values)):
        raise ModelError("A has non-finite coefficients", field="A")
    index = frame.columns
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
    flows = factor_flows(io, labels, regions, index, factor_map)
    model = cls(labels=labels, A=A, entities=entities, flows=flows,
                source=f"pymrio {getattr(io, 'name', '')}".strip())
    model.check_productive(where="pymrio system")
    return model


def factor_flows(io: Any, labels, regions, columns, factor_map) -> pd.DataFrame:
    """Split each sector's value added by the factor-input rows of the table, if any.

    Rows keep their sign (net taxes can be negative where subsidies exceed taxes), so the split
    still adds up to the sector's value added; a sector whose factor rows add up to zero or less
    keeps one unsplit `value_added` flow."""
    extension = getattr(io, "factor_inputs", None)
    F = getattr(extension, "F", None) if extension is not None else None
    labels, regions = np.asarray(labels, dtype=object), np.asarray(regions, dtype=object)
    if F is None or not len(F.index):
        return pd.DataFrame({"entity": labels, "factor": "value_added", "country": regions,
                             "owner_country": regions, "weight": 1.0})
    F = F.reindex(columns=columns).fillna(0.0)
    names = [" ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in F.index]
    factors = [(factor_map or {}).get(n, classify_factor(n)) for n in names]
    codes, kinds = pd.factorize(pd.Index(factors))
    values = F.to_numpy(dtype=float)
    grouped = np.zeros((len(kinds), values.shape[1]))
    np.add.at(grouped, codes, values)
    totals = grouped.sum(axis=0)
    shares = np.divide(grouped, totals, out=np.zeros_like(grouped), where=totals > 0)
    empty = totals <= 0
    kind_of, sector = np.nonzero(shares != 0)
    order = np.lexsort((kind_of, sector))
    kind_of, sector = kind_of[order], sector[order]
    frames = [pd.DataFrame({"entity": labels[sector],
                            "factor": np.asarray(kinds, dtype=object)[kind_of],
                            "country": regions[sector], "owner_country": regions[sector],
                            "weight": shares[kind_of, sector], "_j": sector}),
              pd.DataFrame({"entity": labels[empty], "factor": "value_added",
                            "country": regions[empty], "owner_country": regions[empty],
                            "weight": 1.0, "_j": np.flatnonzero(empty)})]
    out = pd.concat(frames, ignore_index=True).sort_values("_j", kind="stable")
    return out.drop(columns="_j").reset_index(drop=True)


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
