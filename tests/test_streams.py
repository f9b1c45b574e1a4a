"""The random-stream registry: no two consumers share numbers, and analyses are chunk-invariant."""

from __future__ import annotations

import itertools

import numpy as np

from moneytrail.analysis.stats import Stream, draw_interval
from moneytrail.engine import streams
from moneytrail.engine.sampling import PertSampler


def first_numbers(seed: int, name: str, *key: int) -> tuple[float, ...]:
    return tuple(streams.rng(seed, name, *key).random(3))


def test_distinct_streams_and_blocks_start_with_different_numbers():
    seen = {}
    for name, block in itertools.product(streams.STREAMS, (0, 1, 2, 10_001)):
        numbers = first_numbers(7, name, block)
        assert numbers not in seen, f"{name}/{block} repeats {seen.get(numbers)}"
        seen[numbers] = (name, block)


def test_the_engine_block_10001_no_longer_equals_the_concentration_stream():
    # before the registry, block_rng(7, 10_001) equalled rng_for(7, 1) (concentration)
    assert first_numbers(7, "trace", 10_001) != first_numbers(7, "concentration", 0)
    assert first_numbers(7, "trace", 10_001) != first_numbers(7, "concentration")


def test_analysis_draws_do_not_depend_on_chunking():
    whole = draw_interval((0.1, 0.2, 0.4), Stream(3, "lifecycle", (1,)), 350, lower=0.0)
    sampler = PertSampler([0.1], [0.2], [0.4], lower=0.0)
    head = streams.draw_blocks(3, "lifecycle", 200, sampler.draw, 1)
    tail = streams.draw_blocks(3, "lifecycle", 150, sampler.draw, 1, start=200)
    assert np.array_equal(np.concatenate([head, tail])[:, 0], whole)
    assert np.array_equal(whole[:200], draw_interval((0.1, 0.2, 0.4),
                                                      Stream(3, "lifecycle", (1,)), 200,
                                                      lower=0.0))


def test_distinct_keys_give_distinct_quantities():
    a = draw_interval((0.1, 0.2, 0.4), Stream(1, "efficiency", (0,)), 50)
    b = draw_interval((0.1, 0.2, 0.4), Stream(1, "efficiency", (1,)), 50)
    assert not np.array_equal(a, b)


def test_the_engine_draws_from_the_registry():
    """The trace's blocks and the table noise come from their registered streams, so no
    analysis can draw the engine's numbers at any draw count."""
    from moneytrail.engine.kernel import block_rng

    np.testing.assert_array_equal(block_rng(7, 10_001).random(4),
                                  streams.rng(7, "trace", 10_001).random(4))
    old = np.random.default_rng(np.random.SeedSequence(7, spawn_key=(10_001,))).random(4)
    assert not np.array_equal(block_rng(7, 10_001).random(4), old)
