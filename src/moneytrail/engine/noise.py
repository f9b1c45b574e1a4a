"""Uncertainty on the coefficients of a sector table: Monte Carlo draws that perturb A itself.

A published table has no intervals, only point values. Each nonzero coefficient gets an
independent multiplicative error (lognormal with mean 1, or a PERT on [1 - w, 1 + w]); each
column is then rescaled to its original sum, so every sector keeps its value-added share (and the
table stays productive) while the mix of its suppliers varies.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from moneytrail.engine.sampling import PertSampler
from moneytrail.errors import ModelError

DISTRIBUTIONS = ("lognormal", "pert")


@dataclass(frozen=True)
class CoefficientNoise:
    """`spread`: lognormal sigma, or PERT half-width (coefficient x [1 - spread, 1 + spread])."""

    spread: float = 0.1
    distribution: str = "lognormal"

    def __post_init__(self) -> None:
        if self.distribution not in DISTRIBUTIONS:
            raise ModelError(f"unknown distribution (use {', '.join(DISTRIBUTIONS)})",
                             field="distribution", value=self.distribution)
        upper = 1.0 if self.distribution == "pert" else 5.0
        if not 0.0 < self.spread < upper:
            raise ModelError(f"spread must be in (0, {upper})", field="spread",
                             value=self.spread)

    def factors(self, rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
        if self.distribution == "lognormal":
            return np.exp(self.spread * rng.standard_normal(shape) - self.spread ** 2 / 2)
        unit = PertSampler(np.full(shape[1], 1.0 - self.spread), np.ones(shape[1]),
                           np.full(shape[1], 1.0 + self.spread))
        return unit.draw(rng, shape[0])


def perturbed_coefficients(pattern: sp.csr_array, noise: CoefficientNoise,
                           rng: np.random.Generator, draws: int) -> np.ndarray:
    """Data arrays (draws, nnz) of A's nonzeros, perturbed, each column rescaled to its sum."""
    data = pattern.data[None, :] * noise.factors(rng, (draws, pattern.nnz))
    n = pattern.shape[1]
    column_of = pattern.indices
    target = np.bincount(column_of, weights=pattern.data, minlength=n)
    sums = np.zeros((draws, n))
    for d in range(draws):
        sums[d] = np.bincount(column_of, weights=data[d], minlength=n)
    scale = np.divide(target, sums, out=np.zeros_like(sums), where=sums > 0)
    data *= scale[:, column_of]
    return data
