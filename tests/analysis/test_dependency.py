"""Single suppliers, jurisdictions and dated export-control rules."""

import datetime as dt

import numpy as np
import pytest
from analysis_plans import make_plan

import moneytrail as mt
from moneytrail.analysis.dependency import (
    dependency_table,
    export_exposure,
    export_table,
    jurisdiction_shares,
    single_supplier_share,
)
from moneytrail.errors import ScenarioError

IN_FORCE, RESCINDED = dt.date(2025, 3, 1), dt.date(2025, 6, 1)


def test_single_supplier_share_is_the_nvidia_categories(reference, data):
    result = reference["eu-ai-gigafactories"]
    share = single_supplier_share(result, data=data)
    table = dependency_table(result, data=data)
    assert table.loc["accelerators", "largest_supplier"] == "nvidia"
    assert table.loc["accelerators", "p_single_supplier"] == 1.0
    assert np.all(share >= 0.25) and np.all(share <= 1)
    assert np.all(single_supplier_share(result, threshold=0.99, data=data) == 0)
    with pytest.raises(ScenarioError):
        single_supplier_share(result, threshold=1.5, data=data)


def test_jurisdictions_add_up(reference):
    table = jurisdiction_shares(reference["stargate-style-us"])
    assert table["mean"].sum() == pytest.approx(1.0)
    assert table.index[0] == "US"


def test_same_plan_two_dates_two_answers(model, data):
    # EUR 10 bn of accelerators sited in Poland (Tier 2) is far above the ~49,899 H100e cap
    plan = make_plan(site_country="PL", budget={"amount": 1e10})
    result = mt.trace(plan, model,
                       keep_draws=True)
    before, info = export_exposure(result, IN_FORCE, data=data, basis="in_force")
    after, _ = export_exposure(result, RESCINDED, data=data, basis="in_force")
    assert info["tier"] == 2 and np.all(before > 0.5) and np.all(after == 0)
    table = export_table(result, [IN_FORCE, RESCINDED], data=data)
    assert table.loc[("2025-03-01", "in_force"), "exposed_p50"] > 0.5
    assert table.loc[("2025-06-01", "in_force"), "exposed_p50"] == 0
    # the caps were rescinded (2025-05-13) before compliance was due (2025-05-15): never bound
    assert table.loc[("2025-03-01", "binding"), "exposed_p50"] == 0
    binding, info = export_exposure(result, IN_FORCE, data=data)
    assert info["basis"] == "binding" and np.all(binding == 0)
    germany = mt.trace(make_plan(site_country="DE", budget={"amount": 1e10}), model,
                       keep_draws=True)
    assert np.all(export_exposure(germany, IN_FORCE, data=data, basis="in_force")[0] == 0)


def test_unspecified_eu_site_is_read_at_a_capped_member(reference, model, data):
    """M2: no site named: the share of the plan's chips above the cap of a capped member,
    the same metric as for a named site (not a share of member states)."""
    giga = reference["eu-ai-gigafactories"]
    share, info = export_exposure(giga, IN_FORCE, data=data, basis="in_force")
    assert "PL" in info["exposed_members"] and "DE" not in info["exposed_members"]
    poland = mt.trace(giga.plan.model_copy(update={"site_country": "PL"}), model,
                      draws=giga.draws, seed=giga.seed, keep_draws=True)
    assert share == pytest.approx(export_exposure(poland, IN_FORCE, data=data, basis="in_force")[0])
    assert np.all((share > 0.5) & (share < 1))        # ~100k chips a year above a ~50k cap
    assert np.all(export_exposure(giga, RESCINDED, data=data, basis="in_force")[0] == 0)


def test_rules_without_a_tier_2_leave_unlisted_countries_uncapped(model, data):
    rules = data["export_rules"]
    only_tier_1 = rules[rules["tier"].astype(int) != 2]
    tables = {**data.tables, "export_rules": only_tier_1}
    trimmed = type(data)(package=data.package, sources=data.sources, tables=tables,
                         money=data.money)
    result = mt.trace(make_plan(site_country="PL", budget={"amount": 1e10}), model,
                       keep_draws=True)
    share, info = export_exposure(result, IN_FORCE, data=trimmed, basis="in_force")
    assert info["tier"] is None and np.all(share == 0)
    # with the tier 2 row, an unlisted country (here Iceland) falls in tier 2
    iceland = mt.trace(make_plan(site_country="IS", budget={"amount": 1e10}), model,
                       keep_draws=True)
    assert export_exposure(iceland, IN_FORCE, data=data, basis="in_force")[1]["tier"] == 2


def test_the_default_date_is_the_plans_not_today(model, data):
    """H6: without a date, rules are read on the plan's as_of, else 1 July of its year."""
    from moneytrail.analysis.metrics import Evaluation

    plain = mt.trace(make_plan(site_country="PL", budget={"amount": 1e10}), model,
                       keep_draws=True)
    assert Evaluation.of(plain, data).on == dt.date(2025, 7, 1)
    assert list(export_table(plain, data=data).index.unique("date")) == ["2025-07-01"]
    dated = mt.trace(make_plan(site_country="PL", budget={"amount": 1e10},
                               as_of="2025-03-01"), model,
                       keep_draws=True)
    table = export_table(dated, data=data)
    assert list(table.index.unique("date")) == ["2025-03-01"]
    assert table.loc[("2025-03-01", "in_force"), "exposed_p50"] > 0.5  # on its as_of
    values = Evaluation.of(dated, data).metric("export_exposed_share")
    assert np.all(values == 0)                # the scorecard counts binding caps: none bound


def test_value_chain_single_supplier_share_sees_past_first_invoices(reference, data):
    """M9: renting cloud compute pays no chip maker directly, but Nvidia's value added is still
    in the value chain; the first-invoice measure misses it, the value-chain one does not."""
    from moneytrail.analysis.dependency import dominant_firms, value_chain_single_supplier_share

    eff = reference["efficiency-first-eu"]
    assert dominant_firms(eff, 0.5) == ["nvidia"]
    chain = value_chain_single_supplier_share(eff, data=data)
    nvidia = eff.select((eff.flow_labels["entity"] == "nvidia").to_numpy()) / eff.draw_totals
    assert chain == pytest.approx(nvidia)
    assert np.all(chain > 0)
    giga = reference["eu-ai-gigafactories"]
    assert np.median(value_chain_single_supplier_share(giga, data=data)) > np.median(chain)
    assert np.all(value_chain_single_supplier_share(giga, threshold=0.99, data=data) == 0)
