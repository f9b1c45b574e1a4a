"""Jinja2 filters: amounts, shares and links written for readers, not programmers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from moneytrail.report import units

DASH = "\u2013"


def money(value: Any, currency: str = "") -> str:
    """An amount in readable units: 'EUR 442.5 bn', 'EUR 36 m'; missing is a dash."""
    if value is None:
        return DASH
    value = float(value)
    size, unit = units.money_scale(value)
    text = f"{value / size:,.1f}".removesuffix(".0") + unit if size > 1 else f"{value:,.0f}"
    return f"{currency} {text}".strip()


def range_scale(low: float, high: float) -> tuple[float, str, int] | None:
    """(size, unit word, decimals) that print two amounts differently: the larger one's unit
    with 1-3 decimals (0 below a thousand); None when they print alike at any of them."""
    size, unit = units.money_scale(max(abs(low), abs(high)))
    for digits in ((1, 2, 3) if size > 1 else (0,)):
        if f"{low / size:,.{digits}f}" != f"{high / size:,.{digits}f}":
            return size, unit, digits
    return None


def money_range(low: Any, high: Any, currency: str = "") -> str:
    """Two amounts as one range in the larger one's unit, with as many decimals (1-3) as it
    takes for the ends to differ: 'EUR 1.47–1.49 tn'; a dash when an end is missing."""
    if low is None or high is None:
        return DASH
    low, high = float(low), float(high)
    scale = range_scale(low, high)
    if scale is None:
        return money(low, currency)          # the same amount at any useful precision
    size, unit, digits = scale
    return f"{currency} {low / size:,.{digits}f}{DASH}{high / size:,.{digits}f}{unit}".strip()


def money_in_range(value: Any, low: Any, high: Any, currency: str = "") -> str:
    """An amount printed with the precision of the range beside it ('1.48 tn' beside
    '1.47–1.49 tn', not '1.5 tn', which would fall outside it)."""
    if value is None or low is None or high is None:
        return money(value, currency)
    scale = range_scale(float(low), float(high))
    if scale is None:
        return money(value, currency)
    size, unit, digits = scale
    return f"{currency} {float(value) / size:,.{digits}f}{unit}".strip()


def percent(value: Any, digits: int = 0) -> str:
    """A share (0.104) as a percentage ('10 %'); missing is a dash."""
    if value is None:
        return DASH
    value = float(value) * 100
    if 0 < abs(value) < 10 ** -digits:
        return f"< {10 ** -digits:g} %" if value > 0 else f"> -{10 ** -digits:g} %"
    return f"{value:,.{digits}f} %"


def number(value: Any, digits: int = 0) -> str:
    if value is None:
        return DASH
    if digits == 0 and 0 < abs(float(value)) < 10:
        digits = 2          # small per-person amounts: 0.39, not 0
    return f"{float(value):,.{digits}f}"


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
