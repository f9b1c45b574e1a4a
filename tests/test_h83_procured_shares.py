"""The builder's procurement rules go through the service (h83): `procured_shares` applies
the rules `compare` applies (analysis.procurement.procured_plan) to a plan's supplier shares,
with the defaults of `compare` for what is not given."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import moneytrail as mt
from moneytrail.analysis.procurement import eu_owned, procured_plan
from moneytrail.errors import ScenarioError
from moneytrail.service import tasks

ROOT = Path(__file__).resolve().parents[1]
GIGAFACTORIES = ROOT / "scenarios" / "eu-ai-gigafactories.yaml"
EFFICIENCY = ROOT / "scenarios" / "efficiency-first-eu.yaml"


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


def test_shares_under_a_50_percent_cap_add_up_and_no_firm_is_above_it(ws):
    plan = mt.load_scenario(GIGAFACTORIES)
    ruled, shares = tasks.procured_shares(ws, plan, cap=0.5, eu_weight=1.0)
    totals = shares.groupby(level="category")["share_after"].sum()
    assert np.allclose(totals, 1.0), totals
    met = shares[shares["capped"] & shares["cap_met"]]
    assert len(met) and (met["share_after"] <= 0.5 + 1e-12).all(), met
    assert shares.loc[("accelerators", "nvidia"), "share_before"] > 0.5
    assert shares.loc[("accelerators", "nvidia"), "share_after"] == pytest.approx(0.5)
    for suppliers in ruled.procurement.values():      # the plan's override, labelled
        assert sum(s.central for s in suppliers.values()) == pytest.approx(1.0)
        for share in suppliers.values():
            assert share.reliability == "assumption" and share.source is None
            assert share.note and share.note.startswith("Procurement rule (no supplier above "
                                                        "50 % of a category)"), share.note
            assert share.low <= share.central <= share.high


def test_the_eu_weight_raises_eu_owned_suppliers_shares(ws):
    plan = mt.load_scenario(GIGAFACTORIES)
    model = ws.model(plan.year)
    plain = tasks.procured_shares(ws, plan, cap=0.5, eu_weight=1.0)[1]
    preferred = tasks.procured_shares(ws, plan, cap=0.5, eu_weight=3.0)[1]
    facility = plain.loc["facility"]
    eu = eu_owned(model, list(facility.index))
    assert eu.any() and not eu.all()
    before = facility["share_after"][eu].sum()
    after = preferred.loc["facility"]["share_after"][eu].sum()
    assert after > before + 0.01, (before, after)
    assert (preferred.loc["facility"]["share_after"][eu] > facility["share_after"][eu]).all()


def test_defaults_are_compares_rules_and_a_single_supplier_cannot_meet_the_cap(ws):
    plan = mt.load_scenario(EFFICIENCY)
    ruled, shares = tasks.procured_shares(ws, plan)
    expected, expected_shares = procured_plan(plan, ws.model(plan.year),
                                              tasks.default_procurement(ws))
    assert ruled.procurement == expected.procurement
    assert shares.equals(expected_shares)
    assert not shares.loc["model_licences"]["cap_met"].all()
    only = tasks.procured_shares(ws, plan, categories=["cloud_compute"])[1]
    assert set(only.index.get_level_values("category")) >= {"cloud_compute", "staff"}
    assert only.loc["model_licences"]["cap_met"].all()     # not ruled: nothing to meet


@pytest.mark.parametrize("rules, field", [({"cap": 0.0}, "cap"), ({"cap": 1.5}, "cap"),
                                          ({"eu_weight": 0.5}, "eu_weight"),
                                          ({"categories": ["unicorns"]}, "categories")])
def test_bad_rules_are_scenario_errors_naming_the_field(ws, rules, field):
    with pytest.raises(ScenarioError) as info:
        tasks.procured_shares(ws, mt.load_scenario(GIGAFACTORIES), **rules)
    assert info.value.field == field
