"""Results in one shape: tables with a unit per column, facts, and the provenance of the run.

Every service function returns a `Result`. It serialises to one JSON document
(`Result.to_dict`, documented in docs/results.md) and back (`Result.from_dict`), its tables to
CSV or Parquet, and it names the run id that reproduces it. Nothing travels in
`DataFrame.attrs`: what a reader needs beside a table is a `fact` or a table `note`.

Units (the list of docs/results.md, "Units"): `share` (a fraction, 0-1 of the plan's
spending; a difference of two shares too), an ISO 4217 code (money in that currency),
`probability` (0-1 over draws), `points` (HHI points), `t CO2e`, `FTE-years`, `FTE`, `FLOP`,
`MWh`, `year` (a calendar year: `data_year`), per-million units, `number` (dimensionless),
`by row` (each row's unit in its `unit` column) or `text`. Every column but a `text` one holds
numbers or null. Statistics over Monte Carlo draws sit in columns named
`<quantity>_<mean|p5|p50|p95>`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd

from moneytrail.countries import region_label
from moneytrail.currencies import PER_MILLION, is_currency, money_currency
from moneytrail.errors import MoneytrailError, ResourceError, UnknownNameError
from moneytrail.text import shown_text

SCHEMA = "moneytrail.result/1"
TEXT_UNITS = frozenset({"text"})     # every other unit's cells are numbers or null
STAT_SUFFIXES = ("_mean", "_p5", "_p50", "_p95")
KINDS = ("trace", "compare", "analyse", "claims", "sensitivity")
RUN_ID = re.compile(r"[0-9a-f]{32}")            # service.runs.run_id: 32 hexadecimal digits
# a table's name becomes part of a file name (write_tables): letters, digits, _ and -
TABLE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
TABLE_FORMATS = ("csv", "parquet", "xlsx")      # what write_tables writes
# the units of docs/results.md ("Units"); no other is read back
UNITS = frozenset({"share", "probability", "points", "t CO2e", "FTE-years", "FTE", "FLOP",
                   "MWh", "year", "number", "text", "by row"})
# what is counted per million of a currency spent ('FTE-years per EUR million'; 'FTE per
# <CUR> million': runs stored before FTE-years)
PER_MILLION_UNITS = frozenset({"FTE-years", "FTE", "t CO2e"})
BY_ROW = "by row"       # the unit of a column whose rows carry their unit (a `unit` column)
# the fact of a run with a scorecard (a trace with analyses, a comparison): plan label (its id;
# `id #1`, `id #2` when ids repeat) -> the ISO date its export rules were read on
# (analysis.scorecard.Scorecard.export_rules_on). Runs stored before it said the dates only
# in the scorecard's note (report.units.export_rules_on reads either).
EXPORT_RULES_ON = "export_rules_on"


def known_unit(unit: str) -> bool:
    """Whether `unit` is one of docs/results.md's units (UNITS, an ISO 4217 code, or per
    million of one): the currency by moneytrail.currencies, so 'ABC' or 'FTE per ABC
    million' is no unit."""
    per = PER_MILLION.match(unit)
    if per is not None:
        return per["what"] in PER_MILLION_UNITS and is_currency(per["currency"])
    return unit in UNITS or is_currency(unit)


def shown(value: Any) -> Any:
    """A refused value as a message shows it: long text cut short (text.shown_text)."""
    return shown_text(value) if isinstance(value, str) else value


def finite_json(value: Any) -> Any:
    """`value` with every NaN or infinite float inside it (lists, mappings) as None: what
    a result document holds for a missing number (docs/results.md: never NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_json(v) for v in value]
    return value


def non_finite_at(value: Any, where: str) -> str | None:
    """The path of the first NaN or infinite number inside `value` (None: there is none)."""
    if isinstance(value, float) and not math.isfinite(value):
        return where
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        found = non_finite_at(item, f"{where}.{key}" if where else str(key))
        if found is not None:
            return found
    return None


def json_value(value: Any) -> Any:
    """A JSON scalar: numbers as floats or ints (missing as null; a negative zero as 0.0),
    everything else as text."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int | np.integer) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None if value is pd.NA else str(value)
    return number + 0.0 if math.isfinite(number) else None      # -0.0 as 0.0 (a CSV's "-0.0")


@dataclass(frozen=True)
class Column:
    name: str
    unit: str


