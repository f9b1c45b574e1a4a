"""mt.compare and the CLI commands: one table with intervals; bad input exits 2."""

import subprocess
import sys

import pytest

import moneytrail as mt
from moneytrail.analysis.scorecard import CONDITIONS_ROW, ROWS
from moneytrail.scenarios.schema import Condition


def test_compare_returns_metrics_by_plan(reference, data):
    table = mt.compare(list(reference.values()), data=data,
                       conditions=[Condition(metric="eu_labour_share", min=0.2)])
    assert list(table.index) == [label for label, *_ in ROWS] + [CONDITIONS_ROW]
    assert set(table.columns.get_level_values(0)) == set(reference)
    eff = table["efficiency-first-eu"]
    assert eff.loc[CONDITIONS_ROW, "mean"] == 1.0
    assert table["eu-ai-gigafactories"].loc[CONDITIONS_ROW, "mean"] < 0.05
    label = "EU value added (location)"
    assert eff.loc[label, "p50"] > table["stargate-style-us"].loc[label, "p50"]
    for plan in reference:
        row = table[plan].loc["Labour share (wages, all countries)"]
        assert row["p5"] <= row["p50"] <= row["p95"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_cli_claims_check_csv():
    out = run("claims", "check", "--draws", "100", "--format", "csv")
    assert out.returncode == 0, out.stderr
    assert "us-could-restrict-chips-to-eu-members" in out.stdout


@pytest.mark.parametrize("body", ["claims:\n  - {id: x, claim: y, checks: "
                                  "[{computation: bogus.calc, max: 1}]}\n"])
def test_cli_bad_claims_file_one_line_exit_2(tmp_path, body):
    path = tmp_path / "mine.yaml"
    path.write_text(body)
    out = run("claims", "check", str(path))
    assert out.returncode == 2
    assert "mine.yaml" in out.stderr and "computation" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
