"""Units that agree with the values (h62): every analysis table column, sensitivity swings
and Sobol half-widths, the exports table's key and tier, numeric cells on load, and the
trace tables of docs/results.md."""

import json
import math
import re
from numbers import Real as numbers_Real
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import moneytrail as mt
from moneytrail.errors import MoneytrailError
from moneytrail.service import tasks
from moneytrail.service.result import Result
from moneytrail.service.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
US = ROOT / "scenarios" / "stargate-style-us.yaml"
EU = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
WITH_CONDITIONS = ROOT / "scenarios" / "efficiency-first-eu.yaml"
# columns that are plain numbers (no unit): counts, ratios, a condition's metric in its own unit
NUMBER_COLUMNS = {"spend_years", "suppliers", "cap_h100e", "h100e_p50", "price_over_cost",
                  "value_mean", "value_p5", "value_p50", "value_p95"}
# tables whose shares may be below zero: rent (economic profit) can be negative
SIGNED_SHARES = {"market_power", "rent_recipients"}


@pytest.fixture(scope="module")
def ws():
    with Workspace.open() as workspace:
        yield workspace


def usd_plan_2023():
    plan = mt.load_scenario(US)
    return plan.model_copy(update={"price_year": 2023})


def analyse_all(ws, plan):
    return tasks.analyse_plan(ws, plan, list(tasks.ANALYSES), draws=100, seed=1, store=None)


def known_unit(table: str, column: str, currency: str) -> str | None:
    """The unit a column must have by its meaning, where that is known from its name."""
    if re.fullmatch(r"(hhi|delta|hhi_before|hhi_after|delta_without_rules)(_(mean|p5|p50|p95))?",
                    column):
        return "points"
    if re.fullmatch(r"cr\d|top_share(_.*)?|exposed_.*|share_.*", column):
        return "share"
    if column.startswith("markup_"):
        return currency
    if column == "unit_cost_usd":
        return "USD"
    if table in ("jurisdictions",) and column in ("mean", "p5", "p50", "p95"):
        return "share"
    if table in ("lifecycle", "efficiency") and column in ("mean", "p5", "p50", "p95"):
        return "by row"
    if table == "procurement" and re.fullmatch(r"(plan|rules|change)_.*", column):
        return "by row"
    return None


def check_units(result: Result, currency: str) -> list[str]:
    wrong = []
    for name, table in result.tables.items():
        frame = table.frame().reset_index() if table.index else table.frame()
        names = [c.name for c in table.columns]
        for column in table.columns:
            values = frame[column.name]
            cells = [v for v in values if v is not None and v is not pd.NA and not
                     (isinstance(v, float) and math.isnan(v))]
            numbers = [v for v in cells if isinstance(v, numbers_Real)    # Int64 years too
                       and not isinstance(v, bool | np.bool_)]
            where = f"{name}.{column.name} ({column.unit})"
            expected = known_unit(name, column.name, currency)
            if expected is not None and column.unit != expected:
                wrong.append(f"{where}: expected {expected}")
            if column.unit == "text":
                if numbers and len(numbers) == len(cells):
                    wrong.append(f"{where}: numbers labelled text")
                continue
            if len(numbers) != len(cells):
                wrong.append(f"{where}: text in a numeric column")
            if column.unit == "number" and column.name not in NUMBER_COLUMNS:
                wrong.append(f"{where}: 'number' for a column with a unit")
            if column.unit == "by row" and "unit" not in names:
                wrong.append(f"{where}: 'by row' without a unit column")
            low = -1.0 if name in SIGNED_SHARES else 0.0
            finite = [v for v in numbers if math.isfinite(v)]
            if column.unit in ("share", "probability") and finite and \
                    not (low - 1e-9 <= min(finite) and max(finite) <= 1 + 1e-9):
                wrong.append(f"{where}: outside [{low:g}, 1]: {min(finite)}..{max(finite)}")
            if column.unit == "points" and finite and max(abs(v) for v in finite) > 10_000:
                wrong.append(f"{where}: HHI points beyond 10,000")
            if column.unit == "year" and not all(1990 <= v <= 2100 and v == int(v)
                                                 for v in finite):
                wrong.append(f"{where}: not a calendar year")
            if re.fullmatch(r"[A-Z]{3}", column.unit) and column.unit not in (currency, "USD"):
                wrong.append(f"{where}: another currency than the plan's")
    return wrong


@pytest.mark.parametrize("make", [usd_plan_2023, lambda: mt.load_scenario(WITH_CONDITIONS)],
                         ids=["usd-2023", "with-conditions"])
