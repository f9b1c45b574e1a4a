"""Work done once per trace (issue 8, demo speed): what is reused must equal what a fresh
computation gives, bit for bit (rents, markups, entity output) or to rounding (jobs from the
kept labour flows instead of a replay of the draws)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import moneytrail as mt
from moneytrail.analysis.jobs import jobs_account, labour_fte, plan_jobs
from moneytrail.analysis.market_power import markups, rent_recipients, rent_share, split_rents
from moneytrail.analysis.metrics import Evaluation
from moneytrail.analysis.procurement import ProcurementRules, counterfactual, jobs_metrics
from moneytrail.data.footprints import footprint_tables
from moneytrail.engine.footprint import (
    draw_account_values,
    flow_rows,
    grouped,
    trace_weights,
)
from moneytrail.engine.output import entity_passes

GIGA = "eu-ai-gigafactories"


def test_the_ruled_trace_reuses_the_plans_draws_with_the_same_numbers(reference, data):
    """The counterfactual splits the ruled trace's rents and prices its markups with the
    plan's capital and margin draws: the same numbers as drawing them again."""
    made = counterfactual(reference[GIGA], data, ProcurementRules(cap=0.5, eu_weight=2.0))
    reused = Evaluation.of(made.ruled, data)
    fresh = split_rents(made.ruled, data)
    split = reused.rents()
    assert split is not None
    for part in ("normal", "rent", "unsplit"):
        assert np.array_equal(getattr(split, part), getattr(fresh, part))
    pd.testing.assert_frame_equal(split.basis, fresh.basis)
    found = reused.markups()
    assert found is not None
    again = markups(made.ruled, data)
    assert np.array_equal(found.amounts, again.amounts)
    pd.testing.assert_frame_equal(found.rows, again.rows)


def test_the_ruled_traces_jobs_read_its_kept_weights_bit_for_bit(reference, data):
    """The counterfactual's ruled trace keeps its firm flows' coefficients (weights=True):
    its FTE per draw (labour_fte, anchored firms' output from the weights) equals, bit for
    bit, the FTE computed with the weights replayed from its cost-structure draws."""
    from dataclasses import replace

    made = counterfactual(reference[GIGA], data, ProcurementRules(cap=0.5, eu_weight=2.0))
    ruled = made.ruled
    assert ruled.per_draw.weights is not None and ruled.per_draw.outputs is None
    replayed = replace(ruled, per_draw=replace(ruled.per_draw, weights=None))
    np.testing.assert_array_equal(trace_weights(ruled), trace_weights(replayed))
    tables = footprint_tables(data.package)
    kept_rows, countries = labour_fte(ruled, tables, data.money)
    again, again_countries = labour_fte(replayed, tables, data.money)
    assert countries == again_countries
    np.testing.assert_array_equal(kept_rows, again)
    # the plain trace keeps the same draws' numbers as a trace without the weights
    bare = mt.trace(ruled.plan, ruled.model, draws=ruled.draws, seed=ruled.seed,
                    keep_draws=True)
    np.testing.assert_array_equal(bare.flows, ruled.flows)
    np.testing.assert_array_equal(bare.per_draw.coefficients, ruled.per_draw.coefficients)


def test_an_evaluation_splits_rents_once_and_gives_the_same_shares(reference, data):
    result = reference[GIGA]
    evaluation = Evaluation.of(result, data)
    first = evaluation.rents()
    share = evaluation.metric("rent_share")
    evaluation.metric("dominant_rent_share", threshold=0.5)
    assert evaluation.rents() is first
    assert np.array_equal(share, rent_share(result, data), equal_nan=True)


def test_capital_draws_of_another_seed_are_refused(model, data):
    plan = mt.load_scenario(mt.reference_scenarios()[0])
    one, other = (mt.trace(plan, model, draws=100, seed=s, keep_draws=True) for s in (1, 2))
    drawn = split_rents(one, data).drawn
    with pytest.raises(ValueError):
        split_rents(other, data, drawn=drawn)
    with pytest.raises(ValueError):
        markups(other, data, drawn=markups(one, data))


