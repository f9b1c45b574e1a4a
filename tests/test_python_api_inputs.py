"""Bad input through the Python API (`import moneytrail as mt`, `moneytrail.service.tasks`):
one clear MoneytrailError naming the field and value, never a raw traceback, NaN or silent
acceptance (a tester's findings, helper h100)."""

import copy
import datetime as dt

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.errors import ModelError, MoneytrailError, ScenarioError, UnknownNameError
from moneytrail.service import tasks
from moneytrail.service.result import Result

PLAN = "scenarios/eu-ai-gigafactories.yaml"
DRAWS = 200


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


@pytest.fixture(scope="module")
def plan():
    return mt.load_scenario(PLAN).model_copy(update={"draws": DRAWS})


@pytest.fixture(scope="module")
def result(ws, plan):
    return tasks.trace_plan(ws, plan, analyses=False, store=None)


def refused(call, field, cls=MoneytrailError):
    """The one-line error `call` raises, checked to name `field`."""
    with pytest.raises(cls) as caught:
        call()
    assert caught.value.field == field, str(caught.value)
    assert "\n" not in str(caught.value)
    return caught.value


# -- 1. raw tracebacks ---------------------------------------------------------------------
def test_analyse_takes_an_iso_date_text_and_refuses_other_dates(ws, plan):
    asked = tasks.analyse_plan(ws, plan, what="exports", on="2025-06-01", store=None)
    given = tasks.analyse_plan(ws, plan, what="exports", on=dt.date(2025, 6, 1), store=None)
    assert asked.run_id == given.run_id             # the same run as the date itself
    assert asked.provenance.inputs["on"] == ["2025-06-01"]
    error = refused(lambda: tasks.analyse_plan(ws, plan, what="exports", on="June 1",
                                               store=None), "on")
    assert "YYYY-MM-DD" in str(error) and "'June 1'" in str(error)
    refused(lambda: tasks.analyse_plan(ws, plan, what="exports", on=[5], store=None), "on")
    # a date outside the rules data names `on` too (the CLI prints --on)
    refused(lambda: tasks.analyse_plan(ws, plan, what="exports", on="2000-01-01",
                                       store=None), "on", ScenarioError)


def test_show_run_refuses_a_run_id_that_is_not_text(ws):
    error = refused(lambda: tasks.show_run(ws, 123), "run id")
    assert "value 123" in str(error)


def test_check_claims_refuses_items_that_are_not_claims(ws):
    error = refused(lambda: tasks.check_claims(ws, claims=[1, 2], store=None), "claims.0")
    assert "Claim" in str(error)
    refused(lambda: tasks.check_claims(ws, claims="claims.yaml", store=None), "claims")
    refused(lambda: tasks.check_claims(ws, "a.yaml", claims=[], store=None), "claims")


def test_tasks_need_a_workspace(plan):
    error = refused(lambda: tasks.trace_plan(None, plan), "ws")
    assert "Workspace" in str(error)
    refused(lambda: tasks.show_run("store.db", "0" * 32), "ws")
    refused(lambda: tasks.analyse_plan(None, plan), "ws")


def test_select_refuses_a_mask_of_the_wrong_length(plan):
    traced = mt.trace(plan, draws=DRAWS, keep_draws=True)
    error = refused(lambda: traced.select(np.ones(3, bool)), "mask", ModelError)
    assert f"({len(traced.flow_labels)}," in str(error)
    mask = np.zeros(len(traced.flow_labels), bool)
    mask[:5] = True
    assert np.array_equal(traced.select(mask),
                          traced.flows @ mask.astype(float))     # the numbers as before


def test_trace_refuses_a_chunk_size_that_is_no_whole_number_of_one_or_more(plan):
    for bad in ("a", 0, -1, 1.5, True):
        refused(lambda bad=bad: mt.trace(plan, draws=DRAWS, chunk_size=bad), "chunk_size",
                ModelError)


def test_write_tables_names_the_formats(result, tmp_path):
    error = refused(lambda: result.write_tables(tmp_path, "ods"), "fmt")
    assert "csv, parquet, xlsx" in str(error) and "'ods'" in str(error)


def test_an_unknown_table_is_a_moneytrail_error_and_still_a_key_error(result):
    for call in (result.table_metadata, result.table):
        error = refused(lambda call=call: call("nope"), "table", UnknownNameError)
        assert isinstance(error, KeyError) and "'nope'" in str(error)
        assert "headline" in str(error) and str(error).startswith("field 'table'")
    with pytest.raises(KeyError):                   # the documented promise of table()
        result.table("nope")
    refused(lambda: result.tables["headline"].unit("nope"), "column", UnknownNameError)


