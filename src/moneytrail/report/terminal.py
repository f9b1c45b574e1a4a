"""Results on the terminal (rich tables), or as CSV / JSON for scripts.

Every table of a `Result` is rendered from its neutral description (`service.result.Table`):
columns carry units, so shares print as percentages, money with its currency, and the
statistics over draws as "median (90 % interval)". Wide tables wrap their cells to fit the
terminal (piped output has no width limit: cli.common.make_console); `--format csv` and
`--format json` keep every column.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from rich.console import Console
from rich.table import Table as RichTable
from rich.text import Text

from moneytrail.engine.dimensions import OWNERSHIP_NOTE, OWNERSHIP_TITLE
from moneytrail.engine.evidence import LABELS, OWN
from moneytrail.errors import MoneytrailError
from moneytrail.report import units
from moneytrail.report.evidence import OWN_INPUT_WORDS
from moneytrail.report.plain import DataTable, plain
from moneytrail.report.units import (
    MISSING,
    finite,
    in_unit,
    interval_text,
    median_interval,
    money,
    p_holds_text,
    percent,
)
from moneytrail.service.result import (
    Result,
    Table,
    csv_named_frame,
    csv_table_metadata,
    csv_unit_frame,
    frame_csv,
    write_csv_metadata,
)

FORMATS = ("table", "csv", "json")


def check_format(fmt: str, meta: Path | None = None) -> str:
    """`fmt` if it is one of FORMATS; `--meta` (the CSV's sidecar) only with CSV."""
    if fmt not in FORMATS:
        raise MoneytrailError(f"unknown format (use {', '.join(FORMATS)})", field="--format",
                              value=fmt)
    if meta is not None and fmt != "csv":
        raise MoneytrailError("--meta writes the metadata of a CSV: use it with --format csv "
                              "(JSON carries its units, run id and facts itself)",
                              field="--meta", value=str(meta))
    if meta is not None:            # checked before any work starts; a typo: bad input, exit 2
        path = meta.expanduser().resolve()
        if path.is_dir():
            raise MoneytrailError("cannot write the CSV's metadata: this is a folder (give a "
                                  "file name, such as trace-metadata.json)",
                                  field="--meta", value=str(meta))
        if not path.parent.is_dir():
            raise MoneytrailError("cannot write the CSV's metadata: the folder does not exist "
                                  "(create it first, or give a file in an existing folder)",
                                  field="--meta", value=str(meta))
    return fmt


def number(value: Any) -> str:
    """A cell of a text or number column: numbers as units.number (no scientific notation)."""
    if value is None or value == "None":
        return MISSING
    if isinstance(value, float):
        return units.number(value)
    return str(value)


def interval(row: pd.Series, prefix: str, unit: str) -> str:
    """median (90 % interval) of a quantity `prefix_p50`, `prefix_p5`, `prefix_p95` in its
    unit (units.median_interval); 'n/a' without a median."""
    p50, p5, p95 = (row.get(f"{prefix}_{s}") for s in ("p50", "p5", "p95"))
    return median_interval(p50, p5, p95, unit)


FOOTPRINT_COLUMNS = (("jobs_fte", "FTE-years", "jobs, FTE-years (median, 90 %)"),
                     ("co2_t", "t CO2e", "CO2 embodied (median, 90 %)"))


ENTITY_TABLES = ("entity", "supplier", "rent_recipients", "evidence",   # tables with firms
                 "market_power", "dependency")
# text columns of entity ids (dependency, markets, markups) and the tables with them
ENTITY_COLUMNS = ("largest_supplier", "top_supplier", "supplier")
ENTITY_COLUMN_TABLES = ("dependency", "markets", "markups")
EMPTY_NOTES = {"conditions": "This plan states no conditions (a scenario's `conditions:` "
                             "list), so there is nothing to check."}
EMPTY_NOTE = "No rows: nothing to show for this plan."
DIMENSION_TABLES = ("market_power",)     # rows (dimension, label): firms, groups, countries


def relabel_dimensions(table: Table, entities: dict[str, str] | None = None,
                       countries: dict[str, str] | None = None) -> Table:
    """A table of rows (dimension, label) with each label for readers: firms by display name
    (`entities`), groups by units.group_label, countries by name (`countries`,
    units.region_label); other rows as they are. The stored table keeps the ids."""
    if tuple(table.index) != ("dimension", "label"):
        return table
    names = [c.name for c in table.columns]
    at, of = names.index("label"), names.index("dimension")

    def label(dimension: str, key: Any) -> Any:
        if dimension == "entity":
            return (entities or {}).get(str(key), key)
        if dimension == "group":
            return units.group_label(key)
        if dimension in units.COUNTRY_TABLES:
            return units.region_label(key, countries)
        return key

    rows = tuple(tuple(label(str(row[of]), v) if i == at else v for i, v in enumerate(row))
                 for row in table.rows)
    return replace(table, rows=rows)


def conditions_in_words(table: Table, result: Result,
                        entities: dict[str, str] | None = None,
                        countries: dict[str, str] | None = None) -> Table:
    """A conditions table with each condition in words (units.condition_words, as the web
    page's), groups by their titles: 'Value added share to US hyperscalers (Amazon,
    Microsoft, Google) at most 30 %', not 'value_added_share (us_big_tech) <= 0.3', which
    a reader could take for all US big tech. CSV and JSON keep the stored ids."""
    names = [c.name for c in table.columns]
    if not {"condition", "metric", "bound"} <= set(names):
        return table
    plan = result.provenance.inputs.get("plan") or {}
    stated = plan.get("conditions") if isinstance(plan, dict) else None
    given: list[Any] = stated if isinstance(stated, list) else []
    known = {**(countries or {}), **(entities or {})}
    at = names.index("condition")
    rows = []
    for k, row in enumerate(table.rows):
        record = dict(zip(names, row, strict=True))
        here = given[k] if len(given) == len(table.rows) else None
        words = units.condition_words(record, known,
                                      units.condition_selectors(here) if here else None,
                                      units.condition_threshold(here or {}))
        rows.append(tuple(words if i == at else v for i, v in enumerate(row)))
    return replace(table, rows=tuple(rows))


IN_ORDER = ("tier", "headline")     # breakdowns shown in their own order, not by size


def largest_median_first(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a breakdown largest median amount first, as the web run page orders them
    (web.runs.breakdown_rows): the larger mean breaks a tie, then the stored order; a
    missing or non-finite figure counts as 0. Without `amount_p50` (a run stored before
    it), by the mean. `frame`: amount_mean (and amount_p50) columns, any index."""
    keys = [c for c in ("amount_p50", "amount_mean") if c in frame.columns]
    order = pd.DataFrame({c: -pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
                          for c in keys})
    order = order.where(np.isfinite(order.to_numpy()), 0.0)
    ranks = order.sort_values(keys, kind="stable").index.to_numpy()
    return frame.iloc[ranks]


def breakdown_table(table: Table, entities: dict[str, str] | None = None,
                    countries: dict[str, str] | None = None) -> RichTable:
    """A breakdown (amount_* and share_* columns): share median, 90 % interval, median amount
    (beside the median share, as the web page shows it; the mean for a table without
    `amount_p50`), jobs and CO2 when the trace computed them; the table's note (what is
    not counted, where the figures come from) under it. Rows largest median amount first
    (`largest_median_first`, as the web run page), tiers and headline rows in their order.
    Firms and sectors are shown by their display name (`entities`: id -> name,
    ValueChain.entity_names; the id without one), countries by name (`countries`: code ->
    name, units.region_label), groups by units.group_label."""
    frame = table.frame()
    if table.name not in IN_ORDER:      # largest median first, as the web run page
        frame = largest_median_first(frame)
    if entities and table.name in ENTITY_TABLES:
        frame.index = [entities.get(str(k), str(k)) for k in frame.index]
    if table.name == "group":
        frame.index = [units.group_label(k) for k in frame.index]
    currency = table.unit("amount_mean")
    amount = "amount_p50" if "amount_p50" in frame.columns else "amount_mean"
    caption = table.note or ""
    if table.name == "headline":    # a row renamed since a run was stored; what rows count
        from moneytrail.engine.dimensions import headline_label, headline_notes

        frame.index = [headline_label(str(k)) for k in frame.index]
        caption = " ".join(n for n in [caption, *headline_notes(frame.index)] if n)
    if table.name in units.COUNTRY_TABLES:   # readable regions; all-zero rows in a footnote
        zero = ((frame["amount_mean"] == 0) & (frame["share_p5"] == 0)
                & (frame["share_p95"] == 0)).to_numpy()
        left_out = [units.region_label(k, countries) for k in frame.index[zero]]
        frame = frame[~zero]
        frame.index = [units.region_label(k, countries) for k in frame.index]
        notes = [OWNERSHIP_NOTE if table.name == "owner_country" else "",
                 units.EU_FOOTNOTE if units.REGION_LABELS["EU"] in frame.index else "",
                 units.ROW_FOOTNOTE if units.REGION_LABELS["ROW"] in frame.index else "",
                 units.no_money_text(left_out)]
        caption = " ".join(n for n in [caption, *notes] if n)
    # runs stored before said "where it accrues": every run says what the view counts
    title = OWNERSHIP_TITLE if table.name == "owner_country" else table.title
    out = DataTable(title=title, title_justify="left", caption=caption or None,
                    caption_justify="left")    # the note says what is not counted
    out.add_column(table.index[0] if table.index else "", style="bold", overflow="fold")
    # figures fold onto a second line in a narrow window, never cut ("2,859…" lost digits)
    out.add_column("share (median)", justify="right", overflow="fold")
    out.add_column("90 % interval", justify="right", overflow="fold")
    out.add_column("amount (median)" if amount == "amount_p50" else "amount (mean)",
                   justify="right", overflow="fold")
    evidence = "assumption_or_weak_mean" in frame.columns     # see evidence_table
    if evidence:
        out.add_column("evidence: on assumption or weak rows (mean)", justify="right",
                       overflow="fold")
    footprints = [(prefix, unit, title) for prefix, unit, title in FOOTPRINT_COLUMNS
                  if f"{prefix}_p50" in frame.columns]      # jobs and CO2 (issue 14)
    for _, _, title in footprints:
        out.add_column(title, justify="right", overflow="fold")
    for label, row in frame.iterrows():
        cells = [str(label), percent(row["share_p50"]),
                 interval_text(row["share_p5"], row["share_p95"], "share") or MISSING,
                 money(row[amount], currency if currency != "number" else "")]
        if evidence:
            cells.append(percent(row["assumption_or_weak_mean"]))
        cells += [interval(row, prefix, unit) for prefix, unit, _ in footprints]
        out.add_row(*cells)
    return out


# the evidence classes, strongest first; the plan's own inputs named in words
EVIDENCE_WORDS = {OWN: OWN_INPUT_WORDS}


def evidence_table(table: Table, entities: dict[str, str] | None = None) -> RichTable:
    """The evidence weight: per figure, the share resting on assumption or weak rows (mean,
    90 % interval) and the mean share on each weakest label (labels no figure rests on are
    left out, as are figures never reached); entities largest first, by display name
    (`entities`: id -> name, ValueChain.entity_names; the id without one)."""
    frame = table.frame()
    frame = frame[frame["assumption_or_weak_mean"].notna()]
    order = {"total": 0, "headline": 1, "scorecard": 2, "entity": 3}
    frame = frame.assign(_o=[order.get(d, 4) for d, _ in frame.index],
                         _a=-frame["amount_mean"].where(
                             np.array([d == "entity" for d, _ in frame.index], dtype=bool),
                             0.0))
    frame = frame.sort_values(["_o", "_a"], kind="stable")
    currency = table.unit("amount_mean")
    labels = [name for name in LABELS          # a run stored before own_input: none
              if f"{name}_mean" in frame.columns and (frame[f"{name}_mean"] > 0).any()]
    out = DataTable(title=table.title, title_justify="left", caption=table.note or None,
                    caption_justify="left")
    out.add_column("figure", style="bold", overflow="fold")
    out.add_column("amount (mean)", justify="right", overflow="fold")
    out.add_column("on assumption or weak (mean)", justify="right", overflow="fold")
    out.add_column("90 % interval", justify="right", overflow="fold")
    for label in labels:
        out.add_column(f"on {EVIDENCE_WORDS.get(label, label)}", justify="right",
                       overflow="fold")
    for (dimension, label), (_, row) in zip(frame.index, frame.iterrows(), strict=True):
        if dimension in ("total", "headline"):
            name = str(label)
        elif dimension == "entity":
            name = (entities or {}).get(str(label), str(label))
        else:
            name = f"{dimension}: {label}"
        out.add_row(name, money(row["amount_mean"], currency if currency != "number" else ""),
                    percent(row["assumption_or_weak_mean"]),
                    interval_text(row["assumption_or_weak_p5"],
                                  row["assumption_or_weak_p95"], "share") or MISSING,
                    *[percent(row[f"{name_}_mean"]) for name_ in labels])
    return out


def plans_of(table: Table) -> list[str]:
    """Plans of a side-by-side table (columns <plan>_<stat>), in order."""
    names = [c.name for c in table.columns if c.name.endswith("_p50")]
    return [name[: -len("_p50")] for name in names]


def side_by_side(table: Table) -> RichTable:
    """Rows of metrics, one column per plan: median (90 % interval), in each row's unit; a
    scorecard's 'Conditions met' or budget per training run without a figure says why, as its
    note gives it ('n/a (no conditions set)', analysis.scorecard.missing_said)."""
    from moneytrail.analysis.scorecard import missing_said

    frame = table.frame()
    out = DataTable(title=table.title, title_justify="left", caption=table.note or None,
                    caption_justify="left")
    out.add_column(table.index[0] if table.index else "", style="bold", overflow="fold")
    plans = plans_of(table)
    for plan in plans:
        out.add_column(plan, justify="right", overflow="fold")
    for label, row in frame.iterrows():
        unit = row["unit"] if "unit" in frame.columns else table.unit(f"{plans[0]}_p50")
        cells = [interval(row, plan, unit) for plan in plans]
        cells = [missing_said(table.note or "", str(label), plan) or cell if cell == "n/a"
                 else cell for plan, cell in zip(plans, cells, strict=True)]
        out.add_row(str(label), *cells)
    return out


MAX_COLUMNS = 7      # columns a generic table shows on a terminal


def stat_groups(names: list[str]) -> dict[str, str]:
    """Quantities that have p5, p50 and p95 columns (`x_p50` -> "x"; bare `p50` -> "")."""
    out = {}
    for name in names:
        if name.endswith("p50"):
            stem = name[: -len("p50")]
            if {f"{stem}p5", f"{stem}p95"} <= set(names):
                out[stem] = stem.rstrip("_")
    return out


def generic_table(table: Table, entities: dict[str, str] | None = None) -> RichTable:
    """Any table: index columns first, values in their units, cells wrapped to fit. A quantity
    with p5 / p50 / p95 columns shows as one "median (90 % interval)" column (its mean and
    the separate percentile columns are in the CSV and JSON). Firms in ENTITY_COLUMNS by
    display name (`entities`: id -> name); a table without rows says so in its caption."""
    names = [c.name for c in table.columns]
    groups = stat_groups(names)
    hidden = {f"{stem}{s}" for stem in groups for s in ("mean", "p5", "p50", "p95")}
    shown: list[tuple[str, str, str]] = []
    dropped: list[str] = []
    for column in table.columns:
        unit = units.level_unit(column.name, column.unit)
        if column.name in hidden:
            stem = next((g for g in groups if column.name == f"{g}p50"), None)
            if stem is None:
                continue
            shown.append(("stat", stem, unit))
            continue
        shown.append(("plain", column.name, unit))
    if len(shown) > MAX_COLUMNS:          # a terminal reads 80-100 columns: keep the first
        # a quantity over draws named as its column would be: `hhi` (a level) may be shown
        # while `hhi_p5` / `p50` / `p95` (its spread) are not
        dropped = [name if kind == "plain" else
                   f"{groups[name] or 'value'} (median, 90 % interval)"
                   for kind, name, _ in shown[MAX_COLUMNS:]]
        shown = shown[:MAX_COLUMNS]
    note = table.note
    if not table.rows:
        note = " ".join(n for n in (note, EMPTY_NOTES.get(table.name, EMPTY_NOTE)) if n)
    if dropped:
        note = (f"{note} " if note else "") + (f"Not shown here: {', '.join(dropped)} "
                                               "(--format csv or json has every column).")
    out = DataTable(title=table.title, title_justify="left", caption=note or None,
                    caption_justify="left")
    for kind, name, unit in shown:
        if kind == "stat":
            label = groups[name] or "value"
            out.add_column(f"{label} (median, 90 % interval)", justify="right",
                           overflow="fold")
        else:
            out.add_column(name, justify="right" if unit not in ("text", "date") else "left",
                           overflow="fold")
    position = {name: k for k, name in enumerate(names)}
    unit_column = position.get("unit")
    for row in table.rows:
        cells = []
        for kind, name, unit in shown:
            if kind == "plain":
                value = row[position[name]]
                if name in ENTITY_COLUMNS and entities:
                    value = entities.get(str(value), value)
                cells.append(in_unit(value, unit) if unit not in ("text", "date")
                             and finite(value) else number(value))
                continue
            row_unit = str(row[unit_column]) if unit_column is not None and \
                unit in ("number", "by row") else unit
            p50, p5, p95 = (row[position[f"{name}{s}"]] for s in ("p50", "p5", "p95"))
            cells.append(median_interval(p50, p5, p95, row_unit))
        out.add_row(*cells)
    return out


VERDICT_COLOURS = {"supported": "green", "contradicted": "red", "uncertain": "yellow",
                   "conditional": "cyan", "met": "green", "not met": "red"}


# a verdict on weak evidence (analysis.verdicts.weak_basis): neither a sound verdict's green
# nor red, as the web pages' amber
WEAK_BASIS_COLOUR = "dark_orange"


def coloured(verdict: str) -> Text:
    """A verdict in its colour (a table cell)."""
    return plain(verdict, VERDICT_COLOURS.get(verdict, "white"))


def claims_table(table: Table) -> RichTable:
    """Claims: the claim, its verdict once (as its badge says it on the web pages and in the
    `verdict_summary` column, analysis.verdicts.verdict_summary: a conditional claim's verdict
    per case, each with its own evidence weight; any other verdict with its combining rule),
    then each check with its case, bound, figure, P(holds), its own verdict and sources."""
    frame = table.frame()
    out = DataTable(title=table.title, title_justify="left", show_lines=True,
                    caption=table.note or None, caption_justify="left")   # e.g. too few draws
    from moneytrail.analysis.verdicts import CASES_WEIGHT_WORDS, weak_basis_key
    from moneytrail.report.evidence import row_weight

    weighted = "assumption_or_weak_p50" in frame.columns       # evidence weight (issue 10)
    noted = "note" in frame.columns         # the claim's note: its thresholds and caveats
    for column in ("claim", "verdict", *(("note",) if noted else ()), "check",
                   "figure (median)", "P(holds)",
                   "check verdict", *(("on assumption or weak rows",) if weighted else ()),
                   "sources"):
        out.add_column(column, overflow="fold")
    records = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    previous = None
    weak_shown: list[str] = []   # verdicts on weak evidence: the key under the table says it
    for row in records:
        first = row["claim"] != previous
        previous = row["claim"]
        claim_cell = Text()
        if first:
            claim_cell = claim_verdict_cell(row, [r for r in records
                                                  if r["claim"] == row["claim"]], weak_shown)
        if first and weighted:      # a conditional claim's cases each said their own above
            cases = f" ({CASES_WEIGHT_WORDS})" if row["verdict"] == "conditional" else ""
            claim_cell += (f"\nverdict on assumption or weak rows{cases}: "
                           f"{row_weight(row, 'claim_')}")
        when = str(row.get("when", "") or "")
        bound = row.get("bound_text")                     # "at least 50 %" (analysis.claims)
        if not isinstance(bound, str) or not bound:
            bound = str(row["bound"])                     # runs stored before it: "min 0.5"
        check = f"{row['check']} ({bound})" + (f"\nif {when}" if when else "")
        own = str(row.get("check_verdict", row["verdict"]))
        # data, not rich markup (DataTable): a note's "[1]" or a claim's "[red]" as written
        note = (str(row.get("note") or "") if first else "",) if noted else ()
        out.add_row(str(row["text"]) if first else "", claim_cell, *note,
                    check, str(row["figure"]),
                    p_holds_text(row["p_holds"]), coloured(own),
                    *((row_weight(row),) if weighted else ()), str(row["sources"]))
    if weak_shown:
        key = weak_basis_key(weak_shown)
        out.caption = f"{out.caption}\n{key}" if out.caption else key
    return out


def claim_verdict_cell(row: dict[str, Any], rows: list[dict[str, Any]],
                       weak_shown: list[str]) -> Text:
    """A claim's verdict cell (a Text: its data as written): its verdict in one line as its
    badge says it (analysis.verdicts.summary_pieces of `row`, its first check row, and
    `rows`, all its check rows: a conditional claim's verdict per case, each case's verdict
    in its own colour, on weak evidence in WEAK_BASIS_COLOUR), then, for a verdict that is not
    conditional, its combining rule ('(all checks must hold)'). A verdict withheld (too few
    draws) says why instead (`verdict_text`). Appends to `weak_shown` each verdict the cell
    says on weak evidence, once (for the key under the table)."""
    from moneytrail.analysis.claims import WITHHELD  # no verdict: too few draws
    from moneytrail.analysis.verdicts import rule_words, summary_pieces

    verdict = str(row["verdict"])
    if verdict == WITHHELD:
        return Text.assemble(coloured(verdict), "\n", str(row.get("verdict_text", "")))
    said = Text()
    for text, own, weak in summary_pieces(verdict, row.get("claim_assumption_or_weak_p50"),
                                          rows):
        if not own:
            said.append(text)
            continue
        if weak and own not in weak_shown:
            weak_shown.append(own)
        colour = WEAK_BASIS_COLOUR if weak else VERDICT_COLOURS.get(own, "white")
        said.append(text, style=colour)
    if verdict == "conditional":        # its cases say it is answered case by case
        return said
    rule = rule_words(verdict, row.get("verdict_text"), row.get("combine"))
    return said.append(f"\n({rule})")


# -- market power (analysis.market_power, analysis.procurement) -------------------------------
def rent_recipients_table(table: Table, entities: dict[str, str] | None = None) -> RichTable:
    """The largest rent recipients: rent, share of the plan, the plan's rent a year as a share
    of the firm's economic profit and R&D, fiscal year and the first sources (all of them in
    CSV and JSON); firms by display name (`entities`: id -> name, the id without one); the
    rent in the row's own `unit` when the table has one (plans side by side; a `currency`
    column in runs stored before), else in the table's unit."""
    frame = table.frame().reset_index()
    out = DataTable(title=table.title, title_justify="left", caption=table.note or None,
                    caption_justify="left", show_lines=True)
    has_plan = "plan" in frame.columns
    heads = (["plan"] if has_plan else []) + [
        "firm", "rent (median, 90 %)", "share of the plan", "a year, of its economic profit",
        "a year, of its R&D", "fiscal year", "sources"]
    for head in heads:
        out.add_column(head, overflow="fold")
    currency = table.unit("rent_p50")          # "by row": each row's unit column
    for _, row in frame.iterrows():
        cells = [str(row["plan"])] if has_plan else []
        cells += [(entities or {}).get(str(row["entity"]), str(row["entity"])),
                  interval(row, "rent", str(row.get("unit") or row.get("currency")
                                             or currency)),
                  interval(row, "share", "share"), interval(row, "of_economic_profit", "share"),
                  interval(row, "of_rd", "share"), str(row["fiscal_year"]) or MISSING,
                  short_sources(str(row["sources"]))]
        out.add_row(*cells)
    if frame.empty:
        out.add_row(*([MISSING] * len(heads)))
    return out


