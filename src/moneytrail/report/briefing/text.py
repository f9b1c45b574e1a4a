"""Numbers as the briefing prints them: shares, money, intervals (one place, so tests and
templates agree on the printed precision)."""

from __future__ import annotations

import math
from typing import Any


def finite(value: Any) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def pct(value: Any) -> str:
    """A share as a percentage: one decimal, two below 1 % ('31.2 %', '0.37 %')."""
    if not finite(value):
        return "–"
    number = 100 * float(value)
    if number != 0 and abs(number) < 1:
        return f"{number:.2f} %"
    return f"{number:.1f} %"


def pct_bare(value: Any) -> str:
    """pct without the sign (for interval ends)."""
    return pct(value).replace(" %", "")


def money(amount: Any, currency: str = "") -> str:
    """'EUR 6.25 bn' style (the terminal's format); '–' when missing."""
    if not finite(amount):
        return "–"
    amount = float(amount)
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(amount) >= size:
            return f"{currency} {amount / size:,.2f} {suffix}".strip()
    return f"{currency} {amount:,.0f}".strip()


def number(value: Any) -> str:
    """A plain number, 3 significant digits with a size word for big ones."""
    if not finite(value):
        return "–"
    value = float(value)
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= size:
            return f"{value / size:,.3g} {suffix}"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def in_unit(value: Any, unit: str) -> str:
    """One value in its unit (share, points, t CO2e, a currency, probability, number)."""
    if not finite(value):
        return "–"
    if unit == "share":
        return pct(value)
    if unit == "probability":
        return f"{float(value):.2f}"
    if unit == "points":
        return f"{float(value):+,.0f} points"
    if unit == "t CO2e":
        return f"{float(value) / 1e6:,.2f} Mt CO2e"
    if unit == "FTE":
        return f"{float(value):,.0f} FTE"
    if unit in ("FTE per EUR million", "t CO2e per EUR million"):
        return f"{float(value):,.1f} {unit.replace(' million', ' m')}"
    if len(unit) == 3 and unit.isupper():
        return money(value, unit)
    return number(value)


def interval(p5: Any, p95: Any, unit: str = "share") -> str:
    """The 90 % interval as printed under a median: '26.5–36.1 %'."""
    if not (finite(p5) and finite(p95)):
        return ""
    if unit == "share":
        return f"{pct_bare(p5)}–{pct_bare(p95)} %"
    return f"{in_unit(p5, unit)} – {in_unit(p95, unit)}"


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


__all__ = ["count_phrase", "humanise", "in_unit", "interval", "money", "number", "pct",
           "ref_ranges"]
