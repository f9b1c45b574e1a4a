"""Tester findings (h47) on the CLI: claims verdicts under too few draws, sensitivity
sample limits, unreliable Sobol indices and swings in points."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = Path(tempfile.mkdtemp())
GIGAFACTORIES = "scenarios/eu-ai-gigafactories.yaml"


def cli(*args):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": f"sqlite:///{FOLDER / 'runs.sqlite'}",
           "MONEYTRAIL_CACHE_DIR": str(FOLDER / "cache"), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "moneytrail", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=900, env=env)


def claims_rows(draws: int) -> tuple[list[dict], str]:
    out = cli("claims", "check", "--draws", draws, "--format", "json")
    assert out.returncode == 0, out.stderr
    table = json.loads(out.stdout)["tables"]["claims"]
    names = [c["name"] for c in table["columns"]]
    return [dict(zip(names, row, strict=True)) for row in table["rows"]], table["note"] or ""


def test_claims_over_too_few_draws_get_no_verdict_in_the_cli_and_json():
    rows, note = claims_rows(1)
    assert {r["verdict"] for r in rows} == {"withheld"}
    assert {r["check_verdict"] for r in rows} == {"withheld"}
    assert all("too few draws" in r["verdict_text"] for r in rows)
    assert "No verdict" in note and "at least 100 draws" in note
    table = cli("claims", "check", "--draws", 1)
    assert table.returncode == 0, table.stderr
    text = " ".join(table.stdout.split())
    assert text.count("no verdict: too few draws") == len({r["claim"] for r in rows})
    assert "(all checks must hold)" not in text and "No verdict" in text    # the caption


def test_claims_under_a_thousand_draws_keep_verdicts_with_a_warning():
    rows, note = claims_rows(120)
    assert "withheld" not in {r["verdict"] for r in rows}
    assert "120 Monte Carlo draws" in note and "No verdict" not in note


def test_a_sobol_design_too_large_for_memory_is_refused_in_one_line():
    out = cli("sensitivity", GIGAFACTORIES, "--method", "sobol", "--samples", 262144)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr and "MemoryError" not in out.stderr
    lines = [line for line in out.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, out.stderr
    assert "'--samples'" in lines[0] and "262144" in lines[0] and "GiB" in lines[0]
    assert "at most 8,192" in lines[0]


def test_sobol_indices_over_few_samples_are_said_not_to_be_reliable():
    out = cli("sensitivity", GIGAFACTORIES, "--method", "sobol", "--samples", 16)
    assert out.returncode == 0, out.stderr
    text = " ".join(out.stdout.split())
    assert "Not reliable at 16 samples" in text
    assert "samples would make them readable" in text
    assert " points" in text                       # the ± of an index: points, not %


def test_reliability_warning_names_wide_intervals_and_s1_above_st():
    import pandas as pd

    from moneytrail.analysis.sensitivity import reliability_warning

    narrow = pd.DataFrame({"S1": [0.5, 0.2], "S1_conf": [0.03, 0.02], "ST": [0.55, 0.25],
                           "ST_conf": [0.02, 0.01]})
    assert reliability_warning(narrow, 1024) == ""
    above = narrow.assign(S1=[0.5, 0.4])
    assert "exceeds the total index" in reliability_warning(above, 1024)
    wide = narrow.assign(S1_conf=[0.45, 0.02])
    warning = reliability_warning(wide, 16, largest=1024)     # wants 2,048
    assert "45.0 points" in warning and "memory limit" in warning


def test_tornado_swings_of_a_share_are_in_percentage_points():
    out = cli("sensitivity", GIGAFACTORIES, "--output", "share:country:US", "--top", 3)
    assert out.returncode == 0, out.stderr
    rows = [line for line in out.stdout.splitlines() if "Share of the budget spent on" in line]
    assert rows and all(line.rstrip(" │").endswith("points") for line in rows), rows
    data = cli("sensitivity", GIGAFACTORIES, "--output", "share:country:US", "--top", 3,
               "--format", "json")
    columns = {c["name"]: c["unit"] for c in json.loads(data.stdout)["tables"]["tornado"]
               ["columns"]}
    assert columns["swing"] == "share" and columns["output_low"] == "share"
