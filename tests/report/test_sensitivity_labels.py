"""`moneytrail sensitivity` printed raw parameter ids ('cost nvidia capital:US 2025') and raw
fractions (0.318): the terminal table names firms, categories and countries and shows
percents (report.units); CSV and JSON keep the ids."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from moneytrail.report.sensitivity import output_label, parameter_label

ENTITIES = {"nvidia": "NVIDIA", "tsmc": "TSMC", "ovhcloud": "OVHcloud",
            "us_construction": "US construction"}
COUNTRIES = {"US": "United States", "TW": "Taiwan"}
CATEGORIES = {"accelerators": "AI accelerators", "cloud_compute": "Cloud compute",
              "facility": "Facility"}


@pytest.mark.parametrize("name, label", [
    ("cost nvidia capital:US 2025",
     "NVIDIA: capital income (profits) in the United States, share of its revenue (2025)"),
    ("cost nvidia labour:TW 2025", "NVIDIA: wages in Taiwan, share of its revenue (2025)"),
    ("cost nvidia<-tsmc 2025", "NVIDIA: share of its revenue paid to TSMC (2025)"),
    ("spend accelerators", "Share of the budget spent on AI accelerators"),
    ("spend cloud_compute", "Share of the budget spent on cloud compute"),
    ("market facility/US us_construction",
     "US construction's share of facility bought in the United States"),
    ("procurement cloud_compute ovhcloud",
     "OVHcloud's share of cloud compute (the plan's procurement rule)"),
    ("something else", "something else"),
])
def test_parameter_labels(name, label):
    assert parameter_label(name, ENTITIES, COUNTRIES, CATEGORIES) == label


def test_output_labels():
    assert output_label("share:group:us_big_tech") == (
        "share of the plan's spending reaching US hyperscalers (Amazon, Microsoft, Google)")
    assert output_label("share:entity:nvidia", ENTITIES) == (
        "share of the plan's spending reaching NVIDIA")
    assert output_label("share:country:TW", ENTITIES, COUNTRIES) == (
        "share of the plan's spending reaching value added in Taiwan")


SCENARIO = Path(__file__).parents[2] / "scenarios" / "stargate-style-us.yaml"


def sensitivity(tmp_path, *args):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
           "COLUMNS": "250"}
    done = subprocess.run([sys.executable, "-m", "moneytrail", "sensitivity", str(SCENARIO),
                           "--top", "3", "--output", "share:us_big_tech", *args],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_terminal_table_reads_names_and_percents_and_json_keeps_ids(tmp_path):
    table = sensitivity(tmp_path)
    assert "US other services (and goods): wages in the United States, share of its " \
           "revenue (2025)" in table
    assert "cost us_other_services" not in table and "labour:US" not in table
    assert "38.0 %" in table and "0.38 " not in table          # the central labour share
    assert "0.367 % with every parameter central" in table
    payload = json.loads(sensitivity(tmp_path, "--format", "json"))
    tornado = payload["tables"]["tornado"]
    ids = [row[0] for row in tornado["rows"]]
    assert ids[0] == "cost us_other_services labour:US 2025"
    units = {c["name"]: c["unit"] for c in tornado["columns"]}
    assert units["central"] == "share" and units["swing"] == "share"  # h62: a fraction
