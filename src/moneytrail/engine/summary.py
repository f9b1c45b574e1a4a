"""Mergeable summaries of per-draw values: reduced where the draws are computed.

A chunk of draws (on a Dask worker or locally) is reduced to a `Columns` summary per output
table: the exact count, sum (so the mean is exact), minimum and maximum of every column, plus a
t-digest per column (fastdigest, a Rust t-digest) for the percentiles. Summaries of chunks merge
in any order, so the client never holds all draws. With at most 2,000 centroids the digests
give the 5th, 50th and 95th percentiles within 0.1 % of the 90 % interval's width of the exact
values (tested at 100,000 draws); means, minima, maxima and the conservation check stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

CENTROIDS = 2000            # t-digest size: accuracy of the percentiles (see the module doc)
PERCENTILES = (5.0, 50.0, 95.0)
STATS = ("mean", "p5", "p50", "p95")
EXACT_DRAWS = 20_000        # up to this many draws in all, summaries keep exact values


def _digests(values: np.ndarray) -> list:
    """One t-digest per column. The columns are sorted here first, all at once (numpy): the
    digest sorts its input again, which on sorted input is one linear pass, so this costs about
    a third of handing it unsorted columns, and gives the same digests (same centroids)."""
    from fastdigest import TDigest

    columns = np.ascontiguousarray(values.T)      # one row per column
    columns.sort(axis=1)
    return [TDigest.from_values(row, max_centroids=CENTROIDS) for row in columns]


@dataclass(eq=False)
class Columns:
    """Summary of a (draws, columns) array of per-draw values; combine with `merge`."""

    count: int
    total: np.ndarray           # sum over draws, per column
    low: np.ndarray             # minimum per column
    high: np.ndarray            # maximum per column
    digests: list = field(default_factory=list)
    values: np.ndarray | None = None    # (count, columns) per-draw values, if kept (exact)

    @classmethod
    def of(cls, values: np.ndarray, *, digests: bool = True, exact: bool = False) -> Columns:
        """Summary of per-draw values (draws, columns); `digests=False` keeps only the count,
        sum and extremes (means, no percentiles); `exact=True` keeps the values themselves
        (exact percentiles, no digests)."""
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError("per-draw values must be (draws, columns)")
        if values.shape[0] == 0:
            raise ValueError("a summary needs at least one draw")
        kept = np.array(values, order="C") if exact and digests else None
        return cls(count=values.shape[0], total=values.sum(axis=0), low=values.min(axis=0),
                   high=values.max(axis=0),
                   digests=_digests(values) if digests and not exact else [], values=kept)

    def merge(self, other: Columns) -> Columns:
        """This summary and `other` (of the same columns) together (kept values are
        concatenated, this summary's first)."""
        if self.total.shape != other.total.shape:
            raise ValueError("cannot merge summaries of different columns")
        if (self.values is None) != (other.values is None):
            raise ValueError("cannot merge a summary with exact values and one with digests")
        digests = [a.merge(b) for a, b in zip(self.digests, other.digests, strict=True)]
        values = None if self.values is None or other.values is None else \
            np.concatenate([self.values, other.values])
        return Columns(count=self.count + other.count, total=self.total + other.total,
                       low=np.minimum(self.low, other.low),
                       high=np.maximum(self.high, other.high), digests=digests, values=values)

    @property
    def width(self) -> int:
        return int(self.total.shape[0])

    @property
    def mean(self) -> np.ndarray:
        return self.total / self.count

    def percentile(self, q: float) -> np.ndarray:
        """The q-th percentile (0-100) of every column, clipped to the exact min and max
        (exact when the values are kept)."""
        if self.values is not None:
            return np.percentile(self.values, q, axis=0)
        if len(self.digests) != self.width:
            raise ValueError("this summary keeps means only, no percentiles")
        values = np.array([d.quantile(q / 100.0) for d in self.digests], dtype=float)
        return np.clip(values, self.low, self.high)

    def stats(self) -> dict[str, np.ndarray]:
        """mean, p5, p50, p95 per column."""
        out = {"mean": self.mean}
        if self.values is not None:
            exact = np.percentile(self.values, PERCENTILES, axis=0)
            out.update({f"p{q:g}": row for q, row in zip(PERCENTILES, exact, strict=True)})
            return out
        for q in PERCENTILES:
            out[f"p{q:g}"] = self.percentile(q)
        return out

    def to_dict(self) -> dict:
        """Plain data (for storage next to a run): counts, sums, extremes and digests (or the
        kept values)."""
        out = {"count": self.count, "total": self.total.tolist(), "low": self.low.tolist(),
               "high": self.high.tolist(), "digests": [d.to_dict() for d in self.digests]}
        if self.values is not None:
            out["values"] = self.values.tolist()
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Columns:
        from fastdigest import TDigest

        return cls(count=int(data["count"]), total=np.asarray(data["total"], dtype=float),
                   low=np.asarray(data["low"], dtype=float),
                   high=np.asarray(data["high"], dtype=float),
                   digests=[TDigest.from_dict(d) for d in data["digests"]],
                   values=None if data.get("values") is None else
                   np.asarray(data["values"], dtype=float).reshape(int(data["count"]), -1))


def merge_all(parts: list[Columns]) -> Columns:
    out = parts[0]
    for part in parts[1:]:
        out = out.merge(part)
    return out


def exact_stats(values: np.ndarray) -> dict[str, np.ndarray]:
    """mean, p5, p50, p95 of per-draw values (draws, columns), computed exactly."""
    values = np.asarray(values, dtype=float)
    p5, p50, p95 = np.percentile(values, PERCENTILES, axis=0)
    return {"mean": values.mean(axis=0), "p5": p5, "p50": p50, "p95": p95}
