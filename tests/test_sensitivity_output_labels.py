"""The output share:us_big_tech of `moneytrail sensitivity` (its default before code 0.5.7) is
the three US hyperscalers only (Amazon, Microsoft, Google: 0.373 % of the EU gigafactories), not
the US tech giants with Nvidia (share:us_tech_giants, about a third, the default since: the
project's headline question is the money reaching Nvidia and the hyperscalers). Wherever the
output is shown it is named in words and says what it leaves out: the CLI header (table and
CSV), the CLI help and the web run page of a sensitivity run; the stored ids and numbers of a
run are unchanged."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from html import unescape
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"
PLAN = "scenarios/eu-ai-gigafactories.yaml"
WORDS = "share of the plan's spending reaching US hyperscalers (Amazon, Microsoft, Google)"
LEAVES_OUT = ("the three US hyperscalers only: not Nvidia nor the other US tech giants, which "
              "are the output share:us_tech_giants")


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE),
           "PYTHONPATH": str(ROOT / "src"), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "moneytrail.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, env=env)


def words(text: str) -> str:
    """Text as a reader sees it: tags, box borders and line breaks gone."""
    return " ".join(unescape(re.sub(r"<[^>]+>|[│┃╭╮╰╯─]", " ", text)).split())


def test_table_header_names_the_hyperscalers_and_what_they_leave_out():
    out = cli("sensitivity", PLAN, "--top", "1", "--output", "share:us_big_tech")
    assert out.returncode == 0, out.stderr
    text = words(out.stdout)
    assert f"{WORDS[:1].upper()}{WORDS[1:]}: 0.373 % with every parameter central" in text
    assert LEAVES_OUT in text


def test_csv_keeps_ids_and_names_its_output_apart():
    out = cli("sensitivity", PLAN, "--top", "1", "--format", "csv", "--output",
              "share:us_big_tech")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("parameter,low,central,high,output_low,output_high,swing")
    assert f"{WORDS[:1].upper()}{WORDS[1:]}: 0.373 %" in words(out.stderr)
    assert LEAVES_OUT in words(out.stderr)


def test_help_says_which_outputs_exist():
    out = cli("sensitivity", "--help")
    assert out.returncode == 0, out.stderr
    text = words(out.stdout)
    assert "share:us_big_tech (the three US hyperscalers Amazon, Microsoft, Google only, " \
        "without Nvidia: a small share)" in text
    assert "share:us_tech_giants (the default: US tech giants, Nvidia, Amazon, Microsoft, " \
        "Google)" in text


def test_other_group_has_no_hint_and_the_default_is_the_tech_giants():
    from moneytrail.report.sensitivity import output_hint, readable_title

    assert output_hint("share:us_tech_giants") == ""
    assert output_hint("share:group:us_big_tech") == output_hint("share:us_big_tech") != ""
    assert readable_title("p: share:group:us_big_tech with each parameter") == \
        f"p: {WORDS} with each parameter"
    from moneytrail.analysis import sensitivity
    from moneytrail.cli import plans
    from moneytrail.service import tasks

    assert tasks.sensitivity.__defaults__[0] == "share:us_tech_giants"
    assert sensitivity.tornado.__defaults__[0] == sensitivity.sobol.__defaults__[0] == \
        "share:us_tech_giants"
    assert plans.sensitivity.__defaults__[0] == "share:us_tech_giants"


def test_sensitivity_run_page_names_the_output_in_words(tmp_path):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace
    from moneytrail.web import create_app

    db = str(tmp_path / "web.sqlite")
    app = create_app(db=db, start_reference_runs=False, run_limit=(1000, 100))
    with TestClient(app) as client:
        ws = Workspace.open(db=db)
        result = tasks.sensitivity(ws, load_scenario(ROOT / PLAN), "share:us_big_tech", top=2)
        assert "share:group:us_big_tech" in result.title      # the stored title keeps the id
        page = client.get(f"/r/{result.run_id}")
    assert page.status_code == 200
    text = words(page.text)
    assert f"eu-ai-gigafactories: {WORDS} with each parameter at its low and high end" in text
    assert LEAVES_OUT in text
    assert "base 0.373 %" in text


def test_default_output_is_the_share_of_nvidia_and_the_hyperscalers():
    out = cli("sensitivity", PLAN, "--top", "1")
    assert out.returncode == 0, out.stderr
    text = words(out.stdout)
    assert ("Share of the plan's spending reaching US tech giants (Nvidia, Amazon, Microsoft, "
            "Google):") in text
    assert LEAVES_OUT not in text
