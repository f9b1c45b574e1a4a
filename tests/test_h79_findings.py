"""Analyst tester's findings (h79): sensitivity's seed unchecked (a traceback, a run stored
with status error), plans changed with pydantic's model_copy traced unvalidated, stored
results read without the rules docs/results.md states, YAML whole numbers past Python's
digit limit and base-60 numbers, report options that do not apply to a stored run, and
refusals that still left a failed run in the runs table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import moneytrail as mt
from moneytrail.cli import main
from moneytrail.errors import MoneytrailError, ScenarioError
from moneytrail.service import tasks

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def stored_runs(db: Path) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as con:
        tables = {r[0] for r in con.execute("select name from sqlite_master")}
        return list(con.execute("select kind, status from runs")) if "runs" in tables else []


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


# -- 1. sensitivity's seed: checked as trace checks it, before any run is recorded ---------
@pytest.mark.parametrize("args, field, value", [
    (("--method", "sobol", "--seed", "-1"), "seed", "-1"),
    (("--seed", "-1"), "seed", "-1"),
    (("--method", "sobol", "--seed", "99999999999999999999999999"), "seed",
     "99999999999999999999999999"),
    (("--top", "0"), "top", "0"),
    (("--output", "bogus"), "output", "'bogus'"),
])
def test_bad_sensitivity_options_are_one_line_and_store_no_run(capsys, tmp_path, args, field,
                                                                value):
    db = tmp_path / "runs.sqlite"
    code, _, err = run_main(capsys, "sensitivity", SCENARIO, *args, "--db", db)
    assert code == 2, err
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert f"field '{field}', value {value}:" in err
    assert stored_runs(db) == []


@pytest.mark.parametrize("seed", ["abc", 1.5, -1, True])
def test_sensitivity_from_python_checks_the_seed(ws, seed):
    plan = mt.load_scenario(SCENARIO)
    with pytest.raises(MoneytrailError) as info:
        tasks.sensitivity(ws, plan, method="sobol", samples=2, seed=seed, store=None)
    assert info.value.field == "seed"


# -- 3. a plan changed with model_copy is validated again at entry --------------------------
def budget_changed(plan, amount):
    return plan.model_copy(update={"budget": plan.budget.model_copy(update={"amount": amount})})


def spend_scaled(plan):
    first = next(iter(plan.spend))
    spend = dict(plan.spend)
    spend[first] = spend[first].model_copy(update={"central": spend[first].central + 0.3,
                                                   "high": 1.0})
    return plan.model_copy(update={"spend": spend})


@pytest.mark.parametrize("change, field", [
    (lambda p: budget_changed(p, -5e9), "budget.amount"),
    (spend_scaled, "spend"),
    (lambda p: p.model_copy(update={"draws": 0}), "draws"),
])
def test_trace_refuses_a_plan_changed_by_model_copy(change, field):
    plan = change(mt.load_scenario(SCENARIO))
    with pytest.raises(ScenarioError) as info:
        mt.trace(plan, draws=10)
    assert info.value.field == field


@pytest.mark.parametrize("change, field", [
    (lambda p: budget_changed(p, -5e9), "budget.amount"),
    (spend_scaled, "spend"),
])
def test_service_tasks_refuse_a_plan_changed_by_model_copy(tmp_path, change, field):
    plan = change(mt.load_scenario(SCENARIO))
    db = tmp_path / "runs.sqlite"
    with mt.Workspace.open(None, db=str(db)) as own:
        for task in (lambda: tasks.trace_plan(own, plan, draws=10, analyses=False),
                     lambda: tasks.analyse_plan(own, plan, ["concentration"], draws=10),
                     lambda: tasks.compare_plans(own, [plan, mt.load_scenario(SCENARIO)],
                                                 draws=10),
                     lambda: tasks.sensitivity(own, plan, top=3)):
            with pytest.raises(ScenarioError) as info:
                task()
            assert info.value.field == field
    assert stored_runs(db) == []


def test_a_valid_plan_checked_again_is_the_same_plan_and_cheap():
    import time

    from moneytrail.scenarios.schema import revalidated

    plan = mt.load_scenario(SCENARIO)
    again = revalidated(plan)
    assert again is plan
    start = time.perf_counter()
    for _ in range(100):
        revalidated(plan)
    assert (time.perf_counter() - start) / 100 < 0.01       # well under a trace's cost


# -- 2. a result document holds what docs/results.md says, or is refused naming the field --
def result_document() -> dict:
    import json

    import pandas as pd

    from moneytrail.service.result import Provenance, Result, Table

    frame = pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}).set_index("a")
    provenance = Provenance(inputs={}, code_version="1", data_version="1", data_hash="h",
                            seed=1, draws=10, sources=("x_src",))
    result = Result(run_id="0123456789abcdef" * 2, kind="trace", title="t",
                    provenance=provenance, tables={"t": Table.from_frame("t", frame)},
                    facts={"f": 1})
    return json.loads(result.to_json())


def set_cell(value):
    def change(data):
        data["tables"]["t"]["rows"][0][1] = value
    return change


@pytest.mark.parametrize("change, field, words", [
    (lambda d: d.update(run_id="../escaped"), "run_id", "32 hexadecimal digits"),
    (lambda d: d.update(run_id="0123456789ABCDEF" * 2), "run_id", "32 hexadecimal digits"),
    (lambda d: d.update(kind="nope"), "kind", "unknown kind"),
    (lambda d: d["tables"]["t"]["columns"][1].update(unit="parsecs"), "tables.t.columns.1.unit",
     "unknown unit"),
    (lambda d: d["tables"]["t"].update(name="../../x"), "tables.t.name", "letters, digits"),
    (lambda d: d["tables"].update({"../x": d["tables"].pop("t")}), "tables", "letters"),
    (lambda d: d["facts"].update(f={"g": [float("nan")]}), "facts.f.g.0", "finite"),
])
def test_result_from_json_refuses_what_docs_results_md_rules_out(change, field, words):
    import json

    from moneytrail.service.result import Result

    data = result_document()
    Result.from_json(json.dumps(data))
    change(data)
    with pytest.raises(MoneytrailError) as info:
        Result.from_json(json.dumps(data))
    assert info.value.field == field and words in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_result_from_json_refuses_non_finite_numbers_naming_table_row_and_column(text):
    import json

    from moneytrail.service.result import Result

    document = json.dumps(result_document()).replace('[["x", 1.0]', f'[["x", {text}]')
    assert text in document
    with pytest.raises(MoneytrailError) as info:
        Result.from_json(document)
    assert info.value.field == "tables.t.rows.0.1"
    assert "'b'" in str(info.value) and "finite number" in str(info.value)


def test_a_result_never_writes_files_outside_its_folder_nor_nan(tmp_path):
    import json

    from moneytrail.service.result import Result

    data = result_document()
    result = Result.from_json(json.dumps(data))
    escaped = Result(run_id="../escaped", kind="trace", title="t",
                     provenance=result.provenance, tables=result.tables)
    inner = tmp_path / "x" / "inner"
    with pytest.raises(MoneytrailError) as info:
        escaped.write_tables(inner, "csv")
    assert info.value.field == "run_id"
    assert list(tmp_path.rglob("*.csv")) == []
    table = result.tables["t"]
    nan_rows = ((table.rows[0][0], float("nan")), table.rows[1])
    nan = Result(run_id=result.run_id, kind="trace", title="t", provenance=result.provenance,
                 tables={"t": type(table)(name="t", title="", index=table.index,
                                          columns=table.columns, rows=nan_rows)},
                 facts={"g": {"h": float("inf")}})
    text = nan.to_json()
    assert "NaN" not in text and "Infinity" not in text
    assert Result.from_json(text).tables["t"].rows[0][1] is None


# -- 4 and 6. YAML numbers past Python's digit limit, and YAML 1.1's base-60 numbers --------
def scenario_with(tmp_path, name: str, old: str, new: str) -> Path:
    text = SCENARIO.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("id: eu-ai-gigafactories", f"id: {name}", 1)
                    .replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, field", [
    ("seed: ", "seed: " + "9" * 5000 + "\nx_seed: ", "seed"),
    ("amount: ", "amount: " + "9" * 5000 + "\n  x_amount: ", "budget.amount"),
])
def test_a_yaml_whole_number_of_5000_digits_names_file_field_and_length(capsys, tmp_path, old,
                                                                        new, field):
    text = SCENARIO.read_text(encoding="utf-8")
    if old not in text:
        pytest.skip(f"the reference plan has no {old.strip()}")
    path = scenario_with(tmp_path, "bigint", old, new)
    code, _, err = run_main(capsys, "validate", path)
    assert code == 2, err
    assert err.strip().count("\n") == 0 and "Traceback" not in err
    assert "bigint.yaml" in err and f"field '{field}'" in err
    assert "a whole number of 5,000 digits is far too large for any field" in err
    assert "not a valid date" not in err and "9" * 100 not in err


@pytest.mark.parametrize("line, field, read", [
    ("amount: 20:00:00", "budget.amount", "72,000"),
    ("year: 33:45", "year", "2,025"),
])
def test_yaml_base_60_numbers_are_refused(capsys, tmp_path, line, field, read):
    import re

    key = line.split(":")[0]
    text = SCENARIO.read_text(encoding="utf-8")
    old = re.search(rf"^\s*{key}: [^\n]*", text, re.M).group(0)
    path = scenario_with(tmp_path, "sixty", old, old[:old.index(key)] + line)
    code, _, err = run_main(capsys, "validate", path)
    assert code == 2, err
    assert f"field '{field}'" in err and "base-60" in err and read in err
    assert err.strip().count("\n") == 0
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(path)
    assert info.value.field == field


def test_quoted_colons_and_plain_numbers_still_read():
    from moneytrail.scenarios.yamlio import parse_yaml

    assert parse_yaml("a: '20:00'\nb: 12_000\nc: 1.5\nd: 0x1F\n") == \
        {"a": "20:00", "b": 12000, "c": 1.5, "d": 31}


# -- 5. report: --draws and --seed checked, and refused when only stored runs are named -----
@pytest.mark.parametrize("options, field", [
    (("--draws", "-5", "--seed", "-7"), "draws"),
    (("--seed", "-7"), "seed"),
    (("--seed", "7"), "--seed"),
    (("--draws", "50"), "--draws"),
])
def test_report_of_a_stored_run_refuses_draws_and_seed(capsys, tmp_path, options, field):
    db = tmp_path / "runs.sqlite"
    with mt.Workspace.open(None, db=str(db)) as own:
        rid = tasks.trace_plan(own, mt.load_scenario(SCENARIO), draws=20, seed=3).run_id
    output = tmp_path / "r.html"
    code, _, err = run_main(capsys, "report", rid, "-o", output, *options, "--db", db)
    assert code == 2, err
    assert f"field '{field}'" in err and "Traceback" not in err
    assert not output.exists()


# -- 7. refusals leave no failed run behind; long values are shortened ---------------------
def test_an_unknown_category_is_refused_before_a_run_is_recorded(capsys, tmp_path):
    text = SCENARIO.read_text(encoding="utf-8")
    plan = mt.parse_scenario({**mt.load_scenario(SCENARIO).model_dump(mode="json"),
                              "spend": {"bogus_category": 1.0}}, source="bogus.yaml")
    assert "bogus_category" not in text
    db = tmp_path / "runs.sqlite"
    with mt.Workspace.open(None, db=str(db)) as own:
        for task in (lambda: tasks.trace_plan(own, plan, draws=10, analyses=False),
                     lambda: tasks.analyse_plan(own, plan, ["concentration"], draws=10),
                     lambda: tasks.sensitivity(own, plan, top=3)):
            with pytest.raises(ScenarioError) as info:
                task()
            assert info.value.field == "spend.bogus_category"
    assert stored_runs(db) == []


def test_a_claims_file_refused_while_checking_leaves_no_failed_run(capsys, tmp_path):
    claims = tmp_path / "claims.yaml"
    claims.write_text("""claims:
  - id: bad-ref
    claim: "A claim naming a ledger claim that does not exist."
    sources: [l_stargate_openai_2025_01]
    checks:
      - computation: ledger.ratio
        args: {numerator: [no_such_claim_ref], denominator: [stargate_us_announced]}
        max: 0.25
        describe: "nothing"
""", encoding="utf-8")
    db = tmp_path / "runs.sqlite"
    with mt.Workspace.open(None, db=str(db)) as own:
        tasks.check_claims(own, draws=10, store=None)         # the shipped claims: fine
        with pytest.raises(MoneytrailError) as info:
            tasks.check_claims(own, claims, draws=10)
    assert "no_such_claim_ref" in str(info.value)
    assert stored_runs(db) == []


def test_an_unknown_long_source_id_is_shortened_in_the_error(ws):
    data = mt.load_scenario(SCENARIO).model_dump(mode="json")
    data["budget"]["source"] = "s" * 100_000
    plan = mt.parse_scenario(data, source="long.yaml")
    with pytest.raises(ScenarioError) as info:
        tasks.trace_plan(ws, plan, draws=10, store=None)
    assert info.value.field == "budget.source" and len(str(info.value)) < 300
