"""Rules for ledger and macro rows, shared by `moneytrail validate` and every ledger write.

The rules run on the whole state a write would produce (store plus incoming rows), so a refused
write names the offending row and field and the store is never left inconsistent.

Every number cell (claim amounts low/central/high, FX rates, deflator indices, population, GDP)
is a finite number of at most MAX_AMOUNT = 1e17 units of its currency, the same cap as a
scenario's budget (`scenarios.schema.MAX_BUDGET`). The cap counts units of whatever currency
the amount is in, so its message compares it with nothing in one currency: in USD or EUR it
is about a thousand times world GDP, yet it is above the largest real amounts in the
currencies with the smallest unit, so it only refuses typos such as an amount in units where
millions were meant twice over, or 1e30. Infinity ('inf') and numbers too large for a float
('1e400') are refused as beyond the cap, like 2e17; a non-zero number too small for a float
('1e-400', which reads as 0) as too small to store; '1_000' (which Python's float reads as
1000) as not a number. The cap holds for every
ledger write: `moneytrail ledger import`/`add`/`edit`, the web editor and the JSON API.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping

import pandas as pd

from moneytrail.currencies import is_currency
from moneytrail.data.checks import (
    RELIABILITY,
    TOO_SMALL,
    Problem,
    date_problem,
    first_day,
    interval_row_problems,
    number_problem,
    parse_number,
    read_float,
    source_row_problems,
    split_list,
)
from moneytrail.data.package import DataPackage, open_package
from moneytrail.data.sourcing import primary_ref_problem, title_lang_problem
from moneytrail.errors import MoneytrailError
from moneytrail.ledger.money import DEFLATOR_OF, no_index, no_rate, unknown_currency
from moneytrail.ledger.records import (
    BASES,
    DEAL_KINDS,
    KINDS,
    MACRO_SOURCES,
    SCOPES,
    SECTORS,
    STAGES,
    WHOLE_CAPEX,
    Kind,
    canonical,
    claim_id,
    key_of,
)
from moneytrail.numbers import AMOUNT_CAP, AMOUNT_CAP_WORDS
from moneytrail.text import length_problem, shown_text

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")     # the shape of a code, to put it in capitals
# a claim's or FX row's currency must be an ISO 4217 code (moneytrail.currencies)
NOT_ISO = "unknown currency: not an ISO 4217 currency code"
SLUG_RE = re.compile(r"^[A-Za-z0-9_.\-]+$")
SLUG_RULE = "letters, digits, _ . or -"   # SLUG_RE in words: the errors and the forms' hints
REGION_RE = re.compile(r"^[A-Z]{2,3}$")

# the words the pages use for a stage, where they differ from the stored one (charts,
# ledger and deal pages show a disbursed amount as "spent")
STAGE_WORDS = {"spent": "disbursed"}
# columns whose values are codes of a fixed case: (kind, column) -> the allowed words (a
# value equal to one of them but for case is taken as it) or the case of a code
WORDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("deal", "kind"): DEAL_KINDS, ("deal", "sector"): SECTORS, ("claim", "stage"): STAGES,
    ("source", "reliability"): RELIABILITY, ("deal", "scope"): SCOPES,
    ("claim", "basis"): BASES}
UPPER_CODES: dict[tuple[str, str], re.Pattern[str]] = {
    ("deal", "region"): REGION_RE, ("claim", "currency"): CURRENCY_RE}


def normalised_fields(kind: str, fields: Mapping[str, str]) -> dict[str, str]:
    """`fields` (a record, or the changed fields of an edit) with codes written in any case
    put in the case the ledger keeps ('eur' -> EUR, 'Pledge' -> pledge, 'de' -> DE) and a
    stage in the pages' word put as stored ('Spent' -> disbursed). Only values that then
    are valid change; anything else is left for the rules to name as typed. Every write
    (CLI, web, API) goes through it (ledger.store add and edit)."""
    out = dict(fields)
    for column, text in fields.items():
        value = str(text).strip()
        if (kind, column) in WORDS:
            word = STAGE_WORDS.get(value.lower(), value.lower()) if column == "stage" \
                else value.lower()
            if word in WORDS[kind, column]:
                out[column] = word
        elif (kind, column) in UPPER_CODES and UPPER_CODES[kind, column].match(value.upper()):
            out[column] = value.upper()
    return out

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

MAX_AMOUNT = AMOUNT_CAP      # = scenarios.schema.MAX_BUDGET, one constant (moneytrail.numbers)
Row = dict[str, object]          # canonical record plus '_file', '_line' (and '_section')
Tables = dict[str, list[Row]]


def where(row: Row) -> tuple[str, int | None]:
    return str(row.get("_file", "?")), row.get("_line")  # type: ignore[return-value]


def problem(row: Row, field: str | None, value: object, message: str) -> Problem:
    return Problem(*where(row), field, value, message)


def date_problems(row: Row, column: str, today: dt.date, *, future: bool) -> list[Problem]:
    text = str(row.get(column, ""))
    message = date_problem(text, None if future else today)
    return [problem(row, column, text, message)] if message else []


def horizon_problems(row: Row) -> list[Problem]:
    """A deal's horizon end before its announcement ('2019-06' for a deal announced on
    2026-02-27); the two dates compared at the coarser precision, so a horizon of 2026 or
    2026-02 fits an announcement on 2026-02-27."""
    announced, end = str(row.get("announced") or ""), str(row.get("horizon_end") or "")
    if not announced or not end:
        return []
    n = min(len(announced), len(end))
    if end[:n] >= announced[:n]:
        return []
    return [problem(row, "horizon_end", end, f"before the announced date ({announced}): "
                    "horizon_end must be on or after announced")]


def after_source_problems(row: Row, published: Mapping[str, str]) -> list[Problem]:
    """A claim whose as_of is after the publication date of its source: a source cannot attest
    a state after it was published. The dates compared at the coarser precision (as for a
    deal's horizon), so an as_of of 2025-02 fits a source published on 2025-02-11; a source
    without a published date, or a date that is not one (named by its own rule), is not
    compared."""
    as_of, source = str(row.get("as_of") or ""), str(row.get("source") or "")
    date = published.get(source, "")
    if not as_of or not date or first_day(as_of) is None or first_day(date) is None:
        return []
    n = min(len(as_of), len(date))
    if as_of[:n] <= date[:n]:
        return []
    return [problem(row, "as_of", as_of,
                    f"after the published date of its source '{shown_text(source)}' "
                    f"({date}): a source cannot attest a state after it was published; "
                    f"as_of must be on or before {date}")]


def number(text: object) -> float | None:
    """An amount written as a number ('1.5e9', data.checks.NUMBER_RE), finite and stored as
    written, else None: Python's float also reads '1_000', 'inf' and full-width or
    Arabic-Indic digits ('１０', '٣'), which a ledger never holds."""
    return parse_number(str(text))


def overflows(text: object) -> int:
    """+1 or -1 when `text` is a number beyond any float ('1e400', '-1e999') or infinity
    spelled out ('inf', '-Infinity'), else 0: said to be beyond the cap (more than 100,000 tn,
    less than -100,000 tn), not 'not a number'."""
    word = str(text).strip().lower()
    value = read_float(text)
    if value is None and word.lstrip("+-") in ("inf", "infinity"):
        value = float(word)
    return 0 if value is None or math.isfinite(value) else int(math.copysign(1, value))


def cap_message(sign: float) -> str:
    """The refusal of a number cell beyond MAX_AMOUNT (`sign` < 0: below -MAX_AMOUNT). The
    cap counts units of the cell's currency (or people, or index points), whatever they
    are, so the message compares it with no figure in one currency."""
    return (("less than -" if sign < 0 else "more than ") +
            f"{AMOUNT_CAP_WORDS} (the cap on any amount, in whatever currency or unit it is "
            "counted, there to catch typos such as 1e30): check the amount and its unit")


def too_long(kind: Kind, row: Row) -> list[Problem]:
    """Text longer than its store column allows (PostgreSQL would refuse the write)."""
    from moneytrail.ledger.dbrows import column_length
    from moneytrail.ledger.models import TABLES

    columns = TABLES[kind.name].__table__.c
    return [problem(row, column, shown_text(str(row[column])), message)
            for column in kind.columns if column in columns and row.get(column)
            and (message := length_problem(str(row[column]),
                                           column_length(kind.name, column)))]


def basic_problems(kind: Kind, rows: list[Row]) -> list[Problem]:
    """Required cells, number and integer columns, duplicate keys."""
    problems: list[Problem] = []
    seen: dict[str, Row] = {}
    for row in rows:
        for column in REQUIRED[kind.name]:
            if not row.get(column):
                problems.append(problem(row, column, "", "required value is missing"))
        for column in kind.numbers:
            text = row.get(column)
            if not text:
                continue
            value = number(text)
            if value is not None and abs(value) > MAX_AMOUNT:
                problems.append(problem(row, column, text, cap_message(value)))
            elif value is None and overflows(text):   # 1e400, inf: beyond the cap too
                problems.append(problem(row, column, text, cap_message(overflows(text))))
            elif value is None:                       # '1e-400' too small to store, or text
                problems.append(problem(row, column, text, number_problem(text)))
        for column in kind.integers:
            if row.get(column) and not re.fullmatch(r"\d{4}", str(row[column])):
                problems.append(problem(row, column, row[column], "not a year"))
        problems += too_long(kind, row)
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
            problems.append(problem(row, "id", row["id"], f"ids use {SLUG_RULE} only"))
        if row["reliability"]:
            problems += source_row_problems(row, *where(row))
            missing = primary_ref_problem(row["reliability"], row.get("primary_ref"))
            if missing:
                problems.append(problem(row, "primary_ref", "", missing))
        wrong = title_lang_problem(row.get("title_lang"))
        if wrong:
            problems.append(problem(row, "title_lang", row.get("title_lang"), wrong))
        for column in ("published", "accessed"):
            problems += date_problems(row, column, today, future=False)
    return problems


def deal_problems(rows: list[Row], source_ids: set[str], today: dt.date) -> list[Problem]:
    problems = basic_problems(KINDS["deal"], rows)
    ids = {str(row["id"]) for row in rows}
    containers = {str(row["id"]): links_of(row) for row in rows}
    for row in rows:
        if row["id"] and not SLUG_RE.match(str(row["id"])):
            problems.append(problem(row, "id", row["id"], f"ids use {SLUG_RULE} only"))
        if row["kind"] and row["kind"] not in DEAL_KINDS:
            problems.append(problem(row, "kind", row["kind"],
                                    f"must be one of {', '.join(DEAL_KINDS)} (empty: pledge)"))
        if row["sector"] and row["sector"] not in SECTORS:
            problems.append(problem(row, "sector", row["sector"],
                                    f"must be one of {', '.join(SECTORS)}"))
        problems += scope_problems(row)
        if row["region"] and not REGION_RE.match(str(row["region"])):
            problems.append(problem(row, "region", row["region"],
                                    "not a country code (ISO alpha-2, EU or ROW)"))
        dated = date_problems(row, "announced", today, future=False)
        dated += date_problems(row, "horizon_end", today, future=True)
        problems += dated or horizon_problems(row)
        cited = split_list(str(row["sources"]))
        if not cited:
            problems.append(problem(row, "sources", "", "no source cited"))
        for source in cited:
            if source not in source_ids:
                problems.append(problem(row, "sources", source, "unknown source id"))
        problems += link_problems(row, ids, containers)
    return problems


def scope_problems(row: Row) -> list[Problem]:
    """A deal's `scope` is one of SCOPES or empty (ai_only); a deal of purpose capex (a
    firm's whole capital expenditure) cannot say ai_only."""
    scope = str(row.get("scope") or "")
    if scope and scope not in SCOPES:
        return [problem(row, "scope", scope,
                        f"must be one of {', '.join(SCOPES)} (empty: {SCOPES[0]})")]
    if scope == SCOPES[0] and row.get("purpose") == WHOLE_CAPEX:
        return [problem(row, "scope", scope,
                        "a deal of purpose capex is a firm's whole capital expenditure, not "
                        "AI alone: its scope is not_ai_only (or empty)")]
    return []


def links_of(row: Row) -> list[str]:
    """The deals whose headline (partly) holds this deal's money: part_of, then overlaps."""
    return split_list(str(row.get("part_of", ""))) + split_list(str(row.get("overlaps", "")))


def link_problems(row: Row, ids: set[str], containers: Mapping[str, list[str]]
                  ) -> list[Problem]:
    """part_of and overlaps name other known deals, once each, and never form a cycle."""
    problems, seen = [], set()
    for column in ("part_of", "overlaps"):
        for other in split_list(str(row[column])):
            if other == row["id"]:
                problems.append(problem(row, column, other, "a deal cannot be part of or "
                                        "overlap itself"))
            elif other not in ids:
                problems.append(problem(row, column, other,
                                        f"unknown deal (dangling {column} link)"))
            elif other in seen:
                problems.append(problem(row, column, other, "deal linked twice"))
            elif reaches(containers, other, str(row["id"])):
                problems.append(problem(row, column, other,
                                        "part_of/overlaps links form a cycle"))
            seen.add(other)
    return problems


def reaches(containers: Mapping[str, list[str]], start: str, goal: str) -> bool:
    """Whether following links from `start` leads to `goal`."""
    stack, visited = [start], set()
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in visited:
            visited.add(node)
            stack.extend(containers.get(node, []))
    return False


def claim_problems(rows: list[Row], deal_ids: set[str], published: Mapping[str, str],
                   rates: set[tuple[str, str]], currencies: set[str],
                   indices: set[tuple[str, str]], today: dt.date) -> list[Problem]:
    """The rules on claims; `published` is the publication date of every source, by id."""
    source_ids = set(published)
    problems = basic_problems(KINDS["claim"], rows)
    refs = {str(row["ref"]): row for row in rows}
    ids: dict[str, Row] = {}
    for row in rows:
        if row["ref"] and not SLUG_RE.match(str(row["ref"])):
            problems.append(problem(row, "ref", row["ref"], f"refs use {SLUG_RULE} only"))
        if row["deal"] and row["deal"] not in deal_ids:
            problems.append(problem(row, "deal", row["deal"], "unknown deal"))
        if row["stage"] and row["stage"] not in STAGES:
            problems.append(problem(row, "stage", row["stage"],
                                    f"must be one of {', '.join(STAGES)} (or spent, "
                                    "the pages' word for disbursed)"))
        basis = str(row.get("basis") or "")
        if basis and basis not in BASES:
            problems.append(problem(row, "basis", basis,
                                    f"must be one of {', '.join(BASES)} (empty: {BASES[0]})"))
        problems += [p for p in interval_row_problems(row, *where(row), below="negative amount",
                                                      upper=MAX_AMOUNT)
                     if p.message not in ("not a number", TOO_SMALL)   # as basic_problems
                     and not p.message.startswith("above")]
        currency, year = str(row["currency"]), str(row["price_year"])
        if not re.fullmatch(r"\d{4}", year):
            year = ""          # 'not a year' (basic_problems) says it; no rate or index looked up
        if CURRENCY_RE.match(currency) and not is_currency(currency):
            problems.append(problem(row, "currency", currency, NOT_ISO))    # 'ABC', 'FTE'
        elif currency and (not CURRENCY_RE.match(currency) or currency not in currencies):
            problems.append(problem(row, "currency", currency,
                                    unknown_currency(currency, currencies)))
        elif currency and year and currency != "EUR" and (currency, year) not in rates:
            problems.append(problem(row, "price_year", year, no_rate(currency, year)))
        missing = [s for s in DEFLATOR_OF.values() if year and (s, year) not in indices]
        if missing:
            problems.append(problem(row, "price_year", year,
                                    f"{no_index(', '.join(missing), year)}, so the "
                                    "amount cannot be compared across years"))
        problems += date_problems(row, "as_of", today, future=False)
        if row["source"] and row["source"] not in source_ids:
            problems.append(problem(row, "source", row["source"], "unknown source id"))
        problems += after_source_problems(row, published)
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
            elif refs[supersedes]["stage"] != row["stage"]:
                problems.append(problem(row, "supersedes", supersedes,
                                        f"supersedes a claim of another stage "
                                        f"({refs[supersedes]['stage']})"))
        if not any(p.field in REQUIRED["claim"] + ("low/central/high",)
                   and where(row) == (p.file, p.line) for p in problems):
            cid = claim_id(row)
            if cid in ids and ids[cid]["ref"] != row["ref"]:
                problems.append(problem(row, "ref", row["ref"],
                                        f"same claim (deal, stage, amounts, currency, price "
                                        f"year, as_of, source) as ref '{ids[cid]['ref']}'"))
            ids.setdefault(cid, row)
    return problems


def series_cell_problems(name: str, rows: list[Row]) -> list[Problem]:
    """The rules on a macro series' own cells (fx, deflator, population, gdp): required cells,
    numbers that are finite, positive and at most MAX_AMOUNT, years, unique keys, and for fx
    a currency code other than EUR. Shared by `moneytrail validate` and by every command
    that reads the series (`trace` reads macro/fx.csv for its currencies: `check_fx`)."""
    kind = KINDS[name]
    problems = basic_problems(kind, rows)
    for row in rows:
        value_column = kind.numbers[0]
        value = number(row[value_column])
        if value is not None and value <= 0:
            problems.append(problem(row, value_column, row[value_column], "must be more than 0"))
        code = str(row["currency"]) if name == "fx" else ""
        if name == "fx" and (code == "EUR" or not CURRENCY_RE.match(code)):
            problems.append(problem(row, "currency", row["currency"],
                                    "not a currency code (other than EUR)"))
        elif name == "fx" and not is_currency(code):
            problems.append(problem(row, "currency", row["currency"], NOT_ISO))    # 'ABC'
    return problems


def check_fx(frame: pd.DataFrame) -> None:
    """Refuse a macro/fx.csv table (as read by `DataPackage.table`) that breaks a cell rule,
    with one line naming file:line, field and value (see `series_cell_problems`)."""
    kind = KINDS["fx"]
    rows, column_problems = frame_rows(kind, frame)
    problems = column_problems or series_cell_problems("fx", rows)
    raise_first(problems, hint="; `moneytrail validate` lists them")


def series_problems(tables: Tables, source_ids: set[str], currencies: set[str],
                    rates: set[tuple[str, str]]) -> list[Problem]:
    problems: list[Problem] = []
    for name in ("fx", "deflator", "population", "gdp"):
        rows = tables.get(name, [])
        problems += series_cell_problems(name, rows)
        for row in rows:
            if row["source"] and row["source"] not in source_ids:
                problems.append(problem(row, "source", row["source"], "unknown source id"))
            if name == "deflator" and row["series"] not in DEFLATOR_OF.values():
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
    published = {str(row["id"]): str(row.get("published") or "") for row in sources}
    problems += claim_problems(tables.get("claim", []), {str(r["id"]) for r in deals},
                               published, rates, currencies, indices, today)
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
    resources: list[tuple[Kind, str, str | None]] = [
        (MACRO_SOURCES if name.startswith("macro") else KINDS["source"], name,
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


MORE_SHOWN = 5           # problems listed after the first in raise_first's one line


BRIEF_TEXT = 40          # characters of a long text raise_first's "also" list shows


def briefly(value: object) -> str:
    """A value as raise_first's "(also ...)" list names it, quoted as an error shows it
    (errors.shown): a long run of digits as its first digits and its length ('99999…
    (400 digits)', text.short_number), other text past BRIEF_TEXT characters cut with an
    ellipsis, so a 400-digit amount does not make a 400-character line."""
    from moneytrail.errors import shown
    from moneytrail.text import LONG_DIGITS, short_number, shown_text

    if isinstance(value, str):
        value = shown_text(LONG_DIGITS.sub(lambda found: short_number(found.group()), value),
                           BRIEF_TEXT)
    return shown(value)


def raise_first(problems: Iterable[Problem], *, hint: str = "") -> None:
    """Stop at the first problem with one clear line (row and field), as the CLI wants; the
    next MORE_SHOWN problems follow briefly on the same line (field, value, what is wrong)."""
    problems = list(problems)
    if not problems:
        return
    from moneytrail.ledger.errors import LedgerError

    first = problems[0]
    more = ""
    if len(problems) > 1:           # the others, briefly, on the same line
        shown = [f"{p.field} {briefly(p.value)}: "
                 f"{'the same' if p.message == first.message else p.message}"
                 for p in problems[1:1 + MORE_SHOWN]]
        rest = len(problems) - 1 - len(shown)
        more = f" (also {'; '.join(shown)}{f'; and {rest} more' if rest else ''}){hint}"
    location = f"{first.file}:{first.line}" if first.line else first.file
    error = LedgerError(first.message + more, file=location, field=first.field,
                        value=first.value)
    error.problems = tuple(problems)          # all of them, for a form (web.editing)
    raise error