def short_sources(cell: str, keep: int = 3) -> str:
    """The first `keep` source ids of a ';'-separated cell, and how many more (the CSV and
    JSON have all)."""
    ids = [s.strip() for s in cell.split(";") if s.strip()]
    more = f" (+{len(ids) - keep} more)" if len(ids) > keep else ""
    return "; ".join(ids[:keep]) + more


def procurement_table(table: Table) -> RichTable:
    """A plan and the same plan under procurement rules: each metric's median (90 % interval)
    before, after and the per-draw change."""
    frame = table.frame().reset_index()
    out = DataTable(title=table.title, title_justify="left", caption=table.note or None,
                    caption_justify="left")
    has_plan = "plan" in frame.columns
    for head in (["plan"] if has_plan else []) + ["metric", "as planned", "under the rules",
                                                  "change"]:
        out.add_column(head, overflow="fold", justify="left" if head in ("plan", "metric")
                       else "right")
    previous = None
    for _, row in frame.iterrows():
        unit = str(row.get("unit", "share"))
        cells = []
        if has_plan:
            cells.append(str(row["plan"]) if row["plan"] != previous else "")
            previous = row["plan"]
        change = units.change_text(row.get("change_p50"), row.get("change_p5"),
                                   row.get("change_p95"), unit)
        cells += [str(row["metric"]), interval(row, "plan", unit), interval(row, "rules", unit),
                  change]
        out.add_row(*cells)
    return out


