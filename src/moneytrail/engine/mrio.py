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


def technical_coefficients(Z: np.ndarray, x: np.ndarray) -> np.ndarray:
    """A = Z diag(1/x), with zero columns where output is zero."""
    inverse = np.divide(1.0, x, out=np.zeros_like(x, dtype=float), where=x != 0)
    return Z * inverse[None, :]


def model_from_pymrio(cls, io: Any, *, factor_map: dict[str, str] | None = None):
    """An IOModel whose entities are (region, sector) pairs of a pymrio IOSystem."""
    if getattr(io, "A", None) is not None:
        A_frame = io.A
        A = A_frame.to_numpy(dtype=float)
    elif getattr(io, "Z", None) is not None:
        Z = io.Z.to_numpy(dtype=float)
        if getattr(io, "x", None) is not None:
            x = io.x.to_numpy(dtype=float).ravel()
        elif getattr(io, "Y", None) is not None:
            x = Z.sum(axis=1) + io.Y.to_numpy(dtype=float).sum(axis=1)
        else:
            raise ModelError("pymrio system has neither A, x nor Y", field="io")
        A_frame = io.Z
        A = technical_coefficients(Z, x)
    else:
        raise ModelError("pymrio system has neither A nor Z", field="io")
    if not np.all(np.isfinite(A)):
        raise ModelError("A has non-finite coefficients", field="A")
    index = A_frame.columns
    regions = [str(c[0]) if isinstance(c, tuple) else "" for c in index]
    labels = tuple(f"{r}/{c[1]}" if isinstance(c, tuple) else str(c)
                   for r, c in zip(regions, index, strict=True))
    entities = pd.DataFrame({"id": labels, "name": labels, "kind": "sector",
                             "owner_country": regions, "groups": regions})
    entities["group_list"] = [[r] if r else [] for r in regions]
    flows = factor_flows(io, labels, regions, A_frame.columns, factor_map)
    matrix = sp.csr_array(A) if np.count_nonzero(A) < SPARSE_DENSITY * A.size else A
    model = cls(labels=labels, A=matrix, entities=entities, flows=flows,
                source=f"pymrio {getattr(io, 'name', '')}".strip())
    model.check_productive(where="pymrio system")
    return model


def factor_flows(io: Any, labels, regions, columns, factor_map) -> pd.DataFrame:
    """Split each sector's value added by the factor-input rows of the table, if any."""
    extension = getattr(io, "factor_inputs", None)
    F = getattr(extension, "F", None) if extension is not None else None
    rows = []
    if F is not None and len(F.index):
        F = F.reindex(columns=columns).fillna(0.0)
        names = [" ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in F.index]
        factors = [(factor_map or {}).get(n, classify_factor(n)) for n in names]
        values = np.clip(F.to_numpy(dtype=float), 0.0, None)
        totals = values.sum(axis=0)
        for j, label in enumerate(labels):
            if totals[j] <= 0:
                rows.append((label, "value_added", regions[j], regions[j], 1.0))
                continue
            by_factor: dict[str, float] = {}
            for k, factor in enumerate(factors):
                by_factor[factor] = by_factor.get(factor, 0.0) + values[k, j] / totals[j]
            rows += [(label, f, regions[j], regions[j], w) for f, w in by_factor.items() if w > 0]
    else:
        rows = [(label, "value_added", r, r, 1.0) for label, r in zip(labels, regions,
                                                                       strict=True)]
    return pd.DataFrame(rows, columns=["entity", "factor", "country", "owner_country", "weight"])


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
    A = pd.DataFrame(dense, index=index, columns=index)
    io = pymrio.IOSystem(A=A, name=model.source)
    if final_demand is not None:
        y = np.asarray(final_demand, dtype=float).reshape(len(labels), -1)
        regions = list(dict.fromkeys(index.get_level_values(0)))
        columns = pd.MultiIndex.from_tuples([(regions[0], f"demand {k}")
                                             for k in range(y.shape[1])],
                                            names=["region", "category"])
        io.Y = pd.DataFrame(y, index=index, columns=columns)
    return io