# -- 2. silently accepted ------------------------------------------------------------------
@pytest.mark.parametrize("change, field", [
    ({"currency": "XYZ"}, "currency"),
    ({"budget": {"source": "no_such_source"}}, "budget.source"),
    ({"budget": {"amount": 1e16}}, "budget.amount"),
])
def test_mt_trace_checks_a_plan_as_the_service_tasks_do(ws, plan, change, field):
    data = plan.model_dump(mode="json", exclude={"path"})
    for key, value in change.items():
        data[key] = {**data[key], **value} if isinstance(value, dict) else value
    bad = mt.parse_scenario(data)
    refused(lambda: tasks.trace_plan(ws, bad, store=None), field, ScenarioError)
    refused(lambda: mt.trace(bad, draws=DRAWS), field, ScenarioError)
    refused(lambda: mt.trace(bad, mt.load_model(2025), draws=DRAWS), field, ScenarioError)


def test_mt_trace_numbers_are_the_engines(plan):
    from moneytrail.engine.trace import trace as engine_trace

    checked = mt.trace(plan, draws=DRAWS, seed=3).by("country")
    assert checked.equals(engine_trace(plan, draws=DRAWS, seed=3).by("country"))


def test_mt_trace_checks_with_the_workspace_it_is_given(ws, plan, tmp_path):
    import shutil

    from moneytrail.data.package import open_package

    model = mt.load_model(2025)
    given = mt.trace(plan, model, ws=ws, draws=DRAWS, seed=3).by("country")
    assert given.equals(mt.trace(plan, model, draws=DRAWS, seed=3).by("country"))
    bad = mt.parse_scenario({**plan.model_dump(mode="json", exclude_none=True),
                             "currency": "XYZ"})
    refused(lambda: mt.trace(bad, model, ws=ws, draws=DRAWS), "currency", ScenarioError)
    other = tmp_path / "package"              # a copy of the package: another folder
    shutil.copytree(open_package(None).root, other)
    with mt.Workspace.open(other) as elsewhere:
        refused(lambda: mt.trace(plan, model, ws=elsewhere, draws=DRAWS), "ws")


@pytest.mark.parametrize("name", ["keep_draws", "evidence", "outputs", "weights"])
def test_trace_flags_must_be_true_or_false(plan, name):
    refused(lambda: mt.trace(plan, draws=DRAWS, **{name: "yes"}), name, ModelError)


def test_analyse_refuses_an_empty_list_of_analyses(ws, plan):
    error = refused(lambda: tasks.analyse_plan(ws, plan, what=[], store=None), "what")
    assert "concentration" in str(error)
    refused(lambda: tasks.analyse_plan(ws, plan, what=5, store=None), "what")
    refused(lambda: tasks.analyse_plan(ws, plan, what=["exports", 7], store=None), "what")


def test_result_from_dict_refuses_negative_draws_and_untexted_index_cells(result):
    document = result.to_dict()
    assert Result.from_dict(document).run_id == result.run_id
    for key, value in (("draws", -3), ("draws", 0), ("seed", -1), ("draws", True)):
        bad = copy.deepcopy(document)
        bad["provenance"][key] = value
        refused(lambda bad=bad: Result.from_dict(bad), f"provenance.{key}")
    table = document["tables"]["country"]
    k = [c["name"] for c in table["columns"]].index(table["index"][0])
    assert table["columns"][k]["unit"] == "text"
    for cell in (5, None):
        bad = copy.deepcopy(document)
        bad["tables"]["country"]["rows"][0][k] = cell
        refused(lambda bad=bad: Result.from_dict(bad), f"tables.country.rows.0.{k}")


# -- 3. numpy integers ---------------------------------------------------------------------
def test_numpy_integers_are_taken_for_every_whole_number_field(plan):
    data = plan.model_dump(mode="json", exclude={"path"})
    given = mt.parse_scenario({**data, "year": np.int64(2025), "draws": np.int32(DRAWS),
                               "seed": np.uint16(1), "horizon_years": np.int8(5),
                               "price_year": np.int64(2025)})
    assert given.year == 2025 and type(given.year) is int and type(given.draws) is int
    assert given == mt.parse_scenario({**data, "price_year": 2025})   # one run id
    for bad in (np.float64(2025.0), np.bool_(True), True):
        refused(lambda bad=bad: mt.parse_scenario({**data, "year": bad}), "year",
                ScenarioError)


# -- 4. field names ------------------------------------------------------------------------
def test_a_per_draw_output_without_keep_draws_names_the_argument_given(plan):
    refused(lambda: mt.trace(plan, draws=DRAWS, weights=True), "weights", ModelError)
    refused(lambda: mt.trace(plan, draws=DRAWS, outputs=True), "outputs", ModelError)