@dataclass(frozen=True)
class Table:
    """A neutral table: index columns first, then value columns, each with a unit."""

    name: str
    title: str
    index: tuple[str, ...]
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    note: str = ""

    @classmethod
    def from_frame(cls, name: str, frame: pd.DataFrame, *, title: str = "",
                   units: dict[str, str] | None = None, currency: str = "",
                   note: str = "") -> Table:
        """A DataFrame (its named index levels become index columns) as a Table; units are
        given or inferred from the column names (amount_* -> currency, share_* -> share)."""
        index_names = [n for n in frame.index.names if n is not None]
        flat = frame.reset_index() if index_names else frame.reset_index(drop=True)
        names = [str(c) for c in flat.columns]
        columns = tuple(Column(c, (units or {}).get(c) or infer_unit(c, flat[c], currency))
                        for c in names)
        rows = tuple(tuple(json_value(v) for v in row)
                     for row in flat.itertuples(index=False, name=None))
        return cls(name=name, title=title, index=tuple(str(n) for n in index_names),
                   columns=columns, rows=rows, note=note)

    def __repr__(self) -> str:
        """Its name, title, shape and columns with their units (the rows are `frame()`)."""
        columns = ", ".join(f"{c.name} [{c.unit}]" for c in self.columns[:8])
        more = f", ... ({len(self.columns)} in all)" if len(self.columns) > 8 else ""
        return (f"<Table {self.name!r} ({shown_text(self.title, 60)!r}): {len(self.rows):,} rows; "
                f"index {', '.join(self.index) or 'none'}\n"
                f"  columns {columns}{more}; rows as a DataFrame: .frame()>")

    def frame(self) -> pd.DataFrame:
        """The table as a DataFrame indexed by its index columns; a column of unit `year`
        as whole numbers (`whole_years`), so every CSV writes 2024, not 2024.0."""
        out = pd.DataFrame(list(self.rows), columns=[c.name for c in self.columns])
        for column in self.columns:
            if column.unit == "year":
                out[column.name] = whole_years(out[column.name])
        if self.index:
            out = out.set_index(list(self.index))
        return out

    def unit(self, column: str) -> str:
        for c in self.columns:
            if c.name == column:
                return c.unit
        raise UnknownNameError(f"no such column in table {self.name!r} (columns: "
                               f"{', '.join(c.name for c in self.columns)})", field="column",
                               value=shown(column))

    def to_dict(self) -> dict:
        return {"name": self.name, "title": self.title, "note": self.note,
                "index": list(self.index),
                "columns": [{"name": c.name, "unit": c.unit} for c in self.columns],
                "rows": [[None if isinstance(v, float) and not math.isfinite(v) else v
                          for v in r] for r in self.rows]}

    @classmethod
    def from_dict(cls, data: dict, where: str = "table") -> Table:
        """A table from its JSON document (`to_dict`); a mistyped field (rows that are not
        lists of one cell per column, an index naming no column, text in a column of a
        numeric unit: any but `text`) is a MoneytrailError naming its path
        (`tables.entity.rows.3`, a cell `tables.entity.rows.3.1`) and the column."""
        columns = tuple(Column(needed(c, "name", f"{where}.columns.{i}", str),
                               needed(c, "unit", f"{where}.columns.{i}", str))
                        for i, c in enumerate(needed(data, "columns", where, list)))
        for i, column in enumerate(columns):
            if not known_unit(column.unit):
                raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): unknown unit of "
                                      f"column {shown(column.name)!r} (docs/results.md, "
                                      "'Units')", field=f"{where}.columns.{i}.unit",
                                      value=shown(column.unit))
        names = [c.name for c in columns]
        index = optional(data, "index", where, list, [])
        for i, name in enumerate(index):
            if name not in names:
                raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): an index column "
                                      "must be one of the table's columns",
                                      field=f"{where}.index.{i}", value=name)
        rows = needed(data, "rows", where, list)
        numeric = [k for k, c in enumerate(columns) if c.unit not in TEXT_UNITS]
        # a text index column names its rows: text in every cell (a number or null there
        # would be a row without a readable name)
        text_index = [names.index(name) for name in index
                      if columns[names.index(name)].unit in TEXT_UNITS]
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(columns):
                raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): expected a JSON "
                                      f"list of {len(columns)} cells, one per column",
                                      field=f"{where}.rows.{i}", value=row)
            for k in text_index:
                if not isinstance(row[k], str):
                    raise MoneytrailError(
                        f"not a moneytrail result ({SCHEMA}): index column "
                        f"{columns[k].name!r} (unit 'text') names the rows: expected text",
                        field=f"{where}.rows.{i}.{k}",
                        value="null" if row[k] is None else shown(row[k]))
            for k in numeric:
                cell = row[k]
                if cell is not None and (isinstance(cell, bool)
                                         or not isinstance(cell, int | float)
                                         or not math.isfinite(cell)):
                    finite = "" if isinstance(cell, bool) or not isinstance(cell, float) \
                        else " finite"
                    raise MoneytrailError(
                        f"not a moneytrail result ({SCHEMA}): column {columns[k].name!r} "
                        f"(unit {columns[k].unit!r}) holds numbers: expected a{finite} number "
                        "or null", field=f"{where}.rows.{i}.{k}", value=shown(cell))
        name = needed(data, "name", where, str)
        if not TABLE_NAME.fullmatch(name):
            raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): a table name has "
                                  "letters, digits, _ and - only (it names the table's file)",
                                  field=f"{where}.name", value=shown(name))
        return cls(name=name,
                   title=optional(data, "title", where, str, ""),
                   note=optional(data, "note", where, str, ""), index=tuple(index),
                   columns=columns, rows=tuple(tuple(r) for r in rows))


