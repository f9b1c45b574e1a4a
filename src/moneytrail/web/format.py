"""Jinja2 filters: amounts, shares and links written for readers, not programmers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from moneytrail.report import units

DASH = units.MISSING


# Amounts, shares and plain numbers: thin wrappers of report.units, so a value reads the same on
# the pages, in the terminal and in the briefing (one implementation, one set of rules).
def money(value: Any, currency: str = "") -> str:
    """An amount with its currency and size word: 'EUR 442.50 bn', 'EUR 36.00 m', 'EUR 812'
    (report.units.money); missing is a dash."""
    return units.money(value, currency)


def money_range(low: Any, high: Any, currency: str = "") -> str:
    """Two amounts as one range in the larger one's scale, the currency once: 'EUR
    1.47–1.49 tn', three decimals where two would print the ends alike
    (report.units.money_range); a dash when an end is missing."""
    return units.money_range(low, high, currency)


def money_in_range(value: Any, low: Any, high: Any, currency: str = "") -> str:
    """An amount in the scale and decimals of the range beside it ('1.48 tn' beside
    '1.47–1.49 tn'; report.units.money_in_range)."""
    return units.money_in_range(value, low, high, currency)


def percent(value: Any) -> str:
    """A share (0.104) as a percentage, one decimal, two below 1 % ('10.4 %', '0.37 %';
    report.units.percent); missing is a dash."""
    return units.percent(value)


def number(value: Any) -> str:
    """A plain number: three significant digits, a size word from a million ('0.39', '45.7',
    '1,234', '2.5 m'; report.units.number); missing is a dash."""
    return units.number(value)


def safe_url(value: Any) -> str | None:
    """The URL if it is an absolute http(s) link, else None (shown as text, never a link)."""
    text = str(value or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc and not any(
            c in text for c in "\x00\n\r\t <>\"'`"):
        return text
    return None


def verdict_label(verdict: Any) -> str:
    return {"supported": "Supported", "contradicted": "Contradicted",
            "uncertain": "Uncertain", "conditional": "Conditional"}.get(str(verdict),
                                                                        str(verdict))


def evidence_weight(row: Any, prefix: str = "") -> str:
    """An evidence weight in words ("62 % (57–68 %)"; "–" when undefined): a claims row's
    `<prefix>assumption_or_weak_p50|p5|p95` (report.evidence) or a scorecard row's weight
    (`p50`, `p5`, `p95`)."""
    from moneytrail.report.evidence import row_weight, weight_text

    if not isinstance(row, dict):
        return "–"
    if f"{prefix}assumption_or_weak_p50" not in row and "p50" in row:   # scorecard weight
        return weight_text(row.get("p50"), row.get("p5"), row.get("p95"))
    return row_weight(row, prefix)


def in_unit(value: Any, unit: str) -> str:
    """A value with its unit as the terminal and the briefing print it (report.units): jobs
    and CO2 read the same on every page ('77.4 k FTE', '3.64 Mt CO2e', '14.8 FTE per USD m')."""
    return units.in_unit(value, unit)


def median_interval(row: Any) -> str:
    """A claim check's figure as 'median (90 % interval)' in its unit (report.units): '41.4 %
    (36.9–46.0 %)' for a share, '160.5 k FTE (129.3–195.0 k FTE)'; a plain number without a
    unit (runs stored before claims rows had one)."""
    if not isinstance(row, dict):
        return DASH
    return units.median_interval(row.get("p50"), row.get("p5"), row.get("p95"),
                                 str(row.get("unit") or ""))


def interval(p5: Any, p95: Any, unit: str, like: Any = None) -> str:
    """A 90 % interval of a share, jobs, CO2, money or an amount per million as the terminal
    and the briefing print it (report.units.interval_text): both ends in the median's scale,
    the unit once ('600.4–2,877.2 k FTE', 'USD 209.60–462.70 k', '82.4–96.2 %'); a dash when
    an end is missing."""
    return units.interval_text(p5, p95, unit, like=like) or DASH


FILTERS = {"median_interval": median_interval, "interval": interval, "money": money,
           "money_in_range": money_in_range, "money_range": money_range, "percent": percent,
           "number": number, "safe_url": safe_url, "verdict_label": verdict_label,
           "evidence_weight": evidence_weight, "in_unit": in_unit}
