"""A plan's final demand per draw: purchases summed per supplier, in row order."""

from dataclasses import replace

import numpy as np

import moneytrail as mt
from moneytrail.engine.demand import demand_sampler


def added_in_row_order(supplier: np.ndarray, amounts: np.ndarray, n: int) -> np.ndarray:
    f = np.zeros((amounts.shape[0], n))
    for row, s in enumerate(supplier):
        np.add.at(f, (slice(None), s), amounts[:, row])
    return f


def test_to_demand_sums_each_suppliers_rows_in_row_order_bit_for_bit():
    plan = mt.load_scenario("scenarios/stargate-style-us.yaml")
    demand = demand_sampler(plan, mt.load_model(plan.year))
    assert np.bincount(demand.supplier).max() > 1      # suppliers with several rows
    amounts = demand.draw_purchases(np.random.default_rng(3), 120)
    np.testing.assert_array_equal(demand.to_demand(amounts),
                                  added_in_row_order(demand.supplier, amounts, demand.n))
    # a sampler made from another one with other suppliers sums by its own suppliers
    moved = replace(demand, supplier=demand.supplier[::-1].copy())
    np.testing.assert_array_equal(moved.to_demand(amounts),
                                  added_in_row_order(moved.supplier, amounts, moved.n))
