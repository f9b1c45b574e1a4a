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