def sensitivity_table(table: Table, entities: dict[str, str] | None = None,
                      countries: dict[str, str] | None = None,
                      categories: dict[str, str] | None = None) -> RichTable:
    """A tornado or Sobol table: each parameter by name (report.sensitivity.parameter_label:
    entity names, category words, country names) and its values in their units (percent
    for shares); CSV and JSON keep the parameter ids."""
    from moneytrail.report.sensitivity import (
        HEADERS,
        POINT_COLUMNS,
        SHARE_COLUMNS,
        parameter_label,
        readable_title,
    )

    title = readable_title(table.title, entities, countries)
    out = DataTable(title=title, title_justify="left", caption=table.note or None,
                    caption_justify="left")
    out.add_column("parameter", overflow="fold")
    values = [c if c.unit != "number" or c.name not in SHARE_COLUMNS else
              replace(c, unit="share") for c in table.columns if c.name not in table.index]
    values = [replace(c, unit=units.PERCENTAGE_POINTS) if c.name in POINT_COLUMNS
              and c.unit == "share" else c for c in values]
    for column in values:
        out.add_column(HEADERS.get(column.name, column.name), justify="right",
                       overflow="fold")
    position = {c.name: k for k, c in enumerate(table.columns)}
    key = position[table.index[0]]
    for row in table.rows:
        out.add_row(parameter_label(str(row[key]), entities, countries, categories),
                    *[in_unit(row[position[c.name]], c.unit) if finite(row[position[c.name]])
                      else number(row[position[c.name]]) for c in values])
    return out


