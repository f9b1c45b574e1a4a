"""Spending categories and cost structures that agree with each other.

A category can exclude a part that a plan buys under another category: `servers` is the rest of
an AI server, its GPUs are bought under `accelerators`. A firm selling in `servers` then cannot
pass much of that revenue on to the GPU maker, or the money would reach the GPU maker twice.
`valuechain/category_exclusions.csv` lists such exclusions (category, excluded firm, the part,
the largest input share still allowed, reason, sources); the rule below checks every cost
structure of a supplier selling in the category against it.
"""

from __future__ import annotations

import pandas as pd

from moneytrail.data.checks import Problem, line_of, parse_number, split_list
from moneytrail.data.package import DataPackage

EXCLUSIONS = "valuechain-category-exclusions"


def category_exclusions(package: DataPackage) -> pd.DataFrame:
    """The package's exclusions table (empty without one)."""
    if not package.has(EXCLUSIONS):
        return pd.DataFrame(columns=["category", "excluded", "part", "max_input_share",
                                     "reason", "sources", "note"])
    return package.table(EXCLUSIONS)


def exclusion_problems(package: DataPackage) -> list[Problem]:
    """Cost structures that pass more than the allowed share to a firm whose part the category
    they sell in excludes; and exclusions naming unknown categories, firms or sources."""
    table = category_exclusions(package)
    if table.empty:
        return []
    path = table.attrs.get("path", "?")
    markets = package.table("valuechain-markets")
    costs = package.table("valuechain-cost-structures")
    entities = set(package.table("valuechain-entities")["id"])
    categories = set(package.table("valuechain-categories")["id"])
    source_ids: set[str] = set()
    for name in package.resource_names("valuechain-sources"):
        source_ids |= set(package.table(name)["id"])
    problems: list[Problem] = []
    inputs = costs[costs["kind"] == "input"]
    central = pd.to_numeric(inputs["central"], errors="coerce")
    for i, row in table.iterrows():
        line = line_of(table, i)
        if row["category"] not in categories:
            problems.append(Problem(path, line, "category", row["category"], "unknown category"))
        if row["excluded"] not in entities:
            problems.append(Problem(path, line, "excluded", row["excluded"], "unknown entity"))
        for source in split_list(row.get("sources", "")):
            if source not in source_ids:
                problems.append(Problem(path, line, "sources", source, "unknown source id"))
        limit = parse_number(row["max_input_share"])
        if limit is None:
            problems.append(Problem(path, line, "max_input_share", row["max_input_share"],
                                    "not a number"))
            continue
        sellers = set(markets.loc[markets["category"] == row["category"], "supplier"])
        hits = inputs[inputs["entity"].isin(sellers) & (inputs["counterpart"] == row["excluded"])
                      & (central > limit + 1e-12)]
        for j, hit in hits.iterrows():
            problems.append(Problem(
                costs.attrs.get("path", "?"), line_of(costs, j), "central", hit["central"],
                f"{hit['entity']} ({hit['year']}) sells in '{row['category']}', which excludes "
                f"{row['part']} of {row['excluded']}, yet passes {float(hit['central']):.1%} of "
                f"its revenue to {row['excluded']}: more than the {limit:.1%} allowed "
                f"(valuechain/category_exclusions.csv line {line}; money would be counted twice)"))
    return problems


ACCELERATORS = "analysis-accelerators"


def accelerator_supplier_problems(package: DataPackage) -> list[Problem]:
    """An accelerator's `supplier` (analysis/accelerators.csv, optional) that is no entity of
    the value chain: the chip mix (analysis.hardware.supplier_chips) would never meet it."""
    if not package.has(ACCELERATORS) or not package.has("valuechain-entities"):
        return []
    table = package.table(ACCELERATORS)
    if "supplier" not in table.columns:
        return []
    entities = set(package.table("valuechain-entities")["id"])
    path = table.attrs.get("path", "?")
    return [Problem(path, line_of(table, i), "supplier", row["supplier"],
                    "unknown entity (an id of the value chain's entities)")
            for i, row in table.iterrows()
            if str(row["supplier"] or "") and row["supplier"] not in entities]

