"""The headline question: how much of a plan ends up with whom."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from moneytrail.engine.result import TraceResult, summarise

Selector = Callable[[pd.DataFrame, frozenset[str]], np.ndarray]


def _in_group(table: pd.DataFrame, group: str) -> np.ndarray:
    return table["groups"].map(lambda groups: group in groups).to_numpy(bool)


HEADLINES: list[tuple[str, Selector]] = [
    ("Nvidia", lambda t, eu: (t["entity"] == "nvidia").to_numpy()),
    ("US hyperscalers (Amazon, Microsoft, Google)",
     lambda t, eu: _in_group(t, "us_big_tech")),
    ("Other US-owned firms",
     lambda t, eu: ((t["kind"] == "firm") & (t["entity_owner"] == "US")
                    & (t["entity"] != "nvidia")).to_numpy() & ~_in_group(t, "us_big_tech")),
    ("Value added in Taiwan", lambda t, eu: (t["country"] == "TW").to_numpy()),
    ("Value added in Korea", lambda t, eu: (t["country"] == "KR").to_numpy()),
    ("Value added in the Netherlands", lambda t, eu: (t["country"] == "NL").to_numpy()),
    ("EU-owned firms", lambda t, eu: ((t["kind"] == "firm")
                                      & t["entity_owner"].isin(eu)).to_numpy()),
    ("EU workers (wages earned in the EU)",
     lambda t, eu: ((t["factor"] == "labour") & t["country"].isin(eu)).to_numpy()),
    ("Wages, all countries", lambda t, eu: (t["factor"] == "labour").to_numpy()),
    ("Profits and depreciation (capital)", lambda t, eu: (t["factor"] == "capital").to_numpy()),
    ("Taxes", lambda t, eu: (t["factor"] == "tax").to_numpy()),
]


def headline(result: TraceResult) -> pd.DataFrame:
    """One row per headline question, amount and share with mean / p5 / p50 / p95."""
    table = result.flow_labels
    eu = result.model.eu_members
    values = np.column_stack([result.select(select(table, eu)) for _, select in HEADLINES])
    out = summarise(values, result.draw_totals, [name for name, _ in HEADLINES])
    out.index.name = "where the money ends up"
    return out
