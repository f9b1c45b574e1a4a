"""The command line end to end, on the Miller & Blair package and on the bundled data."""

import json
import os
import subprocess
import sys
import tempfile
from io import StringIO
from pathlib import Path

import pandas as pd
import pytest

import moneytrail as mt
from packages import miller_blair_plan

ROOT = Path(__file__).resolve().parents[1]
DET = 0.85 * 0.95 - 0.25 * 0.2
X_AGR = (0.95 * 600 + 0.25 * 1450) / DET


STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"       # one store for this module's runs


def cli(*args, cwd=ROOT):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE)}
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300, env=env)


def records(payload: dict, table: str) -> list[dict]:
    """Rows of one table of a result's JSON, as dicts by column name."""
    names = [c["name"] for c in payload["tables"][table]["columns"]]
    return [dict(zip(names, row, strict=True)) for row in payload["tables"][table]["rows"]]


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
    info = payload["provenance"]
    assert info["seed"] == 9 and info["draws"] == 200 and info["data_version"] == "test"
    assert len(payload["run_id"]) == 32 and payload["schema"] == "moneytrail.result/1"
    entity = {row["entity"]: row for row in records(payload, "entity")}
    assert entity["agriculture"]["amount_mean"] == pytest.approx(0.65 * X_AGR)
    units = {c["name"]: c["unit"] for c in payload["tables"]["entity"]["columns"]}
    assert units["amount_mean"] == "EUR" and units["share_p50"] == "share"
    factors = {row["factor"] for row in records(payload, "factor")}
    assert factors == {"labour", "capital", "tax"}
    # the same inputs give the same run id, and `show` prints the stored result again
    again = cli("trace", mb_plan_file, "--data", mb_package, "--format", "json", "--seed", "9")
    assert json.loads(again.stdout)["run_id"] == payload["run_id"]
    shown = cli("show", payload["run_id"], "--format", "json")
    assert shown.returncode == 0, shown.stderr
    stored = json.loads(shown.stdout)
    assert stored["run_id"] == payload["run_id"]
    assert stored["tables"]["entity"] == payload["tables"]["entity"]
    missing = cli("show", "0" * 32)
    assert missing.returncode == 4 and "no run with this id" in missing.stderr


def test_show_csv_is_one_table_chosen_with_table(mb_plan_file, mb_package):
    """`show --format csv` writes one table, the one `--table` names, as `trace --by` does;
    without --table a run of several tables is refused naming them; an unknown table too."""
    out = cli("trace", mb_plan_file, "--data", mb_package, "--by", "country", "--format",
              "csv", "--seed", "13")
    assert out.returncode == 0, out.stderr
    run = run_line(out.stderr).split()[1]
    names = list(json.loads(cli("show", run, "--format", "json").stdout)["tables"])
    assert len(names) > 1 and "country" in names
    shown = cli("show", run, "--format", "csv", "--table", "country")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == out.stdout and shown.stderr.strip() == f"run {run}"
    lines = cli("show", run, "--format", "csv").stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: field '--table': CSV holds one")
    assert ", ".join(names) in lines[0]
    assert cli("show", run, "--format", "csv").returncode == 2
    unknown = cli("show", run, "--table", "nope")
    assert unknown.returncode == 2 and "value 'nope'" in unknown.stderr
    assert ", ".join(names) in unknown.stderr
    one = json.loads(cli("show", run, "--format", "json", "--table", "country").stdout)
    assert list(one["tables"]) == ["country"] and one["run_id"] == run


