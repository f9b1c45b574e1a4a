"""A reviewer's finding (h94): the web API's CSV of a run table carried its unit columns
(`currency`, `jobs_fte_unit`, `co2_t_unit`) but the command line's `--format csv` of the same
table did not. Every CSV of a run table now has them (service.result.csv_unit_columns)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moneytrail.service.result import Result

ROOT = Path(__file__).resolve().parents[1]
UNIT_COLUMNS = {"currency": "EUR", "price_year": "2025", "jobs_fte_unit": "FTE-years",
                "co2_t_unit": "t CO2e"}


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("h94") / "runs.sqlite"


def cli(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(store)}
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return out


@pytest.fixture(scope="module")
def run(store) -> Result:
    """A 200-draw trace of the EU plan, stored, as `show --format json` gives it back."""
    out = cli(store, "trace", "scenarios/eu-ai-gigafactories.yaml", "--draws", "200",
              "--format", "json")
    run_id = json.loads(out.stdout)["run_id"]
    return Result.from_dict(json.loads(cli(store, "show", run_id, "--format", "json").stdout))


@pytest.fixture(scope="module")
def api(store):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from moneytrail.web import create_app

    app = create_app(db=str(store), start_reference_runs=False)
    with TestClient(app) as client:
        yield client


def api_csv(api, run: Result, table: str) -> str:
    response = api.get(f"/api/v1/runs/{run.run_id}?format=csv&table={table}")
    assert response.status_code == 200, response.text
    return response.text.replace("\r\n", "\n")


def test_show_csv_of_a_table_is_the_api_csv(store, run, api):
    shown = cli(store, "show", run.run_id, "--format", "csv", "--table", "country").stdout
    assert shown == api_csv(api, run, "country")
    rows = list(csv.DictReader(io.StringIO(shown)))
    assert rows and all({k: r[k] for k in UNIT_COLUMNS} == UNIT_COLUMNS for r in rows)
    header = shown.splitlines()[0].split(",")
    assert header[-4:] == list(UNIT_COLUMNS) and "jobs_fte_p50" in header


def without_column(text: str, column: str) -> str:
    """A CSV text without one column (the cells as they are, quoted as pandas quotes)."""
    rows = list(csv.reader(io.StringIO(text)))
    drop = rows[0].index(column)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [cell for k, cell in enumerate(row) if k != drop] for row in rows)
    return out.getvalue()


def test_every_table_csv_is_the_api_csv(run, api):
    from moneytrail.data.valuechain import load_valuechain
    from moneytrail.report.terminal import result_csv

    # `--format csv` names a country table's codes (cli.common.country_labels), as the API does
    countries = load_valuechain().country_names()
    for name in run.tables:
        given = api_csv(api, run, name)
        if name == "evidence":      # the API adds `shares_reason` (docs/results.md, h132)
            given = without_column(given, "shares_reason")
        if name == "scorecard":     # and the scorecard's `reason` (and `market`)
            given = without_column(given, "reason")
            if run.facts.get("hhi_market"):
                given = without_column(given, "market")
        assert result_csv(run, [name], countries) == given, name
    # its rows carry their unit: no unit column per figure; the money rows' currency and
    # price year (row_money_units, as the scorecard's and lifecycle's) and only on them
    rows = list(csv.DictReader(io.StringIO(result_csv(run, ["jobs"]))))
    assert not {"jobs_fte_unit", "co2_t_unit"} & set(rows[0])
    for row in rows:        # EUR rows and rows per EUR million (at the run's price year)
        unit = row["unit"].split(" (", 1)[0]
        money = unit == "EUR" or unit.endswith(" per EUR million")
        assert (row.get("currency", ""), row.get("price_year", "")) == \
            (("EUR", "2025") if money else ("", "")), row
    assert any(r["unit"].endswith(" per EUR million") for r in rows)


def test_stacked_tables_have_each_table_s_units():
    from moneytrail.report.terminal import result_csv
    from moneytrail.service.result import Column, Provenance, Table

    money = Table("money", "", ("key",), (Column("key", "text"), Column("amount_p50", "USD")),
                  (("a", 1.0),))
    jobs = Table("jobs", "", ("key",), (Column("key", "text"),
                                        Column("jobs_fte_p50", "FTE-years")), (("b", 2.0),))
    result = Result("0" * 32, "trace", "t", Provenance({}, "c", "d", "h"),
                    {"money": money, "jobs": jobs})
    rows = list(csv.DictReader(io.StringIO(result_csv(result))))
    assert [(r["table"], r["currency"], r["jobs_fte_unit"]) for r in rows] == [
        ("money", "USD", ""), ("jobs", "", "FTE-years")]


def test_written_csv_files_and_sidecars_name_the_unit_columns(store, run, tmp_path):
    [path] = [p for p in run.write_tables(tmp_path) if p.name.endswith("-country.csv")]
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert all({k: r[k] for k in UNIT_COLUMNS} == UNIT_COLUMNS for r in rows)
    side = json.loads(path.with_name(path.name + "-metadata.json").read_text())
    columns = {c["titles"]: c["schema:unitText"] for c in side["tableSchema"]["columns"]}
    assert list(columns) == list(rows[0]) and columns["currency"] == "text"
    meta = tmp_path / "country.csv-metadata.json"
    cli(store, "show", run.run_id, "--format", "csv", "--table", "country", "--meta",
        str(meta))
    assert {c["titles"] for c in json.loads(meta.read_text())["tableSchema"]["columns"]} \
        >= set(UNIT_COLUMNS)
