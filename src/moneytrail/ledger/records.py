"""The record kinds of the ledger as plain string rows, exactly as in the CSV files.

The store, the importer, the exporter and the validator all speak this one representation:
a record is a `dict[str, str]` with the CSV columns of its kind, numbers written canonically.
Keeping it free of SQLAlchemy lets `import moneytrail.ledger` stay light.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass

from moneytrail.data.checks import read_float, rounds_to_zero
from moneytrail.data.checks import split_list as split_list  # the package-wide list rule

STAGES = ("announced", "committed", "disbursed")
SECTORS = ("public", "private", "mixed")
# what a deal's amounts are: money promised (counted in totals; empty means pledge), or not a
# pledge and left out of totals unless asked for: an estimate of what is needed (e.g. the Draghi
# report), an investment a programme is expected to generate or mobilise (`expectation`), or a
# disclosed cost of finished work (`cost`, e.g. a training run)
DEAL_KINDS = ("pledge", "need", "expectation", "cost")
NOT_PLEDGES = ("need", "expectation", "cost")
# what an amount is, as fields of the data (not the wording of notes; docs/data-format.md):
# a claim's `basis`, whether its amount is a total or a yearly figure (empty means total), and
# a deal's `scope`, whether its money is for AI alone or covers more (semiconductors,
# decarbonisation, a firm's whole capital expenditure; empty means ai_only). The ledger shows
# them beside the announced amount (queries.qualifier: 'per year', 'not AI alone').
BASES = ("total", "per_year")
SCOPES = ("ai_only", "not_ai_only")
WHOLE_CAPEX = "capex"       # the purpose of a firm's whole capital expenditure programme


@dataclass(frozen=True)
class Kind:
    """One record kind: its CSV file inside a data package, columns and key."""

    name: str
    resource: str
    path: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    numbers: tuple[str, ...] = ()
    integers: tuple[str, ...] = ()


SOURCE_COLUMNS = ("id", "publisher", "title", "url", "published", "accessed", "reliability",
                  "note", "primary_ref", "title_lang")
KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("source", "ledger-sources", "ledger/sources.csv", SOURCE_COLUMNS, ("id",)),
    Kind("deal", "ledger-deals", "ledger/deals.csv",
         ("id", "name", "kind", "region", "sector", "purpose", "announcer", "announced",
          "horizon_end", "part_of", "overlaps", "description", "sources", "note", "scope"),
         ("id",)),
    Kind("claim", "ledger-claims", "ledger/claims.csv",
         ("ref", "deal", "stage", "low", "central", "high", "currency", "price_year", "as_of",
          "source", "supersedes", "note", "basis"), ("ref",),
         numbers=("low", "central", "high"), integers=("price_year",)),
    Kind("fx", "macro-fx", "macro/fx.csv",
         ("year", "currency", "units_per_eur", "source", "note"), ("year", "currency"),
         numbers=("units_per_eur",), integers=("year",)),
    Kind("deflator", "macro-deflators", "macro/deflators.csv",
         ("series", "year", "index", "base", "source", "note"), ("series", "year"),
         numbers=("index",), integers=("year",)),
    Kind("population", "macro-population", "macro/population.csv",
         ("country", "year", "value", "source", "note"), ("country", "year"),
         numbers=("value",), integers=("year",)),
    Kind("gdp", "macro-gdp", "macro/gdp.csv",
         ("country", "year", "value", "currency", "source", "note"), ("country", "year"),
         numbers=("value",), integers=("year",)),
)}
MACRO_SOURCES = Kind("source", "macro-sources", "macro/sources.csv", SOURCE_COLUMNS, ("id",))
# claim fields that make up its identity: two rows equal on these are the same claim
CLAIM_KEY_FIELDS = ("deal", "stage", "low", "central", "high", "currency", "price_year", "as_of",
                    "source")

Record = dict[str, str]


def format_number(value: float) -> str:
    """Shortest text that reads back as the same float; integers without '.0'."""
    if math.isfinite(value) and value == int(value) and abs(value) < 1e17:
        return str(int(value))
    return repr(float(value))


def typed_record(kind: Kind, record: Mapping[str, str]) -> dict[str, object]:
    """A stored record with its numbers as numbers, as the HTTP API reads and writes them.

    Number columns (`kind.numbers`, e.g. a claim's low/central/high) become an int when their
    canonical text is a whole number (exact at any size JSON parsers keep as integers: an
    amount is at most 1e15), else the float the text was written from (`format_number`
    writes the shortest text that reads back as that float, so nothing is rounded); integer
    columns (`kind.integers`), `revision` and `seq` become ints; an empty number cell becomes
    None (JSON null, which an edit takes to clear the cell). Text that is not a number (only a
    record stored before the validator refused it) stays text. Other columns are unchanged."""
    out: dict[str, object] = dict(record)
    for column, text in record.items():
        if column not in kind.numbers and column not in kind.integers \
                and column not in ("revision", "seq"):
            continue
        text = str(text).strip()
        if not text:
            out[column] = None
            continue
        try:
            number = float(text)
        except ValueError:
            continue
        if not math.isfinite(number):
            continue
        if column in kind.numbers and not number.is_integer():
            out[column] = number
        else:
            try:
                out[column] = int(text)
            except ValueError:
                out[column] = int(number) if number.is_integer() else number
    return out


def canonical(kind: Kind, row: Mapping) -> Record:
    """A row with every column as stripped text and numbers written canonically.

    Text that is not a number is kept as it is, so the validator can name it: besides words,
    what Python's float reads but a cell never means ('1_000', '１０', 'inf'; data.checks.
    read_float), a number too large for a float ('1e400') and a non-zero one too small for
    it ('1e-400', which would be stored as 0).
    """
    out: Record = {}
    for column in kind.columns:
        value = row.get(column)
        text = "" if value is None or (isinstance(value, float) and math.isnan(value)) \
            else str(value).strip()
        if column in kind.numbers or column in kind.integers:
            number = read_float(text)
            if number is not None and math.isfinite(number) and not rounds_to_zero(text):
                text = format_number(number)
        out[column] = text
    return out


def key_of(kind: Kind, record: Mapping) -> str:
    """Readable key of a record, e.g. 'stargate_us_announced' or '2025/USD'."""
    return "/".join(str(record[k]) for k in kind.key)


def claim_id(record: dict) -> str:
    """Content hash of a claim's key fields: the same sourced number always gets the same id."""
    claim = canonical(KINDS["claim"], record)
    text = "\x1f".join(claim[f] for f in CLAIM_KEY_FIELDS)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
