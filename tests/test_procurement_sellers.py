"""A procurement override can only buy a category from a supplier that sells in it (a tester
bought the efficiency-first plan's model licences from Nvidia and `trace` exited 0)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

import moneytrail as mt
from moneytrail.engine.demand import market_rows
from moneytrail.errors import ScenarioError

REFERENCE = Path(__file__).parents[1] / "scenarios" / "efficiency-first-eu.yaml"


def licences_from(tmp_path, supplier: str) -> Path:
    text = REFERENCE.read_text()
    line = re.compile(r"^    mistral_ai: \{central: 1\.0.*\}$", re.M)
    assert len(line.findall(text)) == 1
    path = tmp_path / "efficiency-first-eu.yaml"
    path.write_text(line.sub(f"    {supplier}: {{central: 1.0}}", text))
    return path


def test_model_licences_from_nvidia_are_refused_naming_what_each_side_sells(tmp_path):
    plan = mt.load_scenario(licences_from(tmp_path, "nvidia"))
    with pytest.raises(ScenarioError) as exc:
        market_rows(plan, mt.load_model(year=2025))
    assert exc.value.field == "procurement.model_licences.nvidia"
    assert exc.value.value == "nvidia"
    message = str(exc.value)
    assert "nvidia does not sell model_licences" in message
    assert "it sells accelerators, networking" in message              # Nvidia's categories
    assert "suppliers of model_licences: amazon," in message and "mistral_ai" in message
    assert "\n" not in message


def test_the_cli_refuses_it_in_one_line_with_exit_2(tmp_path):
    path = licences_from(tmp_path, "nvidia")
    done = subprocess.run([sys.executable, "-m", "moneytrail", "trace", str(path),
                           "--draws", "20"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "field 'procurement.model_licences.nvidia'" in lines[0]
    assert done.stdout == ""


def test_every_reference_plan_buys_only_from_sellers():
    from moneytrail.scenarios.reference import reference_scenarios

    model = mt.load_model(year=2025)
    for path in reference_scenarios():
        plan = mt.load_scenario(path)
        rows = market_rows(plan, model)               # raises for a supplier that does not sell
        assert len(rows) > 0
