"""Uncertain parameters: a 90 % interval and a mode become a PERT distribution.

The data give low/central/high as a 90 % interval, so the PERT's end points are widened until its
5th and 95th percentiles match low and high (and then clipped to the parameter's natural bounds,
e.g. [0, 1] for a share).
"""

from __future__ import annotations

import numpy as np
from scipy.special import betaincinv

LAMBDA = 4.0
P_LOW, P_HIGH = 0.05, 0.95


def pert_shape(a: np.ndarray, mode: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    width = np.where(b > a, b - a, 1.0)
    alpha = 1.0 + LAMBDA * (mode - a) / width
    beta = 1.0 + LAMBDA * (b - mode) / width
    return alpha, beta


def pert_quantile(q: float, a: np.ndarray, mode: np.ndarray, b: np.ndarray) -> np.ndarray:
    alpha, beta = pert_shape(a, mode, b)
    return a + (b - a) * betaincinv(alpha, beta, q)


def fit_pert_bounds(low, mode, high, *, lower: float = -np.inf, upper: float = np.inf,
                    iterations: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """End points (a, b) of PERTs whose 5th/95th percentiles are low/high, within [lower, upper].

    A fixed-point iteration: move each end point by the miss of its percentile. It converges in a
    few dozen steps for every mode position; degenerate intervals (low == high) stay points.
    """
    low, mode, high = (np.asarray(v, dtype=float) for v in (low, mode, high))
    a, b = low.copy(), high.copy()
    spread = high - low
    active = spread > 0
    for _ in range(iterations):
        q_low = pert_quantile(P_LOW, a, mode, b)
        q_high = pert_quantile(P_HIGH, a, mode, b)
        miss_low, miss_high = q_low - low, high - q_high
        a = np.where(active, np.maximum(np.minimum(a - 1.5 * miss_low, mode), lower), a)
        b = np.where(active, np.minimum(np.maximum(b + 1.5 * miss_high, mode), upper), b)
        done = (np.abs(miss_low) <= 1e-6 * (spread + 1e-300)) | (a <= lower)
        done &= (np.abs(miss_high) <= 1e-6 * (spread + 1e-300)) | (b >= upper)
        if np.all(done | ~active):
            break
    return a, b


def percentile_miss(low, mode, high, *, lower: float = -np.inf, upper: float = np.inf
                    ) -> np.ndarray:
    """How far (as a share of high - low) the fitted PERT's 5th/95th percentiles fall from the
    stated interval: nonzero where a natural bound (e.g. a share's 0 or 1) makes the interval
    impossible to reproduce, so the drawn interval is narrower than the data say."""
    low, mode, high = (np.asarray(v, dtype=float) for v in (low, mode, high))
    a, b = fit_pert_bounds(low, mode, high, lower=lower, upper=upper)
    spread = high - low
    width = np.where(spread > 0, spread, 1.0)
    q_low = pert_quantile(P_LOW, a, mode, b)
    q_high = pert_quantile(P_HIGH, a, mode, b)
    # an end stated at the natural bound itself ("could be zero") is not a miss
    miss_low = np.where(low <= lower, 0.0, np.abs(q_low - low))
    miss_high = np.where(high >= upper, 0.0, np.abs(q_high - high))
    return np.where(spread > 0, np.maximum(miss_low, miss_high) / width, 0.0)


class PertSampler:
    """Vectorised draws of many independent PERT parameters."""

    def __init__(self, low, mode, high, *, lower: float = -np.inf, upper: float = np.inf):
        self.mode = np.asarray(mode, dtype=float)
        self.low = np.asarray(low, dtype=float)
        self.high = np.asarray(high, dtype=float)
        self.a, self.b = fit_pert_bounds(low, mode, high, lower=lower, upper=upper)
        self.alpha, self.beta = pert_shape(self.a, self.mode, self.b)
        self.fixed = self.b <= self.a
        # what every draw needs, selected once (draw is called per seed block, often for a
        # single parameter, so its own overhead counts)
        free = np.flatnonzero(~self.fixed)
        self._free = free if free.size < self.mode.size else None      # None: all free
        self._shape = (self.alpha[free], self.beta[free])
        self._start, self._width = self.a[free], self.b[free] - self.a[free]

    def draw(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        """An array (draws, parameters)."""
        k = self._start.size
        if k:
            values = self._start + self._width * rng.beta(*self._shape, size=(draws, k))
            if self._free is None:
                return values
        out = np.empty((draws, self.mode.size))
        out[:, self.fixed] = self.mode[self.fixed]
        if k:
            out[:, self._free] = values
        return out

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at u (rows, parameters) in [0, 1]: for space-filling designs (Sobol)."""
        alpha, beta = self.alpha, self.beta
        width = np.where(self.fixed, 0.0, self.b - self.a)
        return self.a + width * betaincinv(alpha, beta, u)


def renormalise(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Divide each block of columns (blocks begin at `starts`) by its row sum: shares add to 1."""
    sums = np.add.reduceat(values, starts, axis=1)
    sizes = np.diff(np.append(starts, values.shape[1]))
    return values / np.repeat(sums, sizes, axis=1)
