"""A budget above a year's GDP of the largest economy in the data (macro/gdp.csv: the US,
USD 29.18 tn in 2024, x_wb_gdp_2024) is refused before any draw; a tester's 1e17 printed
"EUR 100,000.00 tn" and about a quadrillion FTE."""

import subprocess
import sys
from pathlib import Path

import pytest

import moneytrail as mt
from moneytrail.errors import ScenarioError
from moneytrail.service import tasks
from moneytrail.service.workspace import Workspace

REFERENCE = Path(__file__).parents[1] / "scenarios" / "efficiency-first-eu.yaml"


@pytest.fixture(scope="module")
def ws():
    with Workspace.open() as workspace:
        yield workspace


def with_budget(tmp_path, amount: str, currency: str = "EUR") -> Path:
    text = REFERENCE.read_text()
    path = tmp_path / "efficiency-first-eu.yaml"
    path.write_text(text.replace("amount: 20000000000", f"amount: {amount}")
                    .replace("currency: EUR", f"currency: {currency}"))
    return path


def test_the_bound_is_the_largest_gdp_in_the_data(ws):
    assert tasks.largest_economy(ws, 2025) == ("US", 2024, 29_184_900_000_000.0, "x_wb_gdp_2024")
    assert tasks.largest_economy(ws, 2023) == ("US", 2023, 27_360_900_000_000.0, "x_wb_gdp_2023")


@pytest.mark.parametrize("amount, usd", [("1e17", "112,998.0"), ("26e12", "29.4")])
def test_a_budget_above_it_is_refused_naming_the_figure_and_source(ws, tmp_path, amount, usd):
    plan = mt.load_scenario(with_budget(tmp_path, amount))
    with pytest.raises(ScenarioError) as exc:
        tasks.check_plan(ws, plan)
    assert exc.value.field == "budget.amount"
    message = str(exc.value)
    assert f"(USD {usd} tn) is more than the GDP of the largest economy" in message
    assert ("US, USD 29.2 tn in 2024, the GDP table of the data package, source "
            "x_wb_gdp_2024") in message
    assert "\n" not in message


def test_budgets_below_it_pass_in_any_currency(ws, tmp_path):
    tasks.check_plan(ws, mt.load_scenario(with_budget(tmp_path, "25e12")))   # USD 28.2 tn
    tasks.check_plan(ws, mt.load_scenario(with_budget(tmp_path, "6.22e14", "KRW")))
    # KRW 1,605.45 and USD 1.12998 per EUR in 2025 (macro/fx.csv): 5e16 KRW = USD 35.2 tn
    with pytest.raises(ScenarioError, match=r"KRW 50,000.0 tn \(USD 35.2 tn\)"):
        tasks.check_plan(ws, mt.load_scenario(with_budget(tmp_path, "5e16", "KRW")))


def test_trace_refuses_it_in_one_line_with_exit_2(tmp_path):
    done = subprocess.run([sys.executable, "-m", "moneytrail", "trace",
                           str(with_budget(tmp_path, "1e17")), "--draws", "20"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "field 'budget.amount', value '1e+17'" in lines[0]


def test_validate_refuses_it_too(tmp_path):
    done = subprocess.run([sys.executable, "-m", "moneytrail", "validate",
                           str(with_budget(tmp_path, "1e17"))],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "GDP of the largest economy" in done.stderr


def test_a_usd_budget_is_not_restated_in_usd(ws, tmp_path):
    """'a budget of USD 40.0 tn (USD 40.0 tn)' said the same amount twice (review)."""
    plan = mt.load_scenario(with_budget(tmp_path, "40e12")).model_copy(update={"currency": "USD"})
    with pytest.raises(ScenarioError) as exc:
        tasks.check_plan(ws, plan)
    assert "a budget of USD 40.0 tn is more than the GDP" in str(exc.value)
