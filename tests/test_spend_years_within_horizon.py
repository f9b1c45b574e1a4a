"""Years of spending longer than the horizon are refused by the plan checks (one rule in
`scenarios.schema.Plan`): the horizon counts the years of operation of the hardware a plan
buys (its electricity over the horizon, its residual value at the horizon's end), so a plan
that keeps buying for 10 years cannot be counted over 3 years of operation. `validate`,
`trace`, `parse_scenario` and a plan changed in Python refuse it alike, in one line naming
`spend_years` and its value; the reference plans still pass."""

from pathlib import Path

import pytest
import yaml

from moneytrail.cli import main
from moneytrail.errors import ScenarioError
from moneytrail.scenarios import load_scenario
from moneytrail.scenarios.schema import parse_scenario, revalidated

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
PLAN = {"id": "p", "title": "T", "year": 2025, "currency": "EUR",
        "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0}}


def run_main(capsys, *args):
    with pytest.raises(SystemExit) as info:
        main([str(a) for a in args])
    out = capsys.readouterr()
    return info.value.code, out.out, out.err


def plan_file(tmp_path, **changes) -> Path:
    plan = {**yaml.safe_load(GIGAFACTORIES.read_text()), **changes}
    path = tmp_path / f"{plan['id']}.yaml"
    path.write_text(yaml.safe_dump(plan, sort_keys=False))
    return path


@pytest.mark.parametrize("command", ["validate", "trace"])
def test_the_cli_refuses_spending_over_more_years_than_the_horizon(tmp_path, capsys, command):
    path = plan_file(tmp_path, horizon_years=3, spend_years=10)
    args = [command, path] + (["--draws", "20"] if command == "trace" else [])
    code, out, err = run_main(capsys, *args)
    assert code == 2 and out == "" and err.count("\n") == 1 and "Traceback" not in err
    assert f"error: {path}, field 'spend_years', value 10: must be at most the horizon" \
           in err, err
    assert "horizon_years (3 years)" in err and "raise horizon_years to 10" in err


def test_the_default_horizon_of_five_years_bounds_the_years_of_spending():
    with pytest.raises(ScenarioError) as info:
        parse_scenario({**PLAN, "spend_years": 6})
    assert info.value.field == "spend_years" and info.value.value == 6
    assert "horizon_years (5 years)" in info.value.detail
    with pytest.raises(ScenarioError) as strict:
        parse_scenario({**PLAN, "horizon_years": 3, "spend_years": 10}, strict=True)
    assert strict.value.field == "spend_years"


@pytest.mark.parametrize(("horizon", "years"), [(None, 5), (None, 1), (3, 3), (10, 2), (10, 10)])
def test_spending_within_the_horizon_still_passes(horizon, years):
    given = {"horizon_years": horizon} if horizon is not None else {}
    plan = parse_scenario({**PLAN, **given, "spend_years": years})
    assert plan.spend_years == years


def test_a_plan_changed_in_python_is_checked_again():
    plan = load_scenario(GIGAFACTORIES).model_copy(update={"spend_years": 9})
    with pytest.raises(ScenarioError) as info:
        revalidated(plan)
    assert info.value.field == "spend_years"


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml")))
def test_the_reference_plans_still_pass(capsys, name):
    code, out, err = run_main(capsys, "validate", ROOT / "scenarios" / name)
    assert code == 0, err
