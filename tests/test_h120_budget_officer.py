"""A budget officer's findings (h120): `validate` runs the checks trace and analyse run, an
unknown key is named beside the required one it stands for, amounts read as the web builder
reads them, price years the data do not cover are refused, and a condition that does not
apply to a plan is 'not applicable', left out of the 'Conditions met' share."""

from pathlib import Path

import pytest
import yaml

from moneytrail.cli import main

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def plan_file(tmp_path, change) -> Path:
    plan = yaml.safe_load(GIGAFACTORIES.read_text())
    change(plan)
    path = tmp_path / f"{plan['id']}.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False))
    return path


def one_line_error(code, out, err) -> str:
    assert code == 2, err
    assert out == "" and err.count("\n") == 1 and "Traceback" not in err
    return err


# -- 1. validate runs every check trace and analyse run -------------------------------------

def typo_group(plan):
    plan["conditions"] = [{"metric": "value_added_share", "group": "us_big_tehc", "max": 0.5}]


def typo_source(plan):
    plan["budget"]["source"] = "m_my_ministry_2026"


@pytest.mark.parametrize("change, field, said", [
    (typo_group, "conditions.0.group", "unknown group"),
    (typo_source, "budget.source", "unknown source id"),
])
def test_validate_refuses_what_trace_refuses(tmp_path, capsys, change, field, said):
    path = plan_file(tmp_path, change)
    for command in ("validate", "trace"):
        args = [command, path] + (["--draws", "20"] if command == "trace" else [])
        err = one_line_error(*run_main(capsys, *args))
        assert f"field '{field}'" in err and said in err, (command, err)


def test_validate_still_accepts_a_good_plan(capsys):
    code, out, err = run_main(capsys, "validate", GIGAFACTORIES)
    assert code == 0 and "valid scenario" in out


# -- 2. a misspelt required key is named ----------------------------------------------------

def test_a_misspelt_required_key_is_named(tmp_path, capsys):
    path = plan_file(tmp_path, lambda plan: plan.update(budgt=plan.pop("budget")))
    err = one_line_error(*run_main(capsys, "validate", path))
    assert "field 'budget'" in err
    assert "unknown key 'budgt'" in err and "did you mean 'budget'" in err


def test_a_misspelt_nested_required_key_is_named(tmp_path, capsys):
    def typo(plan):
        plan["budget"]["amout"] = plan["budget"].pop("amount")

    err = one_line_error(*run_main(capsys, "validate", plan_file(tmp_path, typo)))
    assert "field 'budget.amount'" in err and "unknown key 'amout'" in err
