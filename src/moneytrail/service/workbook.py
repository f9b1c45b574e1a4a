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


def write_rows(sheet: Any, rows: Rows, columns: Sequence[str] | None = None) -> None:
    """A table on a sheet: its header (bold, frozen, with a filter) then its rows."""
    columns = list(columns if columns is not None else
                   dict.fromkeys(k for row in rows for k in row))
    for j, name in enumerate(columns, start=1):
        put(sheet, 1, j, name, bold=True)
    for i, row in enumerate(rows, start=2):
        for j, name in enumerate(columns, start=1):
            put(sheet, i, j, row.get(name))
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
                   tables: Mapping[str, Rows]) -> list[str]:
    """A workbook with the sheet "About" (`about`: rows of cells; a row whose first cell is
    a section heading with nothing after it is bold) then one sheet per table (`tables`:
    name -> rows as dicts, columns in the order they first appear). Written to a path or a
    binary stream; returns the sheet names of the tables (`sheet_names`)."""
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
    for rows, title in zip(tables.values(), names, strict=True):
        write_rows(book.create_sheet(title), rows)
    book.save(target)
    return names


def table_rows(result: Result, name: str) -> Rows:
    """A stored table's rows as its CSV from `Result.write_tables` has them: index columns
    first, then the values (rounded as the CSV writes them), then its unit columns
    (service.result.csv_unit_columns)."""
    table = result.known_table(name)
    columns = [c.name for c in table.columns]
    return csv_unit_columns(result, name, [dict(zip(columns, row, strict=True))
                                           for row in table.rows])


def citation(result: Result, url: str = "") -> str:
    """The line to cite a run by, as its page prints it (web.runs.run_view for a trace,
    with draws and seed; web.runs.tables_view for other runs)."""
    prov = result.provenance
    draws = f"{draws_text(prov.draws, 'draw')}, seed {prov.seed}, " \
        if result.kind == "trace" else ""
    return (f"moneytrail run {result.run_id}, \u201c{result.title}\u201d, {draws}"
            f"code {prov.code_version}, data package {prov.data_label}, computed "
            f"{prov.created[:10]}." + (f" {url}" if url else ""))


def inputs_summary(inputs: Mapping[str, Any]) -> list[list[Any]]:
    """The run's inputs, one row each: a plan by its title and id (with budget and year),
    a list of plans likewise, anything else as it is (JSON for a mapping)."""
    def plan_text(plan: Mapping[str, Any]) -> str:
        budget = plan.get("budget")
        money = ""
        if isinstance(budget, Mapping):
            currency = budget.get("currency") or plan.get("currency") or ""
            money = f"; budget {budget.get('amount')} {currency}".rstrip()
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


def about_rows(result: Result, tables: Mapping[str, Rows], sheets: Sequence[str], *,
               url: str = "", cite: str = "", titles: Mapping[str, str] | None = None,
               units: Mapping[str, Mapping[str, str]] | None = None) -> list[list[Any]]:
    """The "About" sheet of a run's workbook: its provenance, citation, inputs, facts, and
    for each table its sheet, title and note, then each column's unit. `titles` and `units`
    name what tables other than the stored ones (a chart's flows) hold."""
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
    rows += [[], ["Units"], ["sheet", "table", "column", "unit"]]
    for (name, table_rows_), sheet in zip(tables.items(), sheets, strict=True):
        stored = result.tables.get(name)
        known = {c.name: c.unit for c in stored.columns} if stored else \
            dict((units or {}).get(name, {}))
        for column in dict.fromkeys(k for row in table_rows_ for k in row):
            rows.append([sheet, name, column, known.get(column, "text")])
    return rows


def result_workbook(result: Result, target: str | Path | IO[bytes], *,
                    tables: Mapping[str, Rows] | None = None, url: str = "",
                    cite: str = "", titles: Mapping[str, str] | None = None,
                    units: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
    """A run as one workbook ("About", then a sheet per table): `tables` the rows of each
    table as its CSV has them (default: every stored table as `Result.write_tables` writes
    its CSV, `table_rows`); `url` the run's page, `cite` its citation line (default
    `citation`). Returns the tables' sheet names."""
    if tables is None:
        tables = {name: table_rows(result, name) for name in result.tables}
    sheets = sheet_names(tables)
    about = about_rows(result, tables, sheets, url=url, cite=cite, titles=titles, units=units)
    return write_workbook(target, about, tables)


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
