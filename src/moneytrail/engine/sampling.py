"""Uncertain parameters: a 90 % interval and a mode become a PERT distribution.

The data give low/central/high as a 90 % interval, so the PERT's end points are widened until its
5th and 95th percentiles match low and high (and then clipped to the parameter's natural bounds,
e.g. [0, 1] for a share).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import betaincinv, xlogy

LAMBDA = 4.0
P_LOW, P_HIGH = 0.05, 0.95
TABLE_CELLS = 256          # cells of a sampler's inverse-CDF table (`PertSampler.draw_table`)
DENSITY_GRID = 4096        # intervals of the density grid the table is integrated on


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
        self._shape: tuple[np.ndarray | float, np.ndarray | float] = (
            self.alpha[free], self.beta[free])
        if free.size == 1:
            # numpy draws from scalar shapes about three times faster than from arrays of
            # one, with the same numbers (one beta variate per draw, in the same order);
            # most samplers of the analyses hold a single interval
            self._shape = (float(self._shape[0][0]), float(self._shape[1][0]))
        self._start, self._width = self.a[free], self.b[free] - self.a[free]
        self._table: InverseTable | None = None

    def draw(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        """An array (draws, parameters)."""
        k = self._start.size
        if k:
            values = self._start + self._width * rng.beta(*self._shape, size=(draws, k))
            if self._free is None:
                return values
        out = np.repeat(self.mode[None, :], draws, axis=0)    # fixed ones at their mode
        if k:
            out[:, self._free] = values
        return out

    def table(self) -> InverseTable:
        """The inverse-CDF table of every parameter (a fixed one: a flat row at its mode),
        built on first use, then kept."""
        if self._table is None:
            fixed = self.fixed
            self._table = inverse_table(np.where(fixed, 1.0, self.alpha),
                                        np.where(fixed, 1.0, self.beta),
                                        np.where(fixed, self.mode, self.a),
                                        np.where(fixed, 0.0, self.b - self.a))
        return self._table

    def draw_table(self, rng: np.random.Generator, draws: int) -> np.ndarray:
        """An array (draws, parameters) by inversion: one uniform per value, mapped through a
        piecewise-linear inverse CDF of each PERT (`InverseTable`). About six times faster
        than `draw` (two gamma variates per value) for many parameters; the numbers differ
        from `draw`'s for the same generator. Uniforms are drawn parameter by parameter
        (shape (parameters, draws), one per parameter and draw, fixed ones included), so each
        parameter's draws read one row of the table; the result is the transposed view."""
        return self.table().sample(rng.random((self.mode.size, draws))).T

    def quantile(self, u: np.ndarray) -> np.ndarray:
        """Inverse CDF at u (rows, parameters) in [0, 1]: for space-filling designs (Sobol)."""
        alpha, beta = self.alpha, self.beta
        width = np.where(self.fixed, 0.0, self.b - self.a)
        return self.a + width * betaincinv(alpha, beta, u)


@dataclass(frozen=True, eq=False)
class InverseTable:
    """Piecewise-linear inverse CDFs of k distributions on [a, a + width]: `low[i, c]` is the
    i-th distribution's quantile at u = c / cells, `step[i, c]` the rise to the next knot.

    A uniform u in cell c = floor(u * cells) maps to low + (u * cells - c) * step: an exact
    draw from the distribution whose CDF is linear between the knots. The knots are exact up
    to the density integration (about 1e-4 of the width near a steep end, far less inside);
    between knots the error is below 1e-5 of the width in the middle cells and grows only in
    the first and last cells (each 1/cells = 0.4 % of the probability), where draws spread
    evenly over the cell instead of following the density's power-law end. Tables are
    (k, cells) float64, 4 kB per parameter; a fixed parameter's row is flat at its mode
    (exactly)."""

    low: np.ndarray        # (k * cells,) quantile at each cell's left knot, by parameter
    step: np.ndarray       # (k * cells,) quantile at the right knot minus the left one
    cells: int

    def sample(self, u: np.ndarray) -> np.ndarray:
        """Values (k, draws) for uniforms u (k, draws) in [0, 1)."""
        k = u.shape[0]
        position = u * self.cells                 # exact: cells is a power of two
        cell = position.astype(np.intp)
        position -= cell                          # where in its cell
        cell += (np.arange(k) * self.cells)[:, None]
        position *= self.step.take(cell)          # the rise within the cell
        position += self.low.take(cell)
        return position


def beta_quantile_knots(alpha: np.ndarray, beta: np.ndarray, cells: int = TABLE_CELLS,
                        grid: int = DENSITY_GRID) -> np.ndarray:
    """Quantiles (k, cells + 1) of Beta(alpha, beta) at u = 0, 1/cells, ..., 1, for k shapes
    (alpha, beta >= 1, as every PERT has): the density integrated by the trapezoid rule on
    `grid` intervals of [0, 1], then inverted by linear interpolation. About 0.1 s for 800
    shapes (scipy's betaincinv at every knot would take about 1 s)."""
    x = np.linspace(0.0, 1.0, grid + 1)
    alpha, beta = np.asarray(alpha, dtype=float)[:, None], np.asarray(beta, dtype=float)[:, None]
    density = np.exp(xlogy(alpha - 1.0, x) + xlogy(beta - 1.0, 1.0 - x))
    cdf = np.zeros_like(density)
    np.cumsum(0.5 * (density[:, 1:] + density[:, :-1]), axis=1, out=cdf[:, 1:])
    cdf /= cdf[:, -1:]
    u = np.linspace(0.0, 1.0, cells + 1)
    return np.array([np.interp(u, row, x) for row in cdf]).reshape(-1, cells + 1)


def inverse_table(alpha: np.ndarray, beta: np.ndarray, start: np.ndarray, width: np.ndarray,
                  cells: int = TABLE_CELLS) -> InverseTable:
    """The `InverseTable` of PERTs start + width * Beta(alpha, beta)."""
    knots = start[:, None] + width[:, None] * beta_quantile_knots(alpha, beta, cells)
    return InverseTable(low=np.ascontiguousarray(knots[:, :-1]).ravel(),
                        step=np.diff(knots, axis=1).ravel(), cells=cells)


def renormalise(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Divide each block of columns (blocks begin at `starts`) by its row sum: shares add to 1."""
    sums = np.add.reduceat(values, starts, axis=1)
    sizes = np.diff(np.append(starts, values.shape[1]))
    return values / np.repeat(sums, sizes, axis=1)