def whole_years(values: pd.Series) -> pd.Series:
    """A column of calendar years as nullable integers (Int64: a missing year stays
    missing; a column with one missing cell is otherwise float, 2024.0); unchanged when a
    cell is not a whole number."""
    numbers = pd.to_numeric(values, errors="coerce")
    given = numbers.dropna()
    if numbers.isna().sum() != values.isna().sum() or not (given % 1 == 0).all():
        return values
    return numbers.astype("Int64")


def needed(data: Any, key: str, where: str, kind: type) -> Any:
    """`data[key]` of a result document, of type `kind`; else MoneytrailError naming the
    field by its path in the document (`provenance.code_version`), never a bare KeyError."""
    field_name = f"{where}.{key}" if where else key
    if not isinstance(data, dict):
        raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): expected a JSON object "
                              "here", field=where or None)
    if key not in data:
        raise MoneytrailError(f"not a complete moneytrail result ({SCHEMA}): the field is "
                              "missing", field=field_name)
    if not isinstance(data[key], kind):
        raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): expected "
                              f"{KIND_WORDS.get(kind, kind.__name__)}", field=field_name,
                              value=data[key])
    return data[key]


def optional(data: dict, key: str, where: str, kind: type, default: Any) -> Any:
    """`data[key]` of a result document when given (of type `kind`, else MoneytrailError
    naming the field), else `default`."""
    if data.get(key) is None:
        return default
    return needed(data, key, where, kind)


KIND_WORDS: dict[type, str] = {str: "text", dict: "a JSON object", list: "a JSON list",
                              int: "a whole number"}


def infer_unit(name: str, values: pd.Series, currency: str) -> str:
    """Unit from a column's name and values (see the module docstring)."""
    if name.startswith("amount_") or name in ("amount", "market_size_p50",
                                              "plan_spend_per_year_p50"):
        return currency or "number"
    base = next((name[:-len(s)] for s in STAT_SUFFIXES if name.endswith(s)), name)
    if name.startswith("share_") or base.endswith("_share"):
        return "share"
    if name.startswith("p_") or name == "p_holds":
        return "probability"
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return "text"
    if name == "year" or (name.endswith("_year") and not name.endswith("per_year")):
        return "year"
    return "number"


@dataclass(frozen=True)
class Provenance:
    """What reproduces a result: canonical inputs, seed and draws, code and data versions,
    the data package's content hash, when it was computed, and the source ids its figures
    rest on."""

    inputs: dict
    code_version: str
    data_version: str
    data_hash: str
    created: str = ""
    seed: int | None = None
    draws: int | None = None
    sources: tuple[str, ...] = ()
    # the data version as every output prints it (Workspace.data_label): the version, and for
    # a package that is not the bundled one, "changed locally (hash ...)"; "" -> data_version
    data_label: str = ""

    def __post_init__(self) -> None:
        if not self.data_label:         # runs stored before, and provenance built by hand
            object.__setattr__(self, "data_label", self.data_version)

    def __repr__(self) -> str:
        """One line: seed, draws, versions, sources counted (the inputs are `.inputs`)."""
        return (f"<Provenance: seed {self.seed}, draws {self.draws}, code "
                f"{self.code_version}, data {self.data_label}, {len(self.sources)} sources, "
                f"created {self.created or 'unknown'}; .inputs, .to_dict()>")

    def to_dict(self) -> dict:
        return {"inputs": self.inputs, "seed": self.seed, "draws": self.draws,
                "code_version": self.code_version, "data_version": self.data_version,
                "data_label": self.data_label,
                "data_hash": self.data_hash, "created": self.created,
                "sources": list(self.sources)}

    @classmethod
    def from_dict(cls, data: dict) -> Provenance:
        where = "provenance"
        sources = optional(data, "sources", where, list, [])
        for i, source in enumerate(sources):
            if not isinstance(source, str):
                raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): expected a source "
                                      "id (text)", field=f"{where}.sources.{i}", value=source)
        seed = optional(data, "seed", where, int, None)
        draws = optional(data, "draws", where, int, None)
        for key, number, low in (("seed", seed, 0), ("draws", draws, 1)):
            if number is not None and (isinstance(number, bool) or number < low):
                raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): expected a whole "
                                      f"number of {low} or more", field=f"{where}.{key}",
                                      value=number)
        return cls(inputs=needed(data, "inputs", where, dict),
                   code_version=needed(data, "code_version", where, str),
                   data_version=needed(data, "data_version", where, str),
                   data_hash=needed(data, "data_hash", where, str),
                   data_label=optional(data, "data_label", where, str, ""),
                   created=optional(data, "created", where, str, ""),
                   seed=seed, draws=draws, sources=tuple(sources))


