"""Uncertainty on the coefficients of a sector table: Monte Carlo draws that perturb A itself.

A published table has no intervals, only point values. Each nonzero coefficient gets an
independent multiplicative error factor (lognormal with mean 1, or a PERT with mode 1 whose 5th
and 95th percentiles are 1 - spread and 1 + spread); each column is then rescaled to its original
sum, so every sector keeps its value-added share (and the table stays productive) while the mix of
its suppliers varies. All factors share one distribution, so it is fitted once per call, not once
per coefficient.
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
    """`spread`: for the lognormal, its sigma (factor exp(sigma z - sigma^2 / 2), mean 1); for
    the PERT, the factor's 5th/95th percentiles sit at 1 - spread and 1 + spread (its end points
    are widened to match, and clipped at 0 so a factor is never negative)."""

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
            out = rng.standard_normal(shape)
            out *= self.spread
            out -= self.spread ** 2 / 2
            return np.exp(out, out=out)
        pert = pert_factor(self.spread)
        out = rng.beta(pert.alpha[0], pert.beta[0], size=shape)     # in place: no copies of
        out *= pert.b[0] - pert.a[0]                                 # a (draws, nnz) array
        out += pert.a[0]
        return out


def pert_factor(spread: float) -> PertSampler:
    """One scalar PERT (mode 1, 5th/95th percentiles 1 -/+ spread, never below 0)."""
    return PertSampler([1.0 - spread], [1.0], [1.0 + spread], lower=0.0)


def perturbed_coefficients(pattern: sp.csr_array, noise: CoefficientNoise,
                           rng: np.random.Generator, draws: int) -> np.ndarray:
    """Data arrays (draws, nnz) of A's nonzeros, perturbed, each column rescaled to its sum."""
    data = noise.factors(rng, (draws, pattern.nnz))
    data *= pattern.data[None, :]
    n = pattern.shape[1]
    column_of = pattern.indices
    target = np.bincount(column_of, weights=pattern.data, minlength=n)
    sums = np.zeros((draws, n))
    for d in range(draws):
        sums[d] = np.bincount(column_of, weights=data[d], minlength=n)
    scale = np.divide(target, sums, out=np.zeros_like(sums), where=sums > 0)
    data *= scale[:, column_of]
    return data
