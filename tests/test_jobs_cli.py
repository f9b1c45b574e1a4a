"""Jobs and CO2 beside the money, end to end: the CLI, the stored result, the web run page."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"


def cli(*args):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE)}
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def records(payload: dict, table: str) -> list[dict]:
    names = [c["name"] for c in payload["tables"][table]["columns"]]
    return [dict(zip(names, row, strict=True)) for row in payload["tables"][table]["rows"]]


@pytest.fixture(scope="module")
def stargate_json():
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "country",
              "--by", "jobs", "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_country_table_has_jobs_and_co2_beside_money(stargate_json):
    table = stargate_json["tables"]["country"]
    units = {c["name"]: c["unit"] for c in table["columns"]}
    assert units["jobs_fte_p50"] == "FTE" and units["co2_t_p50"] == "t CO2e"
    rows = {r["country"]: r for r in records(stargate_json, "country")}
    us = rows["US"]
    assert us["jobs_fte_p5"] <= us["jobs_fte_p50"] <= us["jobs_fte_p95"]
    assert us["jobs_fte_p50"] > 0
    # every new number carries its sources: the provenance cites the compensation sources
    assert any(s.startswith("s_bls") for s in stargate_json["provenance"]["sources"])


def test_jobs_table_adds_up_and_states_coverage(stargate_json):
    rows = {r["measure"]: r for r in records(stargate_json, "jobs")}
    total = rows["jobs (FTE), all"]["amount_mean"]
    parts = [r["amount_mean"] for m, r in rows.items() if m.startswith("jobs (FTE), ")
             and m != "jobs (FTE), all"]
    assert sum(parts) == pytest.approx(total, rel=1e-9)
    assert "of the plan's labour value added" in stargate_json["tables"]["jobs"]["note"]
    country = sum(r["jobs_fte_mean"] or 0.0 for r in records(stargate_json, "country"))
    assert country == pytest.approx(total, rel=1e-9)


def test_terminal_table_shows_jobs_and_co2_columns():
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "country")
    assert out.returncode == 0, out.stderr
    assert "jobs, FTE" in out.stdout and "CO2 embodied" in out.stdout


def test_by_jobs_and_co2_tables():
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "jobs",
              "--by", "co2")
    assert out.returncode == 0, out.stderr
    assert "per EUR million" in out.stdout and "scope 1+2" in out.stdout


def test_unknown_by_is_one_clear_line():
    out = cli("trace", "scenarios/stargate-style-us.yaml", "--draws", "300", "--by", "jobz")
    assert out.returncode != 0
    assert "jobs" in out.stderr and "Traceback" not in out.stderr
