"""Pure linear algebra for Leontief systems: solve (never invert), tiers, spectral radius."""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from moneytrail.errors import ModelError

MAX_NEUMANN_TERMS = 10_000


def identity_minus(A) -> np.ndarray | sp.csr_array:
    n = A.shape[0]
    if sp.issparse(A):
        return sp.csr_array(sp.identity(n, format="csr") - A)
    return np.eye(n) - A


def spectral_radius(A) -> float:
    """Largest |eigenvalue|; dense eig for small A, ARPACK for large sparse A."""
    n = A.shape[0]
    if n == 0:
        return 0.0
    if not sp.issparse(A) or n <= 500:
        dense = A.toarray() if sp.issparse(A) else np.asarray(A)
        return float(np.max(np.abs(np.linalg.eigvals(dense))))
    try:
        value = spla.eigs(sp.csr_array(A, dtype=float), k=1, which="LM",
                          return_eigenvectors=False, maxiter=5000)
        return float(np.abs(value[0]))
    except spla.ArpackNoConvergence:
        return float(np.max(np.asarray(abs(A).sum(axis=0))))  # an upper bound


def neumann(A, f: np.ndarray, *, tol: float = 1e-12, max_terms: int = MAX_NEUMANN_TERMS,
            ) -> np.ndarray:
    """x = f + A f + A^2 f + ... until the next term is below tol * |x| (relative)."""
    x = np.array(f, dtype=float, copy=True)
    term = x.copy()
    scale = max(float(np.max(np.abs(x))), 1e-300)
    for _ in range(max_terms):
        term = A @ term
        x += term
        size = float(np.max(np.abs(term))) if term.size else 0.0
        scale = max(scale, float(np.max(np.abs(x))))
        if size <= tol * scale:
            return x
    raise ModelError(f"Neumann series did not converge in {max_terms} terms "
                     "(spectral radius too close to 1)", field="A")


def solve_leontief(A, f: np.ndarray, *, method: str = "auto", tol: float = 1e-12) -> np.ndarray:
    """Solve (I - A) x = f for one vector or a matrix of right-hand sides."""
    if method not in ("auto", "dense", "neumann", "iterative"):
        raise ModelError("unknown solve method", field="method", value=method)
    n = A.shape[0]
    if f.shape[0] != n:
        raise ModelError(f"final demand has {f.shape[0]} rows, the model {n} entities",
                         field="final demand", value=f.shape)
    if method == "auto":
        method = "neumann" if sp.issparse(A) else "dense"
    if method == "dense":
        dense = A.toarray() if sp.issparse(A) else np.asarray(A)
        return np.linalg.solve(np.eye(n) - dense, f)
    if method == "neumann":
        return neumann(A, f, tol=tol)
    return iterative(A, f, tol=tol)


def iterative(A, f: np.ndarray, *, x0: np.ndarray | None = None, tol: float = 1e-12
              ) -> np.ndarray:
    """GMRES on (I - A), warm-started from x0: for Monte Carlo draws that perturb A."""
    M = identity_minus(sp.csr_array(A) if not sp.issparse(A) else A)
    columns = f if f.ndim == 2 else f[:, None]
    starts = x0 if x0 is not None else columns
    starts = starts if starts.ndim == 2 else starts[:, None]
    out = np.empty_like(columns, dtype=float)
    for k in range(columns.shape[1]):
        solution, info = spla.gmres(M, columns[:, k], x0=starts[:, k], rtol=tol, atol=0.0,
                                    restart=50, maxiter=1000)
        if info != 0:
            raise ModelError("iterative solve did not converge", field="A", value=info)
        out[:, k] = solution
    return out if f.ndim == 2 else out[:, 0]


def batched_solve(A: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Solve (I - A[d]) x[d] = f[d] for a stack of small dense systems (draws, n, n)."""
    n = A.shape[-1]
    M = np.eye(n) - A
    return np.linalg.solve(M, f[..., None])[..., 0]


def lu_factor(A) -> tuple:
    """LU of (I - A) once, for many right-hand sides with the same A."""
    dense = A.toarray() if sp.issparse(A) else np.asarray(A)
    return sla.lu_factor(np.eye(dense.shape[0]) - dense, check_finite=False)


def tier_terms(A, f: np.ndarray, count: int) -> list[np.ndarray]:
    """f, A f, A^2 f, ... (count terms): money reaching each tier of the supply chain."""
    terms = [np.asarray(f, dtype=float)]
    for _ in range(count - 1):
        terms.append(np.asarray(A @ terms[-1]))
    return terms
