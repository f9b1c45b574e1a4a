"""Tornado and Sobol sensitivity, with a golden tornado computed by hand on Miller & Blair."""

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.analysis.sensitivity import sobol, tornado
from moneytrail.engine.outputs import OutputSpec
from moneytrail.errors import MoneytrailError
from packages import miller_blair_plan, miller_blair_tables, write_package

FOOD = {"low": 0.1, "central": 600 / 2050, "high": 0.5}


def agriculture_share(A, va_agr, food_share):
    """0.65-style value-added share of agriculture, solved by hand."""
    f = 2050 * np.array([food_share, 1 - food_share])
    x = np.linalg.solve(np.eye(2) - A, f)
    return va_agr * x[0] / 2050


@pytest.fixture
def model(tmp_path):
    return mt.load_model(2025, path=write_package(tmp_path / "p",
                                                  miller_blair_tables(spread=0.05)))


def test_output_spec_grammar():
    assert OutputSpec.parse("share:us_big_tech") == OutputSpec("share", "group", "us_big_tech")
    assert str(OutputSpec.parse("amount:country:TW")) == "amount:country:TW"
    for bad in ("us_big_tech", "share:", "ratio:x", "share:planet:x"):
        with pytest.raises(MoneytrailError):
            OutputSpec.parse(bad)


def test_output_values_per_draw(mb_package):
    result = mt.trace(mt.parse_scenario(miller_blair_plan()),
                      mt.load_model(2025, path=mb_package), draws=100, keep_draws=True)
    labour = OutputSpec.parse("amount:factor:labour").values(result)
    assert labour == pytest.approx(result.by("factor").loc["labour", "amount_mean"])
    taxes = OutputSpec.parse("share:headline:Taxes").values(result)
    assert taxes == pytest.approx(result.by("factor").loc["tax", "share_mean"])
    with pytest.raises(MoneytrailError, match="no entity"):
        OutputSpec.parse("share:entity:nobody").values(result)


def test_tornado_golden_on_miller_blair(model):
    plan = mt.parse_scenario(miller_blair_plan(spend={"food": FOOD,
                                                      "goods": 1450 / 2050}))
    swings = tornado(plan, model, "share:entity:agriculture", top=None)
    table = swings.table.set_index("parameter")
    A = np.array([[0.15, 0.25], [0.20, 0.05]])
    goods = 1450 / 2050
    for end in ("low", "high"):
        food = FOOD[end]
        expected = agriculture_share(A, 0.65, food / (food + goods))
        assert table.loc["spend food", f"output_{end}"] == pytest.approx(expected, rel=1e-10)
    # agriculture's input from manufacturing at 0.25 instead of 0.20: its column adds to 1.05
    # and is renormalised, so every share in it is divided by 1.05
    B = A.copy()
    B[:, 0] = np.array([0.15, 0.25]) / 1.05
    expected = agriculture_share(B, 0.65 / 1.05, 600 / 2050)
    row = table.loc["cost agriculture<-manufacturing 2025"]
    assert row["output_high"] == pytest.approx(expected, rel=1e-10)
    assert (row["low"], row["central"], row["high"]) == pytest.approx((0.15, 0.20, 0.25))
    assert swings.base == pytest.approx(agriculture_share(A, 0.65, 600 / 2050))
    assert table.index[0] == "spend food"                 # the widest interval dominates
    # a single supplier's share is renormalised to 1 whatever it is given: not a parameter
    assert "market food/EU agriculture" not in table.index


def test_sobol_ranks_the_parameter_with_the_widest_effect_first(tmp_path):
    model = mt.load_model(2025, path=write_package(tmp_path / "q",
                                                   miller_blair_tables(spread=0.01)))
    plan = mt.parse_scenario(miller_blair_plan(spend={"food": FOOD, "goods": 1450 / 2050}))
    names = ["cost agriculture<-manufacturing 2025", "spend food",
             "cost manufacturing labour:US 2025"]
    indices = sobol(plan, model, "share:entity:agriculture", parameters=names, samples=256)
    table = indices.table
    assert list(table["parameter"])[0] == "spend food"
    first = table.set_index("parameter")
    assert first.loc["spend food", "ST"] > 0.9
    assert first.loc["spend food", "S1"] > 0.8
    assert indices.runs == 256 * (3 + 2)
    assert indices.output == "share:entity:agriculture" and indices.plan == plan.id


def test_sobol_defaults_to_the_top_of_the_tornado(model):
    plan = mt.parse_scenario(miller_blair_plan(spend={"food": FOOD, "goods": 1450 / 2050}))
    table = sobol(plan, model, "share:factor:labour", top=4, samples=64).table
    assert len(table) == 4 and np.all(np.isfinite(table["ST"]))


