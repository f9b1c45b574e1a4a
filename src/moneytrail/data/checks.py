"""Row-level checks shared by every table of a data package.

Each check returns `Problem`s instead of raising, so `moneytrail validate` can list them all while
loaders stop at the first one.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from moneytrail.errors import MoneytrailError
from moneytrail.numbers import TOO_SMALL as numbers_too_small

RELIABILITY = ("filing", "official", "analyst", "estimate", "weak", "assumption")
# a date of year, month or day precision; the groups are year, month, day
DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
NOT_A_DATE = "not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
YEAR_RE = re.compile(r"\d{4}")
# a number as data files, ledger cells and the command line write it: ASCII digits with an
# optional sign, decimal point and exponent ('1.5e9', '-3', '.5', '2.'), white space around
NUMBER_RE = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str | None
    value: object
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        parts = [where]
        if self.field:
            parts.append(f"field '{self.field}'")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return ", ".join(parts) + f": {self.message}"


def one_row(frame: pd.DataFrame, label: Any) -> pd.Series:
    """The row of `label` in a frame whose index names each row once (`frame.loc[label]` is
    a DataFrame when a label repeats: a clear error instead)."""
    row = frame.loc[label]
    if isinstance(row, pd.DataFrame):
        raise MoneytrailError(f"{label!r} names {len(row)} rows of a table keyed by it, "
                              "expected one", field=str(frame.index.name or "id"), value=label)
    return row


def line_of(frame: pd.DataFrame, index: Any) -> int:
    """CSV line number of a data row (header is line 1)."""
    return int(index) + 2


def flagged_rows(frame: pd.DataFrame, flagged: np.ndarray | pd.Series
                 ) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, row as a dict) of the rows a vectorised pre-check flagged, in frame order.

    The checks below find suspicious rows with whole-column operations, then run the exact
    per-row rule only on those, so the problems (and their order) are the per-row rule's.
    """
    mask = np.asarray(flagged, dtype=bool)
    if not mask.any():
        return
    sub = frame.loc[mask]
    yield from zip(sub.index, sub.to_dict("records"), strict=True)


