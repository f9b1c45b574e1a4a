"""One registry of random streams: every consumer of random numbers draws from its own stream.

A stream is a name in `STREAMS` with a fixed id. Its generator for a seed and a key (the seed
block, and for claims the claim and check it serves) is
`SeedSequence(seed, spawn_key=(id, *key))`. Ids are unique, so two consumers never share numbers
at any draw count: the spawn keys of different streams differ in their first element.

Draws come in seed blocks of `BLOCK` draws: block b of any stream holds draws
[b * BLOCK, (b + 1) * BLOCK). A consumer that needs `draws` values draws them block by block, so
the numbers of draw d never depend on how draws are chunked or where a chunk runs.

Adding a stream: append a new name with a new id; never reuse or renumber an id (that would
change every result that used it).

Many consumers draw a few values per block (one interval: 100 numbers), so creating each
block's generator dominated their cost. `block_generators` makes the generators of all blocks
of one (seed, name, key) at once: `SeedSequence`'s entropy pool is hashed once for the part
its spawn keys share and only the block number's word per block, vectorised, and each block's
PCG64 is seeded from the resulting state words. The generators are the same as
`rng(seed, name, *key, block)`'s, bit for bit (tested against numpy's own `SeedSequence`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

import numpy as np
from numpy.random.bit_generator import ISeedSequence

BLOCK = 100                   # draws per seed block

STREAMS: dict[str, int] = {
    "trace": 0,                          # the engine: spend, market and cost-structure draws
    "concentration": 1,                  # market sizes and pre-plan market shares
    "accelerator_price": 2,              # price of the reference accelerator
    "lifecycle": 3,                      # energy, emissions, resale value
    "efficiency": 4,                     # utilisation, training-run compute, algorithmic trend
    "renewable_share": 5,                # a plan's contracted renewable share
    "gpu_rent": 6,                       # hourly rent of a reference GPU
    "market_concentration": 7,           # HHI of the data's markets (no plan)
    "claims": 8,                         # claims checks, keyed (claim, check, side, item)
    "table_noise": 9,                    # per-draw perturbation of a sector table's coefficients
    "jobs": 10,                          # compensation per FTE (jobs = labour value added / it)
    "footprints": 11,                    # satellite intensities (e.g. t CO2e per USD million)
    "market_power": 12,                  # cost of capital, invested capital, margins (rents)
}
assert len(set(STREAMS.values())) == len(STREAMS), "stream ids must be unique"


def stream_id(name: str) -> int:
    try:
        return STREAMS[name]
    except KeyError:
        raise KeyError(f"unknown random stream {name!r}; register it in "
                       "moneytrail.engine.streams.STREAMS") from None


def rng(seed: int, name: str, *key: int) -> np.random.Generator:
    """The generator of stream `name` for `seed` and `key` (e.g. the block number)."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(stream_id(name),
                                                                          *key)))


