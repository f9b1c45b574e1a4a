"""Ledger tables on the terminal (readable numbers), or as CSV / JSON for scripts.

Amounts print with their currency through `report.units` ('EUR 442.49 bn', 'EUR 33.63–46.02
bn'), the formatter of every other table; CSV and JSON keep plain numbers and a `currency`
column.
"""

from __future__ import annotations

import json
import math

import pandas as pd
from rich.console import Console
from rich.table import Table

from moneytrail.ledger.errors import LedgerError
from moneytrail.report import units
from moneytrail.report.plain import DataTable
from moneytrail.service.result import frame_csv

FORMATS = ("table", "csv", "json")
# `_in_parts`: a stage's amount summed over a deal's parts (ledger.queries, `ledger list`)
AMOUNT_SUFFIXES = ("_low", "_central", "_high", "_in_parts")


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise LedgerError(f"unknown format (use {', '.join(FORMATS)})", field="--format",
                          value=fmt)
    return fmt


def currency_of(frame: pd.DataFrame) -> str:
    """The one currency of a frame's amounts (its `currency` column), '' without one."""
    if "currency" not in frame.columns or frame.empty:
        return ""
    found = frame["currency"].dropna().astype(str).unique()
    return str(found[0]) if len(found) == 1 else ""


def is_amount(column: str) -> bool:
    return column in ("low", "central", "high") or (
        column.endswith(AMOUNT_SUFFIXES) and "ratio" not in column)


def cell(column: str, value: object, currency: str = "") -> str:
    """Human text for one value, by what the column holds; amounts with their currency
    (units.money: 'EUR 6.25 bn')."""
    if value is None or value is pd.NA:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if "ratio" in column or column.startswith("per_gdp"):
            return units.percent(value)          # as the web pages print shares
        if column.startswith("per_capita"):
            return units.money(value, currency) if currency else f"{value:,.1f}"
        if is_amount(column):
            return units.money(value, currency)
        if column in ("gdp", "population"):
            return units.number(value)
        return f"{value:g}"
    return str(value)


def rich_table(frame: pd.DataFrame, title: str | None = None,
               caption: str | None = None, currency: str = "") -> Table:
    """A frame as a rich table; amount columns print in `currency` (else the frame's own
    `currency` column, when it has one). Its text is data, shown as written (DataTable: a
    note's `[red]` or `:x:` is neither a style nor an emoji)."""
    currency = currency or currency_of(frame)
    table = DataTable(title=title, caption=caption, title_justify="left", caption_justify="left")
    for column in frame.columns:
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), justify="right" if numeric else "left",
                         overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*(cell(str(c), v, currency)
                        for c, v in zip(frame.columns, row, strict=True)))
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
                                     caption if name == list(frames)[-1] else None,
                                     currency=currency_of(frame)))


def store_line(store: dict) -> str:
    """The line `ledger status` ends with, naming the store it read (`store`, the facts of
    cli.ledger.store_facts): `store /srv/ledger.sqlite · schema revision 0011 (the newest this
    moneytrail knows) · code 0.5.9 · data package 2.6.0 (last imported)`."""
    revision, newest = store["schema_revision"], store["newest_schema_revision"]
    schema = f"schema revision {revision or 'unknown'}"
    if store["schema_is_newest"]:
        schema += " (the newest this moneytrail knows)"
    elif newest:
        schema += f" (this moneytrail knows revisions up to {newest})"
    parts = [f"store {store['store']}", schema, f"code {store['code_version']}"]
    if store["data_version"]:
        parts.append(f"data package {store['data_version']} (last imported)")
    return " · ".join(parts)


def history_caption(history: pd.DataFrame, kind: str | None, key: str | None,
                    newest: int) -> str:
    """What the numbers of `ledger history` are: store revisions, counted up across the whole
    ledger (`newest`, Ledger.latest_revision()); for one record, its record revision (the
    number of its latest change, Ledger.latest_revision(kind, key)), which `ledger edit
    --revision` wants."""
    said = (f"Store revisions count up across the whole ledger; the newest is {newest}. "
            "'ledger edit --revision' wants a record's revision, the number of its latest "
            "change")
    if kind and key and not history.empty:
        mine = int(history["revision"].max())    # the caption is text (DataTable), as written
        return (f"{said}: {kind} '{key}' is at record revision {mine} (its newest row), so "
                f"'ledger edit {kind} {key} --revision {mine} ...'.")
    return f"{said}: the newest row of 'ledger history KIND KEY'."


def interval(row: pd.Series, prefix: str, unit: str = "") -> str:
    """'central (low–high)' of `prefix_central`, `prefix_low`, `prefix_high` in `unit` (a
    currency code or 'share'; units.in_unit and units.interval_text), '-' without a
    central value. An empty prefix reads the columns `central`, `low`, `high`."""
    def key(stat: str) -> str:
        return f"{prefix}_{stat}" if prefix else stat

    central = row[key("central")]
    if not units.finite(central):
        return "-"
    low, high = row[key("low")], row[key("high")]
    text = units.in_unit(central, unit)
    if low != high and units.finite(low) and units.finite(high):
        text += f" ({units.interval_text(low, high, unit, like=central)})"
    return text


