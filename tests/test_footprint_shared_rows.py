"""Accounts over the same rows share one gather of the outputs per piece of draws
(engine.footprint.entity_outputs): the same numbers, bit for bit, as each account gathering
its own, and Account.per_output's all-rows products equal its masked ones."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from moneytrail.engine.footprint import Account, OutputDraws, account_draws, entity_outputs
from moneytrail.engine.sampling import PertSampler


def random_case(seed: int, every_flow: bool, every_param: bool
                ) -> tuple[Account, OutputDraws, np.ndarray]:
    rng = np.random.default_rng(seed)
    size, entities, rows, tiers, parts = 50, 6, 9, 3, 2
    flow = np.arange(rows) if every_flow else np.where(rng.random(rows) < 0.5, np.arange(rows),
                                                       -1)
    param = np.arange(rows) % 2 if every_param else np.where(rng.random(rows) < 0.5,
                                                             np.arange(rows) % 2, -1)
    account = Account(name="t", unit="u", entity=rng.integers(0, entities, rows),
                      country=tuple("AB"[r % 2] for r in range(rows)),
                      coefficient=rng.uniform(0.1, 1.0, rows), flow=flow, param=param,
                      parameters=PertSampler([1.0, 2.0], [1.5, 3.0], [2.0, 4.0]), power=-1.0)
    x = rng.uniform(1.0, 100.0, (size, entities))
    out = OutputDraws(x=x, tiers=rng.uniform(0.0, 1.0, (size, tiers, entities)) * x[:, None, :],
                      parts=rng.uniform(0.0, 1.0, (size, parts, entities)) * x[:, None, :],
                      weights=rng.uniform(0.01, 1.0, (size, rows)))
    return account, out, rng.uniform(1.0, 4.0, (size, 2))


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), every_flow=st.booleans(), every_param=st.booleans())
def test_a_shared_gather_gives_each_accounts_numbers_bit_for_bit(seed, every_flow,
                                                                  every_param):
    account, out, values = random_case(seed, every_flow, every_param)
    alone = account_draws(account, out, values)
    shared = account_draws(account, out, values, at=entity_outputs(out, account.entity))
    for name in ("rows", "tiers", "parts", "part_rows", "total"):
        assert np.array_equal(getattr(alone, name), getattr(shared, name)), name


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), every_flow=st.booleans(), every_param=st.booleans())
def test_per_output_is_coefficient_times_weight_times_parameter_power(seed, every_flow,
                                                                      every_param):
    account, out, values = random_case(seed, every_flow, every_param)
    expected = np.broadcast_to(account.coefficient, out.weights.shape).copy()
    for r in range(account.coefficient.size):
        if account.flow[r] >= 0:
            expected[:, r] *= out.weights[:, account.flow[r]]
        if account.param[r] >= 0:
            expected[:, r] *= values[:, account.param[r]] ** account.power
    assert np.array_equal(account.per_output(out.weights, values), expected)
