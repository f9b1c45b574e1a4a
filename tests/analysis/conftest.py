import pytest

import moneytrail as mt
from moneytrail.analysis.data import load_analysis

DRAWS = 300


@pytest.fixture(scope="session")
def data():
    return load_analysis()


@pytest.fixture(scope="session")
def model():
    return mt.load_model(2025)


@pytest.fixture(scope="session")
def reference(model):
    """The three reference plans traced once (small draw count keeps the suite fast)."""
    out = {}
    for path in mt.reference_scenarios():
        plan = mt.load_scenario(path)
        out[plan.id] = mt.trace(plan, model, draws=DRAWS, seed=7)
    return out


def make_plan(**overrides):
    plan = {"id": "t", "title": "test plan", "year": 2025, "currency": "EUR",
            "buyer_region": "EU", "budget": {"amount": 1e9}, "spend": {"accelerators": 1.0},
            "draws": DRAWS, "seed": 3}
    plan.update(overrides)
    return mt.parse_scenario(plan, source="test.yaml")
