"""Per-draw values -> mean / p5 / p50 / p95, and draws of sourced intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from moneytrail.engine import streams
from moneytrail.engine.sampling import PertSampler

STATS = ("mean", "p5", "p50", "p95")

# Verdict cut-offs on P(bound holds) over draws, kept in one place (docs/methods.md, Analyses).
# A policy condition is a requirement a plan must meet in practice: "met" needs 95 % of draws.
# A claim of the debate is weighed on evidence given as 90 % intervals: "supported" needs 90 %.
CONDITION_CUTOFFS = (0.95, 0.05)
CLAIM_CUTOFFS = (0.90, 0.10)


def probability(ok: np.ndarray) -> float:
    """Share of draws where a bound holds, over the draws where the metric is defined
    (1.0 / 0.0 / NaN per draw); NaN when it is defined in none."""
    ok = np.asarray(ok, dtype=float)
    defined = ~np.isnan(ok)
    return float(ok[defined].mean()) if defined.any() else float("nan")


def describe(values: np.ndarray) -> dict[str, float]:
    """Mean and percentiles of one per-draw metric (NaN draws ignored)."""
    values = np.asarray(values, dtype=float)
    if values.size == 0 or np.all(np.isnan(values)):
        return dict.fromkeys(STATS, float("nan"))
    p5, p50, p95 = np.nanpercentile(values, [5, 50, 95])
    return {"mean": float(np.nanmean(values)), "p5": float(p5), "p50": float(p50),
            "p95": float(p95)}


def describe_frame(metrics: dict[str, np.ndarray], index_name: str = "metric") -> pd.DataFrame:
    out = pd.DataFrame({name: describe(v) for name, v in metrics.items()}).T
    out.index.name = index_name
    return out


@dataclass(frozen=True)
class Stream:
    """A named stream of `moneytrail.engine.streams` for one seed, with a key prefix.

    Every draw comes block by block (`streams.draw_blocks`), so the values of draw d depend
    only on (seed, name, key, d): analyses are chunk-invariant. Two quantities drawn by one
    consumer take distinct key parts (`at(k)`), so no two quantities share numbers.
    """

    seed: int
    name: str
    key: tuple[int, ...] = ()

    def at(self, *key: int) -> Stream:
        """The same stream with `key` appended to its key."""
        return Stream(self.seed, self.name, (*self.key, *key))

    def draw(self, sample: Callable[[np.random.Generator, int], np.ndarray], draws: int
             ) -> np.ndarray:
        """`sample(rng, size)` over the seed blocks of `draws` draws, shape (draws, ...)."""
        return streams.draw_blocks(self.seed, self.name, draws, sample, *self.key)

    def pert(self, sampler: PertSampler, draws: int) -> np.ndarray:
        """`sampler`'s draws, shape (draws, parameters)."""
        return self.draw(sampler.draw, draws)


def draw_interval(interval: tuple[float, float, float], stream: Stream, draws: int,
                  *, lower: float = -np.inf, upper: float = np.inf) -> np.ndarray:
    """PERT draws of one sourced (low, central, high) interval, like the trace's parameters,
    from `stream` (shape (draws,))."""
    low, central, high = interval
    sampler = PertSampler([low], [central], [high], lower=lower, upper=upper)
    return stream.pert(sampler, draws)[:, 0]


# how many draws a figure rests on: moneytrail.draws (light, for the CLI's start-up)

