"""A stored result as one Excel workbook: an "About" sheet with what a CSV download carries
beside its table (run id, title, kind, inputs, seed, draws, code and data versions, data hash,
when it was computed, the run's page, the citation line, each column's unit, the tables' notes
and the run's facts), then one sheet per table with the columns and values of its CSV.

Most readers of moneytrail's downloads open them in Excel, which garbles a UTF-8 CSV without a
byte-order mark ("—", "€", accented firm names); a workbook has no such problem. Numbers are
written as numbers; every text cell is written as text, never as a formula (a name or note
from data starting with "=" stays that text: OWASP CSV injection). openpyxl is imported when a
workbook is written, never when moneytrail is imported.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from moneytrail.draws import draws_text
from moneytrail.service.result import Result, csv_unit_columns, json_value

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ABOUT = "About"                       # the first sheet's name
MAX_SHEET_NAME = 31                   # Excel's limits
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
MAX_CELL_TEXT = 32_767
CUT = " … (cut: Excel holds 32,767 characters in a cell; the run's JSON has it all)"

Rows = list[dict[str, Any]]


# plain words for the column names of a run's tables (docs/results.md), for the About sheet's
# "Columns" section and each sheet's header notes; the names themselves stay (machine use)
STAT_WORDS = {"mean": "mean over the draws", "p5": "5th percentile (low end of the 90 % "
              "interval)", "p50": "median", "p95": "95th percentile (high end of the 90 % "
              "interval)"}
MEASURE_WORDS = {
    "amount": "Amount", "share": "Share of the plan's spending", "value": "Value",
    "jobs_fte": "Jobs paid for (FTE-years)", "co2_t": "CO2 (tonnes CO2e)",
    "assumption_or_weak": "Share of the figure resting on assumption or weak rows",
    "own_input": "Share of the figure resting on the plan's own inputs (set in the plan "
                 "builder, not sourced)",
    **{label: f"Share of the figure resting on rows labelled {label}"
       for label in ("filing", "official", "analyst", "estimate", "weak", "assumption")}}
COLUMN_WORDS = {"p_holds": "Share of the draws in which the condition holds",
                "currency": "Currency of the money columns",
                "price_year": "Year whose prices the money is at",
                "jobs_fte_unit": "Unit of the jobs columns", "co2_t_unit": "Unit of the CO2 "
                "columns", "unit": "Unit of the row's figures"}
SHARE_UNITS = ("share", "probability")     # fractions: 0.39 is 39 %
PERCENT_FORMAT = "0.0%"                   # how Excel shows them (the cell keeps the fraction)


def column_words(column: str, plans: Mapping[str, str] | None = None) -> str:
    """A table column's plain name: 'amount_p50' -> 'Amount, median'; 'share_p5' -> 'Share of
    the plan's spending, 5th percentile (low end of the 90 % interval)'; a comparison's
    '<plan id>_p50' -> '<plan title>, median' (`plans`: id -> title); a bare 'p50' ->
    'Median'; another name with its underscores as spaces ('data_year' -> 'Data year')."""
    if column in COLUMN_WORDS:
        return COLUMN_WORDS[column]
    stem, _, stat = column.rpartition("_")
    if column in STAT_WORDS:
        return STAT_WORDS[column][:1].upper() + STAT_WORDS[column][1:]
    if stat in STAT_WORDS and stem:
        what = MEASURE_WORDS.get(stem) or (plans or {}).get(stem) or \
            stem.replace("_", " ").capitalize()
        return f"{what}, {STAT_WORDS[stat]}"
    return column.replace("_", " ").capitalize()


def unit_words(unit: str, money: str = "") -> str:
    """What a column's unit means for a reader: 'share' -> 'fraction (0.39 = 39 %), shown as
    a percentage'; a currency -> 'USD at 2025 prices' (`money`: the run's price year words,
    ' at 2025 prices'); 'by row' -> the row's own unit; others as they are."""
    if unit in SHARE_UNITS:
        return "fraction (0.39 = 39 %), shown as a percentage"
    if unit == "by row":
        return "the unit in the row's unit column"
    if len(unit) == 3 and unit.isalpha() and unit.isupper():
        return f"{unit}{money}"
    return unit


def sheet_names(names: Iterable[str], taken: Sequence[str] = (ABOUT,)) -> list[str]:
    """A valid, unique Excel sheet name for each table name, in order: characters Excel
    refuses ([]:*?/\\) as '_', no apostrophe at either end, at most 31 characters, and unique
    ignoring case (as Excel compares them; `taken` names are in use already): a repeated name
    gets '~2', '~3', ... (cut to fit)."""
    used = {name.casefold() for name in taken}
    out = []
    for name in names:
        base = SHEET_NAME_BAD.sub("_", str(name)).strip("'")[:MAX_SHEET_NAME] or "table"
        candidate, k = base, 1
        while candidate.casefold() in used:
            k += 1
            suffix = f"~{k}"
            candidate = base[:MAX_SHEET_NAME - len(suffix)] + suffix
        used.add(candidate.casefold())
        out.append(candidate)
    return out


