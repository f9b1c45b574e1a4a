"""Plans side by side on the headline questions."""

from __future__ import annotations

import pandas as pd
from rich.table import Table

from moneytrail.analysis.headline import headline
from moneytrail.engine.result import TraceResult


def compare_table(results: list[TraceResult]) -> pd.DataFrame:
    """Rows: headline questions; for each plan its share p5 / p50 / p95 (per-draw shares)."""
    columns = {}
    for result in results:
        frame = headline(result)
        for stat in ("p50", "p5", "p95"):
            columns[(result.plan.id, stat)] = frame[f"share_{stat}"]
    table = pd.DataFrame(columns)
    table.columns = pd.MultiIndex.from_tuples(table.columns, names=["plan", "share"])
    return table


def render_compare(table: pd.DataFrame) -> Table:
    out = Table(title="Plans compared: share of the spending (median, 90 % interval)",
                title_justify="left")
    out.add_column("where the money ends up", style="bold")
    plans = list(dict.fromkeys(table.columns.get_level_values(0)))
    for plan in plans:
        out.add_column(plan, justify="right")
    for label, row in table.iterrows():
        cells = [f"{100 * row[(p, 'p50')]:.1f} % ({100 * row[(p, 'p5')]:.1f}–"
                 f"{100 * row[(p, 'p95')]:.1f})" for p in plans]
        out.add_row(str(label), *cells)
    return out
