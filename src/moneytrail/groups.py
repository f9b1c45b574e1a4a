"""Titles of the value chain's groups (entities.csv `groups`) for readers, read from the bundled
data package's valuechain/groups.csv (data 2.5.6) with the csv module, so any layer may use it
and start-up loads no pandas. A title names the members where the id could mislead:
'us_big_tech' is 'US hyperscalers (Amazon, Microsoft, Google)', without Nvidia;
'us_tech_giants' is 'US tech giants (Nvidia, Amazon, Microsoft, Google)'. The ids stay as they
are (scripts and stored runs use them); ValueChain.group_titles gives a loaded package's own."""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

GROUPS_FILE = Path(__file__).resolve().parent / "data" / "package" / "valuechain" / "groups.csv"
WORDS = {"us": "US", "eu": "EU", "ai": "AI", "row": "RoW"}


@functools.cache
def group_titles() -> dict[str, str]:
    """Title of every group by id, read once from the bundled valuechain/groups.csv."""
    with GROUPS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row["title"] for row in csv.DictReader(handle)}


def group_label(group: Any) -> str:
    """A group id for readers, its title in the data: 'us_tech_giants' -> 'US tech giants
    (Nvidia, Amazon, Microsoft, Google)'; an id without one in words ('new_group' -> 'New
    group')."""
    group = str(group)
    titles = group_titles()
    if group in titles:
        return titles[group]
    words = [WORDS.get(w, w) for w in group.split("_") if w]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]]) if words else group