SENSITIVITY_TABLES = ("tornado", "sobol")


def rich_table(table: Table, entities: dict[str, str] | None = None,
               countries: dict[str, str] | None = None,
               categories: dict[str, str] | None = None) -> RichTable:
    """The rich table for one result table; `entities` (id -> display name) labels the
    rows of entity breakdowns, `countries` (code -> name) those of country breakdowns,
    `categories` (id -> name) with both the parameters of a sensitivity table."""
    names = {c.name for c in table.columns}
    if table.name in SENSITIVITY_TABLES and table.index == ("parameter",):
        return sensitivity_table(table, entities, countries, categories)
    if table.name in DIMENSION_TABLES:
        table = relabel_dimensions(table, entities, countries)
    if table.name == "rent_recipients" and {"entity", "rent_p50", "sources"} <= names:
        return rent_recipients_table(table, entities)
    if table.name == "procurement" and {"metric", "plan_p50", "change_p50"} <= names:
        return procurement_table(table)
    if table.name == "claims" and {"text", "verdict", "check"} <= names:
        return claims_table(table)
    if table.name == "evidence" and "assumption_or_weak_p95" in names:
        return evidence_table(table, entities)
    if {"amount_mean", "share_p50", "share_p5", "share_p95"} <= names:
        return breakdown_table(table, entities, countries)
    if any(n.endswith("_p50") for n in names) and ("unit" in names or all(
            c.unit in ("share",) or c.name == "unit" for c in table.columns)):
        return side_by_side(table)
    return generic_table(table, entities)