def test_python_arguments_are_named_as_in_python(ws, plan):
    refused(lambda: tasks.analyse_plan(ws, plan, what="weather", store=None), "what")
    refused(lambda: tasks.sensitivity(ws, plan, method="magic", store=None), "method")


def test_the_cli_names_its_options(capsys):
    from moneytrail.cli import main

    for args, shown in ((["analyse", PLAN, "--what", "weather"], "field '--what'"),
                        (["analyse", PLAN, "--what", "exports", "--on", "2000-01-01",
                          "--draws", "50"], "field '--on'"),
                        (["sensitivity", PLAN, "--method", "magic"], "field '--method'")):
        with pytest.raises(SystemExit) as stopped:
            main(args)
        assert stopped.value.code == 2
        assert shown in capsys.readouterr().err


def test_the_whole_number_rule_covers_every_integer_field_and_leaves_dates_alone():
    # a before-validator on every field ("*") broke strict JSON dates: `as_of` was refused
    import json
    import typing

    from moneytrail.scenarios import schema

    for model in (m for m in vars(schema).values()
                  if isinstance(m, type) and issubclass(m, schema.Strict)):
        for name, info in model.model_fields.items():
            if int in (info.annotation, *typing.get_args(info.annotation)):
                assert name in schema.INTEGER_FIELDS, f"{model.__name__}.{name}"
    data = mt.load_scenario(PLAN).model_dump(mode="json", exclude_none=True)
    plan = mt.parse_scenario({**data, "as_of": "2025-06-30"}, strict=True)
    assert plan.as_of == dt.date(2025, 6, 30)
    assert json.loads(plan.model_dump_json())["as_of"] == "2025-06-30"


def test_mt_trace_refuses_a_ws_that_is_not_a_workspace(plan):
    """`ws="x"` was a raw AttributeError (finding h106)."""
    model = mt.load_model(2025)
    for given in (lambda: mt.trace(plan, model, ws="x", draws=DRAWS),
                  lambda: mt.trace(plan, ws="x", draws=DRAWS)):
        with pytest.raises(MoneytrailError) as caught:
            given()
        assert caught.value.field == "ws" and "Workspace" in str(caught.value)
        assert caught.value.value == "str"


@pytest.mark.parametrize("given, named", [(None, "None"), ({"a": 1}, "a dict")])
def test_mt_trace_without_a_plan_says_what_it_was_given_and_takes(given, named):
    """`mt.trace(None)` said "tracing a final-demand vector needs a model" (finding h106)."""
    with pytest.raises(ModelError) as caught:
        mt.trace(given)
    text = str(caught.value)
    assert caught.value.field == "plan" and f"given {named} and no model" in text
    assert "Plan" in text and "mt.load_scenario" in text and "mt.parse_scenario" in text
    assert "final-demand vector" in text and "with a model" in text


# -- a plan id from Python follows the rule the HTTP API holds it to -----------------------
@pytest.mark.parametrize("bad", ["my plan/../x", "../x", "-x", "a b", "x" * 65])
def test_a_plan_given_as_a_mapping_follows_the_plan_id_rule(plan, bad):
    """`mt.parse_scenario({... "id": "my plan/../x"})` was accepted, traced and stored while
    `POST /api/v1/runs` refuses it (`check_plan_id`): a plan from Python gets the same rule."""
    data = plan.model_dump(mode="json", exclude={"path"}, exclude_none=True)
    error = refused(lambda: mt.parse_scenario({**data, "id": bad}), "id", ScenarioError)
    assert "letters, digits and dashes only" in str(error)
    assert mt.parse_scenario({**data, "id": "my-plan-2"}).id == "my-plan-2"


def test_the_plan_id_rule_leaves_files_and_stored_plans_their_ids(plan, tmp_path):
    """A file's id must equal its file name instead (any name: `my_plan.yaml`), so reference
    plans and files keep loading and tracing; a run's stored plan is read back as stored."""
    from moneytrail.scenarios.reference import reference_scenarios
    from moneytrail.service.run_claims import check_stored_plan

    assert [mt.load_scenario(path).id for path in reference_scenarios()]
    data = plan.model_dump(mode="json", exclude={"path"}, exclude_none=True)
    path = tmp_path / "my_plan.yaml"
    path.write_text(yaml_text({**data, "id": "my_plan"}))
    loaded = mt.load_scenario(path)
    assert loaded.id == "my_plan"
    assert mt.trace(loaded, draws=DRAWS, seed=1).label == "my_plan"
    check_stored_plan({**data, "id": "my_plan"}, "0" * 32, to="see it")    # no error


