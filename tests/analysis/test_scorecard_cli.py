"""mt.scorecard and the CLI commands: one table with intervals; bad input exits 2."""

import subprocess
import sys

import pytest

import moneytrail as mt
from moneytrail.analysis.scorecard import CONDITIONS_ROW, HHI_ROW, ROWS
from moneytrail.scenarios.schema import Condition
from moneytrail.service.workspace import Workspace


def test_scorecard_returns_metrics_by_plan(reference, data):
    card = mt.scorecard(list(reference.values()), data=data,
                        conditions=[Condition(metric="eu_labour_share", min=0.2)])
    table = card.table
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


@pytest.fixture(scope="module")
def bigger_cloud_market(tmp_path_factory):
    """The bundled package with the 2025 EU cloud market ten times larger."""
    import shutil

    from moneytrail.data.package import bundled_path

    root = tmp_path_factory.mktemp("pkg") / "package"
    shutil.copytree(bundled_path(), root)
    sizes = root / "analysis" / "market_sizes.csv"
    lines = sizes.read_text().splitlines()
    lines = [line.replace("70000000000,74000000000,80000000000",
                          "700000000000,740000000000,800000000000")
             if line.startswith("cloud_compute,EU,2025") else line for line in lines]
    sizes.write_text("\n".join(lines) + "\n")
    return root


def test_data_reaches_every_analysis(bigger_cloud_market, tmp_path):
    """H6: --data is read by the analyses too, not only by the trace."""
    eff = next(p for p in mt.reference_scenarios() if p.stem == "efficiency-first-eu")
    out = run("analyse", str(eff), "--what", "concentration", "--what", "exports",
              "--draws", "200", "--format", "csv", "--data", str(bigger_cloud_market))
    assert out.returncode == 0, out.stderr
    row = next(line for line in out.stdout.splitlines()
               if line.startswith("concentration,cloud_compute,"))
    assert float(row.split(",")[2]) == pytest.approx(740e9, rel=0.1)
    assert "2025-07-01" in out.stdout            # exports default to the plan's year, not today
    plan = mt.load_scenario(eff)
    tables = {}
    for name, root in (("bigger", bigger_cloud_market), ("bundled", None)):
        with Workspace.open(root) as ws:
            result = mt.trace(plan, ws.model(plan.year), draws=200, keep_draws=True)
            tables[name] = mt.scorecard([result], data=ws.analysis)
    label = HHI_ROW    # the change of the largest size (h88)
    assert abs(tables["bigger"].table.loc[label, ("efficiency-first-eu", "p50")]) < \
        abs(tables["bundled"].table.loc[label, ("efficiency-first-eu", "p50")]) / 5
    assert tables["bigger"].export_rules_on == {"efficiency-first-eu": "2025-07-01"}


def test_compare_reads_the_conditions_file_before_tracing(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("- {metric: labour_share, min: 2}\n")
    scenarios = [str(p) for p in mt.reference_scenarios()[:2]]
    out = run("compare", *scenarios, "--draws", "10000000", "--conditions", str(bad))
    assert out.returncode == 2 and "rules.yaml" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
