"""Single suppliers, jurisdictions and dated export-control rules."""

import datetime as dt

import numpy as np
import pytest

import moneytrail as mt
from conftest import make_plan
from moneytrail.analysis.dependency import (
    dependency_table,
    export_exposure,
    export_table,
    jurisdiction_shares,
    single_supplier_share,
)
from moneytrail.errors import ScenarioError

IN_FORCE, RESCINDED = dt.date(2025, 3, 1), dt.date(2025, 6, 1)


def test_single_supplier_share_is_the_nvidia_categories(reference):
    result = reference["eu-ai-gigafactories"]
    share = single_supplier_share(result)
    table = dependency_table(result)
    assert table.loc["accelerators", "largest_supplier"] == "nvidia"
    assert table.loc["accelerators", "p_single_supplier"] == 1.0
    assert np.all(share >= 0.25) and np.all(share <= 1)
    assert np.all(single_supplier_share(result, threshold=0.99) == 0)
    with pytest.raises(ScenarioError):
        single_supplier_share(result, threshold=1.5)


def test_jurisdictions_add_up(reference):
    table = jurisdiction_shares(reference["stargate-style-us"])
    assert table["mean"].sum() == pytest.approx(1.0)
    assert table.index[0] == "US"


def test_same_plan_two_dates_two_answers(model, data):
    # EUR 10 bn of accelerators sited in Poland (Tier 2) is far above the ~49,899 H100e cap
    plan = make_plan(site_country="PL", budget={"amount": 1e10})
    result = mt.trace(plan, model)
    before, info = export_exposure(result, IN_FORCE, data=data)
    after, _ = export_exposure(result, RESCINDED, data=data)
    assert info["tier"] == 2 and np.all(before > 0.5) and np.all(after == 0)
    table = export_table(result, [IN_FORCE, RESCINDED], data)
    assert table.loc["2025-03-01", "exposed_p50"] > 0.5
    assert table.loc["2025-06-01", "exposed_p50"] == 0
    germany = mt.trace(make_plan(site_country="DE", budget={"amount": 1e10}), model)
    assert np.all(export_exposure(germany, IN_FORCE, data=data)[0] == 0)


def test_unspecified_eu_site_counts_exposed_members(reference, data):
    share, info = export_exposure(reference["eu-ai-gigafactories"], IN_FORCE, data=data)
    assert share[0] == pytest.approx(17 / 27)
    assert "PL" in info["exposed_members"] and "DE" not in info["exposed_members"]
