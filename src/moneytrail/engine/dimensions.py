"""The dimensions a trace is summarised by, as 0/1 matrices over the model's value-added flows.

A trace produces, per draw, the value added of every flow (an entity's wages, profits or taxes
in one country). Every breakdown a user reads is a linear map of those flows: by entity, by
country where value is added (location), by owner country (where it accrues), by group, by
factor (labour, capital, tax) and the headline questions. `Dimension.matrix` (flows x labels)
turns per-draw flows (draws x flows) into per-draw amounts (draws x labels) by one product, so
the same summaries can be reduced on a worker, chunk by chunk. Groups overlap, so group amounts
need not add up to the total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

Selector = Callable[[pd.DataFrame, frozenset[str]], np.ndarray]

FLOW_DIMENSIONS = ("entity", "country", "owner_country", "group", "factor", "headline",
                   "country_factor", "owner_country_factor")
PAIRS = {"country_factor": ("country", "factor"),
         "owner_country_factor": ("owner_country", "factor")}   # labels "DE / labour"

# What the ownership view (`owner_country`) counts, in words for every place it is shown (the
# run page's table, chart and toggle, the briefing, the terminal): all value added, not
# profits alone. Profits (with depreciation) count in the country of the firm's owners; wages
# and taxes stay where they are paid (model.builder), as in the location view.
OWNERSHIP_TITLE = "Value added by country, profits counted in the owners' country (ownership)"
OWNERSHIP_NOTE = ("Ownership: all value added, not profits alone. Wages and taxes count in the "
                  "country where they are paid, as by location; profits (with depreciation) "
                  "count in the country where the firm's owners sit.")


def _in_group(table: pd.DataFrame, group: str) -> np.ndarray:
    return table["groups"].map(lambda groups: group in groups).to_numpy(bool)


# The row of the firms the data name one by one and whose owners are in the EU. EU sectors the
# data do not split by firm (EU construction, EU services, ...) are not in it: the row is a part
# of the EU's value added, so its label and note say "named" (runs stored before called it
# "EU-owned firms": HEADLINE_RENAMED).
NAMED_EU_FIRMS = "Named EU-owned firms"
HEADLINE_RENAMED = {"EU-owned firms": NAMED_EU_FIRMS}
# What a headline row counts where its label alone could be misread: shown under every table,
# chart and list of the headline rows (web pages, briefings) and in docs/methods.md.
HEADLINE_NOTES = {
    NAMED_EU_FIRMS: (
        "Named EU-owned firms: the value added of the firms named in the data whose owners "
        "are in the EU, wherever they work. EU construction and services and the other EU "
        "sectors the data do not split by firm are not in this row: the country tables give "
        "them as \u201cEU, not split by member state\u201d, and all value added in the EU "
        "is the scorecard's \u201cEU value added (location)\u201d."),
}


def headline_label(label: str) -> str:
    """A headline row's label as shown now: a run stored before a row was renamed keeps its
    label (a stored run never changes), and pages and briefings show it by its new name."""
    return HEADLINE_RENAMED.get(label, label)


def headline_notes(labels: Iterable[str]) -> list[str]:
    """The notes (HEADLINE_NOTES) of the headline rows among `labels` (old or new labels)."""
    shown = {headline_label(str(label)) for label in labels}
    return [note for label, note in HEADLINE_NOTES.items() if label in shown]


# The headline questions: (row label, selector over the flow table and the EU member codes).
HEADLINES: list[tuple[str, Selector]] = [
    ("Nvidia", lambda t, eu: (t["entity"] == "nvidia").to_numpy()),
    ("US hyperscalers (Amazon, Microsoft, Google)",
     lambda t, eu: _in_group(t, "us_big_tech")),
    ("Other US-owned firms",
     lambda t, eu: ((t["kind"] == "firm") & (t["entity_owner"] == "US")
                    & (t["entity"] != "nvidia")).to_numpy() & ~_in_group(t, "us_big_tech")),
    ("Value added in Taiwan", lambda t, eu: (t["country"] == "TW").to_numpy()),
    ("Value added in South Korea", lambda t, eu: (t["country"] == "KR").to_numpy()),
    ("Value added in the Netherlands", lambda t, eu: (t["country"] == "NL").to_numpy()),
    (NAMED_EU_FIRMS, lambda t, eu: ((t["kind"] == "firm")
                                    & t["entity_owner"].isin(eu)).to_numpy()),
    ("EU workers (wages earned in the EU)",
     lambda t, eu: ((t["factor"] == "labour") & t["country"].isin(eu)).to_numpy()),
    ("Wages, all countries", lambda t, eu: (t["factor"] == "labour").to_numpy()),
    ("Profits and depreciation (capital)", lambda t, eu: (t["factor"] == "capital").to_numpy()),
    ("Taxes", lambda t, eu: (t["factor"] == "tax").to_numpy()),
]
HEADLINE_INDEX = "where the money ends up"


@dataclass(frozen=True, eq=False)
class Dimension:
    """A breakdown: `matrix` (flows, labels) of 0/1 weights and the labels of its columns."""

    name: str
    labels: tuple[str, ...]
    matrix: np.ndarray
    ordered: bool = False        # True: keep the label order (headline); else sort by amount


def flow_dimension(table: pd.DataFrame, name: str, eu: frozenset[str]) -> Dimension:
    """The matrix of one dimension over the flow table of a model (`IOModel.flow_table()`)."""
    n = len(table)
    if name == "headline":
        columns = [np.asarray(select(table, eu), dtype=float) for _, select in HEADLINES]
        matrix = np.column_stack(columns) if columns else np.zeros((n, 0))
        return Dimension(name, tuple(label for label, _ in HEADLINES), matrix, ordered=True)
    if name == "group":
        pairs = [(i, g) for i, groups in enumerate(table["groups"]) for g in groups]
        names = sorted({g for _, g in pairs})
        position = {g: k for k, g in enumerate(names)}
        matrix = np.zeros((n, len(names)))
        for i, g in pairs:
            matrix[i, position[g]] = 1.0
        return Dimension(name, tuple(names), matrix)
    if name not in FLOW_DIMENSIONS:
        raise ValueError(f"unknown flow dimension {name!r}")
    if name in PAIRS:
        first, second = PAIRS[name]
        keys = table[first].astype(str) + " / " + table[second].astype(str)
    else:
        keys = table[name].astype(str)
    codes, uniques = pd.factorize(keys, sort=True)
    matrix = np.zeros((n, len(uniques)))
    matrix[np.arange(n), codes] = 1.0
    return Dimension(name, tuple(str(label) for label in uniques), matrix)


def flow_dimensions(table: pd.DataFrame, eu: frozenset[str]) -> dict[str, Dimension]:
    """Every flow dimension of a model, by name."""
    return {name: flow_dimension(table, name, eu) for name in FLOW_DIMENSIONS}


def tier_labels(tiers: int) -> tuple[str, ...]:
    """Names of the tier columns: first invoice, their suppliers, tier 3.. and the rest."""
    names = ["tier 1: first invoice", "tier 2: their suppliers"] + [
        f"tier {k + 1}" for k in range(2, tiers)] + [f"tiers {tiers + 1}+ (rest)"]
    if tiers == 1:
        names = ["tier 1: first invoice", "tiers 2+ (rest)"]
    return tuple(names[: tiers + 1])
