"""The headline question: how much of a plan ends up with whom (rows: `engine.dimensions`)."""

from __future__ import annotations

import pandas as pd

from moneytrail.engine.dimensions import HEADLINES
from moneytrail.engine.result import TraceResult

__all__ = ["HEADLINES", "headline"]


def headline(result: TraceResult) -> pd.DataFrame:
    """One row per headline question, amount and share with mean / p5 / p50 / p95."""
    return result.by("headline")
