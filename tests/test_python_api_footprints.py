"""`mt.trace(plan).footprint(...)` on the bundled data: the supply-chain CO2 (`co2e_scope12`)
and jobs (`jobs`) the service puts in a trace run's co2 and jobs tables and columns, the same
figures for the same plan, draws and seed."""

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.engine.summary import STATS
from moneytrail.errors import ModelError, MoneytrailError
from moneytrail.service import tasks
from moneytrail.service.workspace import Workspace

PLAN = "scenarios/eu-ai-gigafactories.yaml"
DRAWS, SEED = 200, 5


@pytest.fixture(scope="module")
def both():
    plan = mt.load_scenario(PLAN)
    traced = mt.trace(plan, draws=DRAWS, seed=SEED)
    with Workspace.open() as ws:
        run = tasks.trace_plan(ws, plan, draws=DRAWS, seed=SEED, analyses=False, store=None)
    return traced, run


def test_co2_footprint_equals_the_runs_co2_figures(both):
    traced, run = both
    co2 = traced.footprint("co2e_scope12")
    table = run.table("co2")
    total = co2.by("total").iloc[0]
    row = table.loc["embodied CO2, all tiers"]
    for stat in STATS:
        assert total[f"amount_{stat}"] == pytest.approx(row[f"amount_{stat}"], rel=1e-9)
    entity = run.table("entity")
    mine = co2.by("entity")["amount_mean"].reindex(entity.index)
    assert np.allclose(mine.fillna(0.0), entity["co2_t_mean"].fillna(0.0), rtol=1e-9)
    assert total["amount_mean"] > 0


def test_jobs_footprint_equals_the_runs_jobs_figures(both):
    traced, run = both
    jobs = traced.footprint("jobs").by("total").iloc[0]
    row = run.table("jobs").loc["jobs (FTE-years), all"]
    for stat in STATS:
        assert jobs[f"amount_{stat}"] == pytest.approx(row[f"amount_{stat}"], rel=1e-9)


def test_an_unknown_account_names_the_ones_there_are(both):
    traced, _ = both
    with pytest.raises(MoneytrailError) as error:
        traced.footprint("water")
    assert "co2e_scope12" in str(error.value) and "jobs" in str(error.value)


def test_the_engine_alone_says_which_call_gives_them():
    from moneytrail.engine.trace import trace as engine_trace

    plan = mt.load_scenario(PLAN)
    bare = engine_trace(plan, mt.load_model(plan.year), draws=50, seed=1)
    with pytest.raises(ModelError) as error:
        bare.footprint("co2e_scope12")
    assert "mt.trace(plan)" in str(error.value)


def test_each_footprint_names_the_unit_its_figures_are_in(both):
    """jobs and employees are work over the whole spending (FTE-years, as the run's jobs table
    and the CLI's csv say), not jobs at one time (FTE); CO2 is tonnes."""
    traced, run = both
    assert traced.footprint("jobs").unit == "FTE-years"
    assert traced.footprint("employees").unit == "FTE-years"
    assert traced.footprint("co2e_scope12").unit == "t CO2e"
    assert run.table("jobs").loc["jobs (FTE-years), all", "unit"] == traced.footprint("jobs").unit