@dataclass(frozen=True)
class Result:
    """One run's answer: tables, facts (scalars a reader needs beside them) and provenance."""

    run_id: str
    kind: str
    title: str
    provenance: Provenance
    tables: dict[str, Table] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    # the run's tables when this result holds a selection of them (a JSON written with
    # `trace --by`, `compare --table`, `show --table`); empty: it holds them all
    run_tables: tuple[str, ...] = ()

    def __repr__(self) -> str:
        """A few lines (the fields hold every table: up to 100,000 characters): kind, run id,
        title, draws and seed, and the tables there are."""
        names = list(self.tables)
        listed = ", ".join(names[:12]) + (f", ... ({len(names)} in all)"
                                          if len(names) > 12 else "")
        part = f" (a selection of the run's {len(self.run_tables)})" if self.run_tables else ""
        return (f"<Result {self.kind} run {self.run_id}: {shown_text(self.title, 60)!r}\n"
                f"  draws {self.provenance.draws}, seed {self.provenance.seed}, data "
                f"{self.provenance.data_label}, {len(self.facts)} facts (.facts)\n"
                f"  tables{part}: {listed or 'none'}; .table(name) gives a DataFrame, "
                ".table_metadata(name) its units and sources>")

    def selected(self, names: list[str] | None) -> Result:
        """This result with only the tables `names` (None: all, the result itself); a proper
        selection keeps the names of all the run's tables in `run_tables`, so its JSON says
        it is not the whole run and `table()` of a table left out says where to get it."""
        if names is None or list(names) == list(self.tables):
            return self
        return replace(self, tables={n: self.tables[n] for n in names},
                       run_tables=self.run_tables or tuple(self.tables))

    def table(self, name: str) -> pd.DataFrame:
        """A table as a DataFrame (UnknownNameError, a KeyError, naming the tables there
        are). The DataFrame is bare (its `attrs` are empty): each column's unit, the table's
        title and note, the run's currency, price year, seed, draws and sources are in
        `table_metadata(name)` (`tables[name].unit(column)` for one column)."""
        return self.known_table(name).frame()

    def known_table(self, name: str) -> Table:
        """The table `name`; UnknownNameError (a MoneytrailError and a KeyError) naming the
        table asked for and the tables there are."""
        if isinstance(name, str) and name in self.run_tables and name not in self.tables:
            raise UnknownNameError(f"this result holds a selection of run {self.run_id}'s "
                                   f"tables ({', '.join(self.tables)}), not this one: "
                                   f"`moneytrail show {self.run_id} --format json` gives "
                                   f"all {len(self.run_tables)}", field="table",
                                   value=shown(name))
        if not isinstance(name, str) or name not in self.tables:
            raise UnknownNameError(f"no such table in this result (tables: "
                                   f"{', '.join(self.tables) or 'none'})", field="table",
                                   value=shown(name))
        return self.tables[name]

    def to_dict(self) -> dict:
        return {"schema": SCHEMA, "run_id": self.run_id, "kind": self.kind,
                "title": self.title, "provenance": self.provenance.to_dict(),
                "facts": {k: json_value(v) if not isinstance(v, dict | list)
                          else finite_json(v) for k, v in self.facts.items()},
                "tables": {name: t.to_dict() for name, t in self.tables.items()},
                **({"run_tables": list(self.run_tables)} if self.run_tables else {})}

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> Result:
        """A result from its JSON document (`to_dict`); a document that is not one (another
        schema, a missing or mistyped field) is a MoneytrailError naming the field."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            schema = data.get("schema") if isinstance(data, dict) else type(data).__name__
            raise MoneytrailError(f"not a moneytrail result ({SCHEMA})", field="schema",
                                  value=schema)
        run_id, kind = needed(data, "run_id", "", str), needed(data, "kind", "", str)
        provenance = Provenance.from_dict(needed(data, "provenance", "", dict))
        tables = needed(data, "tables", "", dict)
        if not RUN_ID.fullmatch(run_id):        # it names the files write_tables writes
            raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): a run id is 32 "
                                  "hexadecimal digits (0-9, a-f)", field="run_id",
                                  value=shown(run_id))
        if kind not in KINDS:
            raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): unknown kind (one of "
                                  f"{', '.join(KINDS)})", field="kind", value=shown(kind))
        for name in tables:
            if not TABLE_NAME.fullmatch(name):
                raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): a table name has "
                                      "letters, digits, _ and - only (it names the table's "
                                      "file)", field="tables", value=shown(name))
        facts = dict(optional(data, "facts", "", dict, {}))
        where = non_finite_at({"facts": facts, "provenance": data["provenance"]}, "")
        if where is not None:
            raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): expected a finite "
                                  "number or null (never NaN or infinity)", field=where)
        run_tables = optional(data, "run_tables", "", list, [])
        if not all(isinstance(name, str) for name in run_tables):
            raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): expected table names "
                                  "(text)", field="run_tables")
        return cls(run_id=run_id, kind=kind, title=data.get("title", ""),
                   provenance=provenance,
                   tables={name: Table.from_dict(t, f"tables.{name}")
                           for name, t in tables.items()},
                   facts=facts, run_tables=tuple(run_tables))

    @classmethod
    def from_json(cls, text: str) -> Result:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MoneytrailError(f"not a moneytrail result ({SCHEMA}): not JSON ({exc})"
                                  ) from None
        return cls.from_dict(data)

    def money_context(self) -> tuple[Any, Any]:
        """(currency, price year) of the run's money: the facts' `currency` and `price_year`;
        for a comparison each plan's (`currencies`, lists); from the plan(s) of the inputs
        for runs stored before `price_year` was a fact; None where the run has no plan."""
        inputs = self.provenance.inputs
        plans = [inputs["plan"]] if isinstance(inputs.get("plan"), dict) else [
            p for p in inputs.get("plans") or [] if isinstance(p, dict)]
        years = [p.get("price_year") or p.get("year") for p in plans]
        currency = self.facts.get("currency", self.facts.get("currencies"))
        if currency is None and plans:
            currency = plans[0].get("currency") if len(plans) == 1 else \
                [p.get("currency") for p in plans]
        year = self.facts.get("price_year")
        if year is None and years:
            year = years[0] if len(years) == 1 else years
        return currency, year

    def table_metadata(self, name: str) -> dict[str, Any]:
        """What a table exported alone needs to be read and reproduced: the run id, kind,
        table name, title and note, the run's currency and price year (`money_context`),
        each column's unit, the code and data versions, and from the provenance the seed,
        draws, inputs and the source ids the figures rest on, and for the scorecard the dates
        its export rules were read on (EXPORT_RULES_ON) (docs/results.md, "CSV and
        Parquet files"). A DataFrame (`table(name)`) carries none of this: read it here."""
        table = self.known_table(name)
        currency, price_year = self.money_context()
        provenance = self.provenance
        return {"schema": SCHEMA, "run_id": self.run_id, "kind": self.kind, "table": name,
                "title": table.title, "note": table.note, "currency": currency,
                "price_year": price_year,
                "units": {c.name: c.unit for c in table.columns},
                "code_version": provenance.code_version,
                "data_version": provenance.data_version,
                "data_hash": provenance.data_hash,
                "seed": provenance.seed, "draws": provenance.draws,
                "sources": list(provenance.sources), "inputs": provenance.inputs,
                **({EXPORT_RULES_ON: self.facts[EXPORT_RULES_ON]}
                   if name == "scorecard" and EXPORT_RULES_ON in self.facts else {})}

    def export_frame(self, name: str) -> pd.DataFrame:
        """The table `name` as `write_tables` writes it: its index as leading columns."""
        table = self.known_table(name)
        return table.frame().reset_index() if table.index else table.frame()

    def parquet_bytes(self, name: str) -> bytes:
        """The Parquet file `write_tables(folder, "parquet")` writes for the table `name`,
        byte for byte (the web API's `?format=parquet`)."""
        buffer = io.BytesIO()
        write_parquet(self.export_frame(name), buffer, self.table_metadata(name))
        return buffer.getvalue()

    def write_tables(self, folder: str | Path, fmt: str = "csv", *,
                     countries: Mapping[str, str] | None = None) -> list[Path]:
        """Every table as `<folder>/<run id>-<table>.csv` (or `.parquet`); with "xlsx", all
        of them in one Excel workbook `<folder>/<run id>.xlsx` (service.workbook: a sheet
        "About" with the provenance, units and notes, then one sheet per table with the
        columns and values of its CSV). A Parquet file
        carries `table_metadata` in its schema metadata (key `moneytrail`, JSON) and each
        column's unit in its field metadata (`unit`); a CSV file stays plain CSV, with the
        same metadata in a sidecar `<file>-metadata.json` (W3C CSV on the Web) beside it, and
        its unit columns (`csv_unit_columns`). A country table's CSV (and sheet) adds the
        name beside each code (`csv_named_frame`: `country_name`, `owner_country_name`), as
        `moneytrail trace|show --format csv` does: names from `countries` (code -> name,
        e.g. `ws.valuechain.country_names()` of a workspace on another data package), by
        default the bundled data package's; the Parquet file keeps the stored columns.
        Returns the table files. A `folder` that is a
        file (or under one) is a MoneytrailError, one that cannot be written a ResourceError,
        both naming the folder (field `folder`) and what to do."""
        if not isinstance(fmt, str) or fmt not in TABLE_FORMATS:
            raise MoneytrailError(f"unknown table format (use {', '.join(TABLE_FORMATS)})",
                                  field="fmt", value=shown(fmt))
        # the run id and table names make the file names: none may leave the folder
        if not RUN_ID.fullmatch(self.run_id):
            raise MoneytrailError("a run id is 32 hexadecimal digits (0-9, a-f)",
                                  field="run_id", value=shown(self.run_id))
        for name in self.tables:
            if not TABLE_NAME.fullmatch(name):
                raise MoneytrailError("a table name has letters, digits, _ and - only (it "
                                      "names the table's file)", field="tables",
                                      value=shown(name))
        if not isinstance(folder, str | os.PathLike) or not str(folder):
            raise MoneytrailError("expected the path of a folder to write the tables into (a "
                                  "str or Path, e.g. 'tables')", field="folder",
                                  value=shown(folder))
        folder = Path(folder)
        names: Mapping[str, str] = {}
        if fmt != "parquet" and set(self.tables) & set(CSV_NAME_COLUMNS):
            if countries is None:
                from moneytrail.data.valuechain import bundled_country_names

                countries = bundled_country_names()
            names = countries
        paths = []
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if fmt == "xlsx":
                from moneytrail.service.workbook import result_workbook, table_rows

                path = folder / f"{self.run_id}.xlsx"
                result_workbook(self, path, tables={
                    name: csv_named_rows(name, table_rows(self, name),
                                         lambda code: region_label(code, names))
                    for name in self.tables})
                return [path]
            for name in self.tables:
                path = folder / f"{self.run_id}-{name}.{fmt}"
                frame = self.export_frame(name)
                meta = self.table_metadata(name)
                if fmt == "parquet":
                    write_parquet(frame, path, meta)
                else:
                    frame_csv(csv_named_frame(name, csv_unit_frame(self, name, frame), names),
                              path)
                    write_csv_metadata(path.with_name(path.name + "-metadata.json"),
                                       path.name, [csv_table_metadata(self, name,
                                                                      named=True)])
                paths.append(path)
        except (FileExistsError, NotADirectoryError):
            raise MoneytrailError("this is a file (or inside one), not a folder: write_tables "
                                  "writes one file per table into a folder; give a folder's "
                                  "path (it is created if missing)", field="folder",
                                  value=str(folder)) from None
        except OSError as exc:
            raise ResourceError(f"cannot write the tables into this folder "
                                f"({exc.strerror or exc}); give a folder you can write to",
                                field="folder", value=str(folder)) from None
        return paths


def write_csv_metadata(sidecar: Path, file_name: str, metas: list[dict[str, Any]]) -> Path:
    """Write the sidecar of the CSV file `file_name` ('' for standard output) to `sidecar`
    (for a file, `<file>-metadata.json`: the name W3C CSV on the Web looks for):
    `csvw_metadata` of its one table, or of several stacked under a leading `table` column
    (`metas` in order)."""
    sidecar.write_text(json.dumps(csvw_metadata(file_name, metas), indent=2, default=str,
                                  ensure_ascii=False), encoding="utf-8")
    return sidecar


def write_parquet(frame: pd.DataFrame, path: Path | BinaryIO, meta: dict[str, Any]) -> None:
    """A table as Parquet (to a file or a binary stream) with `meta` (Result.table_metadata)
    as the schema's `moneytrail` metadata (JSON) and each column's unit as its field's `unit`
    metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(frame, preserve_index=False)
    units = meta["units"]
    fields = [f.with_metadata({"unit": units.get(f.name, "")}) for f in arrow.schema]
    text = json.dumps(meta, default=str)
    schema = pa.schema(fields, metadata={**(arrow.schema.metadata or {}),
                                         b"moneytrail": text.encode("utf-8")})
    pq.write_table(arrow.cast(schema), path)


def csvw_metadata(file_name: str, metas: list[dict[str, Any]]) -> dict[str, Any]:
    """The sidecar of an exported CSV file: W3C CSV on the Web metadata (`url`, a
    `tableSchema` naming every column with its unit as `schema:unitText`), the run id as
    `dc:identifier` and each table's `Result.table_metadata` (currency, price year, units,
    versions) under `notes`; a column's `name` is its header with other characters than
    letters, digits and `_` as `_` (CSVW names), its `titles` the header. Several tables
    stacked in one file have a leading `table` column; a column whose unit differs between
    them has the units `;`-joined."""
    first = metas[0]
    units: dict[str, list[str]] = {"table": ["text"]} if len(metas) > 1 else {}
    for meta in metas:
        for name, unit in meta["units"].items():
            if unit not in units.setdefault(name, []):
                units[name].append(unit)
    title = first["title"] or first["table"] if len(metas) == 1 else \
        "tables " + ", ".join(m["table"] for m in metas)
    return {"@context": "http://www.w3.org/ns/csvw", "url": file_name,
            "dc:identifier": first["run_id"], "dc:title": title,
            "tableSchema": {"columns": [{"name": re.sub(r"\W", "_", name), "titles": name,
                                         "schema:unitText": "; ".join(unit)}
                                        for name, unit in units.items()]},
            "notes": metas}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A CSV cell for spreadsheets: lists joined with '; '; text that starts like a formula
    (=, +, -, @, tab, carriage return) gets a leading apostrophe, so a name or note from data
    never runs as a formula when the file is opened (OWASP CSV injection). Numbers stay
    numbers."""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def frame_csv(frame: pd.DataFrame, path: str | Path | None = None) -> str | None:
    """A DataFrame as CSV (no index) with every text cell passed through `csv_cell`; written
    to `path` when given (then None), else returned."""
    text = [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c])
            or pd.api.types.is_string_dtype(frame[c])]
    safe = frame.copy() if len(text) else frame
    for column in text:
        safe[column] = safe[column].map(csv_cell)
    return safe.to_csv(path, index=False)