def test_plans_sharing_capital_and_margin_draws_give_the_numbers_of_fresh_draws(model, data):
    """A plan's evaluation that reuses another plan's capital and margin draws
    (Evaluation.draws_from, as compare and demo do) splits its rents, prices its markups and
    ranks its rent recipients exactly as one that draws them itself; a plan of another seed
    is not reused (no error: its own draws are made)."""
    plans = [mt.load_scenario(p) for p in mt.reference_scenarios()]
    first, second = (mt.trace(p, model, draws=200, seed=5, keep_draws=True) for p in plans[:2])
    other_seed = mt.trace(plans[1], model, draws=200, seed=6, keep_draws=True)
    shared = Evaluation(result=second, data=data,
                        purchases=Evaluation.of(second, data).purchases)
    earlier = Evaluation.of(first, data)
    before, margins = earlier.rents(), earlier.markups()     # made first: they are read
    assert before is not None and margins is not None
    shared.draws_from(earlier)
    split, found = shared.rents(), shared.markups()
    assert split is not None and found is not None
    assert any(found.margins[k] is v for k, v in margins.margins.items() if k in found.margins)
    assert all(split.drawn.entities[e] is v for e, v in before.drawn.entities.items())
    fresh = split_rents(second, data)
    for part in ("normal", "rent", "unsplit"):
        assert np.array_equal(getattr(split, part), getattr(fresh, part))
    pd.testing.assert_frame_equal(split.basis, fresh.basis)
    again = markups(second, data)
    assert np.array_equal(found.amounts, again.amounts)
    pd.testing.assert_frame_equal(found.rows, again.rows)
    pd.testing.assert_frame_equal(rent_recipients(split, data), rent_recipients(fresh, data))
    alone = Evaluation(result=other_seed, data=data,
                       purchases=Evaluation.of(other_seed, data).purchases)
    alone.draws_from(Evaluation.of(first, data))
    assert np.array_equal(alone.rents().rent, split_rents(other_seed, data).rent)


def test_flow_rows_anchored_rows_equal_per_output_on_every_row(reference, data):
    """flow_rows computes the anchored rows' intensities on their columns alone: bit for bit
    what Account.per_output over every row gives for them."""
    tables = footprint_tables(data.package)
    for result in reference.values():
        account = jobs_account(result, tables, data.money).account
        anchors = account.anchors
        assert anchors is not None and anchors.rows.size
        values, anchored = draw_account_values(account, result.seed, result.draws)
        weights = trace_weights(result)
        flows = result.flows
        rows = anchors.rows
        member = anchors.membership()
        kept = grouped(flows[:, account.flow[rows]], member)
        per_unit = grouped(weights[:, account.flow[rows]], member)
        x = np.divide(kept, per_unit, out=np.zeros_like(kept), where=per_unit > 0)
        s = account.per_output(weights, values, anchored)
        expected = s[:, rows] * x[:, anchors.group[rows]]
        got = flow_rows(account, flows, values, weights, anchored)
        assert np.array_equal(got[:, rows], expected)


def test_jobs_from_kept_flows_equal_the_replayed_jobs(reference, data):
    """labour_fte (labour value added / compensation, no replay) gives the FTE of plan_jobs
    (a replay of the draws), in total and in the EU, to rounding."""
    tables = footprint_tables(data.package)
    metrics = jobs_metrics(data)
    assert len(metrics) == 2
    for result in reference.values():
        rows, countries = labour_fte(result, tables, data.money)
        jobs = plan_jobs(result, tables, data.money)
        assert jobs.fte.per_draw is not None
        total = jobs.fte.per_draw["total"][:, 0]
        assert np.allclose(rows.sum(axis=1), total, rtol=1e-12, atol=0)
        eu = result.model.eu_members | {"EU"}
        labels = jobs.fte.labels["country"]
        in_eu = [k for k, label in enumerate(labels) if label in eu]
        eu_total = jobs.fte.per_draw["country"][:, in_eu].sum(axis=1)
        (_, (all_fte, _)), (_, (eu_fte, _)) = metrics.items()
        evaluation = Evaluation.of(result, data)
        assert np.allclose(all_fte(evaluation), total, rtol=1e-12, atol=0)
        assert np.allclose(eu_fte(evaluation), eu_total, rtol=1e-12, atol=1e-9)
        assert set(countries) <= set(labels)


