"""`moneytrail ledger list` printed a deal's amount in its parts as a raw float
("1.32746e+10" for l_stargate_us_2025_01) beside amounts in words ("EUR 13.27 bn"); the
CSV and JSON keep plain numbers (helper h221)."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEAL = "l_stargate_us_2025_01"


def cli(store: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(store),
           "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "400"}
    return subprocess.run([sys.executable, "-m", "moneytrail", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def test_the_in_parts_columns_print_as_amounts():
    from moneytrail.report.ledger import cell

    assert cell("committed_in_parts", 1.32746e10, "EUR") == "EUR 13.27 bn"
    assert cell("disbursed_in_parts", 2.5e9, "EUR") == "EUR 2.50 bn"
    assert cell("committed_in_parts_as_of", "2025-06") == "2025-06"


def test_ledger_list_prints_the_in_parts_amount_in_words_and_csv_json_keep_numbers(tmp_path):
    store = tmp_path / "ledger.sqlite"
    table = cli(store, "ledger", "list", "--search", "stargate")
    assert table.returncode == 0, table.stderr
    row = next(line for line in table.stdout.splitlines() if f" {DEAL} " in line)
    cells = [part.strip() for part in row.split("│")]
    assert not any("e+" in part for part in cells), row
    in_csv = cli(store, "ledger", "list", "--search", "stargate", "--format", "csv")
    record = next(r for r in csv.DictReader(io.StringIO(in_csv.stdout)) if r["deal"] == DEAL)
    parts = float(record["committed_in_parts"])
    from moneytrail.report import units

    assert units.money(parts, "EUR") in cells           # as the other amounts print
    in_json = cli(store, "ledger", "list", "--search", "stargate", "--format", "json")
    found = next(r for r in json.loads(in_json.stdout) if r["deal"] == DEAL)
    assert found["committed_in_parts"] == parts