# significant digits of a number in a run table's CSV (and the workbook's sheets, which equal
# it cell for cell): without the float noise of 16 digits ('1234.56789', not
# '1234.5678901234567') yet enough that rows summed by a reader match the table's totals to one
# part in 1e10 (six digits would miss EUR 30,000 on 30 bn); JSON and Parquet keep full precision
CSV_DIGITS = 10


def csv_number(value: Any) -> Any:
    """A number as a run table's CSV writes it: a finite float rounded to CSV_DIGITS
    significant digits (1234.5678901234567 -> 1234.56789, 7672345678.9 -> 7672345679.0);
    anything else (text, whole numbers, missing values) as it is."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{CSV_DIGITS}g}")
    return value


def csv_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """A table's DataFrame with every float (`csv_number`) rounded for its CSV."""
    out = frame.copy()
    for column in out.columns:
        if pd.api.types.is_float_dtype(out[column]) or pd.api.types.is_object_dtype(out[column]):
            out[column] = out[column].map(csv_number)
    return out


def price_year_text(year: Any) -> str:
    """A run's price year (`Result.money_context`) as a CSV cell: '2024'; several plans'
    years '; '-joined ('2024; 2025'), each once; '' when the run has none."""
    years = year if isinstance(year, list) else [year]
    return "; ".join(dict.fromkeys(str(y) for y in years if y not in (None, "")))