def blocks(draws: int, start: int = 0) -> Iterator[tuple[int, int]]:
    """(block, size) of the seed blocks covering draws [start, start + draws); `start` must be
    a multiple of BLOCK."""
    if start % BLOCK:
        raise ValueError(f"start must be a multiple of {BLOCK}")
    first, end = start // BLOCK, start + draws
    for block in range(first, -(-end // BLOCK)):
        yield block, min(BLOCK, end - block * BLOCK)


def draw_blocks(seed: int, name: str, draws: int, sample: Callable[[np.random.Generator, int],
                np.ndarray], *key: int, start: int = 0) -> np.ndarray:
    """`sample(rng, size)` for each seed block of draws [start, start + draws), concatenated
    along the first axis: the values of draw d depend only on (seed, name, key, d)."""
    parts = [sample(generator, size)
             for generator, size in block_generators(seed, name, draws, *key, start=start)]
    return np.concatenate(parts) if parts else sample(rng(seed, name, *key, 0), 0)


def block_generators(seed: int, name: str, draws: int, *key: int, start: int = 0
                     ) -> list[tuple[np.random.Generator, int]]:
    """(generator, size) of each seed block of draws [start, start + draws): the generator is
    `rng(seed, name, *key, block)`'s (the same numbers), made for all blocks at once."""
    spans = list(blocks(draws, start))
    if not spans:
        return []
    states = block_states(seed, (stream_id(name), *key), spans[0][0], len(spans))
    # PCG64 takes any ISeedSequence (numpy's stubs name SeedSequence only)
    return [(np.random.Generator(np.random.PCG64(cast(Any, _State(state)))), size)
            for state, (_, size) in zip(states, spans, strict=True)]


class _State(ISeedSequence):
    """A seed sequence whose state words are already known (numpy's `ISeedSequence`)."""

    def __init__(self, state: np.ndarray) -> None:
        self.state = state

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words != 4 or np.dtype(dtype) != np.uint64:      # what PCG64 asks for
            raise ValueError("precomputed for PCG64 only")
        return self.state


# SeedSequence's hash (numpy.random.SeedSequence, after M. E. O'Neill's seed_seq_fe): the
# multipliers and initial values of its two hash constants and of its mixing function
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_MASK = 0xFFFFFFFF
_POOL = 4                       # SeedSequence's default pool size (32-bit words)


def _words(value: int) -> list[int]:
    """A non-negative integer as little-endian 32-bit words (0: one zero word)."""
    if value < 0:
        raise ValueError("seeds and keys must be non-negative")
    out = [value & _MASK]
    value >>= 32
    while value:
        out.append(value & _MASK)
        value >>= 32
    return out


def _mix(x, y):                 # works on Python ints and uint64 arrays alike
    result = (_MIX_L * x - _MIX_R * y) & _MASK
    return result ^ (result >> 16)


class _Hash:
    """SeedSequence's hashmix with its running constant (advanced at every call)."""

    def __init__(self, init: int, mult: int) -> None:
        self.const, self.mult = init, mult

    def __call__(self, value):
        value = value ^ self.const
        self.const = (self.const * self.mult) & _MASK
        value = (value * self.const) & _MASK
        return value ^ (value >> 16)


def block_states(seed: int, key: tuple[int, ...], first: int, count: int) -> np.ndarray:
    """(count, 4) uint64 PCG64 seeding words of `SeedSequence(seed, spawn_key=(*key, b))` for
    blocks b = first, ..., first + count - 1 (`generate_state(4, np.uint64)`, as PCG64 asks
    for them). The pool is hashed once for the words all blocks share; only the block number's
    word is mixed in per block (as a vector)."""
    if first + count > 1 << 32:
        raise ValueError("block numbers beyond 2**32 are not vectorised")
    run = _words(seed)
    run += [0] * max(0, _POOL - len(run))          # padded: keys never alias a longer seed
    entropy = run + [w for k in key for w in _words(k)]
    hashmix = _Hash(_INIT_A, _MULT_A)
    pool = [hashmix(entropy[i]) for i in range(_POOL)]
    for src in range(_POOL):
        for dst in range(_POOL):
            if src != dst:
                pool[dst] = _mix(pool[dst], hashmix(pool[src]))
    for word in entropy[_POOL:]:
        for dst in range(_POOL):
            pool[dst] = _mix(pool[dst], hashmix(word))
    block = np.arange(first, first + count, dtype=np.uint64)
    mixed = [_mix(np.uint64(pool[dst]), hashmix(block)) for dst in range(_POOL)]
    out = _Hash(_INIT_B, _MULT_B)
    words = [out(mixed[i % _POOL]) for i in range(8)]     # 4 uint64 = 8 uint32, low first
    state = np.empty((count, 4), dtype=np.uint64)
    for i in range(4):
        state[:, i] = words[2 * i] | (words[2 * i + 1] << np.uint64(32))
    return state
