"""h235: plan numbers read as the ledger reads its cells (data.checks.NUMBER_RE).

1. Text with an underscore ('20_000', which Python and pydantic read as 20000) was accepted in
   plan text values and the builder's reader while the ledger refuses it: now 'not a number',
   naming the field and the value. YAML's own unquoted `20_000` stays accepted (the schema
   gets a number YAML read, not text): the documented choice.
2. 1e400 in a plan number said 'too large to be finite': now the field's cap message.
3. 1e-400 in a plan share silently became 0: now 'too small to store (it rounds to 0)'.
4. A whole number of 400 digits in a share or a condition said 'Input should be a valid
   number': now the field's cap.
5. `mt.trace(plan, seed="1")` took text for a seed: now a one-line ScenarioError naming seed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import moneytrail as mt
from moneytrail.errors import MoneytrailError, ScenarioError
from moneytrail.numbers import NumberTextError, read_number
from moneytrail.scenarios.schema import load_scenario, parse_scenario
from packages import miller_blair_plan

ROOT = Path(__file__).resolve().parents[1]
NOT_A_NUMBER = "not a number: write it without underscores (20000 or 20 000, not 20_000)"
TOO_SMALL = "too small to store (it rounds to 0): give 0 or a larger number"
BUDGET_CAP = ("a budget can be at most 100,000 tn in the plan's currency, the upper bound "
              "(there to catch typos): check the amount and its size word")
SHARE_CAP = "must be a share between 0 and 1, got "
BIG = 10 ** 400

BASE: dict[str, Any] = {
    "id": "plan", "title": "Numbers", "year": 2025, "currency": "EUR",
    "budget": {"amount": 1000.0},
    "spend": {"accelerators": {"central": 0.6, "low": 0.5, "high": 0.7},
              "facility": {"central": 0.4, "low": 0.3, "high": 0.5}},
    "renewable_share": {"central": 0.5, "low": 0.4, "high": 0.6},
    "conditions": [{"metric": "single_supplier_share", "max": 0.5, "threshold": 0.3}],
}


def with_value(path: str, value: Any) -> dict[str, Any]:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    node = data
    parts = [int(p) if p.isdigit() else p for p in path.split(".")]
    for part in parts[:-1]:
        node = node[part]
    node[parts[-1]] = value
    return data


def refusal(path: str, value: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(with_value(path, value))
    assert "\n" not in str(caught.value)
    assert caught.value.field == path, caught.value
    return caught.value


# -- 1. underscores ---------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["budget.amount", "spend.accelerators.low",
                                  "renewable_share.central", "conditions.0.max",
                                  "conditions.0.threshold"])
def test_text_with_an_underscore_is_not_a_number_in_any_plan_field(path):
    typed = "20_000" if path == "budget.amount" else "0_5"
    error = refusal(path, typed)
    assert error.detail == NOT_A_NUMBER and error.value == typed


@pytest.mark.parametrize("typed", ["20_000", "20_000 bn", "EUR 2_0 bn", "5_0 %", "1_000.5"])
def test_the_builders_reader_refuses_underscores(typed):
    with pytest.raises(NumberTextError, match="not a number"):
        read_number(typed, sizes="bn" in typed, currency="EUR", percent="%" in typed)


def test_an_unquoted_yaml_number_with_underscores_is_yamls_own_and_accepted(tmp_path):
    """The choice documented in scenarios.schema: YAML 1.1 reads `20_000_000_000` as a number
    before the plan sees it; quoted, it is text and refused as the ledger refuses it."""
    text = yaml.safe_dump({**BASE, "id": "plan", "buyer_region": "EU"}, sort_keys=False)
    file = tmp_path / "plan.yaml"
    file.write_text(text.replace("amount: 1000.0", "amount: 20_000_000_000"))
    assert load_scenario(file).budget.amount == 20_000_000_000
    file.write_text(text.replace("amount: 1000.0", "amount: '20_000_000_000'"))
    with pytest.raises(ScenarioError, match="not a number") as caught:
        load_scenario(file)
    assert caught.value.field == "budget.amount"


# -- 2 and 4. beyond any float: the field's cap -----------------------------------------------
@pytest.mark.parametrize(("path", "said"), [
    ("budget.amount", BUDGET_CAP), ("spend.accelerators.low", SHARE_CAP + "{}"),
    ("renewable_share.central", SHARE_CAP + "{}"),
    ("conditions.0.max", "threshold {} is outside the range of single_supplier_share [0, 1]"),
    ("conditions.0.threshold", "threshold must be a share in (0, 1]")])
@pytest.mark.parametrize("value", ["1e400", BIG], ids=["1e400", "400 digits"])
def test_a_number_beyond_any_float_gets_the_fields_cap(path, said, value):
    error = refusal(path, value)
    written = "1e400" if value == "1e400" else "a whole number of 401 digits"
    if path == "conditions.0.max" and value == BIG:
        written = f"({written})"
    assert error.detail == said.format(written)
    assert "finite" not in error.detail and "valid number" not in error.detail


@pytest.mark.parametrize(("path", "said"), [
    ("year", "must be a whole number from 1990 to 2100"),
    ("seed", "must be a whole number from 0 to 9,223,372,036,854,775,807"),
    ("horizon_years", "must be a whole number from 1 to 30")])
def test_a_400_digit_whole_number_names_the_fields_range(path, said):
    error = refusal(path, BIG)
    assert error.detail == f"{said}, got a whole number of 401 digits"


def test_spelled_infinity_keeps_its_own_words():
    assert "not a finite number" in refusal("spend.accelerators.low", "inf").detail


# -- 3. too small to store --------------------------------------------------------------------
@pytest.mark.parametrize("path", ["budget.amount", "spend.accelerators.low",
                                  "renewable_share.central", "conditions.0.max"])
def test_a_non_zero_number_too_small_for_a_float_is_refused(path):
    error = refusal(path, "1e-400")
    assert error.detail == TOO_SMALL and error.value == "1e-400"


def test_zero_written_as_zero_stays_zero():
    plan = parse_scenario(with_value("spend.accelerators.low", "0e-400"))
    assert plan.spend["accelerators"].low == 0
    plan = parse_scenario(with_value("spend.accelerators.low", 0.0))
    assert plan.spend["accelerators"].low == 0


def test_yaml_floats_a_float_cannot_hold(tmp_path):
    text = yaml.safe_dump(BASE, sort_keys=False)
    file = tmp_path / "plan.yaml"
    file.write_text(text.replace("low: 0.5", "low: 1.0e-400"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    assert (caught.value.field, caught.value.detail) == ("spend.accelerators.low", TOO_SMALL)
    file.write_text(text.replace("low: 0.5", "low: 1.0e+400"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(file)
    assert (caught.value.field, caught.value.detail) == ("spend.accelerators.low",
                                                         SHARE_CAP + "1.0e+400")


# -- the command line: one line, exit 2 -------------------------------------------------------
@pytest.mark.parametrize(("old", "new", "field", "said"), [
    ("amount: 1000.0", "amount: '20_000'", "budget.amount", NOT_A_NUMBER),
    ("amount: 1000.0", "amount: 1e400", "budget.amount", BUDGET_CAP),
    ("low: 0.5", "low: '1e-400'", "spend.accelerators.low", TOO_SMALL),
    ("low: 0.5", f"low: {BIG}", "spend.accelerators.low",
     SHARE_CAP + "a whole number of 401 digits")])
def test_moneytrail_trace_prints_one_line(tmp_path, old, new, field, said):
    file = tmp_path / "plan.yaml"
    file.write_text(yaml.safe_dump(BASE, sort_keys=False).replace(old, new))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "trace", str(file)],
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert f"field '{field}'" in lines[0] and lines[0].endswith(said), lines[0]


# -- 5. mt.trace(seed="1") --------------------------------------------------------------------
@pytest.mark.parametrize("seed", ["1", "", b"1"])
def test_trace_refuses_text_for_a_seed(mb_package, seed):
    model = mt.load_model(2025, path=mb_package)
    plan = mt.parse_scenario(miller_blair_plan())
    with pytest.raises(ScenarioError) as caught:
        mt.trace(plan, model, draws=100, seed=seed)
    assert caught.value.field == "seed" and caught.value.value == seed
    assert "\n" not in str(caught.value) and "text" in str(caught.value)


def test_trace_still_takes_a_whole_number_seed(mb_package):
    model = mt.load_model(2025, path=mb_package)
    plan = mt.parse_scenario(miller_blair_plan())
    assert mt.trace(plan, model, draws=100, seed=2).info["seed"] == 2
    with pytest.raises(MoneytrailError, match="seed must be a whole number"):
        mt.trace(plan, model, draws=100, seed=-1)
