"""The command line refuses what it cannot compute before tracing (one line, exit 2), and
`compare` gives every plan its own column."""

import json
from pathlib import Path

import pytest
import yaml

from moneytrail.cli import main
from moneytrail.service import tasks

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
EFFICIENCY = ROOT / "scenarios" / "efficiency-first-eu.yaml"


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


@pytest.fixture
def traces(monkeypatch):
    """Every plan the service traces (a plan refused before tracing never gets here)."""
    seen: list[str] = []
    real = tasks.ws_trace

    def counting(ws, plan, **kwargs):
        seen.append(plan.id)
        return real(ws, plan, **kwargs)

    monkeypatch.setattr(tasks, "ws_trace", counting)
    return seen


@pytest.fixture
def tw_plan(tmp_path):
    """The gigafactories plan sited in Taiwan (no grid intensity or power price for TW)."""
    plan = yaml.safe_load(GIGAFACTORIES.read_text())
    plan["id"] = "tw-site"
    plan["site_country"] = "TW"
    path = tmp_path / "tw-site.yaml"
    path.write_text(yaml.safe_dump(plan))
    return path


@pytest.mark.parametrize("command", [
    ["analyse", "{tw}"],
    ["analyse", "{tw}", "--what", "lifecycle"],
    ["compare", str(EFFICIENCY), "{tw}"],
])
def test_a_site_without_grid_data_fails_before_tracing(capsys, traces, tw_plan, command):
    args = [a.replace("{tw}", str(tw_plan)) for a in command]
    code, out, err = run_main(capsys, *args, "--draws", "50")
    assert code == 2
    assert err.count("\n") == 1 and out == ""
    assert err.startswith(f"error: {tw_plan}, field 'site_country', value 'TW': no grid "
                          "intensity data for this site (known: ")
    assert traces == []                       # refused before any draw


def test_analyses_that_do_not_read_the_site_still_run(capsys, traces, tw_plan):
    code, out, _ = run_main(capsys, "analyse", tw_plan, "--what", "concentration",
                            "--draws", "50", "--format", "json")
    assert code == 0
    assert traces == ["tw-site"]
    assert "concentration" in json.loads(out)["tables"]


def test_compare_the_same_plan_twice_is_one_clear_line(capsys, traces):
    code, out, err = run_main(capsys, "compare", EFFICIENCY, EFFICIENCY, "--draws", "50")
    assert code == 2 and out == ""
    assert err == (f"error: {EFFICIENCY}, field 'plans', value 'efficiency-first-eu': the same "
                   "plan is given twice (plans 1 and 2 are identical, so their columns would "
                   "be too); compare different plans\n")
    assert traces == []


def test_compare_two_versions_of_a_plan_shows_both(capsys, tmp_path):
    """Two files with one id (an old and a new version): a column each, labelled #1 and #2."""
    plan = yaml.safe_load(EFFICIENCY.read_text())
    plan["spend"]["staff"]["high"] = 0.45
    old = tmp_path / "old" / EFFICIENCY.name
    old.parent.mkdir()
    old.write_text(yaml.safe_dump(plan))
    code, out, _ = run_main(capsys, "compare", EFFICIENCY, old, "--draws", "200",
                            "--format", "json", "--no-procurement")
    assert code == 0
    result = json.loads(out)
    columns = [c["name"] for c in result["tables"]["headline"]["columns"]]
    assert "efficiency-first-eu #1_p50" in columns and "efficiency-first-eu #2_p50" in columns
    assert result["facts"]["plans"] == ["efficiency-first-eu #1", "efficiency-first-eu #2"]
    scorecard = [c["name"] for c in result["tables"]["scorecard"]["columns"]]
    assert {"efficiency-first-eu #1_p50", "efficiency-first-eu #2_p50"} <= set(scorecard)
