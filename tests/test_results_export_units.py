"""Exported tables carry their units, run id, currency and price year (tester finding 4):
Parquet in its schema metadata, CSV in a W3C CSV on the Web sidecar; the JSON facts name the
price year."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import moneytrail as mt
from moneytrail.service import tasks

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


@pytest.fixture(scope="module")
def result(ws):
    return tasks.trace_plan(ws, mt.load_scenario(SCENARIO), draws=200, seed=1, store=None,
                            analyses=False)


def test_facts_name_the_price_year(result):
    plan = mt.load_scenario(SCENARIO)
    facts = json.loads(result.to_json())["facts"]
    assert facts["price_year"] == (plan.price_year or plan.year)
    assert facts["currency"] == "EUR"


def test_parquet_files_carry_units_run_id_currency_and_price_year(result, tmp_path):
    paths = result.write_tables(tmp_path, "parquet")
    assert len(paths) == len(result.tables)
    schema = pq.read_schema(tmp_path / f"{result.run_id}-entity.parquet")
    meta = json.loads(schema.metadata[b"moneytrail"])
    assert meta["run_id"] == result.run_id and meta["table"] == "entity"
    assert meta["currency"] == "EUR" and meta["price_year"] == result.facts["price_year"]
    assert meta["units"]["amount_p50"] == "EUR" and meta["units"]["share_p50"] == "share"
    assert schema.field("amount_p50").metadata == {b"unit": b"EUR"}
    back = pq.read_table(tmp_path / f"{result.run_id}-entity.parquet").to_pandas()
    assert back["amount_p50"].tolist() == result.table("entity")["amount_p50"].tolist()


def test_csv_files_stay_plain_with_a_csvw_sidecar(result, tmp_path):
    import pandas as pd

    paths = result.write_tables(tmp_path, "csv")
    assert len(paths) == len(result.tables)
    path = tmp_path / f"{result.run_id}-headline.csv"
    frame = pd.read_csv(path)                                # any tool reads it as it was
    assert "amount_p50" in frame.columns
    side = json.loads(path.with_name(path.name + "-metadata.json").read_text())
    assert side["@context"] == "http://www.w3.org/ns/csvw" and side["url"] == path.name
    assert side["dc:identifier"] == result.run_id
    columns = {c["titles"]: c for c in side["tableSchema"]["columns"]}
    assert list(columns) == list(frame.columns)
    assert columns["amount_p50"]["schema:unitText"] == "EUR"
    assert columns["where the money ends up"]["name"] == "where_the_money_ends_up"
    note = side["notes"][0]
    assert note["currency"] == "EUR" and note["price_year"] == result.facts["price_year"]


def test_the_cli_writes_the_csv_sidecar_with_meta(result, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"),
           "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    side = tmp_path / "t.csv-metadata.json"
    done = subprocess.run([sys.executable, "-m", "moneytrail", "trace", str(SCENARIO),
                           "--draws", "200", "--by", "headline", "--by", "entity",
                           "--format", "csv", "--meta", str(side)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("table,")
    meta = json.loads(side.read_text())
    assert meta["url"] == "t.csv" and [n["table"] for n in meta["notes"]] == ["headline",
                                                                             "entity"]
    assert meta["notes"][0]["currency"] == "EUR" and meta["notes"][0]["price_year"]
    bad = subprocess.run([sys.executable, "-m", "moneytrail", "trace", str(SCENARIO),
                          "--format", "json", "--meta", str(side)], env=env,
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and "--format csv" in bad.stderr
