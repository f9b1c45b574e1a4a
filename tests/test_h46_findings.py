"""Tester findings on bad input (h46): a string given where a list is taken, a result document
missing a field, an unknown site country, exit codes of missing paths, a closed stdout,
repeated --by, export-rule dates outside the data, over-long plan titles and one problem per
bad cell from `validate`."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from moneytrail.cli import main
from moneytrail.errors import MoneytrailError, ScenarioError

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def plan_file(tmp_path: Path, name: str, extra: str) -> Path:
    """The gigafactories plan with `extra` YAML lines appended, saved as `name`.yaml."""
    text = PLAN.read_text(encoding="utf-8").replace("id: eu-ai-gigafactories", f"id: {name}")
    path = tmp_path / f"{name}.yaml"
    path.write_text(text + extra, encoding="utf-8")
    return path


# 1. a str is one grouping / analysis, not a list of letters ----------------------------------
def test_ledger_totals_take_one_grouping_as_text():
    import moneytrail as mt

    with mt.ledger.open() as ledger:
        one = ledger.totals(by="region")
        listed = ledger.totals(by=["region"])
        twice = ledger.totals(by=["region", "region"])
    pd.testing.assert_frame_equal(one, listed)
    pd.testing.assert_frame_equal(twice, listed)


def test_analyse_plan_takes_one_analysis_and_one_date_as_such():
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plan = load_scenario(PLAN)
    with Workspace.open() as ws:
        result = tasks.analyse_plan(ws, plan, "exports", dt.date(2025, 6, 1), draws=20,
                                    store=None)
    assert list(result.tables) == ["exports"]
    assert set(result.tables["exports"].frame().index.unique("date")) == {"2025-06-01"}


# 2. a result document missing a field ----------------------------------------------------------
@pytest.mark.parametrize(("document", "field"), [
    ({"schema": "moneytrail.result/1"}, "run_id"),
    ({"schema": "moneytrail.result/1", "run_id": "r", "kind": "trace"}, "provenance"),
    ({"schema": "moneytrail.result/1", "run_id": "r", "kind": "trace",
      "provenance": {"inputs": {}, "code_version": "1", "data_version": "2"}},
     "provenance.data_hash"),
])
def test_result_from_json_names_a_missing_field(document, field):
    from moneytrail.service.result import Result

    with pytest.raises(MoneytrailError) as info:
        Result.from_json(json.dumps(document))
    assert info.value.field == field
    assert "missing" in str(info.value) and "\n" not in str(info.value)


def test_result_from_json_refuses_text_that_is_not_json_in_one_line():
    from moneytrail.service.result import Result

    with pytest.raises(MoneytrailError, match="not JSON"):
        Result.from_json("{nope")


# 3. an unknown site country is refused by every task -------------------------------------------
def test_trace_refuses_an_unknown_site_country_like_analyse(tmp_path, capsys):
    path = plan_file(tmp_path, "site-xx", "site_country: XX\n")
    lines = set()
    for command in ("trace", "analyse", "validate"):
        code, _, err = run_main(capsys, command, path, "--draws", "20") if command != \
            "validate" else run_main(capsys, command, path)
        lines.add(one_line(err))
        assert code == 2, err
    assert len(lines) == 1, lines                 # one rule, one message
    line = lines.pop()
    assert "site-xx.yaml" in line and "field 'site_country', value 'XX'" in line, line
    assert "not an ISO 3166 country code" in line


def test_a_real_site_without_data_and_a_plan_without_a_site_still_trace():
    from moneytrail.scenarios import load_scenario, parse_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    plan = load_scenario(PLAN)
    assert plan.site_country is None
    data = plan.model_dump(mode="json")
    for code in ("BR", "EU", "TW"):
        assert parse_scenario({**data, "site_country": code}).site_country == code
    with pytest.raises(ScenarioError) as info:
        parse_scenario({**data, "site_country": "XX"})
    assert (info.value.field, info.value.value) == ("site_country", "XX")
    with Workspace.open() as ws:
        assert tasks.check_plan(ws, plan) is plan
        brazil = plan.model_copy(update={"site_country": "BR"})
        assert tasks.check_plan(ws, brazil) is brazil          # trace does not read the site
        with pytest.raises(ScenarioError, match="no grid intensity data"):
            tasks.check_plan(ws, brazil, site=True)


def test_country_codes_cover_every_country_in_the_data():
    from moneytrail.countries import ISO_3166, SITE_CODES
    from moneytrail.service.workspace import Workspace

    assert len(ISO_3166) == 249 and "XX" not in SITE_CODES and "EU" in SITE_CODES
    with Workspace.open() as ws:
        data = ws.analysis
        codes = set(data["grid"]["country"]) | set(data["electricity_prices"]["country"]) \
            | set(data["eu_members"]["country"]) | set(ws.valuechain.country_names())
        for listed in data["export_rules"]["country"]:
            codes |= set(listed.split(";"))
    assert codes - SITE_CODES == {"ROW"}


# 4. a path in a folder that does not exist is bad input (exit 2), named -------------------------
def test_missing_folders_exit_2_naming_the_path(tmp_path, capsys):
    missing = tmp_path / "nonexistent" / "dir"
    code, _, err = run_main(capsys, "report", PLAN, "-o", missing / "b.pdf", "--draws", "20")
    assert code == 2 and f"field '--output', value '{missing / 'b.pdf'}'" in one_line(err)
    url = f"sqlite:///{missing / 'x.db'}"
    code, _, err = run_main(capsys, "ledger", "list", "--db", url)
    assert code == 2, err
    assert f"field '--db', value '{url}'" in one_line(err)
    assert "folder of this ledger store does not exist" in err
    code, _, err = run_main(capsys, "ledger", "list", "--db", missing / "x.db")
    assert code == 2 and "folder of this ledger store does not exist" in one_line(err)
    assert not (tmp_path / "nonexistent").exists()


def test_sqlite_url_in_an_existing_folder_still_opens(tmp_path):
    from moneytrail.ledger.location import resolve_url

    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_url(url) == url
    assert resolve_url("sqlite://") == "sqlite://"
    assert resolve_url("sqlite:///:memory:") == "sqlite:///:memory:"


# 5. a closed stdout ends quietly with exit 0 ----------------------------------------------------
@pytest.mark.parametrize("args", [
    ["trace", str(PLAN), "--draws", "200"],
    ["trace", "--help"],
])
def test_closed_stdout_exits_0_quietly(tmp_path, args):
    import moneytrail

    env = {**os.environ, "PYTHONPATH": str(Path(moneytrail.__file__).parents[1]),
           "MONEYTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}"}
    proc = subprocess.Popen([sys.executable, "-m", "moneytrail", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()                 # the reader goes away before any output
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "Broken pipe" not in err and "Exception" not in err


# 6. a choice given twice is printed once --------------------------------------------------------
def test_trace_by_the_same_breakdown_twice_prints_it_once(capsys):
    code, out, err = run_main(capsys, "trace", PLAN, "--draws", "20", "--by", "country",
                              "--by", "country")
    assert code == 0, err
    assert out.count("Value added by country where it is generated") == 1, out


# 7. export-rule dates outside the data -----------------------------------------------------------
@pytest.mark.parametrize("day", ["2099-01-01", "1900-01-01"])
def test_analyse_refuses_export_dates_the_data_do_not_cover(capsys, day):
    from moneytrail.analysis.dependency import rules_coverage
    from moneytrail.service.workspace import Workspace

    with Workspace.open() as ws:
        first, last = rules_coverage(ws.analysis)
    code, _, err = run_main(capsys, "analyse", PLAN, "--what", "exports", "--on", day,
                            "--draws", "20")
    line = one_line(err)
    assert code == 2, err
    assert f"field '--on', value '{day}'" in line and f"({first} to {last}" in line, line


def test_export_rule_coverage_is_the_first_rule_to_the_package_date():
    from moneytrail.analysis.dependency import rules_coverage
    from moneytrail.service.workspace import Workspace

    with Workspace.open() as ws:
        rules = ws.analysis["export_rules"]
        created = ws.package.descriptor["created"][:10]
        first, last = rules_coverage(ws.analysis)
    assert first == min(dt.date.fromisoformat(d) for d in rules["announced"])
    assert last == dt.date.fromisoformat(created)


# 8. over-long title and description ------------------------------------------------------------
@pytest.mark.parametrize(("field", "limit"), [("title", 200), ("description", 5000)])
def test_plan_title_and_description_have_a_length_limit(field, limit):
    from moneytrail.scenarios import load_scenario, parse_scenario

    data = load_scenario(PLAN).model_dump(mode="json")
    parse_scenario({**data, field: "t" * limit})
    with pytest.raises(ScenarioError) as info:
        parse_scenario({**data, field: "t" * 100_000}, source="plan.yaml")
    assert info.value.field == field
    assert f"at most {limit:,} characters (this one has 100,000)" in str(info.value)
    assert len(str(info.value)) < 200              # the value is shown cut short


def test_cli_validate_names_an_over_long_title(tmp_path, capsys):
    path = plan_file(tmp_path, "long-title", "")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "title: ", "title: " + "x" * 100_000 + " ", 1), encoding="utf-8")
    code, _, err = run_main(capsys, "trace", path, "--draws", "20")
    assert code == 2 and "field 'title'" in one_line(err) and "at most 200" in err


def test_bundled_and_reference_plans_stay_valid():
    from moneytrail.scenarios import load_scenario

    paths = [*(ROOT / "scenarios").glob("*.yaml"),
             *(ROOT / "src" / "moneytrail" / "scenarios" / "reference").glob("*.yaml")]
    assert len(paths) >= 6
    for path in paths:
        load_scenario(path)


# 9. validate: one plain problem per bad cell ------------------------------------------------
def test_validate_reports_one_plain_problem_per_bad_cell(tmp_path):
    from moneytrail.data.package import bundled_path
    from moneytrail.data.validate import package_problems

    root = tmp_path / "package"
    shutil.copytree(bundled_path(), root)
    gdp = root / "macro" / "gdp.csv"
    frame = pd.read_csv(gdp, dtype=str, keep_default_na=False)
    frame.loc[0, "value"] = "-5"
    fx = root / "macro" / "fx.csv"
    rates = pd.read_csv(fx, dtype=str, keep_default_na=False)
    rates.loc[0, "units_per_eur"] = "abc"
    gdp.write_text(frame.to_csv(index=False), encoding="utf-8")
    fx.write_text(rates.to_csv(index=False), encoding="utf-8")
    problems = [str(p) for p in package_problems(root)]
    assert [p for p in problems if "gdp.csv:2" in p] == [
        f"{gdp}:2, field 'value', value '-5': must be more than 0"], problems
    assert len([p for p in problems if "fx.csv:2" in p]) == 1, problems
    assert not any("constraint" in p or "type-error" in p for p in problems), problems


@pytest.mark.parametrize(("kind", "note", "words"), [
    ("constraint-error", 'constraint "minimum" is "0"', "must be at least 0"),
    ("constraint-error", 'constraint "maximum" is "3"', "must be at most 3"),
    ("constraint-error", "constraint \"enum\" is \"['a', 'b']\"", "must be one of: a, b"),
    ("constraint-error", 'constraint "required" is "True"', "required value is missing"),
    ("type-error", 'type is "number/default"', "must be a number"),
    ("type-error", 'type is "date/default"', "must be a date written YYYY-MM-DD"),
])
def test_schema_errors_in_words(kind, note, words):
    from moneytrail.data.validate import schema_words

    assert schema_words(kind, note) == words