def result_csv(result: Result, names: list[str] | None = None,
               countries: dict[str, str] | None = None) -> str:
    """One table as plain CSV; several stacked with a leading `table` column. Each table's
    unit columns (`currency`, `jobs_fte_unit`, `co2_t_unit`: service.result.csv_unit_values)
    follow its columns, as in the web API's CSV of the table. With `countries` (code ->
    name) a country table keeps its codes and adds their names beside them (`country_name`:
    'EU, not split by member state'), as the web API's and Result.write_tables' CSV
    (service.result.csv_named_frame)."""
    chosen = names or list(result.tables)
    frames = []
    for name in chosen:
        table = result.tables[name]
        frame = table.frame()
        frame = csv_unit_frame(result, name, frame.reset_index() if table.index else frame)
        if countries is not None:
            frame = csv_named_frame(name, frame, countries)
        if len(chosen) > 1:
            frame.insert(0, "table", name)
        frames.append(frame)
    return str(frame_csv(pd.concat(frames, ignore_index=True)))


def print_table(console: Console, table: RichTable) -> None:
    """Print a rich table; on a terminal as is, else (a pipe or a file, where the console has
    no width limit) with its caption as one unwrapped line under it, so a note is not wrapped
    at the table's width and no name is split across lines."""
    caption = table.caption
    if console.is_terminal or not isinstance(caption, str | Text) or not caption:
        console.print(table)
        return
    table.caption = None
    console.print(table)
    console.print(plain(caption), style="table.caption", highlight=False,
                  soft_wrap=units.whole_lines(console.width, console.is_terminal))


