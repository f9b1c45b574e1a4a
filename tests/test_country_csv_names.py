"""A country table's CSV (the web API's `?table=country&format=csv` and `--format csv`) keeps
the codes and names each row beside its code, as the pages do: the 'EU' row is "EU, not split
by member state" (a part of the EU's value added, not its total), so a spreadsheet reader does
not take it for the EU's total."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from moneytrail.scenarios.reference import reference_scenarios  # noqa: E402
from moneytrail.scenarios.schema import load_scenario  # noqa: E402

GIGA = next(p for p in reference_scenarios() if p.stem == "eu-ai-gigafactories")


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A store with the EU gigafactories plan traced at 30 draws: (store, run id)."""
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    db = str(tmp_path_factory.mktemp("country-csv") / "ledger.sqlite")
    with Workspace.open(db=db) as ws:
        run_id = tasks.trace_plan(ws, load_scenario(GIGA), draws=30, seed=1).run_id
    return db, run_id


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def check_named(rows: list[dict[str, str]], code_column: str) -> None:
    names = {row[code_column]: row[f"{code_column}_name"] for row in rows}
    assert names["EU"] == "EU, not split by member state"
    assert names["ROW"] == "Rest of the world"
    assert names["US"] == "United States"
    assert names["TW"] == "Taiwan"


def test_api_country_csvs_name_the_codes(stored):
    from moneytrail.web import create_app

    db, run_id = stored
    app = create_app(db=db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        for table in ("country", "owner_country"):
            response = client.get(f"/api/v1/runs/{run_id}?table={table}&format=csv")
            assert response.status_code == 200, response.text
            header = response.text.splitlines()[0].split(",")
            assert header[:2] == [table, f"{table}_name"]       # the code first, then its name
            check_named(rows_of(response.text), table)
        # JSON keeps the codes as the stored table has them
        body = client.get(f"/api/v1/runs/{run_id}?table=country").json()
        assert "EU" in [row["country"] for row in body["rows"]]


def test_cli_country_csv_names_the_codes(stored, tmp_path):
    import moneytrail

    db, run_id = stored
    env = {**os.environ, "PYTHONPATH": str(Path(moneytrail.__file__).resolve().parents[1])}
    meta = tmp_path / "country.csv-metadata.json"
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "show", run_id, "--db", db,
                          "--table", "country", "--format", "csv", "--meta", str(meta)],
                         capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stderr
    rows = rows_of(out.stdout)
    check_named(rows, "country")
    # the sidecar names every column of the CSV, the name column too, in the CSV's order
    sidecar = json.loads(meta.read_text())
    columns = [c["titles"] for c in sidecar["tableSchema"]["columns"]]
    assert columns == list(rows[0])
