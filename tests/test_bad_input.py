"""Bad input gets one clear line naming file, field and value, and exit code 2."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.errors import DataPackageError, ModelError, ScenarioError
from packages import miller_blair_tables, write_package

GOOD = """\
id: {stem}
title: Test plan
year: 2025
currency: EUR
buyer_region: EU
budget: {{amount: 1000}}
spend:
  food: 0.4
  goods: 0.6
draws: 50
"""


def write_plan(tmp_path, text, stem="plan"):
    path = tmp_path / f"{stem}.yaml"
    path.write_text(textwrap.dedent(text).format(stem=stem))
    return path


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


CASES = [
    ("malformed YAML", GOOD.replace("spend:\n", "spend: [\n"), "malformed YAML", None),
    ("unknown key", GOOD + "colour: blue\n", "unknown key", "colour"),
    ("shares", GOOD.replace("goods: 0.6", "goods: 0.5"), "add up to 0.9, not 1", "spend"),
    ("negative budget", GOOD.replace("amount: 1000", "amount: -5"),
     "a budget must be more than zero", "budget.amount"),
    ("unknown category", GOOD.replace("goods: 0.6", "gpus: 0.6"), "unknown spending category",
     "spend.gpus"),
    # named before the shares' sum, against the package's categories (food, goods)
    ("unknown category and shares", GOOD.replace("goods: 0.6", "goods: 0.6\n  gpus: 0.1"),
     "unknown spending category (known: food, goods); also, spend shares (central) add up "
     "to 1.1, not 1", "spend.gpus"),
    ("unknown procurement entity", GOOD + "procurement:\n  goods: {{nvidiaa: 1.0}}\n",
     "unknown entity in procurement override", "procurement.goods.nvidiaa"),
    ("share out of range", GOOD.replace("goods: 0.6", "goods: {{central: 0.6, high: 1.7}}"),
     "between 0 and 1", "spend.goods.high"),
    ("wrong id", GOOD.replace("id: {stem}", "id: other"), "must equal the file name", "id"),
]


@pytest.mark.parametrize(("name", "text", "message", "field"), CASES, ids=[c[0] for c in CASES])
def test_bad_scenarios_are_refused_by_the_cli(tmp_path, mb_package, name, text, message,
                                              field):
    plan = write_plan(tmp_path, text)
    out = run_cli("trace", plan, "--data", mb_package)
    assert out.returncode == 2, out.stderr
    line = " ".join(out.stderr.split())
    assert message in line and str(plan) in line
    if field:
        assert f"field '{field}'" in line
    assert "Traceback" not in out.stderr


def test_unknown_year_is_a_clear_error(tmp_path, mb_package):
    plan = write_plan(tmp_path, GOOD.replace("year: 2025", "year: 2019"))
    out = run_cli("trace", plan, "--data", mb_package)
    assert out.returncode == 2
    line = " ".join(out.stderr.split())
    assert "no data for this year (the data cover 2024, 2025)" in line
    assert f"{plan}, field 'year', value 2019" in line        # the scenario, not the package
    with pytest.raises(ModelError, match="value 2019") as built:
        mt.load_model(2019, path=mb_package)
    # one rule, one message: building the model says what the plan check said, naming the
    # data package (no plan is known there)
    assert built.value.detail == ("the data package has no data for this year (the data "
                                  "cover 2024, 2025): give one of these years")
    assert built.value.detail in line and built.value.field == "year"
    assert str(plan) not in str(built.value)


def test_a_package_with_no_value_added_is_not_productive(tmp_path):
    tables = miller_blair_tables()
    for row in tables["cost_structures"]:
        if row["entity"] == "agriculture" and row["year"] == 2025:
            if row["kind"] == "input":
                row.update(low=0.5, central=0.5, high=0.5)
            else:
                row.update(low=0.0, central=0.0, high=0.0)
    root = write_package(tmp_path / "p", tables)
    with pytest.raises(DataPackageError, match="not productive") as info:
        mt.load_model(2025, path=root)
    assert "cost_structures.csv" in str(info.value)
    out = run_cli("validate", root)
    assert out.returncode == 2 and "agriculture/2025" in out.stderr


def test_a_non_productive_table_names_the_spectral_radius():
    model_A = np.array([[0.6, 0.5], [0.5, 0.6]])    # column sums 1.1, spectral radius 1.1
    with pytest.raises(ModelError, match=r"spectral radius 1\.1000 >= 1"):
        mt.IOModel(labels=("a", "b"), A=model_A, entities=None, flows=None) \
            .check_productive()


def test_bad_data_package_rows_name_file_line_and_field(tmp_path):
    tables = miller_blair_tables()
    tables["markets"][0].update(low=0.9, central=0.8)           # low > central
    tables["markets"][1]["supplier"] = "nobody"                 # unknown entity
    tables["cost_structures"][0]["sources"] = "missing_source"  # unknown source
    root = write_package(tmp_path / "p", tables)
    out = run_cli("validate", root)
    assert out.returncode == 2
    assert "markets.csv:2, field 'low/central/high'" in out.stderr
    assert "markets.csv:3, field 'supplier', value 'nobody': unknown entity" in out.stderr
    assert "field 'sources', value 'missing_source': unknown source id" in out.stderr
    with pytest.raises(DataPackageError, match="more problems"):
        mt.load_model(2025, path=root)


def test_scenario_errors_in_python_carry_file_field_and_value(tmp_path, mb_package):
    plan = mt.load_scenario(write_plan(tmp_path, GOOD.replace("goods: 0.6", "gpus: 0.6")))
    with pytest.raises(ScenarioError) as info:
        mt.trace(plan, mt.load_model(2025, path=mb_package), keep_draws=True)
    assert info.value.field == "spend.gpus" and info.value.value == "gpus"