def tco_caveats(result: Result, table: Table) -> str:
    """What a comparison's TCO table leaves out, said as the compare page and the comparison
    briefing say it: what TCO counts here (service.lifecycle.TCO_SCOPE) and that it is not
    the plan's lifetime cost; that the horizons differ, when they do (a TCO over more years
    counts more electricity); and, when the budgets differ, report.inputs.budgets_differ_note
    with each TCO as a share of its plan's budget."""
    from moneytrail.report.inputs import budgets_differ_note
    from moneytrail.service.lifecycle import TCO_SCOPE

    said = [f"TCO as counted here: {TCO_SCOPE}; not the plan's lifetime cost."]
    frame = table.frame()
    if "period" in frame.columns:
        periods = [str(p) for p in frame["period"]]
        if len(set(periods)) > 1:
            said.append(f"The plans' horizons differ ({' vs '.join(periods)}): each TCO counts "
                        "electricity and resale value over its own plan's horizon, so the TCOs "
                        "are not over the same years.")
    totals = list(result.facts.get("totals") or [])
    currencies = [str(c) for c in result.facts.get("currencies") or []]
    if len(totals) == len(currencies) == len(frame) > 1:
        shares = [units.share_of_budget(row.get("p50"), str(row.get("unit") or ""), total,
                                        currency)
                  for (_, row), total, currency in zip(frame.iterrows(), totals, currencies,
                                                       strict=True)]
        where = ("the TCO as a share of its plan's budget: "
                 + " vs ".join(percent(s) for s in shares)) \
            if all(s is not None for s in shares) else "moneytrail analyse PLAN --what lifecycle"
        note = budgets_differ_note(list(zip(totals, currencies, strict=True)), where)
        if note:
            said.append(note)
    return " ".join(said)