def test_every_analysis_table_column_has_its_true_unit(ws, make):
    plan = make()
    result = analyse_all(ws, plan)
    assert set(result.tables) >= {"concentration", "markets", "dependency", "jurisdictions",
                                  "exports", "lifecycle", "efficiency", "conditions",
                                  "markups", "procurement"}
    assert check_units(result, plan.currency) == []
    back = Result.from_json(result.to_json())           # and loads back as it is
    assert back.tables == result.tables


def test_sensitivity_stores_swing_and_half_widths_as_shares(ws, tmp_path):
    plan = mt.load_scenario(EU)
    result = tasks.sensitivity(ws, plan, "share:entity:nvidia", top=3, store=None)
    table = result.tables["tornado"]
    assert table.unit("swing") == "share"
    assert all(0 <= row[-1] <= 1 for row in table.rows)           # a fraction, not points
    result.write_tables(tmp_path, "parquet")
    result.write_tables(tmp_path, "csv")
    parquet = pq.read_schema(tmp_path / f"{result.run_id}-tornado.parquet")
    assert parquet.field("swing").metadata[b"unit"] == b"share"
    sidecar = json.loads((tmp_path / f"{result.run_id}-tornado.csv-metadata.json").read_text())
    units = {c["titles"]: c["schema:unitText"] for c in sidecar["tableSchema"]["columns"]}
    assert units["swing"] == "share"
    money = tasks.sensitivity(ws, plan, "amount:entity:nvidia", top=2, store=None)
    assert money.tables["tornado"].unit("swing") == "EUR"
    source = (ROOT / "src/moneytrail/service/tasks.py").read_text()
    assert '"S1_conf": "share"' in source and '"ST_conf": "share"' in source
    assert "percentage points" not in (ROOT / "docs/results.md").read_text()


def test_exports_tier_is_null_and_rows_have_a_unique_key(ws, tmp_path):
    plan = mt.load_scenario(US)
    result = tasks.analyse_plan(ws, plan, "exports", draws=20, seed=1, store=None)
    table = result.tables["exports"]
    assert table.index == ("date", "basis")
    frame = table.frame()
    assert frame.index.is_unique and len(frame) == 2
    assert frame.loc[("2025-07-01", "binding")].ndim == 1          # one row
    tier = [c.name for c in table.columns].index("tier")
    assert all(row[tier] is None for row in table.rows)             # no site tier: null
    assert '"None"' not in json.dumps(table.to_dict())
    result.write_tables(tmp_path, "csv")
    cells = pd.read_csv(tmp_path / f"{result.run_id}-exports.csv", keep_default_na=False)
    assert list(cells["tier"]) == ["", ""]


def test_text_in_a_numeric_cell_is_refused_naming_table_column_and_row(ws):
    result = tasks.sensitivity(ws, mt.load_scenario(EU), "share:entity:nvidia", top=2,
                               store=None)
    data = result.to_dict()
    data["tables"]["tornado"]["rows"][0][1] = "abc"
    with pytest.raises(MoneytrailError) as caught:
        Result.from_json(json.dumps(data))
    message = str(caught.value)
    assert "tables.tornado.rows.0" in message and "'low'" in message and "abc" in message
    data["tables"]["tornado"]["rows"][0][1] = True
    with pytest.raises(MoneytrailError, match="'low'"):
        Result.from_dict(data)
    data["tables"]["tornado"]["rows"][0][1] = None                  # missing: fine
    assert Result.from_dict(data).tables["tornado"].rows[0][1] is None


def test_docs_list_every_table_of_a_trace_run(ws):
    result = tasks.trace_plan(ws, mt.load_scenario(EU), draws=50, seed=1, analyses=False,
                              store=None)
    assert "evidence" in result.tables
    docs = (ROOT / "docs/results.md").read_text()
    row = next(line for line in docs.splitlines() if line.startswith("| trace |"))
    listed = set(re.findall(r"`(\w+)`", row))
    assert set(result.tables) <= listed, set(result.tables) - listed
    evidence = result.tables["evidence"]
    section = docs[docs.index("### The evidence table"):]
    for column in evidence.columns:
        assert f"`{column.name}`" in section, column.name


def test_terminal_prints_hhi_levels_plain_and_changes_signed():
    from rich.console import Console

    from moneytrail.report.terminal import generic_table
    from moneytrail.service.result import Table

    frame = pd.DataFrame({"category": ["accelerators"], "hhi": [9138.0],
                          "delta_mean": [12.0], "delta_p5": [1.0], "delta_p50": [10.0],
                          "delta_p95": [30.0]}).set_index("category")
    table = Table.from_frame("concentration", frame,
                             units={"hhi": "points", **{c: "points" for c in frame.columns
                                                        if c.startswith("delta")}})
    console = Console(width=200, record=True)
    console.print(generic_table(table))
    text = console.export_text()
    assert "9,138" in text and "+9,138" not in text
    assert "+10 points" in text
