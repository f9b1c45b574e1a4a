"""A data journalist's findings on the scorecard (h88): the HHI change of a plan whose 50 %
supplier cap lowers the AI-accelerator market's HHI read 0 (the largest rise over markets);
the compute row called the whole budget over the runs "final-run compute cost"; the rent rows
were lower bounds without saying so."""

from __future__ import annotations

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.analysis.concentration import largest_hhi_change, plan_concentration
from moneytrail.analysis.metrics import Evaluation
from moneytrail.analysis.scorecard import (
    COMPUTE_ROW,
    DOMINANT_ROW,
    HHI_ROW,
    RENAMED_ROWS,
    RENT_ROW,
)
from moneytrail.scenarios.reference import reference_dir
from moneytrail.scenarios.schema import Plan
from moneytrail.scenarios.yamlio import read_yaml
from moneytrail.service.tasks import scorecard_table, stored_scorecard_row

DRAWS = 300


def capped_plan() -> Plan:
    """The EU gigafactory plan with accelerators capped at 50 % a firm (Nvidia 50 %, AMD 50 %),
    as the builder's procurement rules write it."""
    plan = dict(read_yaml(reference_dir() / "eu-ai-gigafactories.yaml", ValueError))
    plan.update(id="gf-capped", budget={"amount": 10e9},
                procurement={"accelerators": {"nvidia": {"central": 0.5},
                                              "amd": {"central": 0.5}}})
    return Plan.model_validate(plan)


@pytest.fixture(scope="module")
def capped(workspace):
    plan = capped_plan()
    return mt.trace(plan, workspace.model(plan.year), draws=DRAWS, seed=1, keep_draws=True)


@pytest.fixture(scope="module")
def card(capped, workspace):
    return scorecard_table([capped], workspace)


def test_the_hhi_row_shows_the_fall_not_zero(capped, data, card):
    """The accelerator market's HHI falls (analyse: about -120 points); the scorecard showed
    the largest rise, +0. It now shows the change of the largest size, with its sign."""
    markets = plan_concentration(capped, data)
    fall = markets.loc["accelerators", "delta_p50"]
    assert fall < -10
    frame = card.frame()
    assert frame.loc[HHI_ROW, f"{capped.label}_p50"] == pytest.approx(fall)
    assert frame.loc[HHI_ROW, "unit"] == "points"
    assert "AI accelerators" in card.note and "a fall shown as negative" in card.note


def test_conditions_still_bound_the_largest_rise(capped, data):
    """A condition on `hhi_change` keeps its meaning (no market's HHI rises above the bound):
    the metric stays the greatest rise, 0 here, bit for bit."""
    evaluation = Evaluation.of(capped, data)
    assert np.array_equal(evaluation.metric("hhi_change"), largest_hhi_change(capped, data))
    assert np.nanmax(evaluation.metric("hhi_change")) == 0.0
    assert evaluation.hhi_market() == ("accelerators", 1.0)


def test_the_compute_row_says_it_is_the_whole_budget(card):
    frame = card.frame()
    assert COMPUTE_ROW in frame.index
    assert "Final-run" not in " ".join(frame.index)
    assert "final training run's only" not in card.note
    assert "whole budget" in card.note and "not its compute alone" in card.note
    assert RENAMED_ROWS["Final-run compute cost per GPT-4-level model"] == COMPUTE_ROW
    assert stored_scorecard_row("Final-run compute cost per GPT-4-level model", "EUR") == \
        (COMPUTE_ROW, "EUR")


def test_the_rent_rows_say_they_are_lower_bounds(card):
    frame = card.frame()
    assert "lower bound" in RENT_ROW and RENT_ROW in frame.index
    assert DOMINANT_ROW in frame.index
    assert "the rent share is a lower bound" in card.note
    assert stored_scorecard_row("Economic profit (rent), share of the plan", "share")[0] == \
        RENT_ROW
