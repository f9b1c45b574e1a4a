"""What a kept trace keeps for output and footprints (`trace(..., outputs=True)`): the same
numbers, bit for bit, as replaying the trace's draws (`engine.footprint.output_draws`,
`engine.output.flow_coefficients`), so analyses that read them change no figure."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pymrio
import pytest

import moneytrail as mt
from moneytrail.engine import streams
from moneytrail.engine.demand import demand_sampler
from moneytrail.engine.footprint import (
    kept_outputs,
    kernel_demand,
    output_draws,
    trace_weights,
)
from moneytrail.engine.kernel import build_kernel
from moneytrail.engine.output import entity_output, flow_coefficients, kept_weights
from moneytrail.errors import ModelError
from packages import miller_blair_plan, miller_blair_tables, write_package

DRAWS = 250            # three seed blocks, the last one short


def halves(plan, model) -> np.ndarray:
    """Two parts of a plan's purchase rows (alternate rows): masks (2, rows)."""
    rows = len(demand_sampler(plan, model).rows)
    odd = (np.arange(rows) % 2).astype(float)
    return np.array([1.0 - odd, odd])


def assert_kept_equals_replay(result, parts) -> None:
    kernel = build_kernel(result.model, kernel_demand(result), len(result.labels["tier"]) - 1,
                          result.draws)
    kept = kept_outputs(result, kernel, parts)
    assert kept is not None
    for block, size in streams.blocks(result.draws):
        replayed = output_draws(kernel, result.seed, block, size, parts)
        rows = slice(block * streams.BLOCK, block * streams.BLOCK + size)
        for name in ("x", "tiers", "parts", "weights"):
            np.testing.assert_array_equal(getattr(kept, name)[rows], getattr(replayed, name),
                                          err_msg=f"{name}, block {block}")
    without = replace(result, per_draw=replace(result.per_draw, coefficients=None,
                                                outputs=None, weights=None))
    np.testing.assert_array_equal(flow_coefficients(result), flow_coefficients(without))
    np.testing.assert_array_equal(entity_output(result), entity_output(without))
    # the anchored jobs' weights: read from the kept outputs, equal to their replay
    np.testing.assert_array_equal(trace_weights(result), trace_weights(without))


@pytest.fixture(scope="module")
def stargate():
    plan = mt.load_scenario("scenarios/stargate-style-us.yaml")
    model = mt.load_model(plan.year)
    parts = halves(plan, model)
    kept = mt.trace(plan, model, draws=DRAWS, seed=5, keep_draws=True, evidence=True,
                    outputs=True, parts=parts)
    plain = mt.trace(plan, model, draws=DRAWS, seed=5, keep_draws=True, evidence=True,
                     weights=True)
    return kept, plain, parts


def test_keeping_outputs_changes_no_number_of_the_trace(stargate):
    kept, plain, _ = stargate
    for name in ("flows", "tiers", "demand", "purchases", "evidence", "coefficients"):
        np.testing.assert_array_equal(getattr(kept.per_draw, name),
                                      getattr(plain.per_draw, name))
    assert plain.per_draw.outputs is None
    # the firm flows' coefficients, asked alone (weights=True), equal the outputs' ones
    np.testing.assert_array_equal(kept.per_draw.weights, plain.per_draw.weights)
    assert not hasattr(kept.per_draw.outputs, "weights")     # one home: DrawArrays.weights
    bare = mt.trace(kept.plan, kept.model, draws=DRAWS, seed=5, keep_draws=True)
    assert bare.per_draw.weights is None and bare.per_draw.outputs is None
    np.testing.assert_array_equal(bare.per_draw.flows, plain.per_draw.flows)
    with pytest.raises(ModelError, match="keep_draws"):
        mt.trace(kept.plan, kept.model, draws=10, weights=True)
    assert kept.by("entity").equals(plain.by("entity"))


