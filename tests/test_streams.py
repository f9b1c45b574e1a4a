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


def test_block_states_are_numpys_seed_sequence_words():
    """The vectorised pool hashing gives SeedSequence's own PCG64 seeding words, for seeds of
    one and two 32-bit words, keys of several words, and blocks near 2**32."""
    cases = [(0, (0,), 0, 3), (1, (4,), 0, 5), (2**63 - 1, (8, 3, 2**40, 0), 7, 4),
             (2**32, (), 0, 2), (123_456_789, (11, 5), 99_990, 20),
             (7, (2**32 - 1,), 2**32 - 3, 3)]
    for seed, key, first, count in cases:
        states = streams.block_states(seed, key, first, count)
        for i in range(count):
            expected = np.random.SeedSequence(seed, spawn_key=(*key, first + i)) \
                .generate_state(4, np.uint64)
            np.testing.assert_array_equal(states[i], expected, err_msg=f"{seed} {key} {i}")


def test_draw_blocks_equal_one_generator_per_block():
    """Generators made for all blocks at once are those of `streams.rng`, bit for bit."""
    sampler = PertSampler([0.1, 1.0], [0.2, 3.0], [0.4, 9.0], lower=0.0)
    for start, draws in ((0, 250), (300, 1), (1_000, 0), (0, 100)):
        got = streams.draw_blocks(9, "claims", draws, sampler.draw, 2, 5, start=start)
        parts = [sampler.draw(streams.rng(9, "claims", 2, 5, block), size)
                 for block, size in streams.blocks(draws, start)]
        expected = np.concatenate(parts) if parts else sampler.draw(
            streams.rng(9, "claims", 2, 5, 0), 0)
        np.testing.assert_array_equal(got, expected)
        assert got.shape == (draws, 2)


def test_one_parameter_draws_equal_the_broadcast_ones():
    """A single free parameter is drawn by numpy's scalar beta loop: the same numbers as the
    broadcast draw of several parameters gives for it."""
    for low, mode, high in ((0.1, 0.2, 0.4), (1.0, 1.5, 100.0), (0.0, 0.9, 1.0),
                            (0.3, 0.31, 0.9)):
        one = PertSampler([low], [mode], [high], lower=0.0)
        two = PertSampler([low, low], [mode, mode], [high, high], lower=0.0)
        single = one.draw(np.random.default_rng(4), 500)
        rng = np.random.default_rng(4)
        alpha, beta = one.alpha[0], one.beta[0]
        broadcast = one.a + (one.b - one.a) * rng.beta(np.array([alpha]), np.array([beta]),
                                                       size=(500, 1))
        np.testing.assert_array_equal(single, broadcast)
        assert single.shape == (500, 1)
        assert two.draw(np.random.default_rng(4), 3).shape == (3, 2)