def csv_unit_values(result: Result, name: str, columns: list[str]) -> dict[str, str]:
    """The unit columns a CSV of the run table `name` (with these `columns`) adds, as
    {column: value of every row}: the units a plain CSV has no other place for (the home
    page's `share_unit` likewise). `currency` (the currency of its money columns: a Stargate
    table in USD says so) with `price_year` (the prices its money is at, `money_context`)
    and, for the footprint columns `jobs_fte_*` and `co2_t_*`,
    `jobs_fte_unit` ('FTE-years': jobs x years, not jobs at one time) and `co2_t_unit`
    ('t CO2e'). A table whose rows carry their unit (a `unit` column, columns 'by row') gains
    `currency` for its columns of a fixed currency (the lifecycle's `h100e_price_*`) and for
    its rows in money (the scorecard's EUR rows, `row_money_units`), and the CSV fills it and
    `price_year` row by row (`row_currency`); a table that has the column already
    gains none; a chart's flows (`flows_*`, the web app's)
    have `value` in the run's money. The stored column names do not change
    (docs/results.md)."""
    from moneytrail.service.footprints import PREFIX

    if name in result.tables:
        units_of = {c.name: c.unit for c in result.tables[name].columns}
    elif name.startswith("flows_"):
        units_of = {"value": str(result.facts.get("currency") or "")}
    else:
        return {}
    names = set(units_of) | set(columns)
    extra: dict[str, str] = {}
    money = sorted({u for u in units_of.values() if is_currency(u)}
                   | row_money_units(result, name))
    if money and "currency" not in names:
        extra["currency"] = "; ".join(money)
        year = price_year_text(result.money_context()[1])
        if year and "price_year" not in names:
            extra["price_year"] = year
    for prefix, _ in PREFIX.values():
        found = sorted({units_of[c] for c in units_of if c.startswith(f"{prefix}_")})
        if found and f"{prefix}_unit" not in names:
            extra[f"{prefix}_unit"] = "; ".join(found)
    return extra


