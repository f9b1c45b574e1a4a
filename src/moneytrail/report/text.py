"""Result tables as terminal text, CSV or JSON."""

from __future__ import annotations

import json
import math

import pandas as pd
from rich.console import Console
from rich.table import Table

FORMATS = ("table", "csv", "json")


def money(amount: float, currency: str) -> str:
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(amount) >= size:
            return f"{currency} {amount / size:,.2f} {suffix}"
    return f"{currency} {amount:,.0f}"


def percent(value: float) -> str:
    return "-" if not math.isfinite(value) else f"{100 * value:.1f} %"


def interval_table(frame: pd.DataFrame, *, title: str, currency: str) -> Table:
    """Share as p50 with the 90 % interval, and the mean amount."""
    table = Table(title=title, title_justify="left", show_lines=False)
    table.add_column(frame.index.name or "", style="bold")
    table.add_column("share (median)", justify="right")
    table.add_column("90 % interval", justify="right")
    table.add_column("amount (mean)", justify="right")
    for label, row in frame.iterrows():
        table.add_row(str(label), percent(row["share_p50"]),
                      f"{percent(row['share_p5'])} – {percent(row['share_p95'])}",
                      money(row["amount_mean"], currency))
    return table


def json_value(value: object) -> object:
    """Numbers as floats (missing as null), everything else as text."""
    if isinstance(value, bool | str) or value is None:
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    return number if math.isfinite(number) else None


def frames_to_json(frames: dict[str, pd.DataFrame], info: dict) -> str:
    payload = {"info": info, "tables": {
        name: [{frame.index.name or "label": str(idx),
                **{str(k): json_value(v) for k, v in row.items()}}
               for idx, row in frame.iterrows()]
        for name, frame in frames.items()}}
    return json.dumps(payload, indent=2, default=str)


def frames_to_csv(frames: dict[str, pd.DataFrame]) -> str:
    parts = []
    for name, frame in frames.items():
        out = frame.reset_index().rename(columns={frame.index.name or "index": "label"})
        out.insert(0, "table", name)
        parts.append(out)
    return pd.concat(parts, ignore_index=True).to_csv(index=False)


def emit(frames: dict[str, pd.DataFrame], *, fmt: str, info: dict, console: Console,
         titles: dict[str, str] | None = None) -> None:
    if fmt == "json":
        console.print_json(frames_to_json(frames, info)) if console.is_terminal else \
            print(frames_to_json(frames, info))
    elif fmt == "csv":
        print(frames_to_csv(frames), end="")
    else:
        for name, frame in frames.items():
            title = (titles or {}).get(name, name)
            console.print(interval_table(frame, title=title, currency=info.get("currency", "")))


def cell(value: object) -> str:
    if isinstance(value, float):
        return "-" if not math.isfinite(value) else f"{value:,.4g}"
    return str(value)


def frame_table(frame: pd.DataFrame, *, title: str) -> Table:
    """Any DataFrame as a terminal table (index columns first, numbers to 4 significant
    digits, missing values as '-')."""
    flat = frame.reset_index() if any(name is not None for name in frame.index.names) \
        else frame
    table = Table(title=title, title_justify="left")
    for column in flat.columns:
        table.add_column(str(column), justify="right" if flat[column].dtype.kind in "fiu"
                         else "left", overflow="fold")
    for _, row in flat.iterrows():
        table.add_row(*[cell(v) for v in row.tolist()])
    return table
