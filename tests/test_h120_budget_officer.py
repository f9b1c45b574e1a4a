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


# -- 3. amounts as the web builder reads them -----------------------------------------------

@pytest.mark.parametrize("text", ["5 bn", "EUR 5 bn", "5,000,000,000", "5000 m"])
def test_a_budget_written_with_a_size_word_reads_as_the_builder_reads_it(tmp_path, text):
    from moneytrail.scenarios import load_scenario
    from moneytrail.web.numbers import read_number

    path = plan_file(tmp_path, lambda plan: plan["budget"].update(amount=text))
    assert load_scenario(path).budget.amount == 5e9 == read_number(text, sizes=True)


def test_a_budget_in_words_of_another_currency_is_refused(tmp_path, capsys):
    path = plan_file(tmp_path, lambda plan: plan["budget"].update(amount="USD 5 bn"))
    err = one_line_error(*run_main(capsys, "validate", path))
    assert "field 'budget.amount'" in err and "USD" in err and "EUR" in err


@pytest.mark.parametrize("text", ["5 bananas", "five", "five bn"])
def test_a_budget_that_is_no_amount_says_how_to_write_one(tmp_path, capsys, text):
    """'five' was read as the currency 'FIV' and the number 'e' ('the amount is in FIV but
    the plan's currency is EUR', tester 36): text without a digit is no amount."""
    path = plan_file(tmp_path, lambda plan: plan["budget"].update(amount=text))
    err = one_line_error(*run_main(capsys, "validate", path))
    assert "field 'budget.amount'" in err and "5e9" in err and "5 bn" in err
    assert "FIV" not in err


# -- 4. a price year is checked against the years the FX rates and deflators cover ----------

def test_validate_says_what_a_price_year_other_than_the_plan_year_stands_on(tmp_path, capsys):
    path = plan_file(tmp_path, lambda plan: plan.update(price_year=2026))
    code, out, err = run_main(capsys, "validate", path)
    assert code == 0, err
    fx = (ROOT / "src/moneytrail/data/package/macro/fx.csv").read_text().splitlines()[1:]
    years = sorted({int(line.split(",")[0]) for line in fx})
    assert "amounts at 2026 prices, restated to 2025 prices" in out
    assert f"price years {years[0]}-{years[-1]}" in out


@pytest.mark.parametrize("price_year, said", [(2099, "give a price_year of"),
                                              (1990, "macro/fx.csv has")])
def test_a_price_year_the_data_do_not_cover_is_refused_naming_the_range(tmp_path, capsys,
                                                                        price_year, said):
    path = plan_file(tmp_path, lambda plan: plan.update(price_year=price_year))
    err = one_line_error(*run_main(capsys, "validate", path))
    assert f"field 'price_year', value {price_year}" in err and said in err


# -- 5. a condition that does not apply is 'not applicable', left out of the share ----------

def test_a_condition_on_models_a_plan_does_not_buy_is_not_applicable(tmp_path):
    """The gigafactories plan buys no model licences: 'open-weight models only' neither holds
    nor fails (before: 'met', value 0, and counted in 'Conditions met')."""
    from moneytrail.scenarios import load_scenario
    from moneytrail.service import tasks
    from moneytrail.service.workspace import Workspace

    def conditions(plan):
        plan["conditions"] = [
            {"metric": "open_weights_only", "label": "open-weight models only"},
            {"metric": "value_added_share", "group": "us_big_tech", "max": 0.5,
             "label": "US big tech at most half"},
            {"metric": "eu_value_added_share", "min": 0.9, "label": "EU at least 90 %"},
        ]

    plan = load_scenario(plan_file(tmp_path, conditions))
    with Workspace.open() as ws:
        result = tasks.trace_plan(ws, plan, draws=100, store=None)
    verdicts = result.table("conditions")["verdict"].to_dict()
    assert verdicts == {"open-weight models only": "not applicable",
                        "US big tech at most half": "met", "EU at least 90 %": "not met"}
    row = result.table("scorecard").loc["Conditions met (share of applicable ones)"]
    assert row["eu-ai-gigafactories_p50"] == pytest.approx(0.5)     # 1 of 2, not 2 of 3
    assert "not applicable" in result.known_table("conditions").note.lower()
    note = result.known_table("scorecard").note
    assert "left out" in note and "'uncertain' counts as met in the draws where it holds" in note


def test_validate_flags_a_price_year_resting_on_provisional_rates(tmp_path, capsys):
    """2026 prices rest on a year-to-date FX mean (macro/fx.csv: 'not a full year') and on
    deflators extrapolated from a few months (sources labelled estimate): validate says so;
    2024 prices rest on full-year values, and cpi_us's own source (a machine copy labelled
    estimate for every year) is not flagged as a stand-in."""
    late = plan_file(tmp_path, lambda plan: plan.update(price_year=2026))
    code, out, _ = run_main(capsys, "validate", late)
    assert code == 0
    assert ("provisional for 2026: the FX rates (a year-to-date mean), the cpi_us deflator "
            "(an estimate) and the hicp_ea deflator (an estimate)") in out
    full = plan_file(tmp_path, lambda plan: plan.update(price_year=2024))
    code, out, _ = run_main(capsys, "validate", full)
    assert code == 0 and "amounts at 2024 prices" in out and "provisional" not in out