def per_value(column: pd.Series, function: Callable[[str], object], dtype: type = float
              ) -> np.ndarray:
    """`function` of every cell, shape (rows,), computed once per distinct cell value (data
    columns repeat values a lot; each is parsed by the same Python rule as a single row)."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    values: np.ndarray = np.array([function(v) for v in distinct.tolist()], dtype=dtype)
    return values[codes] if values.size else np.empty(len(column), dtype=dtype)


def _number_or_nan(text: str) -> float:
    value = parse_number(text)
    return np.nan if value is None else value


def numbers(column: pd.Series) -> np.ndarray:
    """parse_number of every cell (NaN where it gives None), shape (rows,)."""
    codes, distinct = pd.factorize(column, use_na_sentinel=False)
    texts = distinct.tolist()
    try:                      # the usual case: every cell is a number
        values = np.array([float(text) for text in texts], dtype=float)
        if any("_" in text or not text.isascii() for text in texts):
            raise ValueError("'1_000' or '１０': float reads them, parse_number does not")
        for i in np.flatnonzero(values == 0):      # '1e-400': parse_number refuses it
            values[i] = np.nan if rounds_to_zero(texts[i]) else 0.0
    except (TypeError, ValueError):
        values = np.array([_number_or_nan(text) for text in texts], dtype=float)
    values[~np.isfinite(values)] = np.nan          # parse_number refuses inf and nan
    return values[codes]


def require_columns(frame: pd.DataFrame, columns: list[str]) -> list[Problem]:
    path = frame.attrs.get("path", "?")
    missing = [c for c in columns if c not in frame.columns]
    return [Problem(path, 1, c, None, "required column is missing") for c in missing]


def split_list(cell: str) -> list[str]:
    """Items of a ';'-separated cell (source ids, groups, linked deals)."""
    return [part.strip() for part in str(cell).split(";") if part.strip()]


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


def date_problem(text: str, today: dt.date | None = None) -> str | None:
    """Why a date cell is wrong, or None; `today` given: dates after it are refused too."""
    if not text:
        return None
    day = first_day(text)
    if day is None:
        return NOT_A_DATE
    if today is not None and day > today:
        return f"date is in the future (today is {today})"
    return None


def interval_row_problems(row: Mapping[str, object], file: str, line: int | None, *,
                          lower: float | None = 0.0, upper: float | None = None,
                          below: str | None = None) -> list[Problem]:
    """low/central/high of one row are numbers, inside [lower, upper], and ordered."""
    problems, values = [], {}
    for col in ("low", "central", "high"):
        number = parse_number(row[col])
        if number is None:
            problems.append(Problem(file, line, col, row[col], number_problem(row[col])))
        elif lower is not None and number < lower:
            problems.append(Problem(file, line, col, row[col], below or f"below {lower:g}"))
        elif upper is not None and number > upper:
            problems.append(Problem(file, line, col, row[col], f"above {upper:g}"))
        else:
            values[col] = number
    if len(values) == 3 and not values["low"] <= values["central"] <= values["high"]:
        problems.append(Problem(file, line, "low/central/high",
                                f"{row['low']}/{row['central']}/{row['high']}",
                                "must satisfy low <= central <= high"))
    return problems


def source_row_problems(row: Mapping[str, object], file: str, line: int | None
                        ) -> list[Problem]:
    """A source row itself: a known reliability, and a URL unless it is an assumption,
    which must explain itself in its note."""
    reliability = row["reliability"]
    if reliability not in RELIABILITY:
        return [Problem(file, line, "reliability", reliability,
                        f"must be one of {', '.join(RELIABILITY)}")]
    if reliability == "assumption":
        return [] if row["note"] else [Problem(file, line, "note", "",
                                               "an assumption must explain itself")]
    url = str(row["url"])
    if not url.strip():
        return [Problem(file, line, "url", row["url"],
                        "a source needs an http:// or https:// URL (or "
                        "reliability=assumption)")]
    if not url.startswith(("http://", "https://")):
        scheme = url.split(":", 1)[0] + ":" if ":" in url else url[:20]
        return [Problem(file, line, "url", row["url"],
                        f"only http:// and https:// URLs are accepted, not '{scheme}' (or "
                        "give reliability=assumption)")]
    return []


def read_float(text: object) -> float | None:
    """The float a number cell is written as, or None when it is not written as a number:
    ASCII digits with an optional sign, decimal point and exponent ('1.5e9', '-3', '.5'),
    white space around allowed (NUMBER_RE). Python's float also reads '1_000' (as 1000),
    'inf', 'nan' and full-width or Arabic-Indic digits ('１０'): None for all of them. The
    result may still be infinite ('1e400', too large for a float) or 0.0 for a non-zero
    text ('1e-400', too small: `rounds_to_zero`); callers say which."""
    text = str(text)
    return float(text) if NUMBER_RE.fullmatch(text) else None


def rounds_to_zero(text: object) -> bool:
    """Whether `text` is a number written with a non-zero digit that reads as 0.0: too
    small for a float ('1e-400', '-5e-330'), so storing it would silently store 0."""
    value = read_float(text)
    mantissa = re.split("[eE]", str(text))[0]
    return value == 0 and any(digit in "123456789" for digit in mantissa)


# the refusal of a non-zero number too small for a float ('1e-400' reads as 0): one wording
# with the plan builder and plan files (moneytrail.numbers)
TOO_SMALL = numbers_too_small


def number_problem(text: object) -> str:
    """Why a cell that parse_number refuses is refused: TOO_SMALL for '1e-400', else 'not a
    number'."""
    return TOO_SMALL if rounds_to_zero(text) else "not a number"


def parse_number(text: object) -> float | None:
    """A finite number written as NUMBER_RE says (`read_float`), else None (text, NaN,
    infinity, 1e400, '1_000', non-ASCII digits, and '1e-400', which would read as 0)."""
    value = read_float(text)
    if value is None or not math.isfinite(value) or value == 0 and rounds_to_zero(text):
        return None
    return value


def check_unique(frame: pd.DataFrame, columns: list[str]) -> list[Problem]:
    path = frame.attrs.get("path", "?")
    dup = frame.duplicated(subset=columns, keep="first")
    return [Problem(path, line_of(frame, i), "+".join(columns),
                    "/".join(frame.loc[i, columns]), "duplicate row key")
            for i in frame.index[dup]]


