"""Scenario fields the analyses read: YAML 1.1's `on:` key, bound errors, impossible dates."""

import datetime as dt
import subprocess
import sys

import pytest

import moneytrail as mt
from moneytrail.errors import ScenarioError

PLAN = """id: {id}
title: test
year: 2025
currency: EUR
buyer_region: EU
budget: {{amount: 1.0e9}}
spend: {{accelerators: 1.0}}
site_country: PL
"""


def write(tmp_path, name, extra):
    path = tmp_path / f"{name}.yaml"
    path.write_text(PLAN.format(id=name) + extra)
    return path


def test_an_unquoted_on_key_is_the_date_not_true(tmp_path):
    path = write(tmp_path, "dated", "conditions:\n  - metric: export_exposed_share\n"
                                    "    max: 0.1\n    on: 2025-03-01\n")
    (rule,) = mt.load_scenario(path).conditions
    assert rule.on == dt.date(2025, 3, 1)


@pytest.mark.parametrize("rule, field", [
    ("{metric: eu_labour_share, max: 1.5}", "conditions.0.max"),
    ("{metric: co2_tonnes, min: -1}", "conditions.0.min"),
    ("{metric: single_supplier_share, max: 0.5, threshold: 2}", "conditions.0.threshold"),
])
def test_a_bad_bound_names_its_field(tmp_path, rule, field):
    path = write(tmp_path, "bounds", f"conditions:\n  - {rule}\n")
    with pytest.raises(ScenarioError) as exc:
        mt.load_scenario(path)
    assert f"field '{field}'" in str(exc.value) and str(path) in str(exc.value)


def test_an_impossible_date_is_a_one_line_file_and_field_error(tmp_path):
    path = write(tmp_path, "feb", "as_of: 2025-02-30\n")
    with pytest.raises(ScenarioError) as exc:
        mt.load_scenario(path)
    assert str(path) in str(exc.value) and "field 'as_of'" in str(exc.value)
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "validate", str(path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "as_of" in out.stderr and "Traceback" not in out.stderr