@settings(max_examples=30, deadline=None)
@given(entities=st.lists(st.integers(0, 6), min_size=1, max_size=40),
       seed=st.integers(0, 2 ** 32 - 1))
def test_entity_passes_sum_like_add_at_bit_for_bit(entities, seed):
    entity = np.array(entities)
    rng = np.random.default_rng(seed)
    values = rng.standard_normal((5, entity.size)) * 10.0 ** rng.uniform(-8, 8, entity.size)
    expected = np.zeros((5, 7))
    np.add.at(expected, (slice(None), entity), values)
    got = np.zeros((5, 7))
    for columns, owners in entity_passes(entity):
        assert len(set(owners)) == owners.size          # no entity twice in a pass
        got[:, owners] += values[:, columns]
    assert np.array_equal(got, expected)


def test_a_trace_keeps_its_demand_sampler_and_footprints_read_it_bit_for_bit(reference, data):
    """A plan's trace keeps the final-demand sampler it drew from (TraceResult.sampler);
    output and jobs read it instead of building it again, with the numbers of a rebuilt one."""
    from dataclasses import replace

    from moneytrail.engine.demand import DemandSampler
    from moneytrail.engine.footprint import kernel_demand
    from moneytrail.engine.output import entity_output

    result = reference[GIGA]
    assert isinstance(result.sampler, DemandSampler)
    assert kernel_demand(result) is result.sampler and result.plan_demand() is result.sampler
    bare = replace(result, sampler=None)
    assert bare.plan_demand() is not result.sampler
    assert np.array_equal(entity_output(bare), entity_output(result))
    tables = footprint_tables(data.package)
    kept, rebuilt = (plan_jobs(r, tables, data.money).fte.per_draw for r in (result, bare))
    assert kept is not None and rebuilt is not None
    for name, values in kept.items():
        assert np.array_equal(values, rebuilt[name])


