"""Rules for ledger and macro rows, shared by `moneytrail validate` and every ledger write.

The rules run on the whole state a write would produce (store plus incoming rows), so a refused
write names the offending row and field and the store is never left inconsistent.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

import pandas as pd

from moneytrail.data.checks import RELIABILITY, Problem
from moneytrail.data.package import DataPackage, open_package
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.money import DEFLATOR_OF
from moneytrail.ledger.records import (
    KINDS,
    MACRO_SOURCES,
    SECTORS,
    STAGES,
    Kind,
    canonical,
    claim_id,
    key_of,
    split_list,
)

DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
SLUG_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
REGION_RE = re.compile(r"^[A-Z]{2,3}$")
REQUIRED = {
    "source": ("id", "publisher", "title", "accessed", "reliability"),
    "deal": ("id", "name", "region", "sector", "purpose", "announced"),
    "claim": ("ref", "deal", "stage", "low", "central", "high", "currency", "price_year",
              "as_of", "source"),
    "fx": ("year", "currency", "units_per_eur", "source"),
    "deflator": ("series", "year", "index", "source"),
    "population": ("country", "year", "value", "source"),
    "gdp": ("country", "year", "value", "currency", "source"),
}

Row = dict[str, object]          # canonical record plus '_file', '_line' (and '_section')
Tables = dict[str, list[Row]]


def where(row: Row) -> tuple[str, int | None]:
    return str(row.get("_file", "?")), row.get("_line")  # type: ignore[return-value]


def problem(row: Row, field: str | None, value: object, message: str) -> Problem:
    return Problem(*where(row), field, value, message)


def first_day(text: str) -> dt.date | None:
    """Earliest day a date of year, month or day precision can mean; None if malformed."""
    match = DATE_RE.match(text)
    if not match:
        return None
    year, month, day = (int(g) if g else 1 for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_problems(row: Row, column: str, today: dt.date, *, future: bool) -> list[Problem]:
    text = str(row.get(column, ""))
    if not text:
        return []
    day = first_day(text)
    if day is None:
        return [problem(row, column, text, "not a date (YYYY, YYYY-MM or YYYY-MM-DD)")]
    if not future and day > today:
        return [problem(row, column, text, f"date is in the future (today is {today})")]
    return []


def number(text: object) -> float | None:
    try:
        value = float(str(text))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def basic_problems(kind: Kind, rows: list[Row]) -> list[Problem]:
    """Required cells, number and integer columns, duplicate keys."""
    problems: list[Problem] = []
    seen: dict[str, Row] = {}
    for row in rows:
        for column in REQUIRED[kind.name]:
            if not row.get(column):
                problems.append(problem(row, column, "", "required value is missing"))
        for column in kind.numbers:
            if row.get(column) and number(row[column]) is None:
                problems.append(problem(row, column, row[column], "not a number"))
        for column in kind.integers:
            if row.get(column) and not re.fullmatch(r"\d{4}", str(row[column])):
                problems.append(problem(row, column, row[column], "not a year"))
        key = key_of(kind, row)
        if key in seen:
            first = "{}:{}".format(*where(seen[key])) if seen[key].get("_line") else \
                where(seen[key])[0]
            label = "+".join(kind.key)
            problems.append(problem(row, label, key, f"duplicate {label} (first at {first})"))
        else:
            seen[key] = row
    return problems


def source_problems(rows: list[Row], today: dt.date) -> list[Problem]:
    problems = basic_problems(KINDS["source"], rows)
    for row in rows:
        if row["id"] and not SLUG_RE.match(str(row["id"])):
            problems.append(problem(row, "id", row["id"], "ids use letters, digits and _ only"))
        reliability = row["reliability"]
        if reliability and reliability not in RELIABILITY:
            problems.append(problem(row, "reliability", reliability,
                                    f"must be one of {', '.join(RELIABILITY)}"))
        elif reliability == "assumption" and not row["note"]:
            problems.append(problem(row, "note", "", "an assumption must explain itself"))
        elif reliability and reliability != "assumption" and \
                not str(row["url"]).startswith(("http://", "https://")):
            problems.append(problem(row, "url", row["url"],
                                    "a source needs a URL (or reliability=assumption)"))
        for column in ("published", "accessed"):
            problems += date_problems(row, column, today, future=False)
    return problems


def deal_problems(rows: list[Row], source_ids: set[str], today: dt.date) -> list[Problem]:
    problems = basic_problems(KINDS["deal"], rows)
    ids = {str(row["id"]) for row in rows}
    parent = {str(row["id"]): str(row["part_of"]) for row in rows if row["part_of"]}
    for row in rows:
        if row["id"] and not SLUG_RE.match(str(row["id"])):
            problems.append(problem(row, "id", row["id"], "ids use letters, digits and _ only"))
        if row["sector"] and row["sector"] not in SECTORS:
            problems.append(problem(row, "sector", row["sector"],
                                    f"must be one of {', '.join(SECTORS)}"))
        if row["region"] and not REGION_RE.match(str(row["region"])):
            problems.append(problem(row, "region", row["region"],
                                    "not a country code (ISO alpha-2, EU or ROW)"))
        problems += date_problems(row, "announced", today, future=False)
        problems += date_problems(row, "horizon_end", today, future=True)
        cited = split_list(str(row["sources"]))
        if not cited:
            problems.append(problem(row, "sources", "", "no source cited"))
        for source in cited:
            if source not in source_ids:
                problems.append(problem(row, "sources", source, "unknown source id"))
        part_of = str(row["part_of"])
        if part_of:
            if part_of == row["id"]:
                problems.append(problem(row, "part_of", part_of, "a deal cannot be part of "
                                        "itself"))
            elif part_of not in ids:
                problems.append(problem(row, "part_of", part_of, "unknown deal (dangling "
                                        "part_of link)"))
            else:
                node, steps = part_of, 0
                while node in parent and steps <= len(parent):
                    node, steps = parent[node], steps + 1
                    if node == row["id"]:
                        problems.append(problem(row, "part_of", part_of,
                                                "part_of links form a cycle"))
                        break
    return problems


def claim_problems(rows: list[Row], deal_ids: set[str], source_ids: set[str],
                   rates: set[tuple[str, str]], currencies: set[str],
                   indices: set[tuple[str, str]], today: dt.date) -> list[Problem]:
    problems = basic_problems(KINDS["claim"], rows)
    refs = {str(row["ref"]): row for row in rows}
    ids: dict[str, Row] = {}
    for row in rows:
        if row["ref"] and not SLUG_RE.match(str(row["ref"])):
            problems.append(problem(row, "ref", row["ref"], "refs use letters, digits and _ "
                                    "only"))
        if row["deal"] and row["deal"] not in deal_ids:
            problems.append(problem(row, "deal", row["deal"], "unknown deal"))
        if row["stage"] and row["stage"] not in STAGES:
            problems.append(problem(row, "stage", row["stage"],
                                    f"must be one of {', '.join(STAGES)}"))
        values = {c: number(row[c]) for c in ("low", "central", "high")}
        for column, value in values.items():
            if value is not None and value < 0:
                problems.append(problem(row, column, row[column], "negative amount"))
        if None not in values.values() and \
                not values["low"] <= values["central"] <= values["high"]:
            problems.append(problem(row, "low/central/high",
                                    f"{row['low']}/{row['central']}/{row['high']}",
                                    "must satisfy low <= central <= high"))
        currency, year = str(row["currency"]), str(row["price_year"])
        if currency and (not CURRENCY_RE.match(currency) or currency not in currencies):
            problems.append(problem(row, "currency", currency,
                                    "unknown currency (no FX series in macro/fx.csv)"))
        elif currency and year and currency != "EUR" and (currency, year) not in rates:
            problems.append(problem(row, "price_year", year,
                                    f"no FX rate for {currency} in {year} (macro/fx.csv)"))
        missing = [s for s in DEFLATOR_OF.values() if year and (s, year) not in indices]
        if missing:
            problems.append(problem(row, "price_year", year,
                                    f"no deflator for {year} ({', '.join(missing)} in "
                                    "macro/deflators.csv), so the amount cannot be "
                                    "compared across years"))
        problems += date_problems(row, "as_of", today, future=False)
        if row["source"] and row["source"] not in source_ids:
            problems.append(problem(row, "source", row["source"], "unknown source id"))
        supersedes = str(row["supersedes"])
        if supersedes:
            if supersedes not in refs:
                problems.append(problem(row, "supersedes", supersedes,
                                        "unknown claim ref (dangling supersedes link)"))
            elif supersedes == row["ref"]:
                problems.append(problem(row, "supersedes", supersedes,
                                        "a claim cannot supersede itself"))
            elif refs[supersedes]["deal"] != row["deal"]:
                problems.append(problem(row, "supersedes", supersedes,
                                        "supersedes a claim of another deal"))
        if not any(p.field in REQUIRED["claim"] + ("low/central/high",)
                   and where(row) == (p.file, p.line) for p in problems):
            cid = claim_id(row)
            if cid in ids and ids[cid]["ref"] != row["ref"]:
                problems.append(problem(row, "ref", row["ref"],
                                        f"same claim (deal, stage, amounts, currency, price "
                                        f"year, as_of, source) as ref '{ids[cid]['ref']}'"))
            ids.setdefault(cid, row)
    return problems


def series_problems(tables: Tables, source_ids: set[str], currencies: set[str],
                    rates: set[tuple[str, str]]) -> list[Problem]:
    problems: list[Problem] = []
    for name in ("fx", "deflator", "population", "gdp"):
        kind = KINDS[name]
        rows = tables.get(name, [])
        problems += basic_problems(kind, rows)
        for row in rows:
            value_column = kind.numbers[0]
            value = number(row[value_column])
            if value is not None and value <= 0:
                problems.append(problem(row, value_column, row[value_column], "must be > 0"))
            if row["source"] and row["source"] not in source_ids:
                problems.append(problem(row, "source", row["source"], "unknown source id"))
            if name == "fx":
                if row["currency"] == "EUR" or not CURRENCY_RE.match(str(row["currency"])):
                    problems.append(problem(row, "currency", row["currency"],
                                            "not a currency code (other than EUR)"))
            elif name == "deflator" and row["series"] not in DEFLATOR_OF.values():
                problems.append(problem(row, "series", row["series"],
                                        f"unknown series (use {', '.join(DEFLATOR_OF.values())})"))
            elif name == "gdp":
                currency, year = str(row["currency"]), str(row["year"])
                if currency not in currencies:
                    problems.append(problem(row, "currency", currency, "unknown currency"))
                elif currency != "EUR" and (currency, year) not in rates:
                    problems.append(problem(row, "year", year,
                                            f"no FX rate for {currency} in {year}"))
    return problems


def table_problems(tables: Tables, today: dt.date | None = None) -> list[Problem]:
    """Every ledger rule over a complete set of ledger and macro rows."""
    today = today or dt.date.today()
    sources = tables.get("source", [])
    source_ids = {str(row["id"]) for row in sources}
    fx = tables.get("fx", [])
    rates = {(str(r["currency"]), str(r["year"])) for r in fx}
    currencies = {"EUR"} | {str(r["currency"]) for r in fx}
    indices = {(str(r["series"]), str(r["year"])) for r in tables.get("deflator", [])}
    deals = tables.get("deal", [])
    problems = source_problems(sources, today)
    problems += deal_problems(deals, source_ids, today)
    problems += claim_problems(tables.get("claim", []), {str(r["id"]) for r in deals},
                               source_ids, rates, currencies, indices, today)
    problems += series_problems(tables, source_ids, currencies, rates)
    return problems


def frame_rows(kind: Kind, frame: pd.DataFrame, *, section: str | None = None
               ) -> tuple[list[Row], list[Problem]]:
    """CSV rows as canonical records located at file:line; column problems separately."""
    path = str(frame.attrs.get("path", kind.path))
    problems = [Problem(path, 1, c, None, "required column is missing")
                for c in REQUIRED[kind.name] if c not in frame.columns]
    problems += [Problem(path, 1, c, None, "unknown column (the ledger would drop it)")
                 for c in frame.columns if c not in kind.columns]
    rows: list[Row] = []
    for index, record in enumerate(frame.to_dict("records")):
        row: Row = dict(canonical(kind, record))
        row["_file"], row["_line"] = path, index + 2
        if section:
            row["_section"] = section
        rows.append(row)
    return rows, problems


def read_package_rows(package: DataPackage) -> tuple[Tables, list[Problem]]:
    """The ledger and macro rows of a data package (only the resources it has)."""
    tables: Tables = {}
    problems: list[Problem] = []
    resources = [(MACRO_SOURCES if name.startswith("macro") else KINDS["source"], name,
                   name.split("-")[0])
                  for name in package.resource_names() if name.startswith(("ledger-sources",
                                                                            "macro-sources"))]
    resources += [(kind, kind.resource, None) for kind in KINDS.values() if kind.name != "source"]
    for kind, resource, section in resources:
        if not package.has(resource):
            continue
        try:
            frame = package.table(resource)
        except MoneytrailError as exc:
            problems.append(Problem(exc.file or resource, None, exc.field, exc.value,
                                    exc.detail))
            continue
        rows, column_problems = frame_rows(kind, frame, section=section)
        problems += column_problems
        if not column_problems:
            tables.setdefault(kind.name, []).extend(rows)
    return tables, problems


def with_bundled_macro(tables: Tables, package: DataPackage) -> Tables:
    """A package without macro series is checked against the bundled FX and deflators."""
    if any(tables.get(name) for name in ("fx", "deflator")) or \
            package.root == open_package().root:
        return tables
    bundled, _ = read_package_rows(open_package())
    merged = dict(tables)
    for name in ("fx", "deflator", "population", "gdp"):
        merged.setdefault(name, bundled.get(name, []))
    merged["source"] = list(tables.get("source", [])) + [
        row for row in bundled.get("source", []) if row.get("_section") == "macro"
        and row["id"] not in {r["id"] for r in tables.get("source", [])}]
    return merged


def ledger_problems(package: DataPackage, today: dt.date | None = None) -> list[Problem]:
    """Every problem of the ledger and macro part of a data package; empty when valid."""
    tables, problems = read_package_rows(package)
    if problems:
        return problems
    return table_problems(with_bundled_macro(tables, package), today)


def raise_first(problems: Iterable[Problem], *, hint: str = "") -> None:
    """Stop at the first problem with one clear line (row and field), as the CLI wants."""
    problems = list(problems)
    if not problems:
        return
    from moneytrail.ledger.errors import LedgerError

    first = problems[0]
    more = f" (and {len(problems) - 1} more problem(s){hint})" if len(problems) > 1 else ""
    location = f"{first.file}:{first.line}" if first.line else first.file
    raise LedgerError(first.message + more, file=location, field=first.field,
                      value=first.value)
