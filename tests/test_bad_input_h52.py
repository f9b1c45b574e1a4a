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
    result = Result(run_id="r", kind="trace", title="t", provenance=provenance,
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
