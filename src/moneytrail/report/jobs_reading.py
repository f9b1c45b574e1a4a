"""What a reader needs beside a run's jobs figures, read from the run's own tables.

Two things the jobs table does not say by itself (service.footprints):
- whether the draws are skewed: the mean FTE-years far above the median (a few draws with very
  many jobs pull the mean up), so a mean quoted elsewhere reads high;
- how much of the jobs lies in the rest of the world (country `ROW`), where FTE come from one
  world-average pay per FTE (macro/compensation.csv, rows ROW: an assumption spanning low- and
  high-wage economies, so its interval is wide) rather than from firms' filings.

The CLI (`moneytrail show RUN --table jobs`), the run page and the briefing add these sentences
to the jobs figures; stored runs are read as they are (nothing is recomputed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from moneytrail.report import units

TOTAL_ROW = "jobs (FTE-years), all"          # service.footprints: f"{WORK}, all"
PER_MILLION_START = "jobs (FTE-years) per "  # "... per USD million spent"
REST_OF_WORLD = "ROW"                        # the country code of the rest of the world
SKEWED = 1.2        # a mean at least this many times its median is called skewed


def _row(table: Any, key: str) -> dict[str, Any] | None:
    names = [c.name for c in table.columns]
    for row in table.rows:
        if str(row[0]) == key:
            return dict(zip(names, row, strict=True))
    return None


def _starting(table: Any, start: str) -> dict[str, Any] | None:
    names = [c.name for c in table.columns]
    for row in table.rows:
        if str(row[0]).startswith(start):
            return dict(zip(names, row, strict=True))
    return None


def _number(row: dict[str, Any] | None, key: str) -> float | None:
    """A finite number of a row, None when missing or not finite."""
    value = None if row is None else row.get(key)
    if value is None or not units.finite(value):
        return None
    return float(value)


def skew_text(tables: Mapping[str, Any]) -> str:
    """'Skewed: the mean over the draws, 1.17 m FTE-years, is 1.3 times the median, ...'
    when the jobs table's total has a mean at least SKEWED times its median; else ''."""
    jobs = tables.get("jobs")
    total = _row(jobs, TOTAL_ROW) if jobs is not None else None
    if total is None:
        return ""
    mean, p50 = _number(total, "amount_mean"), _number(total, "amount_p50")
    if mean is None or p50 is None or p50 <= 0 or mean < SKEWED * p50:
        return ""
    unit = str(total.get("unit") or "FTE-years")
    text = (f"Skewed: the mean over the draws, {units.in_unit(mean, unit)}, is "
            f"{mean / p50:.1f} times the median, {units.in_unit(p50, unit)}; a "
            "few draws with very many jobs pull the mean up, so the median is the central "
            "figure to quote")
    per = _starting(jobs, PER_MILLION_START)
    per_mean, per_p50 = _number(per, "amount_mean"), _number(per, "amount_p50")
    if per is not None and per_mean is not None and per_p50 is not None:
        per_unit = str(per.get("unit") or "")
        text += (f" (per million spent: mean {units.in_unit(per_mean, per_unit)}, "
                 f"median {units.in_unit(per_p50, per_unit)})")
    return text + "."


def rest_of_world_text(tables: Mapping[str, Any]) -> str:
    """'70 % of these FTE-years (mean) are in the rest of the world ...' from the country
    table's ROW row and the jobs table's total (means: they add up, percentiles do not);
    '' when the run has no such row or no jobs there."""
    jobs, country = tables.get("jobs"), tables.get("country")
    total = _row(jobs, TOTAL_ROW) if jobs is not None else None
    row = _row(country, REST_OF_WORLD) if country is not None else None
    if total is None or row is None:
        return ""
    there, everywhere = _number(row, "jobs_fte_mean"), _number(total, "amount_mean")
    if there is None or everywhere is None or everywhere <= 0 or there <= 0:
        return ""
    unit = str(total.get("unit") or "FTE-years")
    text = (f"{units.percent(there / everywhere)} of these {unit} (mean) are "
            "in the rest of the world (countries the data do not name one by one), estimated "
            "from one world-average pay per FTE (the table of pay per full-time job by country "
            "and industry, rows ROW: an assumption spanning low- and high-wage economies, so "
            "its interval is wide), not from firms' filings")
    if units.finite(row.get("jobs_fte_p5")) and units.finite(row.get("jobs_fte_p95")):
        text += (f"; there alone they range "
                 f"{units.interval_text(row['jobs_fte_p5'], row['jobs_fte_p95'], unit)} "
                 "(90 % interval)")
    return text + "."


def jobs_reading(tables: Mapping[str, Any]) -> str:
    """Both sentences (skew_text, rest_of_world_text) of a run's tables, '' where neither
    applies."""
    return " ".join(t for t in (skew_text(tables), rest_of_world_text(tables)) if t)