def yaml_text(data: dict) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False)


# -- write_tables into a file or an unwritable folder; a scorecard of nothing --------------
def test_write_tables_into_a_file_names_the_path_and_what_to_do(result, tmp_path):
    """`write_tables('/etc/passwd', 'csv')` raised a raw FileExistsError."""
    file = tmp_path / "passwd"
    file.write_text("keep me")
    for folder in (file, file / "tables"):
        error = refused(lambda folder=folder: result.write_tables(folder, "csv"), "folder")
        assert error.value == str(folder) and "not a folder" in str(error)
        assert "give a folder's path" in str(error)
    assert file.read_text() == "keep me"
    refused(lambda: result.write_tables(5, "csv"), "folder")


def test_write_tables_into_an_unwritable_folder_is_a_resource_error(result, tmp_path,
                                                                   monkeypatch):
    import moneytrail.service.result as result_module
    from moneytrail.errors import ResourceError

    def denied(*args, **kwargs):          # as writing into a read-only folder fails
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(result_module, "frame_csv", denied)
    error = refused(lambda: result.write_tables(tmp_path / "out", "csv"), "folder",
                    ResourceError)
    assert "Permission denied" in str(error) and "a folder you can write to" in str(error)
    assert error.value == str(tmp_path / "out") and error.exit_code == 3


def test_a_scorecard_needs_at_least_one_run_and_the_analysis_data(ws, plan):
    """`mt.scorecard([], data=ws.analysis)` returned an empty scorecard, silently."""
    error = refused(lambda: mt.scorecard([], data=ws.analysis), "results")
    assert "at least one run" in str(error)
    traced = mt.trace(plan, draws=DRAWS, seed=1, keep_draws=True)
    refused(lambda: mt.scorecard(traced, data=ws.analysis), "results")
    refused(lambda: mt.scorecard([traced, "x"], data=ws.analysis), "results")
    error = refused(lambda: mt.scorecard([traced], data=ws), "data")
    assert "ws.analysis" in str(error)
    assert mt.scorecard([traced], data=ws.analysis).table.columns.levels[0].tolist() == \
        [plan.id]


# -- parse_scenario takes YAML text as well as a mapping (the trace error's hint) ----------
def test_parse_scenario_reads_the_yaml_text_of_a_plan_file():
    """`mt.trace({})` pointed at `mt.parse_scenario(text)`, but text was refused ("a scenario
    must be a mapping of keys to values"): the text of a scenario file now gives the plan the
    file gives."""
    from pathlib import Path

    text = Path(PLAN).read_text()
    from_text = mt.parse_scenario(text)
    from_file = mt.load_scenario(PLAN)
    assert from_text == from_file.model_copy(update={"path": from_text.path})
    assert from_text.total == from_file.total and from_text.id == "eu-ai-gigafactories"


@pytest.mark.parametrize("text, words", [
    ("", "is empty"), ("# only a comment\n", "is empty"),
    ("scenarios/eu-ai-gigafactories.yaml", "mt.load_scenario(path)"),
    ("id: a\nid: b\n", "duplicate key"), ("id: [1, 2\n", "malformed YAML")])
def test_parse_scenario_text_that_is_no_plan_says_why(text, words):
    with pytest.raises(ScenarioError) as caught:
        mt.parse_scenario(text)
    assert words in str(caught.value)


def test_parse_scenario_text_keeps_the_file_size_limit(monkeypatch):
    from moneytrail.errors import LimitError

    monkeypatch.setenv("MONEYTRAIL_MAX_SCENARIO_BYTES", "100")
    with pytest.raises(LimitError) as caught:
        mt.parse_scenario("title: " + "x" * 200)
    assert "more than the limit of 100" in str(caught.value)


@pytest.mark.parametrize("given, value, words", [
    ("hello", "hello", "text that YAML reads as a str"),
    ("- a\n- b", "- a\n- b", "text that YAML reads as a list"),
    ("x" * 200, "x" * 60 + "\u2026", "text that YAML reads as a str"),
    (5, "5", "a value of type int")])
def test_parse_scenario_of_no_mapping_says_what_it_was_given(given, value, words):
    """`mt.parse_scenario("hello")` said `value 'str'`: now the text given (shortened) and
    what a scenario is (a mapping of keys to values, as YAML text or a dict)."""
    with pytest.raises(ScenarioError) as caught:
        mt.parse_scenario(given)
    assert caught.value.value == value
    assert words in str(caught.value)
    assert "a mapping of keys to values, as YAML text" in str(caught.value)
    assert "or a dict" in str(caught.value)
