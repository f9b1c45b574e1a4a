"""The command line says what the web compare page and the PDF say beside figures that mislead
without it: what TCO counts, the count of GPT-4 runs the scorecard divides by, and that an
aggregate sector modelled as one row has no measured HHI."""

import json
from pathlib import Path

import pytest
import yaml

from moneytrail.cli import main

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    assert info.value.code == 0, out.err
    return out.out


def test_compare_tco_table_says_its_caveats(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    plan = yaml.safe_load(GIGAFACTORIES.read_text())
    plan.update(id="smaller-longer", horizon_years=6)
    plan["budget"]["amount"] = 5_000_000_000
    other = tmp_path / "smaller-longer.yaml"
    other.write_text(yaml.safe_dump(plan))
    out = " ".join(run_main(capsys, "compare", GIGAFACTORIES, other, "--draws", "60",
                            "--table", "tco", "--no-procurement").split())
    assert "not the plan's lifetime cost" in out
    assert "staff, maintenance and building depreciation not included unless the budget " \
        "pays them" in out
    assert "The plans' horizons differ (over the 5-year horizon vs over the 6-year horizon)" \
        in out
    assert "The plans' budgets differ (EUR 20.00 bn vs EUR 5.00 bn)" in out
