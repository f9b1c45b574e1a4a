"""Piped output and MONEYTRAIL_WIDTH: without it, lines arrive whole (no width limit); with it,
a file a person reads is laid out at that width, tables, notes and captions alike. COLUMNS
(which shells and the tests' own helpers export) does not limit piped output."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import moneytrail as mt
from moneytrail.cli.common import MIN_WIDTH, PIPE_WIDTH, pipe_width

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(("value", "width"), [
    (None, PIPE_WIDTH), ("", PIPE_WIDTH), ("abc", PIPE_WIDTH), ("-5", PIPE_WIDTH),
    ("1e3", PIPE_WIDTH), ("٣٤", PIPE_WIDTH), ("100", 100), (" 120 ", 120), ("10", MIN_WIDTH),
    ("99999999999", PIPE_WIDTH)])
def test_pipe_width_reads_columns(value, width):
    environ = {} if value is None else {"MONEYTRAIL_WIDTH": value, "COLUMNS": "50"}
    assert pipe_width(environ) == width


def trace_lines(tmp_path: Path, width: str | None) -> list[str]:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(tmp_path / "store.sqlite"),
           "PYTHONPATH": str(Path(mt.__file__).resolve().parents[1])}
    env["COLUMNS"] = "60"                 # a shell's own width: not read for a pipe
    env.pop("MONEYTRAIL_WIDTH", None)
    if width is not None:
        env["MONEYTRAIL_WIDTH"] = width
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "trace",
                          str(ROOT / "scenarios" / "eu-ai-gigafactories.yaml"),
                          "--draws", "100", "--by", "entity"], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def test_piped_output_wraps_at_columns_and_is_whole_without(tmp_path):
    whole = trace_lines(tmp_path, None)
    assert max(len(line) for line in whole) > 300        # the table's note on one line
    wrapped = trace_lines(tmp_path, "80")
    assert max(len(line) for line in wrapped) <= 80
    # a figure too wide for its column folds onto the next line, never cut ("2,859…")
    assert not any("\u2026" in line for line in wrapped), [x for x in wrapped if "\u2026" in x]
    # the same run, laid out at 80 characters: its title and run id line are still there
    run_id = next(w for line in whole for w in line.split() if len(w) == 32)
    assert any(run_id in line for line in wrapped)
    assert "gigafactories" in " ".join(wrapped)