def csv_unit_columns(result: Result, name: str, rows: list[dict[str, Any]]
                     ) -> list[dict[str, Any]]:
    """A run table's rows for a CSV, with its unit columns (`csv_unit_values`) after the
    others: every CSV of a run table has them (the web API's, `--format csv`,
    `Result.write_tables`). In a table whose rows carry their unit, `currency` is each
    row's own (`row_currency`). Floats are rounded as a CSV writes them (`csv_number`)."""
    extra = csv_unit_values(result, name, list(dict.fromkeys(k for row in rows for k in row)))
    money = money_columns_by_row(result, name)
    out = []
    for row in rows:
        cells = {**{k: csv_number(v) for k, v in row.items()}, **extra}
        if money is not None and "currency" in extra:
            cells.update(by_row_money(row, money, extra))
        out.append(cells)
    return out


def csv_unit_frame(result: Result, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """`csv_unit_columns` for a table as a DataFrame (its index reset), floats rounded
    (`csv_numbers`)."""
    extra = csv_unit_values(result, name, [str(c) for c in frame.columns])
    out = csv_numbers(frame).assign(**extra)
    money = money_columns_by_row(result, name)
    if money is not None and "currency" in extra:
        cells = [by_row_money(row, money, extra) for row in frame.to_dict("records")]
        for column in ("currency", "price_year"):
            if column in extra:
                out[column] = [c[column] for c in cells]
    return out


def by_row_money(row: Mapping[Any, Any], money: dict[str, str], extra: dict[str, str]
                 ) -> dict[str, str]:
    """The `currency` and `price_year` cells of a row of a table whose rows carry their unit:
    the row's currency (`row_currency`) and, where it has one, the run's price year (empty
    on a row of a share, MWh or t CO2e)."""
    currency = row_currency(row, money)
    cells = {"currency": currency}
    if "price_year" in extra:
        cells["price_year"] = extra["price_year"] if currency else ""
    return cells


def money_columns_by_row(result: Result, name: str) -> dict[str, str] | None:
    """For a run table whose rows carry their unit (a `unit` column beside columns of unit
    'by row', e.g. the lifecycle table): its columns of a fixed currency, {column: currency}
    (the lifecycle's `h100e_price_*`); None for any other table."""
    table = result.tables.get(name)
    if table is None:
        return None
    units_of = {c.name: c.unit for c in table.columns}
    if "unit" not in units_of or BY_ROW not in units_of.values():
        return None
    return {column: unit for column, unit in units_of.items() if is_currency(unit)}


def row_money_units(result: Result, name: str) -> set[str]:
    """The currencies of the rows of a run table whose rows carry their unit (the
    scorecard's 'EUR' rows and its rows per EUR million, `row_currency`): empty for any other
    table."""
    table = result.tables.get(name)
    if table is None or money_columns_by_row(result, name) is None:
        return set()
    at = [c.name for c in table.columns].index("unit")
    return {code for code in (money_currency(str(row[at] or "").split(" (", 1)[0])
                              for row in table.rows) if code}


def row_currency(row: Mapping[Any, Any], money: dict[str, str]) -> str:
    """The `currency` of a CSV row of a table whose rows carry their unit: the row's `unit`
    when it is money ('EUR', 'EUR (as counted here)'), the currency of a row per million of
    one ('FTE-years per EUR million': EUR, whose price year the row's figure depends on),
    and that of any fixed-currency column filled on the row (the lifecycle's
    `accelerators_h100e` row and its `h100e_price_*`); empty on a row with no money (a share,
    MWh, t CO2e)."""
    found = set()
    code = money_currency(str(row.get("unit") or "").split(" (", 1)[0])
    if code:
        found.add(code)
    for column, currency in money.items():
        value = row.get(column)
        if value is not None and value == value and value != "":      # NaN: not filled
            found.add(currency)
    return "; ".join(sorted(found))


# Run tables whose rows are country codes: their CSV in the web app and `--format csv` keeps
# the code and adds its name beside it ('EU' -> 'EU, not split by member state'), so a
# spreadsheet does not read the 'EU' row (value added the data do not split by member state)
# as the EU's total.
CSV_NAME_COLUMNS = {"country": "country_name", "owner_country": "owner_country_name"}


def csv_named_rows(name: str, rows: list[dict[str, Any]], label: Callable[[str], str]
                   ) -> list[dict[str, Any]]:
    """The rows of run table `name` with the name column of CSV_NAME_COLUMNS right after
    the code column (`label`: code -> name as the pages show it); other tables as given."""
    column = CSV_NAME_COLUMNS.get(name)
    if column is None:
        return rows
    out = []
    for row in rows:
        named: dict[str, Any] = {}
        for key, value in row.items():
            named[key] = value
            if key == name:
                named[column] = label(str(value))
        out.append(named)
    return out


def csv_named_frame(name: str, frame: pd.DataFrame, countries: Mapping[str, str]
                    ) -> pd.DataFrame:
    """The CSV frame of run table `name` with the name column of CSV_NAME_COLUMNS right
    after its code column (moneytrail.countries.region_label: 'EU' -> 'EU, not split by
    member state', 'ROW' -> 'Rest of the world', else the code's name in `countries`, else
    the code); other tables as given. The one rule of `Result.write_tables` and the CLI's
    `--format csv` (report.terminal.result_csv)."""
    column = CSV_NAME_COLUMNS.get(name)
    if column is None or name not in frame.columns:
        return frame
    named = frame.copy()
    named.insert(list(named.columns).index(name) + 1, column,
                 named[name].map(lambda code: region_label(code, countries)))
    return named


def csv_table_metadata(result: Result, name: str, named: bool = False) -> dict[str, Any]:
    """`Result.table_metadata` of a table as its CSV has it: its unit columns
    (`csv_unit_values`) listed too, as `text`, so a CSVW sidecar names every column;
    `named`: with the name column of a country table (CSV_NAME_COLUMNS) after the code."""
    meta = result.table_metadata(name)
    columns = list(meta["units"])
    extra = csv_unit_values(result, name, columns)
    units = dict(meta["units"])
    if named and name in CSV_NAME_COLUMNS:
        units = csv_named_rows(name, [units], lambda _: "text")[0]
    return {**meta, "units": {**units, **dict.fromkeys(extra, "text")}}


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