def check_member(frame: pd.DataFrame, column: str, allowed: set[str], what: str,
                 *, allow_empty: bool = False) -> list[Problem]:
    path = frame.attrs.get("path", "?")
    values = frame[column]
    bad = ~values.isin(list(allowed))
    if allow_empty:
        bad &= values != ""
    return [Problem(path, line_of(frame, i), column, value, f"unknown {what}")
            for i, value in values[bad.to_numpy()].items()]


def check_intervals(frame: pd.DataFrame, *, lower: float | None = 0.0,
                    upper: float | None = None) -> list[Problem]:
    """low/central/high are numbers, ordered, and inside [lower, upper]."""
    path = frame.attrs.get("path", "?")
    low, central, high = (numbers(frame[c]) for c in ("low", "central", "high"))
    every = np.column_stack([low, central, high])
    bad = np.isnan(every).any(axis=1) | ~((low <= central) & (central <= high))
    if lower is not None:
        bad |= (every < lower).any(axis=1)
    if upper is not None:
        bad |= (every > upper).any(axis=1)
    problems = []
    for i, row in flagged_rows(frame, bad):
        problems += interval_row_problems(row, path, line_of(frame, i), lower=lower,
                                          upper=upper)
    return problems


def check_sourced(frame: pd.DataFrame, source_ids: set[str], *, column: str = "sources",
                  reliability_column: str | None = "reliability") -> list[Problem]:
    """Every value is sourced, or labelled as an assumption that explains itself."""
    path = frame.attrs.get("path", "?")
    cites = per_value(frame[column], lambda cell: bool(split_list(cell)), bool)
    bad = per_value(frame[column], lambda cell: any(s not in source_ids
                                                     for s in split_list(cell)), bool)
    if reliability_column is None:
        bad |= ~cites
    else:
        reliability = frame[reliability_column]
        note = frame["note"] if "note" in frame.columns else pd.Series("", index=frame.index)
        assumption = (reliability == "assumption").to_numpy()
        bad |= ~reliability.isin(list(RELIABILITY)).to_numpy()
        bad |= assumption & (note == "").to_numpy()
        bad |= ~assumption & ~cites
    problems = []
    for i, row in flagged_rows(frame, bad):
        cited = split_list(row[column])
        for source in cited:
            if source not in source_ids:
                problems.append(Problem(path, line_of(frame, i), column, source,
                                        "unknown source id"))
        if reliability_column is None:
            if not cited:
                problems.append(Problem(path, line_of(frame, i), column, "", "no source cited"))
            continue
        reliability = row[reliability_column]
        if reliability not in RELIABILITY:
            problems.append(Problem(path, line_of(frame, i), reliability_column, reliability,
                                    f"must be one of {', '.join(RELIABILITY)}"))
        elif reliability == "assumption":
            if not row.get("note", ""):
                problems.append(Problem(path, line_of(frame, i), "note", "",
                                        "an assumption must explain its reasoning in note"))
        elif not cited:
            problems.append(Problem(path, line_of(frame, i), column, "",
                                    "no source cited (label it reliability=assumption "
                                    "with reasoning if there is none)"))
    return problems


def check_year(frame: pd.DataFrame, column: str = "year") -> list[Problem]:
    path = frame.attrs.get("path", "?")
    values = frame[column]
    bad = per_value(values, lambda v: not YEAR_RE.fullmatch(v), bool)
    return [Problem(path, line_of(frame, i), column, v, "not a year")
            for i, v in values[bad].items()]


def check_group_sums(frame: pd.DataFrame, keys: list[str], *, column: str = "central",
                     target: float = 1.0, tolerance: float = 1e-6) -> list[Problem]:
    """Shares of one group add up to `target`."""
    path = frame.attrs.get("path", "?")
    numbers = pd.to_numeric(frame[column], errors="coerce")
    sums = numbers.groupby([frame[k] for k in keys]).sum()
    problems = []
    for key, total in sums.items():
        if not math.isfinite(total) or abs(total - target) > tolerance:
            label = "/".join(key) if isinstance(key, tuple) else str(key)
            problems.append(Problem(path, None, column, round(float(total), 9),
                                    f"shares of {label} add up to {total:.6g}, not {target:g}"))
    return problems
