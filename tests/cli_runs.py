"""The CLI run in a subprocess against a store of a test module's own (the `cli_store`
fixture of tests/conftest.py), and its JSON tables and text read as a reader sees them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class CliStore:
    """`python -m moneytrail.cli` with MONEYTRAIL_DATABASE_URL set to `path`."""

    path: Path

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(self.path),
               "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
        return subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=600, env=env)

    def trace(self, plan: str, *options: str) -> dict:
        """Trace the reference plan scenarios/`plan`.yaml (300 draws, seed 1, then `options`)
        into the store: the JSON the trace prints."""
        out = self.cli("trace", f"scenarios/{plan}.yaml", "--draws", "300", "--seed", "1",
                       *options, "--format", "json")
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    def show(self, run_id: str) -> dict:
        """The stored run `run_id` as `show --format json` prints it."""
        stored = self.cli("show", run_id, "--format", "json")
        assert stored.returncode == 0, stored.stderr
        return json.loads(stored.stdout)


def records(payload: dict, table: str) -> list[dict]:
    """The rows of `table` as dicts, from a run's JSON or the API's ?table=NAME answer."""
    if table in payload:                      # the API's rows of one table (?table=NAME)
        return payload[table]["rows"]
    names = [c["name"] for c in payload["tables"][table]["columns"]]
    return [dict(zip(names, row, strict=True)) for row in payload["tables"][table]["rows"]]


def words(text: str) -> str:
    """Text as a reader sees it: tags, table borders and line breaks gone."""
    return " ".join(unescape(re.sub(r"<[^>]+>|[│┃]", " ", text)).split())


def run_main(capsys, *args):
    """`moneytrail ARGS` in-process: (exit code, stdout, stderr)."""
    import pytest

    from moneytrail.cli import main

    with pytest.raises(SystemExit) as info:
        main(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def one_line(err: str) -> str:
    """`err` as its one line (fails when it has more: an error is one line)."""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]
