"""Synthetic sector tables for the scale tests, written by the tests themselves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp


def sparse_table(n: int, density: float = 0.02, seed: int = 0) -> sp.csr_array:
    """A random productive A: sparse plus a diagonal, column sums in [0.2, 0.7]."""
    rng = np.random.default_rng(seed)
    A = sp.random(n, n, density=density, random_state=rng, format="csr") + sp.diags(
        rng.random(n))
    sums = np.asarray(A.sum(axis=0)).ravel()
    return sp.csr_array(A @ sp.diags(rng.uniform(0.2, 0.7, n) / sums))


def pymrio_system(A: sp.csr_array, regions: int = 4, seed: int = 0):
    """A pymrio IOSystem (Z and Y only, nothing precomputed) with this A."""
    import pymrio

    rng = np.random.default_rng(seed)
    n = A.shape[0]
    per = -(-n // regions)
    index = pd.MultiIndex.from_tuples([(f"r{i // per}", f"s{i % per}") for i in range(n)],
                                      names=["region", "sector"])
    y = rng.random(n) * (rng.random(n) < 0.2)
    x = np.linalg.solve(np.eye(n) - A.toarray(), y)
    Z = A.toarray() * x[None, :]
    Y = pd.DataFrame(y[:, None], index=index,
                     columns=pd.MultiIndex.from_tuples([("r0", "fd")],
                                                       names=["region", "category"]))
    return pymrio.IOSystem(Z=pd.DataFrame(Z, index=index, columns=index), Y=Y,
                           name=f"synthetic {n}"), y
