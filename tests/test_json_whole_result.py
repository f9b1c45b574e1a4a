"""`--format json` writes the whole result, as `moneytrail show RUN --format json` and
`Result.from_json` give it (docs/results.md); a selection of tables (`--by`, `--table`) says
so, and read back it does not pass for the whole run."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from moneytrail.errors import UnknownNameError
from moneytrail.service.result import Result
from packages import miller_blair_plan

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(tempfile.mkdtemp()) / "runs.sqlite"


def cli(*args):
    env = {**os.environ, "MONEYTRAIL_DATABASE_URL": str(STORE)}
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", *map(str, args)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.fixture
def mb_plan_file(tmp_path):
    import yaml

    path = tmp_path / "mb.yaml"
    path.write_text(yaml.safe_dump(miller_blair_plan()))
    return path


def test_trace_json_is_the_whole_run_as_show_gives_it(mb_plan_file, mb_package):
    traced = json.loads(cli("trace", mb_plan_file, "--data", mb_package, "--format", "json",
                            "--seed", "21"))
    shown = json.loads(cli("show", traced["run_id"], "--format", "json"))
    assert len(shown["tables"]) > 1
    assert list(traced["tables"]) == list(shown["tables"])
    assert traced["tables"] == shown["tables"] and "run_tables" not in traced
    back = Result.from_json(json.dumps(traced))
    assert back.table("country").equals(Result.from_json(json.dumps(shown)).table("country"))


def test_trace_json_with_by_says_it_holds_a_selection(mb_plan_file, mb_package):
    text = cli("trace", mb_plan_file, "--data", mb_package, "--format", "json", "--seed", "21",
               "--by", "country", "--by", "factor")
    payload = json.loads(text)
    whole = json.loads(cli("show", payload["run_id"], "--format", "json"))
    assert list(payload["tables"]) == ["country", "factor"]
    assert payload["run_tables"] == list(whole["tables"])
    back = Result.from_json(text)
    assert back.run_tables == tuple(whole["tables"])
    assert back.table("country").equals(Result.from_json(json.dumps(whole)).table("country"))
    with pytest.raises(UnknownNameError) as error:
        back.table("entity")
    message = str(error.value)
    assert "selection" in message and f"moneytrail show {payload['run_id']}" in message
    assert json.loads(back.to_json())["run_tables"] == payload["run_tables"]   # round trip


def test_show_table_json_says_so_too(mb_plan_file, mb_package):
    run = json.loads(cli("trace", mb_plan_file, "--data", mb_package, "--format", "json",
                         "--seed", "21"))["run_id"]
    one = json.loads(cli("show", run, "--format", "json", "--table", "country"))
    assert list(one["tables"]) == ["country"] and "entity" in one["run_tables"]


def test_a_whole_result_selected_whole_is_not_marked():
    result = Result.from_dict({"schema": "moneytrail.result/1", "run_id": "a" * 32,
                               "kind": "trace", "provenance": {
                                   "inputs": {}, "code_version": "0", "data_version": "1",
                                   "data_hash": "x"}, "tables": {}})
    assert result.selected(None) is result and result.selected([]).run_tables == ()