def cell_value(value: Any) -> Any:
    """What a cell holds: numbers as numbers (NaN, infinity and None as an empty cell),
    True/False as such, lists joined with '; ' (as a CSV cell has them), everything else as
    text, cut to Excel's 32,767 characters, with the control characters a workbook cannot
    hold dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, list | tuple) and not any(isinstance(v, dict | list) for v in value):
        value = "; ".join(str(v) for v in value)
    elif isinstance(value, dict | list | tuple):
        value = json.dumps(value, default=str, ensure_ascii=False)
    if not isinstance(value, str):
        value = json_value(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value if len(value) <= MAX_CELL_TEXT else value[:MAX_CELL_TEXT - len(CUT)] + CUT


def put(sheet: Any, row: int, column: int, value: Any, bold: bool = False) -> None:
    """Write one cell; text is always text (data type 's'), so "=1+1" is never a formula."""
    cell = sheet.cell(row=row, column=column, value=None)
    value = cell_value(value)
    if value is None:
        return
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
    if bold:
        from openpyxl.styles import Font

        cell.font = Font(bold=True)


def write_rows(sheet: Any, rows: Rows, columns: Sequence[str] | None = None,
               notes: Mapping[str, str] | None = None,
               percent: Iterable[str] = ()) -> None:
    """A table on a sheet: its header (bold, frozen, with a filter) then its rows. `notes`:
    column -> a note on its header cell (its plain name and unit, shown when pointed at);
    `percent`: columns of fractions Excel shows as percentages (the cells keep the
    fraction, as the CSV has it)."""
    columns = list(columns if columns is not None else
                   dict.fromkeys(k for row in rows for k in row))
    shares = set(percent)
    for j, name in enumerate(columns, start=1):
        put(sheet, 1, j, name, bold=True)
        if notes and notes.get(name):
            from openpyxl.comments import Comment

            sheet.cell(row=1, column=j).comment = Comment(notes[name], "moneytrail")
    for i, row in enumerate(rows, start=2):
        for j, name in enumerate(columns, start=1):
            put(sheet, i, j, row.get(name))
            if name in shares:
                sheet.cell(row=i, column=j).number_format = PERCENT_FORMAT
    if columns:
        from openpyxl.utils import get_column_letter

        sheet.freeze_panes = "A2"
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A1:{last}{max(len(rows) + 1, 1)}"
        for j, name in enumerate(columns, start=1):
            width = max([len(str(name))] + [len(str(row.get(name) or ""))
                                             for row in rows[:200]])
            sheet.column_dimensions[get_column_letter(j)].width = min(max(width + 2, 8), 60)


def write_workbook(target: str | Path | IO[bytes], about: Sequence[Sequence[Any]],
                   tables: Mapping[str, Rows],
                   columns: Mapping[str, Mapping[str, tuple[str, str]]] | None = None
                   ) -> list[str]:
    """A workbook with the sheet "About" (`about`: rows of cells; a row whose first cell is
    a section heading with nothing after it is bold) then one sheet per table (`tables`:
    name -> rows as dicts, columns in the order they first appear). `columns`: per table,
    column -> (plain name, unit) for its header notes, fractions shown as percentages.
    Written to a path or a binary stream; returns the sheet names of the tables
    (`sheet_names`)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = ABOUT
    for i, cells in enumerate(about, start=1):
        heading = len(cells) == 1
        for j, value in enumerate(cells, start=1):
            put(sheet, i, j, value, bold=heading or (j == 1 and len(cells) == 2))
    for letter, width in zip("ABCDEF", (24, 28, 16, 60, 60, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    names = sheet_names(tables)
    for (name, rows), title in zip(tables.items(), names, strict=True):
        known = (columns or {}).get(name, {})
        write_rows(book.create_sheet(title), rows,
                   notes={c: f"{words} ({unit})" for c, (words, unit) in known.items()},
                   percent=[c for c, (_, unit) in known.items() if unit in SHARE_UNITS])
    book.save(target)
    return names


def table_rows(result: Result, name: str) -> Rows:
    """A stored table's rows as its CSV from `Result.write_tables` has them: index columns
    first, then the values (rounded as the CSV writes them), then its unit columns
    (service.result.csv_unit_columns)."""
    table = result.known_table(name)
    columns = [c.name for c in table.columns]
    return numeric_price_years(csv_unit_columns(result, name, [
        dict(zip(columns, row, strict=True)) for row in table.rows]))


def numeric_price_years(rows: Rows) -> Rows:
    """`rows` with a `price_year` cell of one year ('2025', as a CSV has it) as the number
    2025, so a spreadsheet reads it as a year, not text; other cells (several years, an
    empty cell) as they are."""
    def year(value: Any) -> Any:
        return int(value) if isinstance(value, str) and value.isdigit() else value

    return [{**row, "price_year": year(row["price_year"])} if "price_year" in row else row
            for row in rows]


def citation(result: Result, url: str = "") -> str:
    """The line to cite a run by, as its page prints it (web.runs.run_view for a trace,
    with draws and seed; web.runs.tables_view for other runs)."""
    prov = result.provenance
    draws = f"{draws_text(prov.draws, 'draw')}, seed {prov.seed}, " \
        if result.kind == "trace" else ""
    return (f"moneytrail run {result.run_id}, \u201c{result.title}\u201d, {draws}"
            f"code {prov.code_version}, data package {prov.data_label}, computed "
            f"{prov.created[:10]}." + (f" {url}" if url else ""))


def grouped(amount: object) -> str:
    """A plan's budget amount as the About sheet writes it: digits grouped in thousands, a
    whole number without its '.0' (20000000000.0 -> '20,000,000,000', 1234.5 -> '1,234.5');
    anything else (a missing amount) as it is."""
    if isinstance(amount, bool) or not isinstance(amount, (int, float)):
        return str(amount)
    if isinstance(amount, float) and amount.is_integer():
        return f"{amount:,.0f}"
    return f"{amount:,}"


def inputs_summary(inputs: Mapping[str, Any]) -> list[list[Any]]:
    """The run's inputs, one row each: a plan by its title and id (with budget and year),
    a list of plans likewise, anything else as it is (JSON for a mapping)."""
    def plan_text(plan: Mapping[str, Any]) -> str:
        budget = plan.get("budget")
        money = ""
        if isinstance(budget, Mapping):
            currency = budget.get("currency") or plan.get("currency") or ""
            money = f"; budget {grouped(budget.get('amount'))} {currency}".rstrip()
        year = f"; year {plan['year']}" if plan.get("year") is not None else ""
        return f"{plan.get('title') or ''} (id {plan.get('id')}{money}{year})"

    rows: list[list[Any]] = []
    for key, value in inputs.items():
        if isinstance(value, Mapping) and ("title" in value or "id" in value):
            rows.append([f"input: {key}", plan_text(value)])
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            rows.append([f"input: {key}", "; ".join(plan_text(v) for v in value)])
        elif isinstance(value, Mapping):
            rows.append([f"input: {key}", json.dumps(value, default=str, ensure_ascii=False)])
        else:
            rows.append([f"input: {key}", value])
    return rows


def table_columns(result: Result, tables: Mapping[str, Rows],
                  units: Mapping[str, Mapping[str, str]] | None = None
                  ) -> dict[str, dict[str, tuple[str, str]]]:
    """Per table, each column's (plain name, unit): the stored unit (Result.table_metadata;
    `units` for tables other than the stored ones, a chart's flows), 'text' where none is
    known, 'year' for `price_year`. Comparison columns '<plan id>_p50' are named by the
    plan's title."""
    plans = {str(p.get("id")): str(p.get("title") or p.get("id"))
             for p in result.provenance.inputs.get("plans") or []
             if isinstance(p, Mapping) and p.get("id")}
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for name, rows in tables.items():
        stored = result.tables.get(name)
        known = result.table_metadata(name)["units"] if stored else \
            dict((units or {}).get(name, {}))
        known = {"price_year": "year", **known}
        out[name] = {column: (column_words(column, plans), str(known.get(column, "text")))
                     for column in dict.fromkeys(k for row in rows for k in row)}
    return out


SOURCE_FIELDS = ("title", "publisher", "published", "url", "reliability")


def about_rows(result: Result, tables: Mapping[str, Rows], sheets: Sequence[str], *,
               url: str = "", cite: str = "", titles: Mapping[str, str] | None = None,
               units: Mapping[str, Mapping[str, str]] | None = None,
               sources: Mapping[str, Mapping[str, Any]] | None = None) -> list[list[Any]]:
    """The "About" sheet of a run's workbook: its provenance, citation, inputs, facts, and
    for each table its sheet, title and note, then each column's plain name and unit, then
    the sources by id with their titles. `titles` and `units` name what tables other than
    the stored ones (a chart's flows) hold; `sources`: id -> the source's row (title,
    publisher, published, url, reliability; an id without one is listed alone)."""
    prov = result.provenance
    currency, price_year = result.money_context()
    rows: list[list[Any]] = [
        [f"moneytrail run {result.run_id}"],
        ["run id", result.run_id], ["title", result.title], ["kind", result.kind],
        ["computed", prov.created], ["seed", prov.seed], ["draws", prov.draws],
        ["code version", prov.code_version], ["data version", prov.data_label],
        ["data hash", prov.data_hash], ["currency", currency], ["price year", price_year],
        ["run page", url or "(not known: the run was written outside the web app)"],
        ["citation", cite or citation(result, url)],
        ["sources", list(prov.sources)],
        *inputs_summary(prov.inputs),
        [],
        ["Facts"], ["fact", "value"]]
    rows += [[str(key), value] for key, value in result.facts.items()]
    rows += [[], ["Tables"], ["sheet", "table", "title", "note", "rows"]]
    for (name, table_rows_), sheet in zip(tables.items(), sheets, strict=True):
        stored = result.tables.get(name)
        title = stored.title if stored else (titles or {}).get(name, "")
        note = stored.note if stored else ""
        rows.append([sheet, name, title, note, len(table_rows_)])
    # each column's unit as stored, then in words: a sheet's headers are the stored names
    # (scripts read them); its header cells carry the same words as notes
    money = f" at {price_year} prices" if isinstance(price_year, int) else ""
    rows += [[], ["Units"], ["sheet", "table", "column", "unit", "what it is",
                             "counted in"]]
    for (name, described), sheet in zip(table_columns(result, tables, units).items(), sheets,
                                        strict=True):
        for column, (words, unit) in described.items():
            rows.append([sheet, name, column, unit, words, unit_words(unit, money)])
    rows += [[], ["Sources"], ["id", *SOURCE_FIELDS]]
    for sid in prov.sources:
        found = (sources or {}).get(sid) or {}
        rows.append([sid, *(found.get(field) or "" for field in SOURCE_FIELDS)])
    return rows


def result_workbook(result: Result, target: str | Path | IO[bytes], *,
                    tables: Mapping[str, Rows] | None = None, url: str = "",
                    cite: str = "", titles: Mapping[str, str] | None = None,
                    units: Mapping[str, Mapping[str, str]] | None = None,
                    sources: Mapping[str, Mapping[str, Any]] | None = None) -> list[str]:
    """A run as one workbook ("About", then a sheet per table): `tables` the rows of each
    table as its CSV has them (default: every stored table as `Result.write_tables` writes
    its CSV, `table_rows`; a one-year `price_year` as a number: `numeric_price_years`);
    `url` the run's page, `cite` its citation line (default `citation`); `sources`: id ->
    source row, for the About sheet's titles (`source_rows`). Returns the tables' sheet
    names."""
    if tables is None:
        tables = {name: table_rows(result, name) for name in result.tables}
    tables = {name: numeric_price_years(rows) for name, rows in tables.items()}
    sheets = sheet_names(tables)
    about = about_rows(result, tables, sheets, url=url, cite=cite, titles=titles, units=units,
                       sources=sources)
    return write_workbook(target, about, tables, table_columns(result, tables, units))


def source_rows(frames: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """Source rows by id from sources tables (DataFrames with an `id` column: a workspace's
    value-chain, analysis and ledger sources), the first row of an id kept."""
    out: dict[str, dict[str, Any]] = {}
    for frame in frames:
        if frame is None or "id" not in getattr(frame, "columns", ()):
            continue
        for record in frame.to_dict("records"):
            out.setdefault(str(record["id"]), {str(k): v for k, v in record.items()})
    return out


def comparison_about(results: Sequence[Result], tables: Mapping[str, Rows],
                     sheets: Sequence[str], *, title: str, url: str, cite: str,
                     notes: Sequence[str] = ()) -> list[list[Any]]:
    """The "About" sheet of runs compared side by side (the web app's compare page): the
    page, its citation line, each run's provenance (one row per run), the page's notes and
    the sheet of each table."""
    rows: list[list[Any]] = [[title], ["page", url], ["citation", cite], [], ["Runs"],
                             ["run id", "title", "kind", "computed", "seed", "draws",
                              "code version", "data version", "data hash"]]
    for result in results:
        prov = result.provenance
        rows.append([result.run_id, result.title, result.kind, prov.created, prov.seed,
                     prov.draws, prov.code_version, prov.data_label, prov.data_hash])
    if notes:
        rows += [[], ["Notes"], *([note] for note in notes if note)]
    rows += [[], ["Tables"], ["sheet", "table", "rows"]]
    rows += [[sheet, name, len(table)] for (name, table), sheet
             in zip(tables.items(), sheets, strict=True)]
    return rows


def comparison_workbook(results: Sequence[Result], tables: Mapping[str, Rows],
                        target: str | Path | IO[bytes], *, title: str, url: str, cite: str,
                        notes: Sequence[str] = ()) -> list[str]:
    """Runs compared as one workbook: "About" (`comparison_about`), then a sheet per table
    of the comparison (`tables`: the rows of each table's CSV)."""
    about = comparison_about(results, tables, sheet_names(tables), title=title, url=url,
                             cite=cite, notes=notes)
    return write_workbook(target, about, tables)
