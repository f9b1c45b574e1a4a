"""The order a plan lists its spending categories (and a category's procurement suppliers) in
is no input: the run id hashes sorted keys, so the numbers must not depend on it either.
Any order gives the same plan (schema.canonical_order), the same run id and bit-identical
results, also for a plan built in memory that skips the schema (model_copy)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import moneytrail as mt
from moneytrail.errors import ScenarioError
from moneytrail.scenarios.schema import parse_scenario
from moneytrail.scenarios.yamlio import read_yaml
from moneytrail.service import tasks
from moneytrail.service.result import Result

EFFICIENCY = "efficiency-first-eu"      # five categories, seven cloud suppliers
GIGAFACTORIES = "eu-ai-gigafactories"   # categories listed as Bernstein's split, not sorted


@pytest.fixture(scope="module")
def ws():
    with mt.Workspace.open() as workspace:
        yield workspace


def mapping(plan_id: str) -> dict:
    path = next(p for p in mt.reference_scenarios() if p.stem == plan_id)
    return read_yaml(path, ScenarioError, what="scenario file")


def reordered(data: dict, spend: list[int], suppliers: list[int]) -> dict:
    """The plan mapping with its categories in the order `spend` (positions in the file's
    order) and the first procured category's suppliers in the order `suppliers`."""
    out = dict(data)
    categories = list(data["spend"])
    out["spend"] = {categories[i]: data["spend"][categories[i]] for i in spend}
    if data.get("procurement"):
        first, *rest = list(data["procurement"])
        names = list(data["procurement"][first])
        out["procurement"] = {first: {names[i]: data["procurement"][first][names[i]]
                                      for i in suppliers},
                              **{c: data["procurement"][c] for c in rest}}
    return out


def same_numbers(result: Result) -> dict:
    """A result as JSON, without the time it was computed."""
    data = json.loads(result.to_json())
    data["provenance"].pop("created")
    return data


@pytest.fixture(scope="module")
def sorted_run(ws):
    data = mapping(EFFICIENCY)
    order = sorted(range(len(data["spend"])), key=lambda i: list(data["spend"])[i])
    names = list(data["procurement"]["cloud_compute"])
    alphabetical = reordered(data, order, sorted(range(len(names)), key=names.__getitem__))
    plan = parse_scenario(alphabetical, source=EFFICIENCY)
    return same_numbers(tasks.trace_plan(ws, plan, draws=40, seed=1, store=None,
                                         analyses=False))


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spend=st.permutations(range(5)), suppliers=st.permutations(range(7)))
def test_any_order_of_categories_and_suppliers_gives_the_same_run(ws, sorted_run, spend,
                                                                   suppliers):
    plan = parse_scenario(reordered(mapping(EFFICIENCY), list(spend), list(suppliers)),
                          source=EFFICIENCY)
    result = tasks.trace_plan(ws, plan, draws=40, seed=1, store=None, analyses=False)
    assert same_numbers(result) == sorted_run         # run id, inputs and every table


def test_the_schema_puts_a_plan_in_one_order():
    data = mapping(EFFICIENCY)
    plan = parse_scenario(reordered(data, [4, 3, 2, 1, 0], [6, 5, 4, 3, 2, 1, 0]))
    assert list(plan.spend) == sorted(data["spend"])
    assert list(plan.procurement) == sorted(data["procurement"])
    for shares in plan.procurement.values():
        assert list(shares) == sorted(shares)
    assert list(tasks.plan_inputs(plan)["spend"]) == sorted(data["spend"])


def test_the_reference_plan_as_the_builder_posts_it_traces_as_its_sorted_copy(ws):
    """The tester's case: eu-ai-gigafactories in its file's order (as the builder and the API
    send it) and as plan.yaml lists it (sorted): one run id, the same numbers, with the
    analyses the web app computes."""
    data = mapping(GIGAFACTORIES)
    assert list(data["spend"]) != sorted(data["spend"])
    order = sorted(range(len(data["spend"])), key=lambda i: list(data["spend"])[i])
    runs = [same_numbers(tasks.trace_plan(ws, parse_scenario(d, source=GIGAFACTORIES),
                                          draws=60, seed=1, store=None))
            for d in (data, reordered(data, order, []))]
    assert runs[0] == runs[1]


def test_a_plan_built_in_memory_in_another_order_traces_alike(ws):
    """model_copy skips the schema's sorting (the procurement counterfactual builds plans
    that way): the engine draws the shares in the canonical order all the same."""
    plan = mt.load_scenario(next(p for p in mt.reference_scenarios() if p.stem == EFFICIENCY))
    backwards = plan.model_copy(update={
        "spend": dict(reversed(plan.spend.items())),
        "procurement": {c: dict(reversed(s.items()))
                        for c, s in reversed(plan.procurement.items())}})
    assert list(backwards.spend) != list(plan.spend)
    one, two = (mt.trace(p, ws.model(p.year), draws=30, seed=2) for p in (plan, backwards))
    assert one.by("country").equals(two.by("country"))
    assert one.by("entity").equals(two.by("entity"))
