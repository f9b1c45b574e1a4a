"""What a reader needs beside a run's jobs figures, read from the run's own tables.

Two things the jobs table does not say by itself (service.footprints):
- whether the draws are skewed: the mean FTE-years far above the median (a few draws with very
  many jobs pull the mean up), so a mean quoted elsewhere reads high;
- how much of the jobs lies in the rest of the world (country `ROW`), where FTE come from one
  world-average pay per FTE (macro/compensation.csv, rows ROW: an assumption spanning low- and
  high-wage economies, so its interval is wide) rather than from firms' filings.

And one thing it does not show beside its total: how much of the jobs lies in the plan's buyer
region (region_text: 'Of which in the EU: ...'), read from the run's per-draw row of that region
(the headline table's EU workers row; a single country's row of the country table), so its
median and 90 % interval are of the region's total, not sums of rows' percentiles.

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
# engine.dimensions.HEADLINES: labour value added in every member state and the EU-wide
# sectors, summed per draw (its jobs_fte columns are that sum's statistics)
EU_WORKERS = "EU workers (wages earned in the EU)"
AT_ONE_TIME_START = "jobs at one time"       # service.footprints.at_one_time
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


def skew_text(tables: Mapping[str, Any], *, per_million: bool = True) -> str:
    """'Skewed: the mean over the draws, 1.17 m FTE-years, is 1.3 times the median, ...'
    when the jobs table's total has a mean at least SKEWED times its median; else ''.
    `per_million`: add the figures per million of the run's own currency (a comparison that
    restates them in one currency for every run leaves them out)."""
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
    if per_million and per is not None and per_mean is not None and per_p50 is not None:
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


def region_row(tables: Mapping[str, Any], region: str) -> dict[str, Any] | None:
    """The run's per-draw jobs row of a buyer region: for the EU, the headline table's EU
    workers row (every member state and the EU-wide sectors, summed per draw); for one
    country, its row of the country table. None when the run has no such row."""
    if region == "EU":
        table = tables.get("headline")
        return _row(table, EU_WORKERS) if table is not None else None
    table = tables.get("country")
    return _row(table, region) if table is not None and region != REST_OF_WORLD else None


def region_text(tables: Mapping[str, Any], region: Any, place: str = "") -> str:
    """'Of which in the EU: 47.6 k FTE-years (median; 90 % interval ...), about 9,510 FTE at
    one time over the 5 years the money is spent (...); 17.3 % of the total (means)' for the
    plan's buyer `region` ('EU', 'US'), from the run's own tables: the region's per-draw row
    (region_row), scaled to one time as the jobs table's at-one-time total is to its
    FTE-years total (1 / the years of spending, which its label names),
    and its share of the total from means (means add up, medians do not). `place`: how the
    region is named ('the EU'; default from its code). '' when the tables do not allow it."""
    jobs = tables.get("jobs")
    if jobs is None or not region:
        return ""
    row, total = region_row(tables, str(region)), _row(jobs, TOTAL_ROW)
    once_label = next((str(r[0]) for r in jobs.rows if str(r[0]).startswith(AT_ONE_TIME_START)
                       and str(r[0]).endswith(", all")), "")
    once = _row(jobs, once_label) if once_label else None
    p50, mean = _number(row, "jobs_fte_p50"), _number(row, "jobs_fte_mean")
    everywhere = _number(total, "amount_mean")
    if p50 is None or mean is None or everywhere is None or everywhere <= 0:
        return ""
    unit = str((total or {}).get("unit") or "FTE-years")
    p5, p95 = _number(row, "jobs_fte_p5"), _number(row, "jobs_fte_p95")
    spread = "" if p5 is None or p95 is None else units.interval_text(p5, p95, unit, p50)
    name = place or ("the EU" if region == "EU" else units.place_in_sentence(region))
    text = f"Of which in {name}: {units.in_unit(p50, unit)} ("
    text += f"median; 90 % interval {spread})" if spread else "central figure)"
    scale = _number(once, "amount_mean")
    if scale is not None and scale > 0:
        factor = scale / everywhere          # 1 / the years of spending
        text += f", about {units.in_unit(p50 * factor, 'FTE')} at one time"
        years = units.spend_years_text(None, [once_label])      # from the row's label
        if years != "years":            # which years the FTE-years are spread over
            text += f" over the {years} the money is spent"
        if spread and p5 is not None and p95 is not None:
            text += f" ({units.interval_text(p5 * factor, p95 * factor, 'FTE', p50 * factor)})"
    return text + f"; {units.percent(mean / everywhere)} of the total (means)."


def jobs_reading(tables: Mapping[str, Any]) -> str:
    """Both sentences (skew_text, rest_of_world_text) of a run's tables, '' where neither
    applies."""
    return " ".join(t for t in (skew_text(tables), rest_of_world_text(tables)) if t)
