"""Numbers as the briefing prints them: shares, money, intervals (one place, so tests and
templates agree on the printed precision)."""

from __future__ import annotations

from typing import Any

from moneytrail.report.units import MISSING, finite, in_unit, interval_text, money, number
from moneytrail.report.units import percent as pct


def pct_bare(value: Any) -> str:
    """pct without the sign (for interval ends)."""
    return pct(value).replace(" %", "")


def interval(p5: Any, p95: Any, unit: str = "share", like: Any = None) -> str:
    """The 90 % interval as printed under a median: '26.5–36.1 %', '2.47–5.41 Mt CO2e'
    (units.interval_text; empty when an end is missing)."""
    return interval_text(p5, p95, unit, like)


def humanise(identifier: str) -> str:
    """'us_tech_giants' -> 'us tech giants' (ids of groups and categories)."""
    return str(identifier).replace("_", " ")


def ref_ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> '1–3, 7'."""
    numbers = sorted(set(numbers))
    out: list[str] = []
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else f"{numbers[i]}–{numbers[j]}")
        i = j + 1
    return ", ".join(out)


def count_phrase(counts: dict[str, int]) -> str:
    """{'filing': 3, 'assumption': 1} -> '3 filing, 1 assumption'."""
    return ", ".join(f"{n} {label}" for label, n in counts.items() if n)


__all__ = ["MISSING", "count_phrase", "finite", "humanise", "in_unit", "interval", "money",
           "number", "pct", "pct_bare", "ref_ranges"]