def test_trace_csv_is_a_table_per_breakdown(mb_plan_file, mb_package):
    out = cli("trace", mb_plan_file, "--data", mb_package, "--by", "country", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(StringIO(out.stdout))
    assert list(frame.columns[:3]) == ["country", "country_name", "amount_mean"]
    assert frame["share_mean"].sum() == pytest.approx(1.0)
    # stderr: the run line, after the plan's warnings (the textbook plan's budget of EUR
    # 2,050 is below the small-budget floor: service.tasks.plan_warnings)
    lines = out.stderr.strip().splitlines()
    assert lines[-1] == run_line(out.stderr)
    assert all(line.startswith("warning ") for line in lines[:-1])


def run_line(stderr: str) -> str:
    """The `run <id>` line a CSV or JSON trace writes to stderr."""
    return next(line for line in stderr.splitlines() if line.startswith("run "))


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
    frame = pd.read_csv(StringIO(out.stdout))
    headline = frame[frame["table"] == "headline"].set_index("where the money ends up")
    expected = mt.headline(mt.trace(mt.load_scenario(paths[1]), draws=400, keep_draws=True))
    got = headline["efficiency-first-eu_p50"]
    # a CSV writes six significant digits (docs/results.md); the JSON keeps every digit
    assert got["EU workers (wages earned in the EU)"] == pytest.approx(
        expected.loc["EU workers (wages earned in the EU)", "share_p50"], rel=1e-5)
    # the efficiency-first plan keeps more of the money with EU workers than the gigafactories
    assert got["EU workers (wages earned in the EU)"] > headline[
        "eu-ai-gigafactories_p95"]["EU workers (wages earned in the EU)"]


def test_demo_prints_every_reference_plan():
    out = cli("demo", "--draws", "300")
    assert out.returncode == 0, out.stderr
    for path in mt.reference_scenarios():
        assert mt.load_scenario(path).title.split(" (")[0] in out.stdout
    assert out.stdout.count("reconciles to the spending in every draw") == len(
        mt.reference_scenarios())
    assert "Plans compared" in out.stdout
    # the scorecard's "Conditions met" names the demo's conditions, applied to every plan
    text = " ".join(out.stdout.split())
    assert "the share of these 5 conditions, applied to every plan" in text
    assert "at least 20 % to EU labour" in text and "open-weight models only" in text


def test_analyse_gives_two_answers_for_two_dates_of_the_export_rules():
    out = cli("analyse", "scenarios/eu-ai-gigafactories.yaml", "--what", "exports", "--on",
              "2025-03-01", "--on", "2025-06-01", "--draws", "200", "--format", "csv")
    assert out.returncode == 0, out.stderr
    frame = pd.read_csv(StringIO(out.stdout)).set_index(["date", "basis"])
    assert frame.loc[("2025-03-01", "in_force"), "exposed_p50"] > 0.5   # 17 of 27 capped
    assert frame.loc[("2025-03-01", "binding"), "exposed_p50"] == 0     # caps never bound
    assert frame.loc[("2025-06-01", "in_force"), "exposed_p50"] == 0    # rule rescinded
    out = cli("analyse", "scenarios/eu-ai-gigafactories.yaml", "--what", "weather")
    assert out.returncode == 2 and "field '--what', value 'weather'" in out.stderr


def test_compare_scorecard_as_json_is_tidy_and_ordered():
    out = cli("compare", "scenarios/eu-ai-gigafactories.yaml", "scenarios/efficiency-first-eu.yaml",
              "--draws", "200", "--format", "json", "--table", "scorecard")
    assert out.returncode == 0, out.stderr
    payload = json.loads(out.stdout)
    assert list(payload["tables"]) == ["scorecard"]
    rows = {r["metric"]: r for r in records(payload, "scorecard")}
    eu = rows["EU value added (location)"]
    assert eu["unit"] == "share"
    assert eu["efficiency-first-eu_p50"] > eu["eu-ai-gigafactories_p95"]
    for row in rows.values():
        for plan in ("eu-ai-gigafactories", "efficiency-first-eu"):
            if row[f"{plan}_p50"] is not None:
                assert row[f"{plan}_p5"] <= row[f"{plan}_p50"] <= row[f"{plan}_p95"]


def test_usage_errors_are_one_clear_message_not_a_traceback():
    for args in (["trace", "--bogus"], ["ledger", "list", "--bogus"], ["trace"]):
        out = cli(*args)
        assert out.returncode == 2, args
        assert "Traceback" not in out.stderr and out.stderr.strip()


def test_analyse_json_keeps_text_columns_and_numbers():
    out = cli("analyse", "scenarios/eu-ai-gigafactories.yaml", "--what", "concentration",
              "--draws", "200", "--format", "json")
    assert out.returncode == 0, out.stderr
    rows = records(json.loads(out.stdout), "concentration")
    accelerators = next(r for r in rows if r["category"] == "accelerators")
    assert accelerators["hhi_before_p50"] > 8000                 # Nvidia's ~95 % share
    assert "concentrated" in accelerators["us_2023_guidelines"]


def test_piped_trace_output_keeps_long_lines_whole(tmp_path):
    """Piped (not a terminal), the trace's tables and text are not wrapped at a fixed width:
    a plan title of ~190 characters (the limit is 200) and a long jobs row label each arrive
    on one line."""
    import yaml

    plan = yaml.safe_load((ROOT / "scenarios" / "stargate-style-us.yaml").read_text())
    plan["title"] = "A very long plan title: " + " ".join(f"tranche-{k}" for k in range(16))
    plan["id"] = "long"
    path = tmp_path / "long.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False))
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE),
           "PYTHONPATH": str(Path(mt.__file__).resolve().parents[1])}
    env.pop("COLUMNS", None)
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "trace", str(path),
                          "--draws", "50", "--by", "jobs"], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert any(plan["title"] in line for line in lines), out.stdout[:400]
    # a jobs row label of ~90 characters beside a wide interval: one line, not folded
    label = "implied labour cost per FTE-year, Hewlett Packard Enterprise (labour value " \
            "added / FTE)"
    row = [line for line in lines if label in line]
    assert row and "USD" in row[0], out.stdout


@pytest.mark.parametrize("group", [[], ["ledger"], ["claims"], ["users"]])
def test_help_lists_each_command_on_one_line(group):
    """The command listing of `--help` gives each command's first docstring paragraph on one
    line (Typer kept the docstring's line breaks, so 'compare' read '... the' and went on,
    cut, on the next line), on a terminal wide enough for it."""
    import inspect

    import typer.main

    from moneytrail.cli import app

    cli = typer.main.get_command(app)
    for name in group:
        cli = cli.commands[name]          # type: ignore[attr-defined]
    env = {**os.environ, "COLUMNS": "400", "TERM": "dumb"}
    out = subprocess.run([sys.executable, "-m", "moneytrail", *group, "--help"], env=env,
                         capture_output=True, text=True, check=True).stdout
    commands = cli.commands                 # type: ignore[attr-defined]
    assert commands
    for name, command in commands.items():
        doc = command.callback.__doc__ if command.callback else None
        if doc is None:                      # a group: its help= is one line already
            continue
        summary = " ".join(inspect.cleandoc(doc).split("\n\n")[0].split())
        rows = [line for line in out.splitlines() if f" {name} " in line]
        assert any(summary in row for row in rows), (name, summary, rows)