def test_firm_model_outputs_equal_the_replay_bit_for_bit(stargate):
    kept, _, parts = stargate
    assert_kept_equals_replay(kept, parts)
    out = kept.per_draw.outputs
    assert out.output.shape == (DRAWS, kept.model.n)
    assert out.tiers.shape == (DRAWS, 4, kept.model.n)
    assert out.parts.shape == (DRAWS, 2, kept.model.n)
    # the parts are a split of the plan's demand: their outputs add up to x (solve is linear)
    np.testing.assert_allclose(out.parts.sum(axis=1), out.output, rtol=1e-9, atol=1e-3)


def test_output_is_value_added_over_the_kept_coefficients(stargate):
    _, plain, _ = stargate
    x = entity_output(plain)
    va = np.zeros_like(x)
    np.add.at(va.T, plain.model.flows_entity_index, plain.flows.T)
    np.testing.assert_allclose(x * plain.per_draw.coefficients, va, rtol=1e-12)


def test_footprints_from_kept_outputs_equal_the_replayed_ones(stargate):
    from moneytrail.engine.footprint import Account, trace_footprints

    kept, plain, parts = stargate
    model = kept.model
    account = Account(name="wages", unit="USD", entity=model.flows_entity_index,
                      country=tuple(model.flows["country"].astype(str)),
                      coefficient=np.ones(len(model.flows)),
                      flow=np.arange(len(model.flows)), param=np.full(len(model.flows), -1))
    names = ("even rows", "odd rows")
    a = trace_footprints(kept, [account], part_names=names, parts=parts)[0]
    b = trace_footprints(plain, [account], part_names=names, parts=parts)[0]
    for name in a.per_draw:
        np.testing.assert_array_equal(a.per_draw[name], b.per_draw[name])
    # the kept parts are not the ones asked: the draws are replayed, same numbers again
    c = trace_footprints(kept, [account], part_names=names, parts=parts[::-1])[0]
    np.testing.assert_array_equal(c.per_draw["part"], b.per_draw["part"][:, ::-1])


def test_hybrid_model_with_table_noise_outputs_equal_the_replay(tmp_path):
    root = write_package(tmp_path, miller_blair_tables(spread=0.05))
    table = mt.IOModel.from_pymrio(pymrio.load_test())
    hybrid = mt.load_model(2025, path=root).link(
        table, {"manufacturing": {"reg1/construction": 0.5}}).with_noise(0.1)
    plan = mt.parse_scenario(miller_blair_plan())
    parts = halves(plan, hybrid)
    result = mt.trace(plan, hybrid, draws=DRAWS, seed=3, keep_draws=True, outputs=True,
                      parts=parts, chunk_size=100)
    assert result.per_draw.weights is not None
    assert_kept_equals_replay(result, parts)


def test_outputs_need_kept_draws_and_parts_of_the_plans_rows(stargate):
    kept, _, parts = stargate
    with pytest.raises(ModelError, match="keep_draws"):
        mt.trace(kept.plan, kept.model, draws=10, outputs=True)
    with pytest.raises(ModelError, match="parts"):
        mt.trace(kept.plan, kept.model, draws=10, keep_draws=True, parts=parts[:, :3])


def test_a_service_trace_replays_no_draws_and_gives_the_replays_tables(monkeypatch):
    """`trace_plan` with analyses (jobs, CO2, rent split) reads the kept values: with the
    replays made to fail it still runs, and its tables equal those of the run that replays."""
    import moneytrail.engine.footprint as footprint
    import moneytrail.engine.output as output
    import moneytrail.engine.trace as engine_trace
    from moneytrail.service import tasks

    plan = mt.load_scenario("scenarios/stargate-style-us.yaml")
    with mt.Workspace.open() as ws:
        monkeypatch.setattr(engine_trace, "OUTPUT_DRAWS", 0)        # nothing kept: replays
        replayed = tasks.trace_plan(ws, plan, draws=300, seed=2, store=None)
        monkeypatch.undo()

        def no_replay(*args, **kwargs):
            raise AssertionError("replayed the draws")

        monkeypatch.setattr(footprint, "output_draws", no_replay)
        monkeypatch.setattr(output, "flow_coefficients", no_replay)
        kept = tasks.trace_plan(ws, plan, draws=300, seed=2, store=None)
    assert kept.run_id == replayed.run_id
    assert "jobs" in kept.tables
    assert kept.tables == replayed.tables


