"""h242, plan files:

1. A plan file without `buyer_region` traced as buying in the EU market, silently (the plan
   model's default), while every other missing required field is an error: a file must now
   name it (a one-line error naming the file and the field); the bundled plans name it.
2. `currency: eur` in a file was refused ("three capital letters") while the builder read
   `eur` as EUR: a file reads it as the builder does (numbers.currency_of_symbol).
3. An unknown key `budget.unit: billion` was reported as "value 'unit'": the value given is
   named, beside the field `budget.unit`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import moneytrail as mt
from moneytrail.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[1]
STARGATE = (ROOT / "scenarios" / "stargate-style-us.yaml").read_text(encoding="utf-8")


def plan_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stargate-style-us.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_plan_file_without_buyer_region_is_refused_naming_file_and_field(tmp_path):
    path = plan_file(tmp_path, STARGATE.replace("buyer_region: US\n", ""))
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(path)
    assert info.value.field == "buyer_region" and info.value.file == str(path)
    assert str(info.value) == (f"{path}, field 'buyer_region': required in a plan file: EU or "
                               "US, whose market shares the plan buys at")
    with pytest.raises(ScenarioError, match="field 'buyer_region': required"):
        mt.parse_scenario(STARGATE.replace("buyer_region: US\n", ""), id_rule=False)


def test_a_typo_of_buyer_region_is_named_as_an_unknown_key(tmp_path):
    path = plan_file(tmp_path, STARGATE.replace("buyer_region: US", "buyer_regoin: US"))
    with pytest.raises(ScenarioError, match="field 'buyer_regoin', value 'US': unknown key"):
        mt.load_scenario(path)


def test_the_bundled_plans_and_the_builder_name_their_buyer_region():
    from moneytrail.web import builder

    regions = {p.stem: mt.load_scenario(p).buyer_region for p in mt.reference_scenarios()}
    assert regions["stargate-style-us"] == "US" and set(regions.values()) <= {"EU", "US"}
    assert builder.reference_mapping("stargate-style-us")["buyer_region"] == "US"


@pytest.mark.parametrize("typed", ["usd", "Usd", " USD "])
def test_a_currency_in_any_case_is_read_as_the_builder_reads_it(tmp_path, typed):
    path = plan_file(tmp_path, STARGATE.replace("currency: USD", f"currency: '{typed}'"))
    typed_plan = mt.load_scenario(path).model_dump()
    assert typed_plan["currency"] == "USD"
    assert typed_plan == mt.load_scenario(plan_file(tmp_path, STARGATE)).model_dump()
    with pytest.raises(ScenarioError, match="three capital letters"):
        mt.load_scenario(plan_file(tmp_path, STARGATE.replace("currency: USD", "currency: usdx")))


def test_an_unknown_key_names_the_field_and_the_value_given(tmp_path):
    path = plan_file(tmp_path, STARGATE.replace("budget:\n", "budget:\n  unit: billion\n"))
    with pytest.raises(ScenarioError) as info:
        mt.load_scenario(path)
    assert (info.value.field, info.value.value) == ("budget.unit", "billion")
    assert "field 'budget.unit', value 'billion': unknown key" in str(info.value)
