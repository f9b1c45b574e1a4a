"""The command line end to end, on the Miller & Blair package and on the bundled data."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

import moneytrail as mt
from packages import miller_blair_plan

ROOT = Path(__file__).resolve().parents[1]
DET = 0.85 * 0.95 - 0.25 * 0.2
X_AGR = (0.95 * 600 + 0.25 * 1450) / DET


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def mb_plan_file(tmp_path):
    import yaml

    path = tmp_path / "mb.yaml"
    path.write_text(yaml.safe_dump(miller_blair_plan()))
    return path


def test_trace_json_has_golden_numbers_and_provenance(mb_plan_file, mb_package):
    out = cli("trace", mb_plan_file, "--data", mb_package, "--by", "entity", "--by", "factor",
              "--format", "json", "--seed", "9")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert payload["info"]["seed"] == 9 and payload["info"]["draws"] == 200
    assert payload["info"]["data_version"] == "test"
    entity = {row["entity"]: row for row in payload["tables"]["entity"]}
    assert entity["agriculture"]["amount_mean"] == pytest.approx(0.65 * X_AGR)
    factors = {row["factor"] for row in payload["tables"]["factor"]}
    assert factors == {"labour", "capital", "tax"}


def test_trace_csv_is_a_table_per_breakdown(mb_plan_file, mb_package):
    out = cli("trace", mb_plan_file, "--data", mb_package, "--by", "country", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(StringIO(out.stdout))
    assert set(frame["table"]) == {"country"}
    assert frame["share_mean"].sum() == pytest.approx(1.0)


def test_trace_table_states_reconciliation(mb_plan_file, mb_package):
    out = cli("trace", mb_plan_file, "--data", mb_package, "--draws", "300")
    assert out.returncode == 0, out.stderr
    assert "reconciles to the spending in every draw" in out.stdout
    assert "EU workers" in out.stdout and "300 draws" in out.stdout


def test_unknown_breakdown_and_format_are_refused(mb_plan_file, mb_package):
    out = cli("trace", mb_plan_file, "--data", mb_package, "--by", "planet")
    assert out.returncode == 2 and "field '--by', value 'planet'" in out.stderr
    out = cli("trace", mb_plan_file, "--data", mb_package, "--format", "xml")
    assert out.returncode == 2 and "unknown format" in out.stderr


def test_validate_bundled_scenario_and_missing_file(tmp_path):
    out = cli("validate", "scenarios/eu-ai-gigafactories.yaml")
    assert out.returncode == 0 and "valid scenario" in out.stdout
    out = cli("trace", tmp_path / "nope.yaml")
    assert out.returncode == 2 and "file not found" in out.stderr


def test_compare_reference_plans_csv_matches_python():
    paths = [ROOT / "scenarios" / "eu-ai-gigafactories.yaml",
             ROOT / "scenarios" / "efficiency-first-eu.yaml"]
    out = cli("compare", *paths, "--draws", "400", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(StringIO(out.stdout), header=[0, 1], index_col=0)
    expected = mt.headline(mt.trace(mt.load_scenario(paths[1]), draws=400, keep_draws=True))
    got = frame[("efficiency-first-eu", "p50")]
    assert got["EU workers (wages earned in the EU)"] == pytest.approx(
        expected.loc["EU workers (wages earned in the EU)", "share_p50"], rel=1e-9)
    # the efficiency-first plan keeps more of the money with EU workers than the gigafactories
    assert got["EU workers (wages earned in the EU)"] > frame[
        ("eu-ai-gigafactories", "p95")]["EU workers (wages earned in the EU)"]


def test_demo_prints_every_reference_plan():
    out = cli("demo", "--draws", "300")
    assert out.returncode == 0, out.stderr
    for path in mt.reference_scenarios():
        assert mt.load_scenario(path).title.split(" (")[0] in out.stdout
    assert out.stdout.count("reconciles to the spending in every draw") == len(
        mt.reference_scenarios())
    assert "Plans compared" in out.stdout


def test_analyse_gives_two_answers_for_two_dates_of_the_export_rules():
    out = cli("analyse", "scenarios/eu-ai-gigafactories.yaml", "--what", "exports", "--on",
              "2025-03-01", "--on", "2025-06-01", "--draws", "200", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(StringIO(out.stdout)).set_index("label")
    assert frame.loc["2025-03-01", "exposed_p50"] > 0.5        # 17 of 27 members capped
    assert frame.loc["2025-06-01", "exposed_p50"] == 0         # rule rescinded
    out = cli("analyse", "scenarios/eu-ai-gigafactories.yaml", "--what", "weather")
    assert out.returncode == 2 and "field '--what', value 'weather'" in out.stderr


def test_compare_scorecard_as_json_is_tidy_and_ordered():
    out = cli("compare", "scenarios/eu-ai-gigafactories.yaml", "scenarios/efficiency-first-eu.yaml",
              "--draws", "200", "--format", "json", "--table", "scorecard")
    assert out.returncode == 0, out.stderr
    rows = {(r["metric"], r["plan"]): r for r in json.loads(out.stdout)}
    labour = "EU value added (location)"
    assert rows[(labour, "efficiency-first-eu")]["p50"] > rows[(labour, "eu-ai-gigafactories")][
        "p95"]
    for row in rows.values():
        if row["p50"] is not None:
            assert row["p5"] <= row["p50"] <= row["p95"]


def test_usage_errors_are_one_clear_message_not_a_traceback():
    for args in (["trace", "--bogus"], ["ledger", "list", "--bogus"], ["trace"]):
        out = cli(*args)
        assert out.returncode == 2, args
        assert "Traceback" not in out.stderr and out.stderr.strip()


def test_analyse_json_keeps_text_columns_and_numbers():
    out = cli("analyse", "scenarios/eu-ai-gigafactories.yaml", "--what", "concentration",
              "--draws", "200", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)["tables"]["concentration"]
    accelerators = next(r for r in rows if r["category"] == "accelerators")
    assert accelerators["hhi_before_p50"] > 8000                 # Nvidia's ~95 % share
    assert "concentrated" in accelerators["us_2023_guidelines"]
