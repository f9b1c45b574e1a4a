"""One rule for commas in typed numbers, in moneytrail.numbers.read_number and every caller:
a comma only separates thousands, in groups of three ('1,000', '2,500.5'); any other comma
('1,5', '12,50', '1,5 bn') is refused saying to use a point for decimals. Before, the builder
and plan files read '1,5 bn' as 1.5 bn while the claims page refused '12,5' with a rule of its
own. (The web callers: tests/web/test_web_number_commas.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from moneytrail.errors import MoneytrailError, ScenarioError
from moneytrail.numbers import DECIMAL_COMMA, NumberTextError, read_number

ROOT = Path(__file__).resolve().parents[1]
POINT = "use a point for decimals"


@pytest.mark.parametrize(("typed", "options", "expected"), [
    ("1,000.5", {}, 1000.5), ("1,000", {}, 1000), ("1,500", {}, 1500),    # not the German 1.5
    ("2,500.5", {"sizes": True}, 2500.5), ("1,000", {"sizes": True}, 1000),
    ("20,000,000", {"sizes": True}, 20_000_000), ("EUR 1,000 m", {"sizes": True}, 1_000_000_000),
    ("-1,000", {}, -1000), ("1,000 %", {"percent": True}, 10.0)])
def test_a_comma_separates_thousands_in_groups_of_three_in_every_field(typed, options,
                                                                       expected):
    value = read_number(typed, currency="EUR", **options)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(("typed", "options"), [
    ("1,5", {}), ("12,50", {}), ("0,25", {}), ("0,600", {}), (",5", {}), ("1.234,5", {}),
    ("1 234,5", {}), ("1,23,456", {}), ("01,000", {}), ("1,5 bn", {"sizes": True}),
    ("EUR 1,5 bn", {"sizes": True}), ("2,4 Mrd €", {"sizes": True}),
    ("20,5", {"sizes": True}), ("20,5 %", {"percent": True}), ("0,39", {"percent": True})])
def test_any_other_comma_is_refused_saying_to_use_a_point(typed, options):
    with pytest.raises(NumberTextError) as refused:
        read_number(typed, currency="EUR", **options)
    assert str(refused.value) == DECIMAL_COMMA
    assert str(refused.value).startswith(f"{POINT}: 12.5") and "\n" not in DECIMAL_COMMA


@pytest.mark.parametrize(("typed", "number"), [
    ("1,000", 1000.0), ("2,500.5", 2500.5), ("1.000", 1.0), ("1,000,000", 1e6)])
def test_own_claims_reads_commas_as_before(typed, number):
    from moneytrail.service.own_claims import QUANTITY
    from moneytrail.service.own_claims import read_number as read_own

    assert read_own(typed, QUANTITY["jobs_all"]) == (number, number)


@pytest.mark.parametrize("typed", ["12,5", "0,500", "1,5", "1.234,5", "1,00", "60,5 %"])
def test_own_claims_refuses_other_commas_naming_the_field_and_value(typed):
    from moneytrail.service.own_claims import QUANTITY
    from moneytrail.service.own_claims import read_number as read_own

    quantity = QUANTITY["first_invoice_share" if "%" in typed else "jobs_all"]
    with pytest.raises(MoneytrailError) as refused:
        read_own(typed, quantity)
    assert refused.value.field == "number" and refused.value.value == typed
    assert str(refused.value) == f"field 'number', value {typed!r}: {DECIMAL_COMMA}"


def test_own_claims_has_no_comma_rule_of_its_own():
    import moneytrail.service.own_claims as own_claims

    assert not hasattr(own_claims, "THOUSANDS_COMMAS")


def plan_file(tmp_path: Path, amount: str) -> Path:
    text = (ROOT / "scenarios" / "eu-ai-gigafactories.yaml").read_text(encoding="utf-8")
    assert "  amount: 20000000000\n" in text
    path = tmp_path / "eu-ai-gigafactories.yaml"
    path.write_text(text.replace("  amount: 20000000000\n", f"  amount: {amount!r}\n"),
                    encoding="utf-8")
    return path


def test_a_plan_file_refuses_a_decimal_comma_in_its_budget(tmp_path, capsys):
    from moneytrail.cli import main
    from moneytrail.scenarios.schema import load_scenario

    with pytest.raises(ScenarioError) as refused:
        load_scenario(plan_file(tmp_path, "1,5 bn"))
    assert refused.value.field == "budget.amount" and refused.value.value == "1,5 bn"
    assert refused.value.detail == DECIMAL_COMMA
    assert load_scenario(plan_file(tmp_path, "1,500 m")).budget.amount == 1.5e9
    with pytest.raises(SystemExit) as exited:
        main(["validate", str(plan_file(tmp_path, "1,5 bn"))])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "budget.amount" in err and "1,5 bn" in err and POINT in err
