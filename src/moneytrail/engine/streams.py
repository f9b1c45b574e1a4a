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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

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
    "jobs_employees": 13,                # firms' employees per revenue anchoring their jobs
    "accelerator_mix_price": 14,         # price of a chip of the plan's mix, keyed by its row
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
    parts = [sample(rng(seed, name, *key, block), size)
             for block, size in blocks(draws, start)]
    return np.concatenate(parts) if parts else sample(rng(seed, name, *key, 0), 0)