def emit(result: Result, fmt: str, console: Console, err: Console,
         names: list[str] | None = None, header: str | None = None,
         entities: dict[str, str] | None = None,
         countries: dict[str, str] | None = None,
         categories: dict[str, str] | None = None, meta: Path | None = None) -> None:
    """Print a result: rich tables (with a header line naming the run), CSV or JSON.
    CSV goes to stdout alone (the run id to stderr), with `meta` its sidecar (run id,
    currency, price year, column units: service.result.csvw_metadata) written to that
    file; JSON is the result's one JSON shape.
    `entities` (id -> display name) and `countries` (code -> name) label the rows of entity
    and country tables on the terminal; CSV and JSON keep the ids and codes, and a country
    table's CSV adds the names beside its codes (`country_name`, result_csv)."""
    check_format(fmt)
    if fmt == "json":       # a selection of tables names the run's tables (run_tables)
        print(result.selected(names).to_json())
        return
    if fmt == "csv":
        print(result_csv(result, names, countries), end="")
        err.print(plain(f"run {result.run_id}"), highlight=False)
        if meta is not None:
            stem = meta.name.removesuffix("-metadata.json")
            try:
                write_csv_metadata(meta, stem if stem != meta.name else "",
                                   [csv_table_metadata(result, n,
                                                       named=countries is not None)
                                    for n in names or result.tables])
            except OSError as exc:      # the folder exists but the file cannot be written
                from moneytrail.errors import ResourceError

                raise ResourceError(f"cannot write the CSV's metadata to this file "
                                    f"({exc.strerror or exc})", field="--meta",
                                    value=str(meta)) from None
            err.print(plain(f"wrote {meta}"), highlight=False)
        return
    if header:
        console.print(plain(header, "dim"), highlight=False,
                      soft_wrap=units.whole_lines(console.width, console.is_terminal))
    for name in names or list(result.tables):
        table = result.tables[name]
        if name == "tco" and result.kind == "compare":     # its caveats, as the web and PDF
            table = replace(table, note=" ".join(n for n in (table.note,
                                                             tco_caveats(result, table)) if n))
        if name == "jobs":      # buyer region's share, skew and rest-of-world share, as
            from moneytrail.report.jobs_reading import jobs_reading, region_text  # web, PDF

            region = region_text(result.tables, (result.facts or {}).get("buyer_region"))
            table = replace(table, note=" ".join(n for n in (region,
                                                             jobs_reading(result.tables),
                                                             table.note) if n))
        if name == "conditions":
            table = conditions_in_words(table, result, entities, countries)
        if name == "scorecard":     # its export-rules date in words, as the web and PDF
            table = replace(table, note=units.scorecard_note(table.note, result.facts))
        print_table(console, rich_table(table, entities, countries, categories))
    console.print(plain(f"run {result.run_id} · data {result.provenance.data_label} · "
                        f"code {result.provenance.code_version} · `moneytrail show "
                        f"{result.run_id}` prints it again\n", "dim"),
                  soft_wrap=units.whole_lines(console.width, console.is_terminal),
                  highlight=False)
