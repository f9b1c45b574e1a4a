"""The headline question: how much of a plan ends up with whom (rows: `engine.dimensions`)."""

from __future__ import annotations

import pandas as pd

from moneytrail.engine.dimensions import HEADLINES
from moneytrail.engine.result import TraceResult

__all__ = ["HEADLINES", "headline"]


def headline(result: TraceResult) -> pd.DataFrame:
    """Returns the headline table of a trace (`result.by("headline")`): one row per headline
    question (Nvidia, US hyperscalers, value added in Taiwan, EU workers, wages, profits,
    taxes, ...; index named "where the money ends up", in a fixed order; rows overlap, so
    they need not add up), with columns `amount_mean/p5/p50/p95` in `result.currency` and
    `share_mean/p5/p50/p95` as 0-1 of each draw's total. `result`: a TraceResult of
    `mt.trace`. On a model without the bundled data's firms and groups (a pymrio table) the
    rows are there with amounts of 0. Raises nothing of its own."""
    return result.by("headline")