def reality_view(frame: pd.DataFrame) -> pd.DataFrame:
    """One readable column per stage and ratio: central (low – high) and the as_of date; the
    deal's kind, so a need, an expectation or a cost is never read as a pledge."""
    rows = []
    currency = currency_of(frame)
    for _, row in frame.iterrows():
        out = {"deal": row["deal"], "region": row["region"],
               "kind": str(row.get("kind", "") or "pledge")}
        for stage in ("announced", "committed", "disbursed"):
            text = interval(row, stage, currency)
            out[stage] = text + (f" @{row[stage + '_as_of']}" if text != "-" else "")
        for stage in ("committed", "disbursed"):
            out[f"{stage} / announced"] = interval(row, f"{stage}_ratio", "share")
        out["check"] = str(row.get("warnings", "") or "")
        rows.append(out)
    columns = ["deal", "region", "kind", "announced", "committed", "disbursed",
               "committed / announced", "disbursed / announced", "check"]
    view = pd.DataFrame(rows, columns=columns)
    return view if (view["check"] != "").any() else view.drop(columns="check")


def totals_view(frame: pd.DataFrame) -> pd.DataFrame:
    keep = [c for c in frame.columns if c in ("region", "sector", "purpose", "year")]
    out = frame[keep].copy()
    currency = currency_of(frame)
    out["amount"] = [interval(r, "", currency) for _, r in frame.iterrows()]
    out["deals"] = frame["deals"]
    out["overlaps excluded"] = frame["overlaps_excluded"]
    if "per_capita_central" in frame.columns:
        out["per capita"] = [cell("per_capita", v, currency)
                             for v in frame["per_capita_central"]]
        out["share of GDP"] = [cell("per_gdp", v) for v in frame["per_gdp_central"]]
        out["pop./GDP year"] = [f"{p if p is not pd.NA else '-'}/"
                                f"{g if g is not pd.NA else '-'}"
                                for p, g in zip(frame["population_year"], frame["gdp_year"],
                                                strict=True)]
        if "gdp_source" in frame.columns:
            out["GDP source"] = [gdp_source_text(s, r) for s, r in
                                 zip(frame["gdp_source"], frame["gdp_reliability"],
                                     strict=True)]
    return out


def totals_notes(caveats: pd.DataFrame, include_needs: bool,
                 names: dict[str, str] | None = None) -> list[str]:
    """What `moneytrail ledger totals` says after its table, as the web totals page does
    (queries.TOTALS_NOTE, NEEDS_NOTE): the totals are lower bounds, how many deals were left
    out inside others and the largest of them; with `include_needs`, that estimates of need
    were added (not pledges), how many and the largest. `caveats`: Ledger.totals_caveats with
    the same options; `names`: deal names by id, for the deals the largest is inside."""
    from moneytrail.ledger.queries import NEEDS_NOTE, TOTALS_NOTE

    names = names or {}

    def largest(rows: pd.DataFrame) -> str:
        row = rows.sort_values("central", ascending=False, kind="stable").iloc[0]
        amount = units.money(row["central"], str(row.get("currency") or ""))
        inside = [names.get(d, d) for d in str(row.get("inside") or "").split(";") if d]
        how = [r for r in str(row.get("relation") or "").split(";") if r]
        where = f", {how[0] if how else 'inside'} {inside[0]}" if inside else ""
        return f"{row['name']} ({amount}{where})"

    notes = [TOTALS_NOTE]
    out = caveats[caveats["caveat"] == "left out"]
    if len(out):
        notes.append(f"{len(out)} deal{'s' if len(out) != 1 else ''} left out as inside or "
                     f"overlapping another counted deal; the largest: {largest(out)}.")
    else:
        notes.append("No deal was left out as inside another: these totals are not lowered "
                     "by overlaps.")
    if include_needs:
        needs = caveats[caveats["caveat"] == "not a pledge"]
        counted = (f" ({len(needs)} added; the largest: {largest(needs)})" if len(needs)
                   else " (none among the selected deals)")
        notes.append(NEEDS_NOTE.rstrip(".") + counted + ".")
    return [f"note: {text}" for text in notes]


def gdp_source_text(source: object, reliability: object) -> str:
    """The GDP figure's source id, with its reliability unless official ('x (estimate)');
    '-' without GDP data."""
    if not source or source is pd.NA:
        return "-"
    label = str(reliability or "unknown")
    return str(source) if label == "official" else f"{source} ({label})"


def claims_view(claims: pd.DataFrame) -> pd.DataFrame:
    """A deal's claims: as sourced, and converted (column named after the target unit)."""
    out = pd.DataFrame({
        "ref": claims["ref"], "stage": claims["stage"],
        "amount": [interval(r, "", str(r["currency"])) for _, r in claims.iterrows()],
        "price year": claims["price_year"], "as_of": claims["as_of"],
        "source": claims["source"], "supersedes": claims["supersedes"],
        "used": claims["used"].map({True: "yes", False: ""}),
        "revision": claims["revision"]})
    if len(claims):
        currency = str(claims["norm_currency"].iloc[0])
        label = f"{currency} {claims['norm_price_year'].iloc[0]}"
        out.insert(3, label, [units.money(v, currency) for v in claims["norm_central"]])
    return out
