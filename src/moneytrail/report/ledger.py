"""Ledger tables on the terminal (readable numbers), or as CSV / JSON for scripts."""

from __future__ import annotations

import json
import math

import pandas as pd
from rich.console import Console
from rich.table import Table

from moneytrail.ledger.errors import LedgerError
from moneytrail.service.result import frame_csv

FORMATS = ("table", "csv", "json")
AMOUNT_SUFFIXES = ("_low", "_central", "_high")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise LedgerError(f"unknown format (use {', '.join(FORMATS)})", field="--format",
                          value=fmt)
    return fmt


def short(amount: float) -> str:
    for size, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(amount) >= size:
            return f"{amount / size:,.2f} {suffix}"
    return f"{amount:,.0f}"


def cell(column: str, value: object) -> str:
    """Human text for one value, by what the column holds."""
    if value is None or value is pd.NA:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if "ratio" in column or column.startswith("per_gdp"):
            return f"{100 * value:.3g} %"
        if column.startswith("per_capita"):
            return f"{value:,.1f}"
        if column in ("low", "central", "high", "gdp", "population") or \
                column.endswith(AMOUNT_SUFFIXES):
            return short(value)
        return f"{value:g}"
    return str(value)


def rich_table(frame: pd.DataFrame, title: str | None = None,
               caption: str | None = None) -> Table:
    table = Table(title=title, caption=caption, title_justify="left", caption_justify="left")
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left",
                         overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(cell(str(c), v) for c, v in zip(frame.columns, row, strict=True)))
    return table


def emit(frames: dict[str, pd.DataFrame], *, fmt: str, console: Console,
         titles: dict[str, str] | None = None, caption: str | None = None,
         views: dict[str, pd.DataFrame] | None = None) -> None:
    """Print frames; `views` are compact versions used only for the terminal table."""
    if fmt == "json":
        payload = {name: json.loads(frame.to_json(orient="records"))
                   for name, frame in frames.items()}
        print(json.dumps(payload if len(frames) > 1 else next(iter(payload.values())),
                         indent=2))
    elif fmt == "csv":
        for number, (name, frame) in enumerate(frames.items()):
            if len(frames) > 1:
                print(("\n" if number else "") + f"# {name}")
            print(frame_csv(frame), end="")
    else:
        for name, frame in frames.items():
            view = (views or {}).get(name, frame)
            console.print(rich_table(view, (titles or {}).get(name, name),
                                     caption if name == list(frames)[-1] else None))


def interval(row: pd.Series, prefix: str) -> str:
    central = row[f"{prefix}_central"]
    if isinstance(central, float) and math.isnan(central):
        return "-"
    low, high = row[f"{prefix}_low"], row[f"{prefix}_high"]
    text = cell(f"{prefix}_central", central)
    if low != high:
        text += f" ({cell(f'{prefix}_low', low)} – {cell(f'{prefix}_high', high)})"
    return text


def reality_view(frame: pd.DataFrame) -> pd.DataFrame:
    """One readable column per stage and ratio: central (low – high) and the as_of date."""
    rows = []
    for _, row in frame.iterrows():
        out = {"deal": row["deal"], "region": row["region"]}
        for stage in ("announced", "committed", "disbursed"):
            text = interval(row, stage)
            out[stage] = text + (f" @{row[stage + '_as_of']}" if text != "-" else "")
        for stage in ("committed", "disbursed"):
            out[f"{stage} / announced"] = interval(row, f"{stage}_ratio")
        rows.append(out)
    return pd.DataFrame(rows, columns=["deal", "region", "announced", "committed", "disbursed",
                                       "committed / announced", "disbursed / announced"])


def totals_view(frame: pd.DataFrame) -> pd.DataFrame:
    keep = [c for c in frame.columns if c in ("region", "sector", "purpose", "year")]
    out = frame[keep].copy()
    out["amount"] = [_amount(r) for _, r in frame.iterrows()]
    out["deals"] = frame["deals"]
    out["overlaps excluded"] = frame["overlaps_excluded"]
    if "per_capita_central" in frame.columns:
        out["per capita"] = [cell("per_capita", v) for v in frame["per_capita_central"]]
        out["share of GDP"] = [cell("per_gdp", v) for v in frame["per_gdp_central"]]
        out["pop./GDP year"] = [f"{p if p is not pd.NA else '-'}/"
                                f"{g if g is not pd.NA else '-'}"
                                for p, g in zip(frame["population_year"], frame["gdp_year"],
                                                strict=True)]
    return out


def _amount(row: pd.Series) -> str:
    text = short(row["central"])
    if row["low"] != row["high"]:
        text += f" ({short(row['low'])} – {short(row['high'])})"
    return text


def claims_view(claims: pd.DataFrame) -> pd.DataFrame:
    """A deal's claims: as sourced, and converted (column named after the target unit)."""
    out = pd.DataFrame({
        "ref": claims["ref"], "stage": claims["stage"],
        "amount": [f"{r['currency']} {_amount(r)}" for _, r in claims.iterrows()],
        "price year": claims["price_year"], "as_of": claims["as_of"],
        "source": claims["source"], "supersedes": claims["supersedes"],
        "used": claims["used"].map({True: "yes", False: ""}),
        "revision": claims["revision"]})
    if len(claims):
        label = f"{claims['norm_currency'].iloc[0]} {claims['norm_price_year'].iloc[0]}"
        out.insert(3, label, [short(v) for v in claims["norm_central"]])
    return out
