"""Small plans for the analysis tests (a module of its own: `conftest` names clash across
test folders when the whole suite runs)."""

import moneytrail as mt

DRAWS = 300


def make_plan(**overrides):
    plan = {"id": "t", "title": "test plan", "year": 2025, "currency": "EUR",
            "buyer_region": "EU", "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0},
            "draws": DRAWS, "seed": 3}
    plan.update(overrides)
    return mt.parse_scenario(plan, source="test.yaml")