@pytest.mark.parametrize("keep", [True, False])
def test_blocks_written_into_their_rows_equal_the_concatenated_blocks(stargate, keep):
    """run_outputs copies each block into arrays allocated once, and a kept chunk spanning
    two summary groups is one run of its blocks: the same values, shapes and dtypes, bit for
    bit, as concatenating each block's own arrays (the former path)."""
    from moneytrail.engine.kernel import OUTPUTS, run_block, run_chunk, run_outputs

    kept, _, parts = stargate
    kernel = build_kernel(kept.model, kernel_demand(kept), 4, 400, True, outputs=True,
                          parts=parts)
    blocks = [(98, 100), (99, 100), (100, 100), (101, 40)]    # two summary groups
    each = [run_block(kernel, 5, block, size, keep) for block, size in blocks]
    old = tuple(np.concatenate([p[k] for p in each]) for k in range(OUTPUTS))
    new = run_outputs(kernel, 5, blocks, keep)
    assert len(new) == OUTPUTS
    for k, (a, b) in enumerate(zip(old, new, strict=True)):
        assert a.shape == b.shape and a.dtype == b.dtype and b.flags.c_contiguous, k
        np.testing.assert_array_equal(a, b, err_msg=f"output {k}")
    if keep:
        summaries, joined = run_chunk(kernel, 5, blocks, True)
        assert summaries == [] and joined is not None
        for k, (a, b) in enumerate(zip(old, joined, strict=True)):
            np.testing.assert_array_equal(a, b, err_msg=f"output {k}")



def kept_arrays(result) -> tuple:
    """A kept trace's per-draw arrays in run_block's order (OUTPUTS of them)."""
    d = result.per_draw
    return (d.flows, d.tiers, d.demand, d.purchases, d.evidence, d.coefficients,
            d.outputs.output, d.outputs.tiers, d.outputs.parts, d.weights)


def test_kept_chunks_land_in_their_rows_as_their_concatenation(stargate, monkeypatch):
    """A kept trace in several chunks writes each chunk into its rows of arrays allocated
    once (KeptRows): the same values, shapes and dtypes, bit for bit, as concatenating the
    chunks' arrays (the former path) and as the same trace in one chunk."""
    from moneytrail.engine import trace as trace_module
    from moneytrail.engine.kernel import OUTPUTS, run_chunk
    from moneytrail.engine.threads import single_blas_thread

    kept, _, parts = stargate
    kernel = build_kernel(kept.model, kernel_demand(kept), 4, DRAWS, True, outputs=True,
                          parts=parts)
    chunks = [[(0, 100)], [(1, 100), (2, 50)]]
    with single_blas_thread(True):          # as trace runs a small model
        each = [run_chunk(kernel, 5, chunk, True) for chunk in chunks]
    joined = tuple(np.concatenate([p[1][k] for p in each]) for k in range(OUTPUTS))
    rows = trace_module.KeptRows(DRAWS)
    assert rows.fold(rows.start(each[0]), each[1]) is None     # kept chunks: no summaries
    written = rows.arrays()
    assert len(written) == OUTPUTS
    for k, (a, b) in enumerate(zip(joined, written, strict=True)):
        assert a.shape == b.shape and a.dtype == b.dtype and b.flags.c_contiguous, k
        np.testing.assert_array_equal(a, b, err_msg=f"output {k}")
        assert not np.shares_memory(b, each[0][1][k]) or b.size == 0, k
    monkeypatch.setattr(trace_module, "chunk_tasks", lambda draws, size: chunks)
    split = mt.trace(kept.plan, kept.model, draws=DRAWS, seed=5, keep_draws=True,
                     evidence=True, outputs=True, parts=parts)
    for k, (a, b, c) in enumerate(zip(joined, kept_arrays(split), kept_arrays(kept),
                                       strict=True)):
        assert a.shape == b.shape == c.shape and a.dtype == b.dtype == c.dtype, k
        np.testing.assert_array_equal(a, b, err_msg=f"output {k}")
        np.testing.assert_array_equal(c, b, err_msg=f"output {k}")
    assert split.by("country").equals(kept.by("country"))
    short = trace_module.KeptRows(DRAWS)
    short.start(each[0])
    with pytest.raises(ValueError, match="100 draws, not 250"):
        short.arrays()
    with pytest.raises(ValueError, match="more than"):
        short.fold(None, each[0])
        short.fold(None, each[1])


