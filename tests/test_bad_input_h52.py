"""Reviewers' findings: `--meta` given a folder, a file that cannot be created or a path in a
missing folder gave a traceback (exit 1) or exit 3, after the trace had run; a stored result
with a malformed table (`rows: [1]`, whole-number `sources`, a list of `facts`) raised a bare
TypeError; sensitivity's run id hashed the plan's draws and seed it does not use, and two
plans differing only in `draws:` run with `--draws N` were not refused as the same plan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import moneytrail as mt
from moneytrail.cli import main
from moneytrail.errors import MoneytrailError
from moneytrail.service import tasks

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main(list(args))
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def trace_csv(capsys, meta: str, draws: str = "20"):
    return run_main(capsys, "trace", str(SCENARIO), "--draws", draws, "--format", "csv",
                    "--meta", meta)


# -- 1. --meta: checked before the trace, one line, exit 2 (bad path) or 3 (cannot write) --
@pytest.mark.parametrize("meta, words", [
    ("{tmp}", "this is a folder"),
    ("{tmp}/no/such/x.json", "the folder does not exist"),
])
def test_a_meta_path_that_cannot_be_a_file_is_bad_input_before_the_trace(capsys, tmp_path,
                                                                          monkeypatch, meta,
                                                                          words):
    def no_trace(*args, **kwargs):
        raise AssertionError("the trace ran before --meta was checked")

    monkeypatch.setattr(tasks, "trace_plan", no_trace)
    path = meta.format(tmp=tmp_path)
    code, out, err = trace_csv(capsys, path)
    assert code == 2, err
    assert err.strip() == err.strip().splitlines()[0] and "Traceback" not in err
    assert f"field '--meta', value '{path}'" in err and words in err


def test_a_meta_file_that_cannot_be_written_is_a_resource_error_in_one_line(capsys, tmp_path,
                                                                            monkeypatch):
    import moneytrail.report.terminal as terminal

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(terminal, "write_csv_metadata", refused)
    path = str(tmp_path / "x.json")
    code, out, err = trace_csv(capsys, path)
    assert code == 3, err
    line = err.strip().splitlines()[-1]
    assert line.startswith("error: ") and "Traceback" not in err
    assert f"field '--meta', value '{path}'" in line and "Permission denied" in line


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_a_meta_file_in_proc_is_a_resource_error(capsys):
    code, out, err = trace_csv(capsys, "/proc/x.json")
    assert code == 3 and "Traceback" not in err, err
    assert "field '--meta', value '/proc/x.json'" in err.strip().splitlines()[-1]


# -- 4. Result.from_json: a malformed table names the field's path -------------------------
def result_json() -> dict:
    import pandas as pd

    from moneytrail.service.result import Provenance, Result, Table

    frame = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}).set_index("a")
    provenance = Provenance(inputs={}, code_version="1", data_version="1", data_hash="h",
                            seed=1, draws=10, sources=("x_src",))
    result = Result(run_id="0" * 32, kind="trace", title="t", provenance=provenance,
                    tables={"t": Table.from_frame("t", frame)}, facts={"f": 1})
    return json.loads(result.to_json())


@pytest.mark.parametrize("change, field", [
    (lambda d: d["tables"]["t"].update(rows=[1]), "tables.t.rows.0"),
    (lambda d: d["tables"]["t"].update(rows=[["x"]]), "tables.t.rows.0"),
    (lambda d: d["tables"]["t"].update(index=5), "tables.t.index"),
    (lambda d: d["tables"]["t"].update(index=["nope"]), "tables.t.index.0"),
    (lambda d: d["tables"]["t"].update(title=5), "tables.t.title"),
    (lambda d: d["tables"]["t"].update(columns=[1]), "tables.t.columns.0"),
    (lambda d: d["tables"].update(t=[1]), "tables.t"),
    (lambda d: d["provenance"].update(sources=5), "provenance.sources"),
    (lambda d: d["provenance"].update(sources=[5]), "provenance.sources.0"),
    (lambda d: d["provenance"].update(draws="10"), "provenance.draws"),
    (lambda d: d.update(facts=[1, 2]), "facts"),
])
def test_a_malformed_stored_result_names_the_field(change, field):
    from moneytrail.service.result import Result

    data = result_json()
    Result.from_json(json.dumps(data))          # as written: read back
    change(data)
    with pytest.raises(MoneytrailError) as info:
        Result.from_json(json.dumps(data))
    assert info.value.field == field, str(info.value)


# -- 5. one computation, one run id; the same plan as run is refused twice -----------------
@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


def test_sensitivity_run_id_does_not_depend_on_the_plans_draws_and_seed(ws):
    plan = mt.load_scenario(SCENARIO)
    other = plan.model_copy(update={"draws": plan.draws + 1, "seed": plan.seed + 1})
    ids = [tasks.sensitivity(ws, p, method="tornado", top=3, store=None).run_id
           for p in (plan, other)]
    assert ids[0] == ids[1]
    changed = plan.model_copy(update={"title": plan.title + " (changed)"})
    assert tasks.sensitivity(ws, changed, method="tornado", top=3, store=None).run_id != ids[0]


def test_plans_differing_only_in_draws_run_with_one_draws_are_the_same_plan(ws, tmp_path):
    plan = mt.load_scenario(SCENARIO)
    other = plan.model_copy(update={"draws": plan.draws + 5})
    with pytest.raises(MoneytrailError) as info:
        tasks.check_distinct([plan, other], draws=50, seed=1)
    assert info.value.field == "plans" and "the same plan is given twice" in str(info.value)
    tasks.check_distinct([plan, other])          # each with its own draws: two computations
    with pytest.raises(MoneytrailError, match="the same plan is given twice"):
        tasks.compare_plans(ws, [plan, other], draws=20, seed=1, store=None)


def test_compare_cli_refuses_two_files_differing_only_in_draws(capsys, tmp_path):
    text = SCENARIO.read_text(encoding="utf-8")
    assert "\ndraws: 10000\n" in text
    first, second = (tmp_path / n / SCENARIO.name for n in ("a", "b"))
    for path, draws in ((first, "10000"), (second, "777")):
        path.parent.mkdir()
        path.write_text(text.replace("\ndraws: 10000\n", f"\ndraws: {draws}\n"),
                        encoding="utf-8")
    assert mt.load_scenario(first).draws != mt.load_scenario(second).draws
    code, out, err = run_main(capsys, "compare", str(first), str(second), "--draws", "20")
    assert code == 2, err
    assert "the same plan is given twice" in err and "Traceback" not in err