def test_flow_rows_in_chunks_equal_one_pass_bit_for_bit(reference, data):
    """flow_rows works a few hundred draws at a time (cache-sized): over more draws than a
    chunk, and a count that is not a multiple of it, its rows equal one pass over all the
    draws, bit for bit."""
    from moneytrail.engine.footprint import CHUNK, _flow_rows

    tables = footprint_tables(data.package)
    result = reference[GIGA]
    account = jobs_account(result, tables, data.money).account
    assert account.anchors is not None
    values, anchored = draw_account_values(account, result.seed, result.draws)
    weights = trace_weights(result)
    times = -(-(2 * CHUNK + 7) // result.draws)             # tile past two chunks and a bit
    size = 2 * CHUNK + 7
    flows, values, weights, anchored = (np.tile(a, (times, 1))[:size]
                                        for a in (result.flows, values, weights, anchored))
    got = flow_rows(account, flows, values, weights, anchored)
    assert got.shape == (size, account.entity.size)
    assert np.array_equal(got, _flow_rows(account, flows, values, weights, anchored))


def test_anchor_values_alone_equal_those_drawn_with_the_account_values(reference, data):
    """implied_pay draws only the anchors (employees per revenue), not the compensation
    values it does not read: the same anchor values as draw_account_values, bit for bit."""
    from moneytrail.engine.footprint import draw_anchor_values

    tables = footprint_tables(data.package)
    result = reference[GIGA]
    account = jobs_account(result, tables, data.money).account
    _, both = draw_account_values(account, result.seed, result.draws)
    alone = draw_anchor_values(account, result.seed, result.draws)
    assert both is not None and alone is not None
    assert np.array_equal(alone, both)


def test_a_plan_reusing_another_plans_draws_reads_its_capital_table_too(reference, data):
    """An evaluation that reuses another plan's capital draws (draws_from) also reads the
    capital table that plan's split checked (the same data), instead of checking it again:
    the same table object, and the same split as one made from scratch."""
    first, second = (reference[p] for p in list(reference)[:2])
    earlier = Evaluation(result=first, data=data, purchases=Evaluation.of(first, data).purchases)
    shared = Evaluation(result=second, data=data,
                        purchases=Evaluation.of(second, data).purchases)
    before = earlier.rents()
    shared.draws_from(earlier)
    split = shared.rents()
    assert before is not None and split is not None
    assert split.capital is before.capital
    fresh = split_rents(second, data)
    for part in ("normal", "rent", "unsplit"):
        assert np.array_equal(getattr(split, part), getattr(fresh, part))
    pd.testing.assert_frame_equal(split.capital, fresh.capital)


def test_unsplit_note_groups_the_unsplit_value_added_once(reference, data, monkeypatch):
    """unsplit_note sums the unsplit capital value added by entity once (it was twice: once
    for unsplit_firms, once for the total), with the firms and shares of unsplit_firms."""
    from moneytrail.analysis.market_power import RentSplit, unsplit_firms, unsplit_note

    split = split_rents(reference[GIGA], data)
    frame = unsplit_firms(split)
    assert len(frame) and (frame["share_of_capital"] > 0).any()
    expected = unsplit_note(split)
    calls = []
    original = RentSplit.by

    def counted(self, dimension, values=None):
        calls.append(dimension)
        return original(self, dimension, values)

    monkeypatch.setattr(RentSplit, "by", counted)
    fresh = split_rents(reference[GIGA], data, drawn=split.drawn)
    assert unsplit_note(fresh) == expected
    assert calls == ["entity"]


def test_a_splits_unsplit_value_added_is_summed_once_for_every_note(reference, data,
                                                                     monkeypatch):
    """A split's unsplit capital value added is summed by entity once, however often its
    firms not split are named: a trace run's facts, each scorecard it is in and the
    market-power tables each call unsplit_note on the same split (the demo did the sum four
    times per plan). The notes and unsplit_firms stay the same."""
    from moneytrail.analysis.market_power import RentSplit, unsplit_firms, unsplit_note

    expected_split = split_rents(reference[GIGA], data)
    expected = (unsplit_note(expected_split), unsplit_firms(expected_split))
    calls = []
    original = RentSplit.by

    def counted(self, dimension, values=None):
        calls.append(dimension)
        return original(self, dimension, values)

    monkeypatch.setattr(RentSplit, "by", counted)
    split = split_rents(reference[GIGA], data, drawn=expected_split.drawn)
    notes = [unsplit_note(split) for _ in range(4)]
    frame = unsplit_firms(split)
    assert notes == [expected[0]] * 4 and notes[0]
    pd.testing.assert_frame_equal(frame, expected[1])
    assert calls == ["entity"]


def test_breakdown_tables_summarise_the_headline_once(reference, monkeypatch):
    """The trace run's breakdown tables summarise each breakdown once: the evidence columns
    are added to the headline frame already made (it was summarised twice)."""
    from moneytrail.engine.result import TraceResult
    from moneytrail.service.tasks import BREAKDOWNS, breakdown_tables

    result = mt.trace(mt.load_scenario(mt.reference_scenarios()[0]),
                      reference[GIGA].model, draws=200, seed=3, keep_draws=True, evidence=True)
    calls = []
    original = TraceResult.by

    def counted(self, dimension):
        calls.append(dimension)
        return original(self, dimension)

    monkeypatch.setattr(TraceResult, "by", counted)
    tables = breakdown_tables(result)
    assert sorted(calls) == sorted(BREAKDOWNS)
    assert "assumption_or_weak_mean" in [c.name for c in tables["headline"].columns]
    assert "assumption_or_weak_mean" not in [c.name for c in tables["entity"].columns]


def test_entity_output_in_chunks_equals_one_pass_bit_for_bit(model):
    """entity_output works CHUNK draws at a time: over more draws than two chunks (the last
    one short) it equals value added over the coefficients in one pass, bit for bit."""
    from moneytrail.engine.output import CHUNK, entity_output

    plan = mt.load_scenario(mt.reference_scenarios()[1])
    result = mt.trace(plan, model, draws=2 * CHUNK + 100, seed=4, keep_draws=True)
    passes = entity_passes(result.model.flows_entity_index)
    value_added = np.zeros((result.draws, result.model.n))
    for columns, entities in passes:
        value_added[:, entities] += result.flows[:, columns]
    share = result.per_draw.coefficients
    assert share is not None and share.shape == value_added.shape
    expected = np.divide(value_added, share, out=np.zeros_like(value_added), where=share > 0)
    assert np.array_equal(entity_output(result), expected)


def test_the_ruled_trace_reads_the_plans_jobs_account_draws_with_the_same_fte(reference, data):
    """The counterfactual's ruled trace reads the plan's jobs account and compensation and
    employee draws (the rules change what the plan buys, not the model, seed, draws or plan
    money): its FTE per draw equals, bit for bit, labour_fte drawing them afresh; draws of
    another seed are refused."""
    result = reference[GIGA]
    made = counterfactual(result, data, ProcurementRules(cap=0.5, eu_weight=2.0),
                          jobs_metrics(data))
    base, ruled = Evaluation.of(result, data), Evaluation.of(made.ruled, data)
    assert ruled.labour_draws() is base.labour_draws()
    tables = footprint_tables(data.package)
    found = ruled.labour_fte()
    assert found is not None
    fresh, countries = labour_fte(made.ruled, tables, data.money)
    assert np.array_equal(found[0], fresh) and found[1] == countries
    other = mt.trace(result.require_plan(), result.model, draws=result.draws, seed=99,
                     keep_draws=True)
    with pytest.raises(ValueError, match="another model, seed"):
        Evaluation.of(other, data).labour_draws_given(base.labour_draws())


def test_rent_split_reads_the_traces_own_dimensions(reference, data, monkeypatch):
    """RentSplit.by groups by the trace's own flow dimensions (TraceResult.dimension) instead
    of building one for every call: the same labels and amounts, bit for bit."""
    import moneytrail.engine.dimensions as dimensions

    split = split_rents(reference[GIGA], data)
    result = split.result
    expected = {name: dimensions.flow_dimension(result.flow_labels, name,
                                                result.model.eu_members)
                for name in ("entity", "owner_country", "group")}
    built = []
    original = dimensions.flow_dimension

    def counted(*args, **kwargs):
        built.append(args[1] if len(args) > 1 else kwargs.get("name"))
        return original(*args, **kwargs)

    monkeypatch.setattr(dimensions, "flow_dimension", counted)
    import moneytrail.analysis.market_power as mp
    if hasattr(mp, "flow_dimension"):
        monkeypatch.setattr(mp, "flow_dimension", counted)
    for name, dim in expected.items():
        values, labels = split.by(name)
        assert labels == list(dim.labels)
        assert np.array_equal(values, split.rent @ dim.matrix)
    assert built == []


def test_a_rent_split_adds_up_to_the_capital_value_added_bit_for_bit(reference, data):
    """split_rents forms the rent in place (capital value added - normal - unsplit, no
    full-size temporaries): the same numbers, bit for bit, as the formula written out, and
    zero outside the capital flows."""
    for result in reference.values():
        split = split_rents(result, data)
        is_capital = (result.flow_labels["factor"] == "capital").to_numpy()
        expected = np.where(is_capital[None, :], result.flows, 0.0) - split.normal - \
            split.unsplit
        assert np.array_equal(split.rent.view(np.uint64), expected.view(np.uint64))
        assert not split.rent[:, ~is_capital].any()


def test_capital_draws_for_no_entities_read_no_capital_table(reference, monkeypatch):
    """A split whose entities are all drawn already (a plan after the first in the demo, a
    ruled trace) draws nothing: the capital table is not grouped again for it."""
    from moneytrail.analysis import market_power as mp

    def grouped_again(table):
        raise AssertionError("the capital table was grouped for no entity")

    monkeypatch.setattr(mp, "entity_rows", grouped_again)
    result = reference[GIGA]
    drawn = mp.capital_draws(result, pd.DataFrame(), [], 2025)
    assert drawn.entities == {}
    assert drawn.fits(result, 2025, False)


def test_footprints_and_weights_read_the_traces_own_flow_dimensions(reference, data,
                                                                    monkeypatch):
    """trace_weights, trace_footprints and flow_coefficients build their kernel with the
    trace's own flow dimensions (TraceResult.dimensions) instead of building them again from
    the model's flow table; the weights are the same."""
    from moneytrail.analysis.jobs import jobs_account
    from moneytrail.engine import kernel
    from moneytrail.engine.footprint import trace_footprints
    from moneytrail.engine.output import flow_coefficients

    result = reference[GIGA]
    assert result.dimensions is not None
    before = trace_weights(result)

    def built_again(*args, **kwargs):
        raise AssertionError("flow dimensions built again for a trace that has them")

    monkeypatch.setattr(kernel, "flow_dimensions", built_again)
    np.testing.assert_array_equal(trace_weights(result), before)
    np.testing.assert_array_equal(flow_coefficients(result), before)
    account = jobs_account(result, footprint_tables(data.package), data.money).account
    trace_footprints(result, [account])


@settings(max_examples=40, deadline=None)
@given(draws=st.integers(0, 1_300), columns=st.integers(1, 40), arrays=st.integers(1, 3),
       seed=st.integers(0, 2**32 - 1))
def test_row_sums_in_chunks_equal_one_pass_bit_for_bit(draws, columns, arrays, seed):
    """market_power.row_sums sums CHUNK draws at a time: each row is summed on its own, so
    the numbers are those of the one-pass `(a + b + ...).sum(axis=1)`, bit for bit."""
    from moneytrail.analysis.market_power import row_sums

    rng = np.random.default_rng(seed)
    values = [rng.normal(size=(draws, columns)) * 10.0 ** rng.integers(-3, 9, size=columns)
              for _ in range(arrays)]
    one_pass = values[0].copy()
    for more in values[1:]:
        one_pass = one_pass + more
    expected = one_pass.sum(axis=1)
    got = row_sums(*values)
    assert got.shape == expected.shape
    assert np.array_equal(got.view(np.uint64), expected.view(np.uint64))


def test_a_rent_splits_shares_are_the_one_pass_sums_bit_for_bit(reference, data):
    """RentSplit.share, coverage and the capital value added beside the unsplit firms sum
    their rows in chunks (row_sums): the numbers of the formulas in one pass."""
    for result in reference.values():
        split = split_rents(result, data)
        summed = (split.normal + split.rent).sum(axis=1)
        share = np.where(np.abs(summed) > 0, split.rent.sum(axis=1) / split.total, np.nan)
        total = summed + split.unsplit.sum(axis=1)
        coverage = np.divide(summed, total, out=np.full(summed.shape, np.nan),
                             where=total != 0)
        capital = (split.normal + split.rent + split.unsplit).sum(axis=1)
        for got, expected in ((split.share(), share), (split.coverage(), coverage),
                              (split.unsplit_by_entity[2], capital)):
            assert np.array_equal(got.view(np.uint64), expected.view(np.uint64))


def test_a_traces_tables_are_summarised_once_and_handed_out_as_copies(reference, monkeypatch):
    """TraceResult.by summarises a dimension once per result (a trace run's breakdown and
    the comparison's headline both ask for it); each caller gets its own copy, equal to a
    fresh summary."""
    from dataclasses import replace

    from moneytrail.engine.result import TraceResult

    result = replace(reference[GIGA])          # a fresh result: nothing kept yet
    calls = []
    amounts_by = TraceResult.amounts_by
    monkeypatch.setattr(TraceResult, "amounts_by",
                        lambda self, d: calls.append(d) or amounts_by(self, d))
    first = result.by("headline")
    first.iloc[:, :] = 0.0                     # the caller's copy
    again = result.by("headline")
    assert calls == ["headline"]
    pd.testing.assert_frame_equal(again, replace(reference[GIGA]).by("headline"))
    assert (again.to_numpy() != 0).any()


def test_a_rent_split_sums_its_rent_by_dimension_once(reference, data):
    """RentSplit.by sums the rent by a dimension once (the scorecard's dominant rent share,
    the rent table and the rent recipients all read it by entity): the same numbers as
    summing it again, read-only; other values are summed on each call."""
    split = split_rents(reference[GIGA], data)
    values, names = split.by_entity()
    again, names_again = split.by_entity()
    assert again is values and not values.flags.writeable and names_again == names
    fresh, fresh_names = split.by("entity", split.rent.copy())
    assert np.array_equal(values, fresh) and fresh_names == names
    assert fresh.flags.writeable