def test_every_reader_of_the_kept_weights_reads_their_one_home(stargate):
    """trace_weights, engine.output.flow_coefficients and the footprints' kept outputs all
    read the firm flows' coefficients from DrawArrays.weights (engine.output.kept_weights):
    a marked copy there is what each returns; without them (or of the wrong shape) each
    replays the trace's draws instead."""
    kept, _, parts = stargate
    kernel = build_kernel(kept.model, kernel_demand(kept), 4, DRAWS, outputs=True,
                          parts=parts)
    firm = kernel.n_flows1
    assert firm and kept.per_draw.weights.shape == (DRAWS, firm)
    marked = replace(kept, per_draw=replace(kept.per_draw, weights=kept.per_draw.weights * 2))
    for read in (trace_weights(marked), flow_coefficients(marked),
                 kept_outputs(marked, kernel, parts).weights, kept_weights(marked, kernel)):
        np.testing.assert_array_equal(read[:, :firm], 2 * kept.per_draw.weights)
        np.testing.assert_array_equal(read[:, firm:], trace_weights(kept)[:, firm:])
    for weights in (None, kept.per_draw.weights[:, :0], kept.per_draw.weights[:10]):
        gone = replace(kept, per_draw=replace(kept.per_draw, weights=weights))
        assert kept_weights(gone, kernel) is None
        assert kept_outputs(gone, kernel, parts) is None
        np.testing.assert_array_equal(trace_weights(gone), trace_weights(kept))
        np.testing.assert_array_equal(flow_coefficients(gone), flow_coefficients(kept))


def test_a_trace_without_outputs_keeps_the_weights_its_replay_draws(stargate):
    """A kept trace without footprint outputs (e.g. the procurement comparison's ruled
    trace) keeps its firm flows' coefficients as drawn: trace_weights reads them, bit for bit
    the replay of its cost-structure draws (which it no longer needs)."""
    _, plain, _ = stargate
    assert plain.per_draw.outputs is None
    assert plain.per_draw.weights.shape == (DRAWS, build_kernel(
        plain.model, kernel_demand(plain), 4, DRAWS).n_flows1)
    without = replace(plain, per_draw=replace(plain.per_draw, weights=None))
    np.testing.assert_array_equal(trace_weights(plain), trace_weights(without))


def test_a_traces_weights_are_made_once_and_kept_read_only(stargate, monkeypatch):
    """trace_weights builds its kernel and reads (or replays) the weights once per result:
    a plan's jobs and its implied pay both ask for them. The kept array is read-only (every
    reader gets the same one), and a changed copy of the result makes its own."""
    from moneytrail.engine import footprint

    kept = stargate[0]
    first = trace_weights(kept)
    built = []
    monkeypatch.setattr(footprint, "build_kernel",
                        lambda *a, **k: built.append(1) or build_kernel(*a, **k))
    assert trace_weights(kept) is first and not built
    assert not first.flags.writeable
    gone = replace(kept, per_draw=replace(kept.per_draw, weights=None))
    np.testing.assert_array_equal(trace_weights(gone), first)
    assert built == [1]