def test_cli_sensitivity_on_a_reference_plan():
    import subprocess
    import sys
    from pathlib import Path

    scenario = Path(__file__).parents[2] / "scenarios" / "eu-ai-gigafactories.yaml"
    out = subprocess.run([sys.executable, "-m", "moneytrail.cli", "sensitivity", str(scenario),
                          "--output", "share:entity:nvidia", "--top", "3", "--format", "csv"],
                         capture_output=True, text=True, check=True)
    lines = out.stdout.strip().splitlines()
    assert lines[0].startswith("parameter,low,central,high,output_low,output_high,swing")
    assert len(lines) == 4 and any("spend accelerators" in line for line in lines)


# -- Sobol against exact references, on pure functions ------------------------------------------

def test_sobol_indices_of_a_linear_function_are_exact_shares_of_variance():
    from moneytrail.analysis.sensitivity import sobol_indices

    weights = np.array([1.0, 2.0, 3.0])            # Var(a_i U_i) = a_i^2 / 12: S1 = a_i^2 / sum
    indices = sobol_indices(lambda u: u @ weights, ["a", "b", "c"], 4096)
    table = indices.table.set_index("parameter")
    exact = weights ** 2 / (weights ** 2).sum()
    np.testing.assert_allclose(table.loc[["a", "b", "c"], "S1"], exact, atol=0.02)
    np.testing.assert_allclose(table.loc[["a", "b", "c"], "ST"], exact, atol=0.02)
    assert indices.runs == 4096 * 5


def test_sobol_indices_of_the_ishigami_function():
    """Ishigami (a=7, b=0.1) on [-pi, pi]^3: S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424,
    0.2437) analytically (Saltelli et al. 2008, Global Sensitivity Analysis, p. 179)."""
    from moneytrail.analysis.sensitivity import sobol_indices

    def ishigami(u):
        x = -np.pi + 2 * np.pi * u
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    table = sobol_indices(ishigami, ["x1", "x2", "x3"], 8192).table.set_index("parameter")
    np.testing.assert_allclose(table.loc[["x1", "x2", "x3"], "S1"], [0.3139, 0.4424, 0.0],
                               atol=0.03)
    np.testing.assert_allclose(table.loc[["x1", "x2", "x3"], "ST"], [0.5576, 0.4424, 0.2437],
                               atol=0.03)


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("samples", [0, -4, 100, 1, True])
def test_sobol_samples_must_be_a_power_of_two(model, samples):
    plan = mt.parse_scenario(miller_blair_plan(spend={"food": FOOD, "goods": 1450 / 2050}))
    with pytest.raises(MoneytrailError, match="power of 2") as exc:
        sobol(plan, model, "share:entity:agriculture", samples=samples)
    assert exc.value.field == "samples"


@pytest.mark.parametrize("top", [0, -1])
def test_top_must_be_at_least_one(model, top):
    plan = mt.parse_scenario(miller_blair_plan(spend={"food": FOOD, "goods": 1450 / 2050}))
    for method in (tornado, sobol):
        with pytest.raises(MoneytrailError, match="top must be") as exc:
            method(plan, model, "share:entity:agriculture", top=top)
        assert exc.value.field == "top"


def test_sobol_says_the_output_depends_on_no_uncertain_parameter(tmp_path):
    model = mt.load_model(2025, path=write_package(tmp_path / "fixed", miller_blair_tables()))
    plan = mt.parse_scenario(miller_blair_plan())
    with pytest.raises(MoneytrailError, match="output depends on no uncertain parameter"):
        sobol(plan, model, "share:entity:agriculture", samples=64)


def test_a_model_of_another_year_is_refused(model):
    plan = mt.parse_scenario(miller_blair_plan(year=2026))
    for method in (tornado, sobol):
        with pytest.raises(MoneytrailError, match="the model is for 2025, the plan for 2026"):
            method(plan, model, "share:entity:agriculture")


def test_tornado_leaves_out_a_share_alone_in_its_block(model):
    """A plan's only spending category is renormalised to 1 whatever its interval says: at
    its low end 0 it was 0 / 0 (a RuntimeWarning and a NaN row); it is not a parameter."""
    plan = mt.parse_scenario(miller_blair_plan(spend={"food": {"low": 0.0, "central": 1.0,
                                                               "high": 1.0}}))
    with np.errstate(all="raise"):
        table = tornado(plan, model, "share:entity:agriculture", top=None).table
    assert "spend food" not in set(table["parameter"])
    assert table["output_low"].notna().all() and table["output_high"].notna().all()
    two = mt.parse_scenario(miller_blair_plan(spend={"food": FOOD, "goods": 1450 / 2050}))
    assert "spend food" in set(tornado(two, model, "share:entity:agriculture",
                                       top=None).table["parameter"])
